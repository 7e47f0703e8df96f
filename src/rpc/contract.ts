/**
 * The worker contract: the interface the worker implements and the client calls through comlink.
 * Types only. Everything that crosses it is plain data, a transferable, or a comlink-proxied callback.
 * @module
 */
import type { Capabilities } from '../runtime/capabilities.ts';
import type { RuntimeBuild, RuntimeFiles } from '../runtime/runtime-build.ts';
import type { ChatTurnRequest, ChatTurnResult } from '../tasks/chat-turn.ts';
import type { StreamableTaskId, TaskId, TaskInput, TaskOptions, TaskOutput } from '../tasks/registry.ts';
import type {
  CachedModel,
  CacheUsage,
  Device,
  Dtype,
  DtypeFallback,
  LoadProgressEvent,
  ResolvedDevice,
  ResolvedDtype,
  RevisionPolicy,
  SessionDtypes,
  SessionDtypesKey,
} from '../types.ts';
import type { FitReport } from '../fit/fit-check.ts';
import type { ClientEventMap } from '../client/events.ts';
import type { SoftwareAdapterPolicy } from '../routing/route-types.ts';

/** Configuration the client sends to the worker at start-up; the worker sets transformers.js `env` from it. */
export interface WorkerConfig {
  hub: { endpoint: string; token?: string };
  storage: {
    /** Prefix of the IndexedDB database names. */
    namespace: string;
    chunkSize: number;
    /** Files downloaded at once. */
    concurrency: number;
    /** Attempts after a transient download failure. */
    retries: number;
    /** Bytes inpage's models may take (LRU eviction of unpinned models); absent for no budget. */
    budget?: number;
  };
  /** WASM threads; `undefined` for inpage's default. */
  threads?: number;
  /**
   * Same-origin URLs of the ONNX Runtime files, when the app serves them itself: one pair for
   * every build, or a pair per build (a build left out uses inpage's files).
   */
  runtime?: RuntimeFiles | Partial<Record<RuntimeBuild, RuntimeFiles>>;
  /**
   * The device this worker is for, which picks its ONNX Runtime build before the runtime starts
   * (see `runtimeBuild`); `auto`: WebGPU when the worker's probe finds an adapter, else WASM.
   */
  device: Device;
  /**
   * An `auto` worker whose only adapter is a software one (`isFallbackAdapter`) is a WASM worker
   * (the client's `routing.softwareAdapter` is `avoid`, the default).
   */
  avoidSoftwareAdapter?: boolean;
  /** Start the ONNX Runtime at once instead of at the first load. */
  warmup: boolean;
}

/** How the worker proves it is alive without its thread answering (see {@link WorkerApi.init}). */
export interface LivenessConfig {
  /** A Web Lock name unique to this worker: it holds the lock for its lifetime, so the lock is free once it died. */
  lockName?: string;
}

/**
 * What a load (`load`) or its first half (`prepare`, for `cache.install()`) asks for, after the
 * client validated it: the one request type of the worker contract.
 */
export interface LoadRequest {
  task: TaskId;
  model: string;
  /** Branch, tag or commit. */
  revision: string;
  /** The caller's device; the worker plans the concrete one from its probe. */
  device: Device;
  /**
   * A concrete dtype, `auto` to let the worker pick one the device and its fallback can run, or a
   * per-session map (as the caller gave it, or as the key of a loaded model when it is reopened).
   */
  dtype: Dtype | SessionDtypes | SessionDtypesKey;
  policy: RevisionPolicy;
  /** The client saw WebGPU fail: plan `auto` loads on WASM. */
  avoidWebgpu: boolean;
  /** Load even when the fit check says the model cannot fit (see `FitReport`). */
  skipFitCheck?: boolean;
  /**
   * What `auto` does with a software WebGPU adapter (`isFallbackAdapter`): `avoid` plans WASM;
   * `measure`, `use` or absent plan WebGPU (routing sends it; see `RoutingOptions.softwareAdapter`).
   */
  softwareAdapter?: SoftwareAdapterPolicy;
  /**
   * Choose an `auto` dtype as if planning for this device (a WebGPU load falling back to WASM keeps
   * the dtype, so it runs the stored bytes instead of downloading others).
   */
  dtypeFor?: ResolvedDevice;
}

/** A prepared model: every file of the load is stored and verified. */
export interface PreparedInfo {
  commit: string;
  dtype: ResolvedDtype;
  /** The device the worker planned. */
  device: ResolvedDevice;
  /** `true` when the Hub could not be reached and stored data was used. */
  offline: boolean;
  /** Bytes downloaded by this call. */
  downloaded: number;
  /** Bytes of the model's files. */
  bytes: number;
  /** With `auto`: the first choice that could not fit, and why (absent when it fitted). */
  dtypeFallback?: DtypeFallback;
}

/** A started model: its pipeline id (valid in the worker that opened it) and what was planned. */
export interface LoadedInfo extends PreparedInfo {
  pipelineId: string;
}

/**
 * What the worker tells the client without being asked (plain data), through the callback given
 * to {@link WorkerApi.init}: a download evicted stored models to make room (`models`: Hub ids,
 * each once; `bytes`: what their files took), or a warning (at start-up: no Web Locks).
 */
export type WorkerNotice = ({ type: 'eviction' } & ClientEventMap['eviction']) | ({ type: 'warning' } & ClientEventMap['warning']);

/** What a started worker answers to {@link WorkerApi.init}. */
export interface WorkerStarted {
  /** Whether it holds its liveness lock (otherwise it is watched by pings). */
  lockHeld: boolean;
  /** The device it is for (`auto` resolved by its probe). */
  device: ResolvedDevice;
  /** The ONNX Runtime build it loads. */
  build: RuntimeBuild;
}

/** Identifies one call, so the client can abort it. */
export type CallId = number;

/**
 * A call's answer with its execution time in the worker, in ms: measured around the pipeline call
 * (the wait behind other calls and the pipeline's reopening excluded; a stream or chat turn whole).
 * Routing judges latency targets by it.
 * @example
 * const { output, ms } = await remote.run(callId, pipelineId, 'sentiment-analysis', 'great', {});
 */
export interface Timed<R> {
  output: R;
  ms: number;
}

/**
 * The engine: the API the worker implements and the client calls through comlink. One `load` is
 * one call (probe, plan, prepare, open, in one locked section).
 */
export interface WorkerApi {
  /**
   * Applies the configuration and takes the liveness lock; with `warmup`, starts the ONNX Runtime in
   * the background. Resolves once the lock is held and the runtime build is chosen (for an `auto`
   * worker, after its WebGPU probe), with whether the lock could be taken and the build. `onNotice`
   * hears what the worker did unasked (evictions) for the worker's lifetime.
   */
  init(config: WorkerConfig, liveness: LivenessConfig, onNotice?: (notice: WorkerNotice) => void): Promise<WorkerStarted>;
  /** Heartbeat (where Web Locks are missing): answers at once unless the worker's thread is blocked or dead. */
  ping(): number;
  /** What the browser offers; a `requestAdapter()` that does not answer within 5 s counts as no WebGPU. */
  capabilities(): Promise<Capabilities>;
  /**
   * Probes, plans device and dtype, resolves, downloads and verifies, and creates the pipeline:
   * each stored file is read at most once.
   */
  load(callId: CallId, request: LoadRequest, onProgress?: (event: LoadProgressEvent) => void): Promise<LoadedInfo>;
  /**
   * The plan `load` would use, checked for fit before any weight byte (`cache.fit()`): only the
   * revision, its file list and `config.json` are fetched.
   */
  fit(callId: CallId, request: LoadRequest): Promise<FitReport>;
  /** The first half of `load` only (`cache.install()`): nothing is started. */
  prepare(callId: CallId, request: LoadRequest, onProgress?: (event: LoadProgressEvent) => void): Promise<PreparedInfo>;
  run<T extends TaskId>(
    callId: CallId,
    pipelineId: string,
    task: T,
    input: TaskInput<T>,
    options: TaskOptions<T>,
  ): Promise<Timed<TaskOutput<T>>>;
  stream<T extends StreamableTaskId>(
    callId: CallId,
    pipelineId: string,
    task: T,
    input: TaskInput<T>,
    options: TaskOptions<T>,
    onPiece: (piece: string) => void,
  ): Promise<Timed<void>>;
  /** One conversation turn (text-generation): reuses the conversation's KV cache when it holds a prefix of the prompt. */
  chat(callId: CallId, pipelineId: string, request: ChatTurnRequest, onPiece: (piece: string) => void): Promise<Timed<ChatTurnResult>>;
  /** Frees a conversation's KV cache; unknown ids are ignored. */
  chatDispose(conversationId: string): Promise<void>;
  /** Aborts a pending call; unknown ids are ignored. */
  abort(callId: CallId): void;
  /** Releases a loaded pipeline (its ORT sessions once no handle uses it). */
  release(pipelineId: string): Promise<void>;
  /** Stored models, checked against the stored chunks (`client.cache.list()`). */
  cacheList(): Promise<CachedModel[]>;
  /** inpage's bytes, origin usage and quota, persistence, budget (`client.cache.usage()`). */
  cacheUsage(): Promise<CacheUsage>;
  /** Deletes every stored file of a repo; `false` when nothing was stored. */
  cacheDelete(model: string): Promise<boolean>;
  /** Deletes everything stored in this namespace. */
  cacheClear(): Promise<void>;
  /** Pins (never evicted) or unpins a repo. */
  cachePin(model: string, pinned: boolean): Promise<void>;
}
