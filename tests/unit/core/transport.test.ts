import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createClientOn } from '../../../src/client/client.ts';
import type { InpageClient } from '../../../src/client/client.ts';
import type { ClientOptions } from '../../../src/client/client-options.ts';
import type { WorkerHostOptions } from '../../../src/client/worker-host.ts';
import { pingLiveness } from '../../../src/client/liveness.ts';
import { InpageError, isInpageError } from '../../../src/errors.ts';
import { deferred, fakeWorkers, loaded, settled } from './fake-engine.ts';

const clients: InpageClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

function client(factory: () => Worker, hostOptions: Partial<WorkerHostOptions> = {}, options: ClientOptions = {}): InpageClient {
  const created = createClientOn({ worker: factory, ...options }, hostOptions);
  clients.push(created);
  return created;
}

const model = 'org/model';
const never = new Promise<never>(() => undefined);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('transport: a dead worker', () => {
  it('rejects a call pending on a busy worker with WORKER_CRASHED at once; the next call starts a fresh worker', async () => {
    const running = deferred();
    const fake = fakeWorkers({ run: () => (running.resolve(), never) }, {});
    const sentiment = await client(fake.factory, { liveness: fake.liveness }).load('sentiment-analysis', model);
    const call = settled(sentiment.run('a long run'));
    await running.promise;
    const started = performance.now();
    fake.workers[0]?.close();
    const error = await call;
    expect(isInpageError(error, 'WORKER_CRASHED')).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await sentiment.run('again')).toEqual([{ label: 'POSITIVE', score: 1 }]);
    expect(fake.workers.length).toBe(2);
    // The fresh worker reopened the model from its exact commit in one call, then ran.
    expect(fake.workers[1]?.calls).toEqual(['init', 'load', 'run']);
    expect(fake.workers[1]?.loads[0]).toMatchObject({ revision: 'c'.repeat(40), policy: 'pinned', dtype: 'fp32' });
  });

  it('rejects a pending load with WORKER_CRASHED; the next load works', async () => {
    const loading = deferred();
    const fake = fakeWorkers({ load: () => (loading.resolve(), never) }, {});
    const inpage = client(fake.factory, { liveness: fake.liveness });
    const load = settled(inpage.load('sentiment-analysis', model));
    await loading.promise;
    fake.workers[0]?.close();
    expect(isInpageError(await load, 'WORKER_CRASHED')).toBe(true);
    const sentiment = await inpage.load('sentiment-analysis', model);
    expect(sentiment.device).toBe('webgpu');
    expect(fake.workers.length).toBe(2);
  });

  it('fails a start-up that never answers after the deadline; the next call starts a fresh worker', async () => {
    const fake = fakeWorkers({ init: () => never }, {});
    const inpage = client(fake.factory, { liveness: fake.liveness, startupTimeoutMs: 200 });
    const error = await settled(inpage.load('sentiment-analysis', model));
    expect(isInpageError(error, 'WORKER_CRASHED')).toBe(true);
    expect((error as Error).message).toContain('did not start within 200 ms');
    expect(fake.workers[0]?.terminated).toBe(true);
    await inpage.load('sentiment-analysis', model);
    expect(fake.workers.length).toBe(2);
  });

  it('does not take a main-thread stall for a missed ping (fallback without Web Locks)', async () => {
    const fake = fakeWorkers({});
    const inpage = client(fake.factory, { liveness: pingLiveness({ intervalMs: 20, timeoutMs: 200 }) });
    await inpage.capabilities();
    await sleep(30); // a ping is in flight
    // The main thread (and, here, the fake worker) stalls well past the ping timeout and the 1 s a
    // timer may be late before it counts as a stall.
    const until = performance.now() + 1500;
    while (performance.now() < until);
    await sleep(300);
    await inpage.capabilities();
    expect(fake.workers.length).toBe(1);
    expect(fake.workers[0]?.terminated).toBe(false);
  });

  it('detects a silently dead worker by missed pings (fallback without Web Locks)', async () => {
    const fake = fakeWorkers({ run: () => never });
    const sentiment = await client(fake.factory, { liveness: pingLiveness({ intervalMs: 20, timeoutMs: 150 }) }).load(
      'sentiment-analysis',
      model,
    );
    const call = settled(sentiment.run('text'));
    await sleep(50);
    fake.workers[0]?.close();
    expect(isInpageError(await call, 'WORKER_CRASHED')).toBe(true);
  });
});

describe('transport: round trips', () => {
  it('a load is one worker call after start-up', async () => {
    const fake = fakeWorkers({});
    const inpage = client(fake.factory, { liveness: fake.liveness });
    await inpage.load('sentiment-analysis', model);
    await inpage.load('ner', 'org/other');
    expect(fake.workers[0]?.calls).toEqual(['init', 'load', 'load']);
  });
});

describe('transport: aborts', () => {
  it('while the worker starts: rejects with ABORTED, and the worker never sees the load', async () => {
    const starting = deferred();
    const fake = fakeWorkers({ init: () => starting.promise });
    const inpage = client(fake.factory, { liveness: fake.liveness });
    const controller = new AbortController();
    const load = settled(inpage.load('sentiment-analysis', model, { signal: controller.signal }));
    controller.abort();
    expect(isInpageError(await load, 'ABORTED')).toBe(true);
    starting.resolve();
    await inpage.capabilities();
    expect(fake.workers[0]?.calls).toEqual(['init', 'capabilities']);
  });

  it('during a load: rejects at once and aborts the worker call', async () => {
    const loading = deferred();
    const fake = fakeWorkers({
      load: (_request, _progress, { signal }) => (
        loading.resolve(),
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new InpageError('ABORTED', 'aborted'))))
      ),
    });
    const inpage = client(fake.factory, { liveness: fake.liveness });
    const controller = new AbortController();
    const load = settled(inpage.load('sentiment-analysis', model, { signal: controller.signal }));
    await loading.promise;
    controller.abort();
    expect(isInpageError(await load, 'ABORTED')).toBe(true);
    await inpage.capabilities();
    expect(fake.workers[0]?.aborted.length).toBe(1);
  });

  it('from the ready event: rejects with ABORTED and releases the opened pipeline', async () => {
    const fake = fakeWorkers({});
    const inpage = client(fake.factory, { liveness: fake.liveness });
    const controller = new AbortController();
    const load = settled(
      inpage.load('sentiment-analysis', model, {
        signal: controller.signal,
        onProgress: (event) => event.phase === 'ready' && controller.abort(),
      }),
    );
    expect(isInpageError(await load, 'ABORTED')).toBe(true);
    for (let i = 0; i < 20 && fake.workers[0]?.released.length === 0; i++) await sleep(5);
    expect(fake.workers[0]?.released).toEqual([`${model}@webgpu`]);
  });

  it('during a run: rejects at once and aborts the worker call; the model keeps working', async () => {
    const running = deferred();
    let first = true;
    const fake = fakeWorkers({
      run: (_id, _input, { signal }) => {
        if (!first) return Promise.resolve('second');
        first = false;
        running.resolve();
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new InpageError('ABORTED', 'aborted'))));
      },
    });
    const sentiment = await client(fake.factory, { liveness: fake.liveness }).load('sentiment-analysis', model);
    const controller = new AbortController();
    const call = settled(sentiment.run('text', { signal: controller.signal }));
    await running.promise;
    controller.abort();
    expect(isInpageError(await call, 'ABORTED')).toBe(true);
    expect(await sentiment.run('text')).toBe('second');
    expect(fake.workers[0]?.aborted.length).toBe(1);
    expect(fake.workers.length).toBe(1);
  });

  it('leaves no listener on a long-lived signal after 10,000 calls', async () => {
    const fake = fakeWorkers({});
    const sentiment = await client(fake.factory, { liveness: fake.liveness }).load('sentiment-analysis', model);
    const controller = new AbortController();
    for (let i = 0; i < 10_000; i += 500) {
      await Promise.all(Array.from({ length: 500 }, () => sentiment.run('text', { signal: controller.signal })));
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('recovery: the error taxonomy', () => {
  it('an input error reaches the caller without a restart', async () => {
    const fake = fakeWorkers({ run: () => Promise.reject(new InpageError('INVALID_INPUT', 'no mask token')) });
    const model1 = await client(fake.factory, { liveness: fake.liveness }).load('fill-mask', model);
    expect(isInpageError(await settled(model1.run('text')), 'INVALID_INPUT')).toBe(true);
    expect(fake.workers.length).toBe(1);
    expect(fake.workers[0]?.calls.filter((call) => call === 'run')).toHaveLength(1);
  });

  it('a runtime error restarts the worker and is retried once, on the same device', async () => {
    const fake = fakeWorkers({ run: () => Promise.reject(new InpageError('RUNTIME', 'session run failed')) }, {});
    const sentiment = await client(fake.factory, { liveness: fake.liveness }).load('sentiment-analysis', model);
    expect(await sentiment.run('text')).toEqual([{ label: 'POSITIVE', score: 1 }]);
    expect(fake.workers.length).toBe(2);
    expect(fake.workers[0]?.terminated).toBe(true);
    expect(sentiment.device).toBe('webgpu');
    expect(sentiment.fallback).toBeNull();
  });

  it('a device failure at load moves it to WASM with the planned dtype, and the client remembers it', async () => {
    const fake = fakeWorkers(
      {
        load: async (request, onProgress) => {
          await onProgress?.({ phase: 'compile', model: request.model, device: 'webgpu', dtype: 'fp32' });
          throw new InpageError('DEVICE_FAILED', 'GPU device lost');
        },
      },
      {},
    );
    const inpage = client(fake.factory, { liveness: fake.liveness });
    const sentiment = await inpage.load('sentiment-analysis', model);
    expect(sentiment.device).toBe('wasm');
    expect(sentiment.fallback?.reason).toContain('GPU device lost');
    expect(fake.workers[1]?.loads[0]).toMatchObject({ avoidWebgpu: true, dtypeFor: 'webgpu', policy: 'pinned' });
    const later = await inpage.load('ner', 'org/other');
    expect(later.device).toBe('wasm');
    expect(later.fallback?.reason).toContain('WebGPU failed earlier');
    expect(fake.workers[1]?.loads[1]).toMatchObject({ avoidWebgpu: true });
    expect(fake.workers.length).toBe(2);
  });

  it('a device failure during a run moves the model to WASM and retries there', async () => {
    const fake = fakeWorkers({ run: () => Promise.reject(new InpageError('DEVICE_FAILED', 'GPU out of memory')) }, {});
    const sentiment = await client(fake.factory, { liveness: fake.liveness }).load('sentiment-analysis', model);
    expect(await sentiment.run('text')).toEqual([{ label: 'POSITIVE', score: 1 }]);
    expect(sentiment.device).toBe('wasm');
    expect(fake.workers[1]?.loads[0]).toMatchObject({ device: 'wasm', dtype: 'fp32' });
  });

  it('a device failure with an explicit WebGPU device is not demoted', async () => {
    const fake = fakeWorkers({ run: () => Promise.reject(new InpageError('DEVICE_FAILED', 'GPU device lost')) });
    const sentiment = await client(fake.factory, { liveness: fake.liveness }, { device: 'webgpu' }).load('sentiment-analysis', model);
    expect(isInpageError(await settled(sentiment.run('text')), 'DEVICE_FAILED')).toBe(true);
    expect(sentiment.device).toBe('webgpu');
    expect(fake.workers.length).toBe(2);
  });
});

describe('limits', () => {
  it('splits a call beyond 256 items or 262,144 characters into several inferences', async () => {
    const sizes: number[] = [];
    const fake = fakeWorkers({
      run: async (_id, input) => {
        const texts = input as string[];
        sizes.push(texts.length);
        return texts.map((text) => [{ label: text, score: 1 }]);
      },
    });
    const sentiment = await client(fake.factory, { liveness: fake.liveness }).load('sentiment-analysis', model);
    const texts = Array.from({ length: 600 }, (_, i) => `t${i}`);
    const output = await sentiment.run(texts);
    expect(sizes).toEqual([256, 256, 88]);
    expect(output.map((top) => top[0]?.label)).toEqual(texts);
    // Three texts of 99,000 characters: two fit in 262,144.
    await sentiment.run(['x', 'y', 'z'].map((letter) => letter.repeat(99_000)));
    expect(sizes.slice(3)).toEqual([2, 1]);
  });
});

describe('client events and disposal', () => {
  it('announce a fallback at load and during a run, and each worker restart, with plain data', async () => {
    let failLoads = 1;
    const fake = fakeWorkers(
      {
        load: async (request, onProgress) => {
          await onProgress?.({ phase: 'compile', model: request.model, device: 'webgpu', dtype: 'fp32' });
          if (failLoads-- > 0) throw new InpageError('DEVICE_FAILED', 'GPU device lost');
          return loaded(request);
        },
      },
      {},
    );
    const inpage = client(fake.factory, { liveness: fake.liveness });
    const fallbacks: unknown[] = [];
    const restarts: string[] = [];
    inpage.on('fallback', (event) => fallbacks.push(event));
    const off = inpage.on('worker-restart', (event) => restarts.push(event.code));
    await inpage.load('sentiment-analysis', model);
    expect(fallbacks).toEqual([{ model, from: 'webgpu', to: 'wasm', reason: expect.stringContaining('GPU device lost') }]);
    expect(restarts).toEqual(['WORKER_CRASHED']);
    off();
    fake.workers[1]?.close();
    await sleep(50);
    expect(restarts).toEqual(['WORKER_CRASHED']);
  });

  it('dispose the client and its models with `await using`', async () => {
    const fake = fakeWorkers({}, {});
    let handle: Awaited<ReturnType<InpageClient['load']>> | undefined;
    {
      await using inpage = createClientOn({ worker: fake.factory }, { liveness: fake.liveness });
      handle = await inpage.load('sentiment-analysis', model);
    }
    expect(fake.workers[0]?.terminated).toBe(true);
    const disposed = handle;
    expect(() => disposed.run('text')).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
  });
});
