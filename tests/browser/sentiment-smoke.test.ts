import { describe, expect, it } from 'vitest';
import { testClient } from './support/client.ts';

describe('smoke', () => {
  it('loads and runs the sentiment fixture', async () => {
    const client = testClient();
    const events: string[] = [];
    const model = await client.load('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english', { onProgress: (e) => events.push(e.phase) });
    const [top] = await model.run('I love this wonderful movie');
    expect(top?.label).toBe('POSITIVE');
    console.log(model.device, model.dtype, events.join(','));
  });
});
