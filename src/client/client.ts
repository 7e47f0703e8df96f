import { InpageError, abortError, isInpageError } from '../errors.ts';
import type { ProgressEvent } from '../progress.ts';
import type { PreparedInfo } from '../rpc/contract.ts';
import { remoteCallback } from '../rpc/comlink.ts';
import type { Capabilities } from '../runtime/capabilities.ts';
import { chooseDevice } from '../runtime/device-plan.ts';
import { repoIdPattern } from '../hub/hub-client.ts';
import type { TaskId } from '../tasks/registry.ts';
import { getTask } from '../tasks/registry.ts';
import type { Device, Dtype, ResolvedDevice, RevisionPolicy } from '../types.ts';
import type { ClientOptions } from './client-options.ts';
import { assertOneOf, resolveClientOptions } from './client-options.ts';
import { ModelHandle } from './model-handle.ts';
import type { Fallback, Model, ModelSpec } from './model-handle.ts';
import { WorkerHost } from './worker-host.ts';

/** Options of {@link InpageClient.load}. */
export interface LoadOptions {
  /**
   * Weight precision. `auto` picks one that both the device and its WASM fallback can run
   * (WebGPU: fp16 with shader-f16, else fp32; WASM: q8).
   * @default 'auto'
   */
  dtype?: Dtype;
  /**
   * Branch, tag or commit sha.
   * @default 'main'
   */
  revision?: string;
  /** This load's device (default: the client's). */
  device?: Device;
  /** This load's revision policy (default: the client's). */
  revisionPolicy?: RevisionPolicy;
  /** Progress: resolve, per-file and total download bytes, cached files, compile, ready. */
  onProgress?: (event: ProgressEvent) => void;
  /** Aborts the load: downloads stop (what is stored is kept for a resume) and it rejects with `ABORTED`. */
  signal?: AbortSignal;
}

/** The main-thread client. Create it with {@link createClient}. */
export interface InpageClient {
  /**
   * What the browser offers: the WebGPU adapter (probed for real), shader-f16, WASM SIMD and threads.
   * @example
   * const { webgpu } = await client.capabilities();
   * if (!webgpu.adapter) console.log('WASM only');
   */
  capabilities(): Promise<Capabilities>;
  /**
   * Downloads (or finds stored), verifies and starts a model for a task.
   * @throws InpageError `MODEL_NOT_FOUND`, `FILE_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`,
   *   `OFFLINE_NOT_CACHED`, `QUOTA_EXCEEDED`, `INTEGRITY`, `DEVICE_UNAVAILABLE`,
   *   `UNSUPPORTED_TASK`, `ABORTED`, `DISPOSED`, `WORKER_CRASHED`, `RUNTIME`.
   * @example
   * const sentiment = await client.load('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');
   */
  load<T extends TaskId>(task: T, model: string, options?: LoadOptions): Promise<Model<T>>;
  /**
   * Stops the worker and rejects pending calls with `DISPOSED`. Stored models are kept.
   * @example
   * await client.dispose();
   */
  dispose(): Promise<void>;
}

/**
 * Creates an inpage client. The worker and the ONNX Runtime start at once (unless `lazy`), so the
 * first `load()` overlaps with them.
 *
 * @param options - see {@link ClientOptions}.
 * @throws TypeError / RangeError for invalid options.
 * @example
 * const client = createClient({ hub: { endpoint: 'https://huggingface.co' } });
 * const sentiment = await client.load('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');
 * const [top] = await sentiment.run('I love it'); // { label: 'POSITIVE', score: 0.9998 }
 */
export function createClient(options: ClientOptions = {}): InpageClient {
  const resolved = resolveClientOptions(options);
  const host = new WorkerHost({
    config: resolved.worker,
    ...(options.worker ? { worker: options.worker } : {}),
    heartbeatMs: resolved.heartbeatMs,
    heartbeatTimeoutMs: Math.max(5000, resolved.heartbeatMs * 2),
  });
  let callIds = 0;
  const services = { host, nextCallId: () => ++callIds };
  let capabilities: Promise<Capabilities> | undefined;
  const handles = new Set<ModelHandle<TaskId>>();
  if (!options.lazy) host.start();

  const probe = (): Promise<Capabilities> => {
    capabilities ??= host.call((remote) => remote.capabilities());
    capabilities.catch(() => (capabilities = undefined));
    return capabilities;
  };

  /** One worker call, aborted in the worker too when `signal` fires. */
  const abortable = async <R>(signal: AbortSignal | undefined, work: (callId: number) => Promise<R>): Promise<R> => {
    if (signal?.aborted) throw abortError(signal);
    const callId = services.nextCallId();
    let rejectAbort: (error: unknown) => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => (rejectAbort = reject));
    const onAbort = (): void => {
      rejectAbort(abortError(signal));
      void host.call((remote) => remote.abort(callId)).catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([work(callId), aborted]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };

  return {
    capabilities: probe,

    async load<T extends TaskId>(task: T, model: string, loadOptions: LoadOptions = {}): Promise<Model<T>> {
      getTask(task);
      if (typeof model !== 'string') throw new TypeError('inpage: the model id must be a string such as "Xenova/all-MiniLM-L6-v2".');
      if (!repoIdPattern.test(model)) throw new InpageError('INVALID_INPUT', `"${model}" is not a Hub model id (expected "org/name").`);
      if (typeof loadOptions !== 'object' || loadOptions === null) throw new TypeError('inpage: load options must be an object.');
      const requestedDevice = loadOptions.device ?? resolved.device;
      assertOneOf('device', requestedDevice, ['auto', 'webgpu', 'wasm'] as const);
      const dtype = loadOptions.dtype ?? 'auto';
      assertOneOf('dtype', dtype, ['auto', 'fp32', 'fp16', 'q8'] as const);
      const revision = loadOptions.revision ?? 'main';
      if (typeof revision !== 'string' || revision.length === 0) throw new TypeError('inpage: revision must be a non-empty string.');
      const policy = loadOptions.revisionPolicy ?? resolved.policy;
      assertOneOf('revisionPolicy', policy, ['stale-while-revalidate', 'pinned', 'always-check'] as const);
      if (loadOptions.onProgress !== undefined && typeof loadOptions.onProgress !== 'function') throw new TypeError('inpage: onProgress must be a function.');
      const { signal } = loadOptions;
      const userProgress = loadOptions.onProgress;
      const onProgress = userProgress ? remoteCallback((event: ProgressEvent) => userProgress(event)) : undefined;

      const caps = await probe();
      let device: ResolvedDevice = chooseDevice(requestedDevice, { hasAdapter: caps.webgpu.adapter !== null });
      const prepared: PreparedInfo = await abortable(signal, (callId) =>
        host.call((remote) => remote.prepare(callId, { task, model, revision, device, dtype, policy }, onProgress)),
      );
      let fallback: Fallback | null = null;
      const open = (target: ResolvedDevice): Promise<{ id: string; generation: number }> =>
        abortable(signal, (callId) =>
          host.call(async (remote, generation) => ({ id: await remote.open(callId, { task, model, commit: prepared.commit, dtype: prepared.dtype, device: target }, onProgress), generation })),
        );
      let pipeline: { id: string; generation: number };
      try {
        pipeline = await open(device);
      } catch (error) {
        if (!isInpageError(error, 'RUNTIME')) throw error;
        host.restart(error.message);
        if (device !== 'webgpu' || requestedDevice !== 'auto') throw error;
        fallback = { from: 'webgpu', reason: error.message };
        device = 'wasm';
        pipeline = await open(device);
      }
      const spec: ModelSpec = { task, model, revision, commit: prepared.commit, dtype: prepared.dtype, device, requestedDevice };
      const handle = new ModelHandle<T>(services, spec, pipeline, fallback);
      handles.add(handle as unknown as ModelHandle<TaskId>);
      return handle;
    },

    async dispose() {
      await Promise.all([...handles].map((handle) => handle.dispose().catch(() => undefined)));
      handles.clear();
      host.dispose();
    },
  };
}
