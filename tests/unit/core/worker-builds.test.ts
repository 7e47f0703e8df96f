import { afterEach, describe, expect, it } from 'vitest';
import { createClientOn } from '../../../src/client/client.ts';
import type { InpageClient } from '../../../src/client/client.ts';
import type { ClientOptions } from '../../../src/client/client-options.ts';
import { InpageError, isInpageError } from '../../../src/errors.ts';
import { runtimeBuild } from '../../../src/runtime/runtime-build.ts';
import { capabilities, fakeWorkers, loaded, settled } from './fake-engine.ts';
import type { Script } from './fake-engine.ts';

const clients: InpageClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

function client(fake: ReturnType<typeof fakeWorkers>, options: ClientOptions = {}): InpageClient {
  const created = createClientOn({ worker: fake.factory, ...options }, { liveness: fake.liveness });
  clients.push(created);
  return created;
}

const model = 'org/model';
/** A load that plans the device its worker is for, as the real engine does. */
const plannedByWorker: Script['load'] = async (request, _progress, { worker }) =>
  loaded(request, worker.device === 'wasm' || request.device === 'wasm' || request.avoidWebgpu ? 'wasm' : 'webgpu');
const noAdapter = { ...capabilities, webgpu: { ...capabilities.webgpu, adapter: null } };

describe('runtime builds: one worker per build', () => {
  it('picks the plain build for WASM, JSPI for WebGPU where WebAssembly.Suspending exists, else asyncify', () => {
    expect(runtimeBuild('wasm', true)).toBe('plain');
    expect(runtimeBuild('wasm', false)).toBe('plain');
    expect(runtimeBuild('webgpu', true)).toBe('jspi');
    expect(runtimeBuild('webgpu', false)).toBe('asyncify');
  });

  it('a WASM client starts one WASM worker, without a probe round trip', async () => {
    const fake = fakeWorkers({ load: plannedByWorker });
    const sentiment = await client(fake, { device: 'wasm' }).load('sentiment-analysis', model);
    expect(sentiment.device).toBe('wasm');
    expect(fake.workers.map((worker) => worker.startedFor)).toEqual(['wasm']);
    expect(fake.workers[0]?.calls).toEqual(['init', 'load']);
  });

  it('an auto client starts one worker, for the device its probe chose, and runs auto loads there', async () => {
    const fake = fakeWorkers({ load: plannedByWorker });
    const inpage = client(fake);
    expect((await inpage.load('sentiment-analysis', model)).device).toBe('webgpu');
    expect((await inpage.load('ner', 'org/other')).device).toBe('webgpu');
    expect(fake.workers.map((worker) => worker.startedFor)).toEqual(['auto']);
    expect(fake.workers[0]?.calls).toEqual(['init', 'load', 'load']);
  });

  it('an auto client without a WebGPU adapter has a WASM worker; a device: "webgpu" load starts a WebGPU worker beside it', async () => {
    const fake = fakeWorkers({ load: plannedByWorker, capabilities: noAdapter });
    const inpage = client(fake);
    expect((await inpage.load('sentiment-analysis', model)).device).toBe('wasm');
    // The first worker was "auto" and chose WASM: an explicit WASM load goes to it too.
    expect((await inpage.load('ner', 'org/other', { device: 'wasm' })).device).toBe('wasm');
    expect(fake.workers.length).toBe(1);
    await inpage.load('feature-extraction', 'org/third', { device: 'webgpu' });
    expect(fake.workers.map((worker) => worker.startedFor)).toEqual(['auto', 'webgpu']);
  });

  it('a WASM load on a WebGPU client starts a WASM worker beside the WebGPU one; each model runs on its own', async () => {
    const fake = fakeWorkers({ load: plannedByWorker });
    const inpage = client(fake);
    const gpu = await inpage.load('sentiment-analysis', model);
    const cpu = await inpage.load('sentiment-analysis', 'org/cpu', { device: 'wasm' });
    expect([gpu.device, cpu.device]).toEqual(['webgpu', 'wasm']);
    expect(fake.workers.map((worker) => worker.startedFor)).toEqual(['auto', 'wasm']);
    await gpu.run('a');
    await cpu.run('b');
    expect(fake.workers[0]?.calls).toEqual(['init', 'load', 'run']);
    expect(fake.workers[1]?.calls).toEqual(['init', 'load', 'run']);
    // A crash of the WASM worker restarts a WASM worker; the WebGPU one is untouched.
    fake.workers[1]?.close();
    await cpu.run('c');
    expect(fake.workers.map((worker) => worker.startedFor)).toEqual(['auto', 'wasm', 'wasm']);
    expect(fake.workers[0]?.terminated).toBe(false);
  });

  it('a WebGPU failure at load falls back in a fresh WASM worker, and later auto loads go there', async () => {
    const failing: Script = {
      load: async (request, onProgress, context) => {
        if (context.worker.device === 'wasm') return plannedByWorker(request, onProgress, context);
        await onProgress?.({ phase: 'compile', model: request.model, device: 'webgpu', dtype: 'fp32' });
        throw new InpageError('DEVICE_FAILED', 'GPU device lost');
      },
    };
    const fake = fakeWorkers(failing);
    const inpage = client(fake);
    const sentiment = await inpage.load('sentiment-analysis', model);
    expect(sentiment.device).toBe('wasm');
    expect(sentiment.fallback?.reason).toContain('GPU device lost');
    expect(fake.workers.map((worker) => worker.startedFor)).toEqual(['auto', 'wasm']);
    // The poisoned WebGPU worker was stopped, and nothing starts it again for auto loads.
    expect(fake.workers[0]?.terminated).toBe(true);
    expect(fake.workers[1]?.loads[0]).toMatchObject({ avoidWebgpu: true, dtypeFor: 'webgpu', policy: 'pinned' });
    const later = await inpage.load('ner', 'org/other');
    expect(later.device).toBe('wasm');
    expect(fake.workers.length).toBe(2);
    expect(fake.workers[1]?.calls).toEqual(['init', 'load', 'load']);
  });

  it('a WebGPU failure during a run reopens the model in the WASM worker and retries there', async () => {
    const fake = fakeWorkers({
      load: plannedByWorker,
      run: async (_id, _input, { worker }) => {
        if (worker.device !== 'wasm') throw new InpageError('DEVICE_FAILED', 'GPU out of memory');
        return [{ label: 'POSITIVE', score: 1 }];
      },
    });
    const sentiment = await client(fake).load('sentiment-analysis', model);
    expect(await sentiment.run('text')).toEqual([{ label: 'POSITIVE', score: 1 }]);
    expect(sentiment.device).toBe('wasm');
    expect(fake.workers.map((worker) => worker.startedFor)).toEqual(['auto', 'wasm']);
    expect(fake.workers[1]?.calls).toEqual(['init', 'load', 'run']);
    expect(fake.workers[1]?.loads[0]).toMatchObject({ device: 'wasm', avoidWebgpu: true });
  });

  it('an explicit WebGPU device is never moved to the WASM worker', async () => {
    const fake = fakeWorkers({ load: plannedByWorker, run: () => Promise.reject(new InpageError('DEVICE_FAILED', 'GPU device lost')) });
    const sentiment = await client(fake, { device: 'webgpu' }).load('sentiment-analysis', model);
    expect(isInpageError(await settled(sentiment.run('text')), 'DEVICE_FAILED')).toBe(true);
    expect(fake.workers.map((worker) => worker.startedFor)).toEqual(['webgpu', 'webgpu']);
  });
});
