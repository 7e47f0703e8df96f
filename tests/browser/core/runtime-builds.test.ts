import { describe, expect, it } from 'vitest';
import { project } from '../support/hub.ts';
import { testClient } from '../support/client.ts';
import { models, texts } from './models.ts';
import { workerProbe } from './worker-probe.ts';

/** The runtime files of each build, as the instrumented worker names what it fetched. */
const plain = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
const jspi = ['ort-wasm-simd-threaded.jspi.mjs', 'ort-wasm-simd-threaded.jspi.wasm'];

describe('runtime builds: one ONNX Runtime build per worker', () => {
  // In the wasm-only project the default client is the WASM-only one (no adapter); in the webgpu
  // project a WASM client is asked for explicitly.
  it('a WASM-only client runs its models on the plain build, and fetches no other runtime file', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory, ...(project === 'webgpu' ? { device: 'wasm' } : {}) });
    const sentiment = await client.load('sentiment-analysis', models.sentiment);
    expect(sentiment.device).toBe('wasm');
    const [top] = await sentiment.run(texts.positive);
    expect(top?.label).toBe('POSITIVE');
    expect(top?.score).toBeCloseTo(0.9727, 4);
    expect(probe.workers.length).toBe(1);
    expect((await probe.stats()).runtimeFiles).toEqual(plain);
  });

  it('starts the runtime by URL (the loads Chromium code-caches), never from the runtime bytes', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory, ...(project === 'webgpu' ? { device: 'wasm' } : {}) });
    const sentiment = await client.load('sentiment-analysis', models.sentiment);
    expect((await sentiment.run(texts.positive))[0]?.label).toBe('POSITIVE');
    const { wasmCompiles } = await probe.stats();
    // bench/README.md, "Returning visits and the wasm code cache": the cached code runs calls faster.
    // createClient's off-thread compile of the runtime's URL (warm-up), then the runtime's own start.
    expect(wasmCompiles.filter(({ api }) => api.endsWith('Streaming'))).toEqual([
      { api: 'compileStreaming', bytes: 0 },
      { api: 'instantiateStreaming', bytes: 0 },
    ]);
    // The runtime module is over 10 MB; hash-wasm's modules, compiled from bytes, are a few KB.
    expect(wasmCompiles.filter(({ bytes }) => bytes > 10_000_000)).toEqual([]);
  });

  it.skipIf(project !== 'webgpu')(
    'a WebGPU client runs on the JSPI build; a device loss moves the model to a fresh WASM worker on the plain build, and the call succeeds',
    async () => {
      expect('Suspending' in WebAssembly).toBe(true);
      const probe = workerProbe();
      const client = testClient({ worker: probe.factory });
      const sentiment = await client.load('sentiment-analysis', models.sentiment);
      expect(sentiment.device).toBe('webgpu');
      expect((await sentiment.run(texts.positive))[0]?.label).toBe('POSITIVE');
      const webgpuWorker = probe.current();
      const stats = await probe.stats(webgpuWorker);
      expect(stats.sessions.some((providers) => providers.includes('webgpu'))).toBe(true);
      expect(stats.runtimeFiles).toEqual(jspi);

      expect(await probe.loseDevice()).toBe(true);
      const [top] = await sentiment.run(texts.negative);
      expect(top?.label).toBe('NEGATIVE');
      expect(top?.score).toBeCloseTo(0.9598, 3);
      expect(sentiment.device).toBe('wasm');
      expect(sentiment.fallback?.from).toBe('webgpu');
      expect(probe.workers.length).toBe(2);
      expect(probe.current()).not.toBe(webgpuWorker);
      expect((await probe.stats()).runtimeFiles).toEqual(plain);
    },
  );
});
