import { InpageError, abortError, isInpageError } from '../errors.ts';
import type { ProgressEvent } from '../progress.ts';
import { throttleProgress } from '../progress.ts';
import { hubConfig } from '../hub/hub-client.ts';
import type { CallId, PreparedInfo, WorkerApi, WorkerConfig } from '../rpc/contract.ts';
import { releaseRemoteCallback, withTransfer } from '../rpc/comlink.ts';
import type { Capabilities } from '../runtime/capabilities.ts';
import { probeCapabilities } from '../runtime/capabilities.ts';
import { chooseDtype } from '../runtime/device-plan.ts';
import { cacheUsage, deleteCachedModel, listCachedModels } from '../store/cache-admin.ts';
import { deleteExclusively, withModelAccess } from '../store/cross-tab.ts';
import { prepareHashing } from '../store/hashing.ts';
import { ModelStore } from '../store/idb-store.ts';
import { prepareModel } from '../store/prepare-model.ts';
import type { PrepareRequest, PreparedModel, StoreProgressEvent } from '../store/prepare-model.ts';
import { StoreBridge } from '../store/transformers-bridge.ts';
import { getTaskPipeline } from '../tasks/pipeline-registry.ts';
import { getTask } from '../tasks/registry.ts';
import { isStreamingPipeline } from '../tasks/task.ts';
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

/**
 * The worker side of inpage: the store, the transformers.js pipelines and the calls on them.
 * A failed ORT session creation or run poisons every later one in this worker (transformers.js
 * chains them), so such failures are reported as `RUNTIME` and the client starts a fresh worker.
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

  return {
    async init(config) {
      const store = new ModelStore(config.storage.namespace);
      const bridge = new StoreBridge(store, hubConfig(config.hub));
      const capabilities = probeCapabilities(config.threads);
      state = { config, store, bridge, capabilities };
      // Before the runtime compiles, even when it starts later (lazy): see prepareHashing.
      prepareHashing().catch(() => undefined);
      configureTransformers(config, bridge, (await capabilities).wasm.numThreads);
      yieldBetweenRuns();
      if (config.warmup) startRuntime().catch(() => undefined);
    },

    ping: () => Date.now(),

    capabilities: () => ready().capabilities,

    prepare(callId, request, onProgress) {
      return tracked(callId, async (signal) => {
        const { emit, delivered } = progressEmitter(onProgress);
        try {
          const shaderF16 = (await ready().capabilities).webgpu.shaderF16;
          const current = ready();
          const { dtype, device } = request;
          if (dtype !== 'auto') chooseDtype(dtype, device, [], shaderF16); // DEVICE_UNAVAILABLE before any download
          const plan = filePlanner(current.bridge, { task: getTask(request.task).pipelineTask, dtype, device, shaderF16 });
          const prepared = await withModelAccess(current.store.namespace, request.model, signal, (access) =>
            prepareStored(current, { repo: request.model, revision: request.revision, dtype, plan, policy: request.policy }, access, emit),
          );
          const info: PreparedInfo = {
            commit: prepared.commit,
            dtype: prepared.dtype,
            offline: prepared.offline,
            downloaded: prepared.downloaded,
            bytes: prepared.files.reduce((sum, file) => sum + file.size, 0),
          };
          return info;
        } finally {
          await delivered();
          releaseRemoteCallback(onProgress);
        }
      });
    },

    open(callId, request, onProgress) {
      return tracked(callId, async (signal) => {
        const { emit, delivered } = progressEmitter(onProgress);
        try {
          const task = getTask(request.task);
          const current = ready();
          const runtime = startRuntime();
          const stage = { model: request.model, device: request.device, dtype: request.dtype };
          // Holding the model's shared locks until the sessions are created: a delete from any tab
          // waits for that, or aborts this load; it never pulls bytes from under it.
          const { id } = await withModelAccess(current.store.namespace, request.model, signal, async (access) => {
            // From stored bytes only: the commit is exact, so no network is needed.
            const shaderF16 = (await current.capabilities).webgpu.shaderF16;
            const { dtype, device } = request;
            const plan = filePlanner(current.bridge, { task: task.pipelineTask, dtype, device, shaderF16 });
            const prepared = await prepareStored(
              current,
              { repo: request.model, revision: request.commit, dtype, plan, policy: 'pinned' },
              access,
            );
            emit?.({ phase: 'compile', ...stage });
            return registry.acquire(
              {
                pipelineTask: task.pipelineTask,
                repo: request.model,
                commit: request.commit,
                dtype: request.dtype,
                device: request.device,
              },
              async (load) => {
                await runtime;
                const release = await current.bridge.activate(prepared);
                try {
                  return await load();
                } catch (error) {
                  throw runtimeError(error, `Could not start "${request.model}" (${request.dtype}) on ${request.device}`);
                } finally {
                  release();
                }
              },
            );
          });
          if (signal.aborted) {
            await registry.release(id);
            throw abortError(signal);
          }
          emit?.({ phase: 'ready', ...stage });
          return id;
        } finally {
          await delivered();
          releaseRemoteCallback(onProgress);
        }
      });
    },

    run(callId, pipelineId, taskId, input, options) {
      return tracked(callId, async (signal) => {
        const pipe = await pipelineFor(pipelineId);
        const task = getTask(taskId);
        const pipeline = getTaskPipeline(taskId);
        let args = pipeline.toPipelineArgs(input, options);
        if (task.streamable) {
          const control = generationControl(pipe);
          signal.addEventListener('abort', control.interrupt, { once: true });
          args = withOptions(args, control.options);
        }
        const raw = await callPipeline(pipe, args, signal);
        const output = pipeline.fromPipelineOutput(raw, input, options);
        return withTransfer(output, transferablesOf(output));
      });
    },

    stream(callId, pipelineId, taskId, input, options, onPiece) {
      return tracked(callId, async (signal) => {
        try {
          const pipe = await pipelineFor(pipelineId);
          const pipeline = getTaskPipeline(taskId);
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
 * Throttled progress to the client. Events travel on the callback's own port, which is not ordered
 * with the call's reply: `delivered()` waits for them, so the client sees `ready` before `load()` resolves.
 */
function progressEmitter(onProgress?: (event: ProgressEvent) => void): {
  emit?: (event: ProgressEvent) => void;
  delivered: () => Promise<void>;
} {
  if (!onProgress) return { delivered: async () => undefined };
  const deliveries: Promise<unknown>[] = [];
  const emit = throttleProgress((event) => void deliveries.push(Promise.resolve(onProgress(event)).catch(() => undefined)));
  return { emit, delivered: async () => void (await Promise.all(deliveries)) };
}

function prepareStored(
  state: WorkerState,
  request: PrepareRequest,
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

async function callPipeline(pipe: LoadedPipeline, args: unknown[], signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) throw abortError(signal);
  try {
    return await pipe(...args);
  } catch (error) {
    throw runtimeError(error, 'Inference failed');
  }
}

/** ORT and transformers.js failures: fatal to this worker (see {@link createWorkerApi}). */
function runtimeError(error: unknown, message: string): Error {
  if (isInpageError(error) || error instanceof TypeError || error instanceof RangeError) return error as Error;
  const detail = error instanceof Error ? error.message : String(error);
  return new InpageError('RUNTIME', `${message}: ${detail}`, { cause: error });
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
