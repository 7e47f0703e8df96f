/**
 * The worker contract: the interface the worker implements and the client calls through comlink.
 * Types only. Everything that crosses it is plain data, a transferable, or a comlink-proxied callback.
 * @module
 */
import type { Capabilities } from '../runtime/capabilities.ts';
import type { ResolvedDevice, ResolvedDtype, RevisionPolicy } from '../types.ts';
import type { ProgressEvent } from '../progress.ts';
import type { CachedModel, CacheUsage } from '../store/cache-admin.ts';

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
  /** Same-origin URLs of the ONNX Runtime files, when the app serves them itself. */
  runtime?: { wasm: string; mjs: string };
  /** Start the ONNX Runtime at once instead of at the first load. */
  warmup: boolean;
}

/** What to download and verify, after the client validated it. */
export interface PrepareRequest {
  task: string;
  model: string;
  /** Branch, tag or commit. */
  revision: string;
  /** The device the client planned: never `auto`. */
  device: ResolvedDevice;
  /** A concrete dtype, or `auto` to let the worker pick one the device and its fallback can run. */
  dtype: ResolvedDtype | 'auto';
  policy: RevisionPolicy;
}

/** A prepared model: every file of the load is stored and verified. */
export interface PreparedInfo {
  commit: string;
  dtype: ResolvedDtype;
  /** `true` when the Hub could not be reached and stored data was used. */
  offline: boolean;
  /** Bytes downloaded by this call. */
  downloaded: number;
  /** Bytes of the model's files. */
  bytes: number;
}

/** Which stored model to start, on which device. */
export interface OpenRequest {
  task: string;
  model: string;
  commit: string;
  dtype: ResolvedDtype;
  device: ResolvedDevice;
}

/** Identifies one call, so the client can abort it. */
export type CallId = number;

/** The API the worker exposes. */
export interface WorkerApi {
  /** Applies the configuration; with `warmup`, starts the ONNX Runtime in the background. */
  init(config: WorkerConfig): Promise<void>;
  /** Heartbeat: answers at once unless the worker's thread is blocked or dead. */
  ping(): number;
  capabilities(): Promise<Capabilities>;
  /** Resolves, downloads and verifies a model's files (no network when they are stored and current). */
  prepare(callId: CallId, request: PrepareRequest, onProgress?: (event: ProgressEvent) => void): Promise<PreparedInfo>;
  /**
   * Creates the pipeline of a prepared model from stored bytes only; returns its id. A failure here
   * (code `RUNTIME`) poisons the worker: start a fresh one.
   */
  open(callId: CallId, request: OpenRequest, onProgress?: (event: ProgressEvent) => void): Promise<string>;
  run(callId: CallId, pipelineId: string, task: string, input: unknown, options: unknown): Promise<unknown>;
  stream(
    callId: CallId,
    pipelineId: string,
    task: string,
    input: unknown,
    options: unknown,
    onPiece: (piece: string) => void,
  ): Promise<void>;
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
