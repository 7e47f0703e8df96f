import { describe, expect, it } from 'vitest';
import type { ClientEventMap } from 'inpage';
import { models, texts } from '../core/models.ts';
import { testClient } from '../support/client.ts';

describe('a browser without Web Locks', () => {
  it("says so: capabilities() reports it with the guarantees lost, a 'warning' event names them, and loads still work", async () => {
    const warnings: ClientEventMap['warning'][] = [];
    const worker = (): Worker => new Worker(new URL('../workers/no-web-locks.ts', import.meta.url), { type: 'module' });
    const client = testClient({ worker, lazy: true });
    client.on('warning', (warning) => warnings.push(warning));
    const { webLocks } = await client.capabilities();
    expect(webLocks).toEqual({ available: false, lost: ['cross-tab-coordination', 'liveness-lock'] });
    expect(warnings.map((warning) => warning.code)).toEqual(['NO_WEB_LOCKS']);
    expect(warnings[0]?.message).toMatch(/without cross-tab coordination .* without its liveness lock/);
    const sentiment = await client.load('sentiment-analysis', models.sentiment, { dtype: 'fp32' });
    expect((await sentiment.run(texts.positive))[0]?.label).toBe('POSITIVE');
    expect(warnings).toHaveLength(1);
  });

  it('with Web Locks, capabilities() reports them and no warning fires', async () => {
    const warnings: ClientEventMap['warning'][] = [];
    const client = testClient({ lazy: true });
    client.on('warning', (warning) => warnings.push(warning));
    expect((await client.capabilities()).webLocks).toEqual({ available: true, lost: [] });
    expect(warnings).toEqual([]);
  });
});
