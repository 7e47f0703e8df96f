import { InpageError, abortError } from '../errors.ts';
import { classifyError } from './classify-error.ts';
import { hubConfig } from '../hub/hub-client.ts';
import type { CallId, LoadedInfo, LoadRequest, PreparedInfo, WorkerApi, WorkerConfig, WorkerNotice } from '../rpc/contract.ts';
import { releaseRemoteCallback, withTransfer } from '../rpc/comlink.ts';
import type { Capabilities } from '../runtime/capabilities.ts';
import { noWebLocksMessage, probeCapabilities, wasmThreads, webLocksSupport } from '../runtime/capabilities.ts';
import { assertRunnable, chooseDevice, dtypeOfKey, isSessionDtypesKey } from '../runtime/device-plan.ts';
import { runtimeBuild } from '../runtime/runtime-build.ts';
import { cacheUsage, deleteCachedModel, listCachedModels } from '../store/inventory.ts';
import { deleteExclusively, withModelAccess } from '../store/cross-tab.ts';
import { prepareHashing } from '../store/hashing.ts';
import { ModelStore } from '../store/idb-store.ts';
import { prepareModel } from '../store/prepare-model.ts';
import type { FilePlanner, PreparedModel, PrepareRequest as StorePrepareRequest, StoreProgressEvent } from '../store/prepare-model.ts';
import { defaultPlatformLimits } from '../fit/fit-check.ts';
import type { PlatformLimits } from '../fit/fit-check.ts';
import { fitChecked } from '../fit/fit-planner.ts';
import type { CheckedPlan } from '../fit/fit-planner.ts';
import { fitContext, fitOf } from '../fit/worker-fit.ts';
import type { PlanInspector } from '../fit/worker-fit.ts';
import { StoreBridge } from '../store/transformers-bridge.ts';
import { loadTask } from '../tasks/registry.ts';
import type { TaskOutput } from '../tasks/registry.ts';
import type { Dtype, DtypeFallback, ResolvedDevice, SessionDtypes } from '../types.ts';
import { filePlanner } from './file-plan.ts';
import { forgetRoutes } from './forget-routes.ts';
import { LoadedPipelines } from './loaded-pipelines.ts';
import type { LoadedPipeline } from './loaded-pipelines.ts';
import { guarded, runTask, streamTask, timed, transferablesOf } from './task-calls.ts';
import type { Eviction } from '../store/eviction.ts';
import { ConversationCaches } from './conversations.ts';
import type { ChatTurnResult } from '../tasks/chat-turn.ts';
import { configureTransformers } from './transformers-env.ts';
import { RuntimeStartGate, runtimeStartSettled, startRuntime } from './warmup.ts';
import { runtimeFilesFor } from './runtime-files.ts';
import { holdWeights } from '../store/held-bytes.ts';
import { yieldBetweenRuns } from './yield-between-runs.ts';
import { progressEmitter } from './progress-emitter.ts';
import { holdLivenessLock } from './liveness-lock.ts';

interface WorkerState {
  config: WorkerConfig;
  /** The device this worker is for: loads planned on WebGPU run only in a WebGPU worker. */
  device: ResolvedDevice;
  store: ModelStore;
  bridge: StoreBridge;
  capabilities: Promise<Capabilities>;
  /** The client's callback for what the worker does unasked. */
  onNotice: ((notice: WorkerNotice) => void) | undefined;
}

/** A prepared model and the device it was planned for. */
interface Planned {
  prepared: PreparedModel;
  device: ResolvedDevice;
  /** `auto` stepped down from a first choice that could not fit. */
  dtypeFallback?: DtypeFallback;
}

/** Options of {@link createWorkerApi}. */
export interface WorkerApiOptions {
  /** Lowers the platform's limits the fit check uses (tests simulate small limits with it). @default defaultPlatformLimits */
  platformLimits?: Partial<PlatformLimits>;
}

/**
 * The worker side of inpage, the engine: the store, the transformers.js pipelines and the calls on
 * them. Every failure is classified (see classify-error.ts): only a code whose `errorPolicies` row
 * says so makes the client restart this worker or move a model to WASM.
 *
 * @example
 * exposeWorkerApi(createWorkerApi());
 */
export function createWorkerApi(options: WorkerApiOptions = {}): WorkerApi {
  const limits: PlatformLimits = { ...defaultPlatformLimits, ...options.platformLimits };
  let state: WorkerState | undefined;
  const pipelines = new LoadedPipelines();
  const controllers = new Map<CallId, AbortController>();
  const conversations = new ConversationCaches();
  const runtimeGate = new RuntimeStartGate();

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
    const pipe = await pipelines.get(pipelineId);
    if (!pipe) throw new InpageError('DISPOSED', 'This model was disposed; load it again.');
    return pipe;
  }

  /**
   * Plans the device from the probe and prepares the files for it; the caller holds the model's
   * access. The plans are fit-checked (unless `skipFitCheck`) before any weight byte; `inspect`
   * replaces that check (`cache.fit()`: it sees every plan and may stop the preparation).
   * `forSession`: a load follows, so the weights it downloads are kept in memory for the session.
   */
  async function plan(
    request: LoadRequest,
    access: AbortSignal,
    emit?: (event: StoreProgressEvent) => void,
    inspect?: PlanInspector,
    forSession = false,
  ): Promise<Planned> {
    const current = ready();
    const caps = await current.capabilities;
    const { adapter } = caps.webgpu;
    // Loads planned on WebGPU run only in a WebGPU worker (its ONNX Runtime build).
    const hasAdapter = current.device === 'webgpu' && adapter !== null && !request.avoidWebgpu;
    const avoidSoftware = adapter?.isFallbackAdapter === true && request.softwareAdapter === 'avoid';
    const device = chooseDevice(request.device, { hasAdapter, avoidSoftware });
    const shaderF16 = caps.webgpu.shaderF16;
    // A reopened model sends its map's key: the same map again.
    const dtype: Dtype | SessionDtypes = isSessionDtypesKey(request.dtype) ? dtypeOfKey(request.dtype) : request.dtype;
    assertRunnable(dtype, device, shaderF16); // DEVICE_UNAVAILABLE before any download
    const { definition } = await loadTask(request.task);
    const planRequest = { task: definition.pipelineTask, dtype, device, shaderF16 };
    const planned = filePlanner(current.bridge, request.dtypeFor ? { ...planRequest, autoFor: request.dtypeFor } : planRequest);
    const context = fitContext(request.model, device, dtype, caps, limits);
    let chosen: CheckedPlan | undefined;
    const plan: FilePlanner = inspect
      ? async (config, snapshot) => {
          const plans = await planned(config, snapshot);
          inspect(plans, config, context, snapshot);
          return plans;
        }
      : request.skipFitCheck
        ? planned
        : fitChecked(planned, context, (checked) => (chosen = checked));
    const prepared = await prepareStored(
      current,
      { repo: request.model, revision: request.revision, dtype, plan, policy: request.policy },
      access,
      emit,
      forSession,
    );
    // Offline, another stored plan may have been used: the reason holds for the checked one only.
    const from = chosen?.plan.dtype === prepared.dtype ? chosen.steppedDown?.from : undefined;
    if (!from) return { prepared, device };
    return {
      prepared,
      device,
      dtypeFallback: { from: from.dtype, reason: `${from.dtype} cannot fit on ${device}: ${from.reasons.join('; ')}` },
    };
  }

  return {
    async init(config, liveness, onNotice) {
      const lockHeld = await holdLivenessLock(liveness);
      if (!webLocksSupport().available) {
        await Promise.resolve(onNotice?.({ type: 'warning', code: 'NO_WEB_LOCKS', message: noWebLocksMessage })).catch(() => undefined);
      }
      const store = new ModelStore(config.storage.namespace);
      const bridge = new StoreBridge(store, hubConfig(config.hub));
      // A `requestAdapter()` that never answers counts as none after 5 s (adapterTimeoutMs).
      const capabilities = probeCapabilities(config.threads);
      // Before the runtime compiles, even when it starts later (lazy): see prepareHashing.
      prepareHashing().catch(() => undefined);
      // The build is chosen before the runtime starts: an `auto` worker waits for its probe.
      const device = config.device === 'auto' ? autoDevice((await capabilities).webgpu.adapter, config) : config.device;
      const build = runtimeBuild(device);
      state = { config, device, store, bridge, capabilities, onNotice };
      configureTransformers(config, bridge, wasmThreads(config.threads).numThreads, build);
      yieldBetweenRuns();
      // At createClient the runtime is fetched and compiled off this thread; its start, which holds
      // the thread, follows once no load is reading the store or a body (see RuntimeStartGate).
      if (config.warmup) runtimeGate.warmUp(runtimeFilesFor(config.runtime, build).wasm);
      return { lockHeld, device, build };
    },

    ping: () => Date.now(),

    capabilities: () => ready().capabilities,

    prepare(callId, request, onProgress) {
      return tracked(callId, async (signal) => {
        const { emit, delivered } = progressEmitter(onProgress);
        try {
          const current = ready();
          const { prepared, device } = await withModelAccess(current.store.namespace, request.model, signal, (access) =>
            runtimeGate.preparing(() => plan(request, access, emit)),
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
          const { definition: task } = await loadTask(request.task);
          const current = ready();
          // One locked section from resolve to created sessions: a delete from any tab waits for it,
          // or aborts this load; it never pulls bytes from under it.
          const info = await withModelAccess(current.store.namespace, request.model, signal, (access) =>
            runtimeGate.preparing(async (): Promise<LoadedInfo> => {
              const { prepared, device, dtypeFallback } = await plan(request, access, emit, undefined, true);
              const stage = { model: request.model, device, dtype: prepared.dtype };
              emit?.({ phase: 'compile', ...stage });
              const key = { pipelineTask: task.pipelineTask, repo: request.model, commit: prepared.commit, dtype: prepared.dtype, device };
              const acquiring = pipelines.acquire(key, prepared.config, async (load) => {
                // The weights are read into memory before the runtime's start holds this thread (a
                // read waits while it does); downloaded ones are held already.
                await holdWeights(prepared);
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
              // The session may start from verified bytes still being stored: the load succeeds once
              // they are. A failed write fails it (nothing is marked complete), and is the error it
              // reports when the session failed too (e.g. the files were deleted from under it).
              const [acquired, stored] = await Promise.allSettled([acquiring, prepared.stored]);
              if (acquired.status === 'fulfilled') pipelineId = acquired.value.id;
              if (stored.status === 'rejected') throw stored.reason;
              if (acquired.status === 'rejected') throw acquired.reason;
              return { ...preparedInfo(prepared, device, dtypeFallback), pipelineId: acquired.value.id };
            }),
          );
          if (signal.aborted) throw abortError(signal);
          emit?.({
            phase: 'ready',
            model: request.model,
            device: info.device,
            dtype: info.dtype,
            commit: info.commit,
            offline: info.offline,
            ...(info.dtypeFallback ? { dtypeFallback: info.dtypeFallback } : {}),
          });
          await delivered();
          // Aborted from the `ready` event itself: nobody takes this pipeline.
          if (signal.aborted) throw abortError(signal);
          pipelineId = undefined;
          return info;
        } finally {
          if (pipelineId !== undefined) await pipelines.release(pipelineId).catch(() => undefined);
          await delivered();
          releaseRemoteCallback(onProgress);
        }
      });
    },

    run(callId, pipelineId, taskId, input, options) {
      return tracked(callId, async (signal) => {
        const pipe = await pipelineFor(pipelineId);
        const task = await loadTask(taskId);
        const result = await timed(async () => (await runTask(task, pipe, input, options, signal)) as TaskOutput<typeof taskId>);
        // The output's buffers move; the time beside it is copied.
        return withTransfer(result, transferablesOf(result.output));
      });
    },

    stream(callId, pipelineId, taskId, input, options, onPiece) {
      return tracked(callId, async (signal) => {
        try {
          const pipe = await pipelineFor(pipelineId);
          const task = await loadTask(taskId);
          return await timed(() => streamTask(task, pipe, input, options, signal, onPiece));
        } finally {
          releaseRemoteCallback(onPiece);
        }
      });
    },

    fit(callId, request) {
      return tracked(callId, (signal) => {
        const current = ready();
        return withModelAccess(current.store.namespace, request.model, signal, (access) =>
          fitOf((inspect) => plan(request, access, undefined, inspect), current.store, current.config.storage.budget, request.model),
        );
      });
    },

    chat(callId, pipelineId, request, onPiece) {
      return tracked(callId, async (signal) => {
        try {
          const pipe = await pipelineFor(pipelineId);
          const deliveries: Promise<unknown>[] = [];
          const send = (piece: string): void => void deliveries.push(Promise.resolve(onPiece(piece)).catch(() => undefined));
          return await timed(async () => {
            const result = await guarded(() => conversations.turn(pipelineId, pipe, request, signal, send), signal);
            await Promise.all(deliveries);
            return result as ChatTurnResult;
          });
        } finally {
          releaseRemoteCallback(onPiece);
        }
      });
    },

    chatDispose: (conversationId) => conversations.drop(conversationId),

    abort(callId) {
      controllers.get(callId)?.abort();
    },

    async release(pipelineId) {
      await pipelines.release(pipelineId);
      if (!(await pipelines.get(pipelineId))) await conversations.dropPipeline(pipelineId);
    },

    cacheList: () => listCachedModels(ready().store),
    cacheUsage: () => cacheUsage(ready().store, ready().config.storage.budget),
    cacheDelete: (model) =>
      deleteExclusively(ready().store.namespace, model, async () => {
        await forgetRoutes(ready().store.namespace, model);
        return deleteCachedModel(ready().store, model);
      }),
    cacheClear: () =>
      deleteExclusively(ready().store.namespace, null, async () => {
        await forgetRoutes(ready().store.namespace, null);
        return ready().store.clearAll();
      }),
    cachePin: (model, pinned) => ready().store.setPinned(model, pinned),
  };
}

/** The device of an `auto` worker: WebGPU when its probe found an adapter it may use. */
function autoDevice(adapter: Capabilities['webgpu']['adapter'], config: WorkerConfig): ResolvedDevice {
  return adapter !== null && !(adapter.isFallbackAdapter && config.avoidSoftwareAdapter === true) ? 'webgpu' : 'wasm';
}

function preparedInfo(prepared: PreparedModel, device: ResolvedDevice, dtypeFallback?: DtypeFallback): PreparedInfo {
  return {
    commit: prepared.commit,
    dtype: prepared.dtype,
    device,
    offline: prepared.offline,
    downloaded: prepared.downloaded,
    bytes: prepared.files.reduce((sum, file) => sum + file.size, 0),
    ...(dtypeFallback ? { dtypeFallback } : {}),
  };
}

async function prepareStored(
  state: WorkerState,
  request: StorePrepareRequest,
  signal: AbortSignal,
  onProgress?: (event: StoreProgressEvent) => void,
  holdDownloads = false,
): Promise<PreparedModel> {
  const { config, onNotice } = state;
  let evicted: Eviction | undefined;
  try {
    return await prepareModel(request, {
      hub: hubConfig(config.hub),
      store: state.store,
      signal,
      chunkSize: config.storage.chunkSize,
      retries: config.storage.retries,
      concurrency: config.storage.concurrency,
      ...(config.storage.budget !== undefined ? { budget: config.storage.budget } : {}),
      ...(onProgress ? { onProgress } : {}),
      onEvicted: (models) => (evicted = models),
      // The runtime start (from init) and a body read never overlap: see runtimeStartSettled.
      beforeBody: runtimeStartSettled,
      holdDownloads,
    });
  } finally {
    // Awaited (its own port is not ordered with this call's reply): the app hears of it before the call settles.
    if (evicted) await Promise.resolve(onNotice?.({ type: 'eviction', ...evicted })).catch(() => undefined);
  }
}
