import { describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import { uniqueNamespace } from '../support/hub.ts';
import { testClient } from '../support/client.ts';
import { models, texts } from './models.ts';
import { workerProbe } from './worker-probe.ts';

const settled = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );

describe('engine: one call per load', () => {
  it('load() is one worker call after start-up, and each stored file is read once per load', async () => {
    const namespace = uniqueNamespace();
    const downloading = workerProbe();
    const first = testClient({ worker: downloading.factory, storage: { namespace } });
    await first.load('token-classification', models.ner);
    const afterDownload = await downloading.stats();
    expect(afterDownload.calls).toEqual({ init: 1, load: 1 });
    expect(afterDownload.reads).toEqual(Object.fromEntries(Object.keys(afterDownload.reads).map((path) => [path, 1])));

    // From stored files, in a fresh worker: every file is read, once.
    const stored = workerProbe();
    const second = testClient({ worker: stored.factory, storage: { namespace } });
    const ner = await second.load('token-classification', models.ner);
    const fromStore = await stored.stats();
    expect(fromStore.calls).toEqual({ init: 1, load: 1 });
    expect(Object.keys(fromStore.reads)).toContain('config.json');
    expect(fromStore.reads).toEqual(Object.fromEntries(Object.keys(fromStore.reads).map((path) => [path, 1])));
    expect((await ner.run('Alice lives in Paris')).length).toBe(2);
  });
});

describe('engine: a dead or stuck worker', () => {
  it('rejects a generation whose worker closed itself 30 ms in with WORKER_CRASHED within 5 s; the next load works', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const counter = await client.load('text-generation', models.counter);
    probe.trigger('test:slow-runs', 50);
    probe.trigger('test:close-in-next-call', 30);
    const started = performance.now();
    const error = await settled(counter.run('one two three', { maxNewTokens: 200 }));
    expect(isInpageError(error, 'WORKER_CRASHED')).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);
    const sentiment = await client.load('sentiment-analysis', models.sentiment);
    const [top] = await sentiment.run(texts.positive);
    expect(top?.label).toBe('POSITIVE');
    expect(probe.workers.length).toBe(2);
  });

  it('does not take a worker blocked 10 s in a synchronous run for a dead one', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    await client.capabilities();
    probe.trigger('test:block', 10_000);
    const usage = await client.cache.usage();
    expect(usage.modelBytes).toBe(0);
    expect(probe.workers.length).toBe(1);
  }, 30_000);

  it('treats a requestAdapter() that never answers as no WebGPU after 5 s', async () => {
    const probe = workerProbe('hung-adapter');
    const client = testClient({ worker: probe.factory });
    const started = performance.now();
    const { webgpu } = await client.capabilities();
    expect(webgpu.adapter).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(4500);
    const sentiment = await client.load('sentiment-analysis', models.sentiment);
    expect(sentiment.device).toBe('wasm');
  });

  it('fails a worker that never starts once the start-up deadline passes', async () => {
    const client = testClient({
      worker: () => new Worker(new URL('../workers/never-starts.ts', import.meta.url), { type: 'module' }),
      startupTimeoutMs: 1000,
    });
    const error = await settled(client.load('sentiment-analysis', models.sentiment));
    expect(isInpageError(error, 'WORKER_CRASHED')).toBe(true);
    expect((error as Error).message).toContain('did not start within 1000 ms');
  });
});
