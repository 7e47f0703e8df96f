import { InpageError, abortError } from '../errors.ts';
import { classifyError } from './classify-error.ts';
import type { LoadProgressEvent } from '../progress.ts';
import { throttleProgress } from '../progress.ts';
import { hubConfig } from '../hub/hub-client.ts';
import type { CallId, LivenessConfig, LoadedInfo, PreparedInfo, PrepareRequest, WorkerApi, WorkerConfig } from '../rpc/contract.ts';
import { releaseRemoteCallback, withTransfer } from '../rpc/comlink.ts';
import type { Capabilities } from '../runtime/capabilities.ts';
import { probeCapabilities, wasmThreads } from '../runtime/capabilities.ts';
import { chooseDevice, chooseDtype } from '../runtime/device-plan.ts';
import { cacheUsage, deleteCachedModel, listCachedModels } from '../store/inventory.ts';
import { deleteExclusively, withModelAccess } from '../store/cross-tab.ts';
import { prepareHashing } from '../store/hashing.ts';
import { ModelStore } from '../store/idb-store.ts';
import { prepareModel } from '../store/prepare-model.ts';
import type { PreparedModel, PrepareRequest as StorePrepareRequest, StoreProgressEvent } from '../store/prepare-model.ts';
import { StoreBridge } from '../store/transformers-bridge.ts';
import { getTaskPipeline } from '../tasks/pipeline-registry.ts';
import { getTask } from '../tasks/registry.ts';
import type { TaskOutput } from '../tasks/registry.ts';
import { isStreamingPipeline } from '../tasks/task.ts';
import type { ResolvedDevice } from '../types.ts';
import { filePlanner } from './file-plan.ts';
import { generationControl, withOptions } from './generation.ts';
import { PipelineRegistry } from './pipeline-registry.ts';
import type { LoadedPipeline } from './pipeline-registry.ts';
import { configureTransformers } from './transformers-env.ts';
import { startRuntime } from './warmup.ts';
import { yieldBetweenRuns } from './yield-between-runs.ts';

interface WorkerState {
  config: WorkerConfig;
  store: ModelStore;
  bridge: StoreBridge;
  capabilities: Promise<Capabilities>;
}

/** A prepared model and the device it was planned for. */
interface Planned {
  prepared: PreparedModel;
  device: ResolvedDevice;
}

/**
 * The worker side of inpage, the engine: the store, the transformers.js pipelines and the calls on
 * them. Every failure is classified (see classify-error.ts): only a code whose `errorPolicies` row
 * says so makes the client restart this worker or move a model to WASM.
 *
 * @example
 * exposeWorkerApi(createWorkerApi());
 */
export function createWorkerApi(): WorkerApi {
  let state: WorkerState | undefined;
  const registry = new PipelineRegistry();
  const controllers = new Map<CallId, AbortController>();

  const ready = (): WorkerState => {
    if (!state) throw new InpageError('RUNTIME', 'The inpage worker was used before init().');
    return state;
  };

  async function tracked<T>(callId: CallId, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    controllers.set(callId, controller);
    try {
      // A result that arrives after an abort still goes back: the client frees what it no longer wants.
      return await work(controller.signal);
    } catch (error) {
      if (controller.signal.aborted) throw abortError(controller.signal);
      throw error;
    } finally {
      controllers.delete(callId);
    }
  }

  async function pipelineFor(pipelineId: string): Promise<LoadedPipeline> {
    const pipe = await registry.get(pipelineId);
    if (!pipe) throw new InpageError('DISPOSED', 'This model was disposed; load it again.');
    return pipe;
  }

  /** Plans the device from the probe and prepares the files for it; the caller holds the model's access. */
  async function plan(request: PrepareRequest, access: AbortSignal, emit?: (event: StoreProgressEvent) => void): Promise<Planned> {
    const current = ready();
    const caps = await current.capabilities;
    const device = chooseDevice(request.device, { hasAdapter: caps.webgpu.adapter !== null && !request.avoidWebgpu });
    const shaderF16 = caps.webgpu.shaderF16;
    const { dtype } = request;
    if (dtype !== 'auto') chooseDtype(dtype, device, [], shaderF16); // DEVICE_UNAVAILABLE before any download
    const planRequest = { task: getTask(request.task).pipelineTask, dtype, device, shaderF16 };
    const plan = filePlanner(current.bridge, request.dtypeFor ? { ...planRequest, autoFor: request.dtypeFor } : planRequest);
    const prepared = await prepareStored(
      current,
      { repo: request.model, revision: request.revision, dtype, plan, policy: request.policy },
      access,
      emit,
    );
    return { prepared, device };
  }

  return {
    async init(config, liveness) {
      const lockHeld = await holdLivenessLock(liveness);
      const store = new ModelStore(config.storage.namespace);
      const bridge = new StoreBridge(store, hubConfig(config.hub));
      // In the background: a `requestAdapter()` that never answers must not hold up the start.
      const capabilities = probeCapabilities(config.threads);
      state = { config, store, bridge, capabilities };
      // Before the runtime compiles, even when it starts later (lazy): see prepareHashing.
      prepareHashing().catch(() => undefined);
      configureTransformers(config, bridge, wasmThreads(config.threads).numThreads);
      yieldBetweenRuns();
      if (config.warmup) startRuntime().catch(() => undefined);
      return { lockHeld };
    },

    ping: () => Date.now(),

    capabilities: () => ready().capabilities,

    prepare(callId, request, onProgress) {
      return tracked(callId, async (signal) => {
        const { emit, delivered } = progressEmitter(onProgress);
        try {
          const current = ready();
          const { prepared, device } = await withModelAccess(current.store.namespace, request.model, signal, (access) =>
            plan(request, access, emit),
          );
          return preparedInfo(prepared, device);
        } finally {
          await delivered();
          releaseRemoteCallback(onProgress);
        }
      });
    },

    load(callId, request, onProgress) {
      return tracked(callId, async (signal) => {
        const { emit, delivered } = progressEmitter(onProgress);
        let pipelineId: string | undefined;
        try {
          const task = getTask(request.task);
          const current = ready();
          // One locked section from resolve to created sessions: a delete from any tab waits for it,
          // or aborts this load; it never pulls bytes from under it.
          const info = await withModelAccess(current.store.namespace, request.model, signal, async (access): Promise<LoadedInfo> => {
            const { prepared, device } = await plan(request, access, emit);
            const stage = { model: request.model, device, dtype: prepared.dtype };
            emit?.({ phase: 'compile', ...stage });
            const key = { pipelineTask: task.pipelineTask, repo: request.model, commit: prepared.commit, dtype: prepared.dtype, device };
            const { id } = await registry.acquire(key, prepared.config, async (load) => {
              // Only now: the runtime's start holds this thread for about a second, and a download's
              // bytes not read meanwhile are lost when its connection drops (see the performance issue).
              await startRuntime();
              const release = await current.bridge.activate(prepared);
              try {
                return await load();
              } catch (error) {
                throw classifyError(error, `Could not start "${request.model}" (${prepared.dtype}) on ${device}`, 'load');
              } finally {
                release();
              }
            });
            pipelineId = id;
            return { ...preparedInfo(prepared, device), pipelineId: id };
          });
          if (signal.aborted) throw abortError(signal);
          emit?.({
            phase: 'ready',
            model: request.model,
            device: info.device,
            dtype: info.dtype,
            commit: info.commit,
            offline: info.offline,
          });
          await delivered();
          // Aborted from the `ready` event itself: nobody takes this pipeline.
          if (signal.aborted) throw abortError(signal);
          pipelineId = undefined;
          return info;
        } finally {
          if (pipelineId !== undefined) await registry.release(pipelineId).catch(() => undefined);
          await delivered();
          releaseRemoteCallback(onProgress);
        }
      });
    },

    run(callId, pipelineId, taskId, input, options) {
      return tracked(callId, async (signal) => {
        const pipe = await pipelineFor(pipelineId);
        const task = getTask(taskId);
        const pipeline = getTaskPipeline(taskId as string);
        let args = pipeline.toPipelineArgs(input, options);
        if (task.streamable) {
          const control = generationControl(pipe);
          signal.addEventListener('abort', control.interrupt, { once: true });
          args = withOptions(args, control.options);
        }
        // A task with its own `run` calls the tokenizer and model itself (e.g. for token positions).
        const output = (
          pipeline.run
            ? await guarded(() => pipeline.run?.(pipe, input, options), signal)
            : pipeline.fromPipelineOutput(await callPipeline(pipe, args, signal), input, options)
        ) as TaskOutput<typeof taskId>;
        return withTransfer(output, transferablesOf(output));
      });
    },

    stream(callId, pipelineId, taskId, input, options, onPiece) {
      return tracked(callId, async (signal) => {
        try {
          const pipe = await pipelineFor(pipelineId);
          const pipeline = getTaskPipeline(taskId as string);
          if (!isStreamingPipeline(pipeline)) throw new InpageError('UNSUPPORTED_TASK', `Task "${taskId}" does not stream; use run().`);
          // Pieces travel on the callback's own port, which is not ordered with this call's reply:
          // wait until every piece was delivered, or the client would finish the stream without the last ones.
          const deliveries: Promise<unknown>[] = [];
          const send = (piece: string): void => void deliveries.push(Promise.resolve(onPiece(piece)).catch(() => undefined));
          const control = generationControl(pipe, { onPiece: send, ...pipeline.streamerOptions(input, options) });
          signal.addEventListener('abort', control.interrupt, { once: true });
          await callPipeline(pipe, withOptions(pipeline.toPipelineArgs(input, options), control.options), signal);
          await Promise.all(deliveries);
        } finally {
          releaseRemoteCallback(onPiece);
        }
      });
    },

    abort(callId) {
      controllers.get(callId)?.abort();
    },

    release: (pipelineId) => registry.release(pipelineId),

    cacheList: () => listCachedModels(ready().store),
    cacheUsage: () => cacheUsage(ready().store, ready().config.storage.budget),
    cacheDelete: (model) => deleteExclusively(ready().store.namespace, model, () => deleteCachedModel(ready().store, model)),
    cacheClear: () => deleteExclusively(ready().store.namespace, null, () => ready().store.clearAll()),
    cachePin: (model, pinned) => ready().store.setPinned(model, pinned),
  };
}

/**
 * Takes this worker's liveness lock and holds it until the worker dies: the client's request for
 * the same name is granted then, even when this thread never runs again (`self.close()`, a crash).
 */
async function holdLivenessLock(liveness: LivenessConfig): Promise<boolean> {
  const locks = globalThis.navigator?.locks;
  if (!liveness.lockName || !locks) return false;
  return new Promise<boolean>((settle) => {
    locks
      .request(liveness.lockName as string, () => {
        settle(true);
        return new Promise<never>(() => undefined);
      })
      // Locks refused here (an opaque origin): the client falls back to pings.
      .catch(() => settle(false));
  });
}

function preparedInfo(prepared: PreparedModel, device: ResolvedDevice): PreparedInfo {
  return {
    commit: prepared.commit,
    dtype: prepared.dtype,
    device,
    offline: prepared.offline,
    downloaded: prepared.downloaded,
    bytes: prepared.files.reduce((sum, file) => sum + file.size, 0),
  };
}

/**
 * Throttled progress to the client. Events travel on the callback's own port, which is not ordered
 * with the call's reply: `delivered()` waits for them, so the client sees `ready` before `load()` resolves.
 */
function progressEmitter(onProgress?: (event: LoadProgressEvent) => void): {
  emit?: (event: LoadProgressEvent) => void;
  delivered: () => Promise<void>;
} {
  if (!onProgress) return { delivered: async () => undefined };
  const deliveries: Promise<unknown>[] = [];
  const emit = throttleProgress((event) => void deliveries.push(Promise.resolve(onProgress(event)).catch(() => undefined)));
  return { emit, delivered: async () => void (await Promise.all(deliveries)) };
}

function prepareStored(
  state: WorkerState,
  request: StorePrepareRequest,
  signal: AbortSignal,
  onProgress?: (event: StoreProgressEvent) => void,
): Promise<PreparedModel> {
  const { config, store } = state;
  return prepareModel(request, {
    hub: hubConfig(config.hub),
    store,
    signal,
    chunkSize: config.storage.chunkSize,
    retries: config.storage.retries,
    concurrency: config.storage.concurrency,
    ...(config.storage.budget !== undefined ? { budget: config.storage.budget } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
}

function callPipeline(pipe: LoadedPipeline, args: unknown[], signal: AbortSignal): Promise<unknown> {
  return guarded(() => pipe(...args), signal);
}

/** Runs an inference, reporting its ORT and transformers.js failures as `RUNTIME`. */
async function guarded(inference: () => Promise<unknown> | undefined, signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) throw abortError(signal);
  try {
    return await inference();
  } catch (error) {
    throw classifyError(error, 'Inference failed', 'run');
  }
}

/** Large typed arrays in an output are moved to the main thread, not copied. */
function transferablesOf(output: unknown): Transferable[] {
  const found: Transferable[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer && !found.includes(value.buffer)) found.push(value.buffer);
    else if (depth < 2 && typeof value === 'object' && value !== null) for (const item of Object.values(value)) visit(item, depth + 1);
  };
  visit(output, 0);
  return found;
}
