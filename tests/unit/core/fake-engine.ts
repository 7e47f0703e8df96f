/**
 * A fake engine behind a real `MessageChannel`, for Node tests of the transport and the recovery
 * policy: each "worker" is one channel with a scripted {@link WorkerApi} on the far end, and dies
 * the way a real one does (its port stops answering and its liveness lock is freed).
 * @module
 */
import { InpageError } from '../../../src/errors.ts';
import type { LoadProgressEvent } from '../../../src/progress.ts';
import { exposeWorkerApi } from '../../../src/rpc/comlink.ts';
import type { LoadedInfo, LoadRequest, WorkerApi, WorkerNotice } from '../../../src/rpc/contract.ts';
import type { Capabilities } from '../../../src/runtime/capabilities.ts';
import type { Liveness } from '../../../src/client/liveness.ts';

/** What a scripted engine method receives besides its arguments. */
export interface FakeContext {
  worker: FakeWorker;
  /** Aborted when the client aborts this call. */
  signal: AbortSignal;
}

/** The behaviour of one fake worker; unset methods answer at once with plausible data. */
export interface Script {
  init?(worker: FakeWorker): Promise<void>;
  /** What this worker's probe finds (default: {@link capabilities}, with an adapter). */
  capabilities?: Capabilities;
  load?(request: LoadRequest, onProgress: ((event: LoadProgressEvent) => void) | undefined, context: FakeContext): Promise<LoadedInfo>;
  run?(pipelineId: string, input: unknown, context: FakeContext): Promise<unknown>;
}

export const capabilities: Capabilities = {
  webgpu: {
    adapter: { vendor: 'test', architecture: '', description: '', isFallbackAdapter: false },
    shaderF16: false,
    maxBufferSize: 1,
    maxStorageBufferBindingSize: 1,
  },
  wasm: { simd: true, threads: false, numThreads: 1 },
  crossOriginIsolated: false,
  hardwareConcurrency: 2,
  webLocks: { available: true, lost: [] },
};

const positive = { label: 'POSITIVE', score: 1 };

/** The answer of a load that succeeded on `device`. */
export function loaded(request: LoadRequest, device: 'webgpu' | 'wasm' = request.avoidWebgpu ? 'wasm' : 'webgpu'): LoadedInfo {
  return {
    pipelineId: `${request.model}@${device}`,
    commit: 'c'.repeat(40),
    dtype: 'fp32',
    device,
    offline: false,
    downloaded: 0,
    bytes: 1,
  };
}

/** A Worker look-alike on one end of a MessageChannel, with the scripted engine on the other. */
export class FakeWorker extends EventTarget {
  /** Engine methods called, in order (one entry per worker round trip). */
  readonly calls: string[] = [];
  readonly loads: LoadRequest[] = [];
  readonly aborted: number[] = [];
  readonly released: string[] = [];
  /** The in-worker execution time each run and stream reports (the contract's `Timed.ms`). */
  runMs = 7;
  lockName: string | undefined;
  /** The device the client started this worker for (`WorkerConfig.device`: `auto`, `wasm` or `webgpu`). */
  startedFor: string | undefined;
  /** The device it is for once started (`auto` resolved by its probe). */
  device: 'wasm' | 'webgpu' | undefined;
  /** The client's callback for what a worker does unasked (evictions), as `init` received it. */
  onNotice: ((notice: WorkerNotice) => void) | undefined;
  terminated = false;
  dead = false;
  readonly #channel = new MessageChannel();
  readonly #liveness: ManualLiveness;
  readonly #controllers = new Map<number, AbortController>();

  constructor(script: Script, liveness: ManualLiveness) {
    super();
    this.#liveness = liveness;
    exposeWorkerApi(this.#engine(script), this.#channel.port2 as never);
  }

  postMessage(message: unknown, transfer?: Transferable[]): void {
    if (!this.dead) this.#channel.port1.postMessage(message, (transfer ?? []) as never);
  }

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: AddEventListenerOptions): void {
    if (type === 'message') (this.#channel.port1 as unknown as EventTarget).addEventListener(type, listener, options);
    else super.addEventListener(type, listener, options);
  }

  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'message') (this.#channel.port1 as unknown as EventTarget).removeEventListener(type, listener);
    else super.removeEventListener(type, listener);
  }

  start(): void {
    this.#channel.port1.start();
  }

  terminate(): void {
    this.terminated = true;
    this.#die();
  }

  /** Dies silently, like `self.close()`: no error event, no answer ever again; its lock is freed. */
  close(): void {
    this.#die();
    if (this.lockName) this.#liveness.release(this.lockName);
  }

  #die(): void {
    if (this.dead) return;
    this.dead = true;
    this.#channel.port1.close();
    this.#channel.port2.close();
  }

  #engine(script: Script): WorkerApi {
    const track = <T>(name: string, callId: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
      this.calls.push(name);
      const controller = new AbortController();
      this.#controllers.set(callId, controller);
      return work(controller.signal).finally(() => this.#controllers.delete(callId));
    };
    return {
      init: async (config, liveness, onNotice) => {
        this.onNotice = onNotice;
        this.calls.push('init');
        this.startedFor = config.device;
        this.lockName = liveness.lockName;
        await script.init?.(this);
        // As the real engine: an `auto` worker is for WebGPU when its probe finds an adapter.
        const device =
          config.device === 'auto' ? ((script.capabilities ?? capabilities).webgpu.adapter ? 'webgpu' : 'wasm') : config.device;
        this.device = device;
        return { lockHeld: liveness.lockName !== undefined, device, build: device === 'wasm' ? 'plain' : 'jspi' };
      },
      ping: () => Date.now(),
      capabilities: async () => (this.calls.push('capabilities'), script.capabilities ?? capabilities),
      load: (callId, request, onProgress) =>
        track('load', callId, async (signal) => {
          this.loads.push(request);
          if (script.load) return script.load(request, onProgress, { worker: this, signal });
          const info = loaded(request);
          await onProgress?.({
            phase: 'ready',
            model: request.model,
            device: info.device,
            dtype: info.dtype,
            commit: info.commit,
            offline: info.offline,
          });
          return info;
        }),
      prepare: (callId, request) => track('prepare', callId, async () => loaded(request)),
      fit: (callId) =>
        track('fit', callId, async () => ({
          verdict: 'fits' as const,
          device: 'wasm' as const,
          dtype: 'q8' as const,
          bytes: 0,
          sessionBytes: 0,
          largestTensorBytes: null,
          findings: [],
          reasons: [],
        })),
      run: ((callId: number, pipelineId: string, _task: string, input: unknown) =>
        track('run', callId, async (signal) => ({
          output: script.run
            ? await script.run(pipelineId, input, { worker: this, signal })
            : Array.isArray(input)
              ? input.map(() => [positive])
              : [positive],
          ms: this.runMs,
        }))) as WorkerApi['run'],
      stream: async () => (this.calls.push('stream'), { output: undefined, ms: this.runMs }),
      chat: async () => {
        throw new InpageError('RUNTIME', 'not scripted');
      },
      chatDispose: async () => undefined,
      abort: (callId) => {
        this.aborted.push(callId);
        this.#controllers.get(callId)?.abort();
      },
      release: async (pipelineId) => void this.released.push(pipelineId),
      cacheList: async () => [],
      cacheUsage: async () => {
        throw new InpageError('RUNTIME', 'not scripted');
      },
      cacheDelete: async () => false,
      cacheClear: async () => undefined,
      cachePin: async () => undefined,
    };
  }
}

/** A liveness source the test drives: a worker's "lock" is released when it dies. */
export interface ManualLiveness extends Liveness {
  release(lockName: string): void;
}

export function manualLiveness(): ManualLiveness {
  const watchers = new Map<string, (reason: string) => void>();
  let count = 0;
  return {
    lockName: () => `test-lock-${++count}`,
    watch(worker, onDead) {
      const name = worker.lockName ?? '';
      watchers.set(name, onDead);
      return () => watchers.delete(name);
    },
    release(lockName) {
      watchers.get(lockName)?.('it ended (its liveness lock was released)');
    },
  };
}

/** Fake workers made by one client, one script per worker in order (the last one repeats). */
export function fakeWorkers(...scripts: Script[]): { factory: () => Worker; workers: FakeWorker[]; liveness: ManualLiveness } {
  const workers: FakeWorker[] = [];
  const liveness = manualLiveness();
  const factory = (): Worker => {
    const worker = new FakeWorker(scripts[Math.min(workers.length, scripts.length - 1)] ?? {}, liveness);
    workers.push(worker);
    return worker as unknown as Worker;
  };
  return { factory, workers, liveness };
}

/** A promise and its resolver. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** What a promise settled with. */
export async function settled(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}
