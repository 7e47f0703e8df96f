import { describe, expect, it } from 'vitest';
import type { ClientEventMap } from 'inpage';
import { gatedToken } from '../../setup/hub-config.ts';
import { testClient } from '../support/client.ts';
import { uniqueNamespace } from '../support/hub.ts';
import { gatedRepo, largeRepo } from '../store/support.ts';

/** Bytes of the q8 weights of the test models (the gated repo is a copy of the large one). */
const q8Weights = 792_316;

describe("client.on('eviction')", () => {
  it('tells the app which models were evicted to stay within storage.budget, and how many bytes that freed', async () => {
    const client = testClient({
      device: 'wasm',
      hub: { token: gatedToken },
      storage: { namespace: uniqueNamespace('eviction'), budget: 2_500_000, persist: false },
    });
    const events: ClientEventMap['eviction'][] = [];
    client.on('eviction', (event) => events.push(event));
    await client.cache.install('sentiment-analysis', largeRepo, { dtype: 'q8' });
    await client.cache.pin(largeRepo);
    await client.cache.install('sentiment-analysis', gatedRepo, { dtype: 'q8' });
    expect(events).toEqual([]);
    // The oldest model is pinned: the gated q8 goes; its files shared with fp16 stay.
    await client.cache.install('sentiment-analysis', gatedRepo, { dtype: 'fp16' });
    expect(events).toEqual([{ models: [gatedRepo], bytes: q8Weights }]);
  });
});
