import { describe, expect, it } from 'vitest';
import type { TokenEntity } from 'inpage';
import { hub, project } from '../support/hub.ts';
import { testClient } from '../support/client.ts';
import { models, texts } from './models.ts';
import { workerProbe } from './worker-probe.ts';

/** Weight files of these tests' models served by the CDN since the last clear. */
async function weightDownloads(): Promise<number> {
  const repos: string[] = [models.sentiment, models.ner];
  const served = await hub.requests({ origin: 'cdn' });
  return served.filter((request) => request.file?.endsWith('.onnx') && repos.includes(request.repo ?? '')).length;
}

describe.skipIf(project !== 'webgpu')('WebGPU fallback', () => {
  it('falls back to WASM on a fresh worker from stored bytes when WebGPU session creation fails', async () => {
    const probe = workerProbe('fail-webgpu');
    const client = testClient({ worker: probe.factory });
    await hub.clearRequests();

    const sentiment = await client.load('sentiment-analysis', models.sentiment);
    expect(sentiment.device).toBe('wasm');
    expect(sentiment.fallback?.from).toBe('webgpu');
    expect(sentiment.fallback?.reason).toContain('WebGPU session creation failed on purpose');
    const [top] = await sentiment.run(texts.positive);
    expect(top?.label).toBe('POSITIVE');
    expect(top?.score).toBeCloseTo(0.9727, 4);
    // The failed session poisoned the first worker: a second one, a WASM worker on the plain build, runs the model.
    expect(probe.workers.length).toBe(2);
    expect((await probe.stats()).runtimeFiles).toEqual(['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']);
    expect((await probe.stats()).sessions.filter((providers) => providers.includes('webgpu'))).toEqual([]);
    expect(await weightDownloads()).toBe(1);

    await hub.clearRequests();
    // The client remembers: the next auto load goes straight to WASM (no failed session, no restart).
    const ner = await client.load('token-classification', models.ner);
    expect(ner.device).toBe('wasm');
    expect(ner.fallback?.from).toBe('webgpu');
    expect(ner.fallback?.reason).toMatch(/^WebGPU failed earlier in this client: .*failed on purpose/);
    const entities = await ner.run('Alice lives in Paris');
    expect(entities.map((entity) => [(entity as TokenEntity).word, (entity as TokenEntity).entity])).toEqual([
      ['Alice', 'B-PER'],
      ['Paris', 'B-LOC'],
    ]);
    const [again] = await sentiment.run(texts.negative);
    expect(again?.label).toBe('NEGATIVE');
    expect(again?.score).toBeCloseTo(0.9598, 4);
    expect(probe.workers.length).toBe(2);
    // The fallback read the stored bytes: each weight file was downloaded exactly once.
    expect(await weightDownloads()).toBe(1);
  });
});
