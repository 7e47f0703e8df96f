import type { LoadProgressEvent } from '../types.ts';
import type { LoadedInfo, LoadRequest } from '../rpc/contract.ts';
import { remoteCallback } from '../rpc/comlink.ts';
import type { Capabilities } from '../runtime/capabilities.ts';
import type { TaskId } from '../tasks/registry.ts';
import type { LoadedTask } from '../tasks/task-table.ts';
import type { AsyncDisposableIfSupported, Device, ResolvedDevice } from '../types.ts';
import type { CacheAdmin } from './cache-admin.ts';
import { createCacheAdmin } from './cache-admin.ts';
import { ClientEvents } from './events.ts';
import type { ClientEventListener, ClientEventType } from './events.ts';
import type { ClientOptions, LoadOptions } from './client-options.ts';
import { resolveClientOptions } from './client-options.ts';
import { ModelHandle } from './model-handle.ts';
import type { Model } from './model-handle.ts';
import type { Fallback, HandleServices, ModelSpec } from './handle-types.ts';
import { requestChecks } from './on-demand.ts';
import type { DeviceHealth, ModelRequestServices } from './model-request.ts';
import type { RoutingServices } from '../routing/route-entry.ts';
import { withRecovery } from './recovery.ts';
import { WorkerHost } from './worker-host.ts';
import type { WorkerHostOptions } from './worker-host.ts';

export type { LoadOptions } from './client-options.ts';

/**
 * The main-thread client. Create it with {@link createClient}. Disposable with `await using` where
 * the app's TypeScript lib has `Symbol.asyncDispose` (see {@link AsyncDisposableIfSupported}).
 */
export interface InpageClient extends AsyncDisposableIfSupported {
  /**
   * What the browser offers: the WebGPU adapter (probed for real), shader-f16, WASM SIMD and
   * threads, Web Locks (and the guarantees lost without them).
   * @example
   * const { webgpu } = await client.capabilities();
   * if (!webgpu.adapter) console.log('WASM only');
   */
  capabilities(): Promise<Capabilities>;
  /**
   * Downloads (or finds stored), verifies and starts a model for a task. With a ladder of models
   * (slowest and best first) and `latencyTarget`, runs the first one whose measured p95 meets the
   * target on this device, and switches rungs between calls when it keeps missing (see `model.route`).
   * @throws InpageError `MODEL_NOT_FOUND`, `FILE_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`,
   *   `OFFLINE_NOT_CACHED`, `QUOTA_EXCEEDED`, `MODEL_TOO_LARGE`, `INTEGRITY`, `DEVICE_UNAVAILABLE`,
   *   `UNSUPPORTED_TASK`, `ABORTED`, `DISPOSED`, `WORKER_CRASHED`, `RUNTIME`; TypeError for a ladder without `latencyTarget`.
   * @example
   * const sentiment = await client.load('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');
   * const fast = await client.load('sentiment-analysis', ['org/large', 'org/small'], { latencyTarget: { p95: 120 } });
   */
  load<T extends TaskId>(task: T, model: string | readonly string[], options?: LoadOptions): Promise<Model<T>>;
  /**
   * Stops the worker and rejects pending calls with `DISPOSED`. Stored models are kept.
   * @example
   * await client.dispose();
   */
  dispose(): Promise<void>;
  /** What inpage stores, and control over it: list, usage, install, delete, clear, pin. */
  readonly cache: CacheAdmin;
  /**
   * Listens to what the client does on its own: a model falling back to WASM, a worker restart, an
   * eviction, a warning (a worker started without Web Locks).
   * @returns the removal of the listener.
   * @example
   * client.on('fallback', ({ model, reason }) => console.warn(`${model} runs on WASM: ${reason}`));
   * client.on('worker-restart', ({ code, reason }) => console.warn(code, reason));
   * client.on('warning', ({ code, message }) => console.warn(code, message));
   * client.on('route', ({ kind, to, reason }) => console.info(kind, to.model, to.device, reason));
   */
  on<K extends ClientEventType>(type: K, listener: ClientEventListener<K>): () => void;
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
  return createClientOn(options);
}

/**
 * One plain load (no routing): `tweak` adjusts the worker's request (routing pins a commit, a dtype or WASM).
 * @internal
 */
export type LoadOne = <T extends TaskId>(
  task: T,
  model: string,
  options: LoadOptions,
  tweak?: (request: LoadRequest) => LoadRequest,
) => Promise<ModelHandle<T>>;

/** The task lookups a client uses: the task table's, or a test's table with tasks of its own. */
export interface TaskLookup {
  check(id: unknown): unknown;
  load(id: unknown): Promise<LoadedTask>;
}

/**
 * {@link createClient} with host options overridden (tests inject a liveness source) and, for
 * tests, another task table.
 * @internal
 */
export function createClientOn(
  options: ClientOptions,
  hostOverrides: Partial<WorkerHostOptions> = {},
  testTasks?: TaskLookup,
): InpageClient {
  const resolved = resolveClientOptions(options);
  // Started now, so the first load does not wait for the checks' code.
  requestChecks().catch(() => undefined);
  const events = new ClientEvents();
  // One host per ONNX Runtime build: the first is for the client's device (`auto` until its worker
  // probed), the others start when a load is planned on another device (or falls back to WASM).
  const newHost = (device: Device): WorkerHost =>
    new WorkerHost({
      onWorkerLost: (error) => events.emit('worker-restart', { reason: error.message, code: error.code }),
      onNotice: ({ type, ...notice }) => events.emit(type, notice as never),
      config: {
        ...resolved.worker,
        device,
        avoidSoftwareAdapter: options.routing?.softwareAdapter === undefined || options.routing.softwareAdapter === 'avoid',
      },
      ...(options.worker ? { worker: options.worker } : {}),
      heartbeatMs: resolved.heartbeatMs,
      startupTimeoutMs: resolved.startupTimeoutMs,
      ...hostOverrides,
    });
  const primary = newHost(resolved.device);
  const hosts = [primary];
  const hostFor = (device: ResolvedDevice): WorkerHost => {
    let host = hosts.find((candidate) => candidate.device === device);
    if (!host) hosts.push((host = newHost(device)));
    return host;
  };
  let callIds = 0;
  const handles = new Set<{ dispose(): Promise<void> }>();
  const health: DeviceHealth = { webgpuFailure: null };
  let capabilities: Promise<Capabilities> | undefined;
  const probe = (): Promise<Capabilities> => {
    capabilities ??= primary.call((remote) => remote.capabilities());
    capabilities.catch(() => (capabilities = undefined));
    return capabilities;
  };
  const services: HandleServices & ModelRequestServices = {
    primary,
    hostFor,
    capabilities: probe,
    health,
    events,
    nextCallId: () => ++callIds,
    forget: (handle) => handles.delete(handle),
  };
  if (!options.lazy) primary.start();
  const cache = createCacheAdmin(services, { device: resolved.device, policy: resolved.policy, persist: options.storage?.persist });

  const dispose = async (): Promise<void> => {
    // Callers are rejected first (each handle's own DISPOSED); stopping the worker then ends any
    // running inference at once instead of waiting for it.
    const disposing = [...handles].map((handle) => handle.dispose().catch(() => undefined));
    hosts.forEach((host) => host.dispose());
    await Promise.all(disposing);
    handles.clear();
    events.clear();
  };

  const loadOne: LoadOne = async <T extends TaskId>(
    task: T,
    model: string,
    loadOptions: LoadOptions,
    tweak = (request: LoadRequest) => request,
  ): Promise<ModelHandle<T>> => {
    const { modelRequest, workerRequest, taskTable, route } = await requestChecks();
    // The task table loads with the request checks, outside the main entry.
    const tasks = testTasks ?? taskTable;
    const request = modelRequest(task, model, loadOptions, resolved, (id) => tasks.check(id));
    const { requestedDevice, onProgress } = request;
    // The task's code loads while the worker prepares the model.
    const definition = tasks.load(request.task).then(({ definition }) => definition);
    definition.catch(() => undefined);
    const earlier = health.webgpuFailure;
    let fallback: Fallback | null =
      requestedDevice === 'auto' && earlier !== null
        ? { from: 'webgpu', reason: `WebGPU failed earlier in this client: ${earlier}` }
        : null;
    let workerLoad = tweak(workerRequest(request, health));
    // The device the worker planned for the current attempt (its `compile` event comes before any session).
    let attemptDevice: ResolvedDevice | undefined;
    const progress = remoteCallback((event: LoadProgressEvent) => {
      if (event.phase === 'compile') attemptDevice = event.device;
      onProgress?.(event);
    });
    const { info, generation } = await withRecovery<{ info: LoadedInfo; generation: number }>(
      {
        // Before each attempt: a load kept off WebGPU (a fallback, or routing's WASM measurement) runs in the WASM worker.
        host: () => route(services, requestedDevice === 'auto' && workerLoad.avoidWebgpu ? 'wasm' : requestedDevice),
        nextCallId: services.nextCallId,
        signal: request.signal,
        demote(reason) {
          if (attemptDevice !== 'webgpu' || requestedDevice !== 'auto') return false;
          health.webgpuFailure = reason;
          fallback = { from: 'webgpu', reason };
          events.emit('fallback', { model, from: 'webgpu', to: 'wasm', reason });
          // Same commit and dtype as planned for WebGPU: WASM runs the stored bytes.
          workerLoad = { ...workerLoad, avoidWebgpu: true, dtypeFor: 'webgpu', policy: 'pinned' };
          return true;
        },
        // A load runs on its device's host: the device names the worker's host.
        discard: (late, lateGeneration) =>
          void hostFor(late.info.device).notify(lateGeneration, (remote) => remote.release(late.info.pipelineId)),
      },
      async (remote, callId, current) => {
        attemptDevice = undefined;
        return { info: await remote.load(callId, workerLoad, progress), generation: current };
      },
    );
    const spec: ModelSpec = {
      task,
      model,
      revision: request.revision,
      commit: info.commit,
      offline: info.offline,
      dtype: info.dtype,
      device: info.device,
      requestedDevice,
      dtypeFallback: info.dtypeFallback,
    };
    let taskDefinition;
    try {
      taskDefinition = await definition;
    } catch (error) {
      void hostFor(info.device).notify(generation, (remote) => remote.release(info.pipelineId));
      throw error;
    }
    const handle = new ModelHandle<T>(services, spec, taskDefinition, { id: info.pipelineId, generation }, fallback);
    handles.add(handle);
    return handle;
  };

  const routing: RoutingServices = { loadOne, probe, events, resolved, options };

  return {
    capabilities: probe,
    cache,
    on: (type, listener) => events.on(type, listener),
    dispose,
    [Symbol.asyncDispose]: dispose,

    async load<T extends TaskId>(task: T, model: string | readonly string[], loadOptions: LoadOptions = {}): Promise<Model<T>> {
      // Ladders, targets and device calibration load their code on demand (see routing/).
      const handle =
        (await (await requestChecks()).routed(task, model, loadOptions, routing)) ?? (await loadOne(task, model as string, loadOptions));
      // Its prototype has Symbol.asyncDispose wherever the runtime has the symbol (see model-handle.ts).
      return handle as Model<T>;
    },
  };
}
