import { describe, expect, it } from 'vitest';
import type { LoadProgressEvent } from 'inpage';
import { testClient } from '../support/client.ts';
import { uniqueNamespace } from '../support/hub.ts';
import { chunkSize, largeModelSize, largeRepo, weights } from './support.ts';

/** config.json + tokenizer.json + tokenizer_config.json + onnx/model.onnx of the large fixture. */
const fp32Total = 723 + 8336 + 1182 + largeModelSize;

describe('store progress', () => {
  it('reports the total before any byte, then downloads; a second load reports every file cached', async () => {
    const namespace = uniqueNamespace('progress');
    const events: LoadProgressEvent[] = [];
    await testClient({ storage: { namespace, chunkSize } }).load('sentiment-analysis', largeRepo, {
      dtype: 'fp32',
      onProgress: (event) => events.push(event),
    });
    const phases = events.map((event) => event.phase);
    expect(phases[0]).toBe('resolve');
    const firstTotal = phases.indexOf('total');
    expect(firstTotal).toBeGreaterThan(0);
    expect(phases.slice(0, firstTotal).filter((phase) => phase === 'download')).toEqual([]);
    const totals = events.filter((event) => event.phase === 'total');
    expect(totals[0]).toMatchObject({ total: fp32Total, loaded: 0, files: 4 });
    expect(totals.at(-1)).toMatchObject({ total: fp32Total, loaded: fp32Total });
    const lastWeights = events.filter((event) => event.phase === 'download' && event.file === weights).at(-1);
    expect(lastWeights).toMatchObject({ loaded: largeModelSize, total: largeModelSize });

    const again: LoadProgressEvent[] = [];
    await testClient({ storage: { namespace, chunkSize } }).load('sentiment-analysis', largeRepo, {
      dtype: 'fp32',
      onProgress: (event) => again.push(event),
    });
    expect(
      again
        .filter((event) => event.phase === 'cached')
        .map((event) => event.phase === 'cached' && event.file)
        .sort(),
    ).toEqual(['config.json', weights, 'tokenizer.json', 'tokenizer_config.json']);
    expect(again.filter((event) => event.phase === 'download')).toEqual([]);
    expect(again.find((event) => event.phase === 'total')).toMatchObject({ total: fp32Total, loaded: fp32Total });
  });
});
