import type { HubConfig } from '../hub/hub-client.ts';
import { hubConfig } from '../hub/hub-client.ts';
import type { WorkerConfig } from '../rpc/contract.ts';
import type { RuntimeBuild, RuntimeFiles } from '../runtime/runtime-build.ts';
import { describeValue } from '../tasks/describe-value.ts';
import type { Device, Dtype, HubOptions, LoadProgressEvent, RevisionPolicy, SessionDtypes } from '../types.ts';
import type { LatencyTarget, RoutingOptions } from '../routing/route-types.ts';

/** Where and how models are stored in IndexedDB. */
export interface StorageOptions {
  /**
   * Prefix of inpage's IndexedDB database names. Two clients with the same namespace share models.
   * @default 'inpage'
   */
  namespace?: string;
  /**
   * Bytes per stored chunk. An interrupted download resumes from the last whole chunk.
   * @default 8388608 (8 MiB)
   */
  chunkSize?: number;
  /**
   * Files downloaded at once.
   * @default 4
   */
  concurrency?: number;
  /**
   * Attempts after a transient download failure (with exponential backoff).
   * @default 4
   */
  retries?: number;
  /**
   * Bytes inpage's models may take. Before a download that would exceed it, unpinned models are
   * evicted least recently used first; if that is not enough the load fails with `QUOTA_EXCEEDED`.
   * @default undefined (only the browser's quota limits it)
   * @example
   * createClient({ storage: { budget: 2 * 1024 ** 3 } }); // 2 GiB
   */
  budget?: number;
  /**
   * Ask the browser for persistent storage (`navigator.storage.persist()`) after the first
   * `cache.install()`, so it does not evict the models under storage pressure.
   * @default true
   */
  persist?: boolean;
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The Hub (or mirror, or local Hub-layout server) and token. */
  hub?: HubOptions;
  /**
   * Default device of loads: `auto` uses WebGPU when an adapter exists and falls back to WASM.
   * @default 'auto'
   */
  device?: Device;
  /**
   * WASM threads. Default: `min(4, navigator.hardwareConcurrency)` when the page is cross-origin
   * isolated, otherwise 1 (threads need `SharedArrayBuffer`).
   */
  threads?: number;
  /**
   * Your own worker (it must `import 'inpage/worker'`), or a factory of them. A factory lets inpage
   * start a fresh worker after a crash; with an instance, later workers are inpage's default one.
   */
  worker?: Worker | (() => Worker);
  /**
   * Do not start the worker and the ONNX Runtime until the first call.
   * @default false
   */
  lazy?: boolean;
  /** IndexedDB storage. */
  storage?: StorageOptions;
  /**
   * How loads check whether a stored branch or tag is still current.
   * - `stale-while-revalidate`: load the stored commit at once, check in the background; a new
   *   commit is used by the next load.
   * - `pinned`: never check once a revision is stored.
   * - `always-check`: check before every load (stored data is still used offline).
   * @default 'stale-while-revalidate'
   */
  revisionPolicy?: RevisionPolicy;
  /**
   * Same-origin URLs of the ONNX Runtime files, if you serve them yourself (see the README): a pair
   * per build (`plain` for WASM workers, `jspi` or `asyncify` for WebGPU workers; a build left out
   * uses inpage's files), or one pair that every worker loads (a WebGPU build, if WebGPU is to work).
   * @example
   * createClient({ runtime: { plain: { wasm: '/ort/ort-wasm-simd-threaded.wasm', mjs: '/ort/ort-wasm-simd-threaded.mjs' } } });
   */
  runtime?: RuntimeFiles | Partial<Record<RuntimeBuild, RuntimeFiles>>;
  /**
   * Interval of the pings that detect a dead worker where the browser has no Web Locks, in ms (0
   * turns them off). With Web Locks, a dead worker is noticed without pings.
   * @default 2000
   */
  heartbeatMs?: number;
  /**
   * A worker that has not started within this many ms counts as crashed: pending calls reject with
   * `WORKER_CRASHED`, and the next call starts a fresh one.
   * @default 30000
   * @example
   * createClient({ startupTimeoutMs: 60_000 }); // a slow network loading the worker's modules
   */
  startupTimeoutMs?: number;
  /**
   * Device calibration and latency routing (see "Latency targets" in the README): what `auto` does
   * with a software WebGPU adapter, and a timing hook for tests.
   * @example
   * createClient({ routing: { softwareAdapter: 'measure' } }); // CI: calibrate on SwiftShader too
   */
  routing?: RoutingOptions;
}

const devices: readonly Device[] = ['auto', 'webgpu', 'wasm'];
const policies: readonly RevisionPolicy[] = ['stale-while-revalidate', 'pinned', 'always-check'];

/**
 * Throws a `TypeError` unless `value` is one of `allowed` (the rules of the task checks in
 * `tasks/validate.ts`: a wrong type or an unknown choice is a `TypeError`).
 */
export function assertOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T))
    throw new TypeError(`inpage: ${name} must be one of ${allowed.map((v) => `"${v}"`).join(', ')}, got ${describeValue(value)}.`);
}

/**
 * Throws a `TypeError` unless `value` is a number, and a `RangeError` unless it is an integer in
 * [min, max] (the rules of `checkInteger` in `tasks/validate.ts`).
 */
export function assertInteger(name: string, value: unknown, min: number, max: number): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`inpage: ${name} must be an integer, got ${describeValue(value)}.`);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`inpage: ${name} must be an integer from ${min} to ${max}, got ${value}.`);
}

/** Validated client settings. */
export interface ResolvedClientOptions {
  hub: HubConfig;
  device: Device;
  policy: RevisionPolicy;
  /** The workers' configuration but for `device`, which each host sets. */
  worker: Omit<WorkerConfig, 'device'>;
  heartbeatMs: number;
  startupTimeoutMs: number;
}

/**
 * Validates {@link ClientOptions} and fills in defaults.
 * @throws TypeError / RangeError for wrong options.
 */
export function resolveClientOptions(options: ClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('inpage: createClient options must be an object.');
  const hub = hubConfig(options.hub);
  const device = options.device ?? 'auto';
  assertOneOf('device', device, devices);
  const policy = options.revisionPolicy ?? 'stale-while-revalidate';
  assertOneOf('revisionPolicy', policy, policies);
  const storage = options.storage ?? {};
  const chunkSize = storage.chunkSize ?? 8 * 1024 * 1024;
  assertInteger('storage.chunkSize', chunkSize, 16 * 1024, 256 * 1024 * 1024);
  const concurrency = storage.concurrency ?? 4;
  assertInteger('storage.concurrency', concurrency, 1, 16);
  const retries = storage.retries ?? 4;
  assertInteger('storage.retries', retries, 0, 20);
  if (storage.budget !== undefined) assertInteger('storage.budget', storage.budget, 0, Number.MAX_SAFE_INTEGER);
  const namespace = storage.namespace ?? 'inpage';
  if (typeof namespace !== 'string' || !/^[\w.-]{1,64}$/.test(namespace))
    throw new TypeError('inpage: storage.namespace must be 1-64 letters, digits, ".", "_" or "-".');
  if (options.threads !== undefined) assertInteger('threads', options.threads, 1, 64);
  const heartbeatMs = options.heartbeatMs ?? 2000;
  assertInteger('heartbeatMs', heartbeatMs, 0, 600_000);
  const startupTimeoutMs = options.startupTimeoutMs ?? 30_000;
  assertInteger('startupTimeoutMs', startupTimeoutMs, 1, 600_000);
  const worker: Omit<WorkerConfig, 'device'> = {
    hub,
    storage: { namespace, chunkSize, concurrency, retries, ...(storage.budget !== undefined ? { budget: storage.budget } : {}) },
    warmup: !options.lazy,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    // As strings (a URL object would not survive the trip to the worker).
    ...(options.runtime ? { runtime: JSON.parse(JSON.stringify(options.runtime)) as WorkerConfig['runtime'] } : {}),
  };
  return { hub, device, policy, worker, heartbeatMs, startupTimeoutMs };
}

/** Options of `client.load()` (and, but for `revisionPolicy`, of `client.cache.install()`). */
export interface LoadOptions {
  /**
   * Weight precision. `auto` follows the model's own `transformers.js_config.dtype` when the device
   * can run it; otherwise, for generation models, q4f16 on WebGPU with shader-f16, else q4, and q8 on
   * WASM; for encoders, fp16 on WebGPU with shader-f16, else fp32, and q8 on WASM. A map gives each
   * ONNX session its own dtype (see {@link SessionDtypes}); the model's `dtype` is then its
   * {@link SessionDtypesKey}.
   * @default 'auto'
   * @example
   * { dtype: { embed_tokens: 'q4', decoder_model_merged: 'q4f16' } }
   */
  dtype?: Dtype | SessionDtypes;
  /**
   * Branch, tag or commit sha.
   * @default 'main'
   */
  revision?: string;
  /** This load's device (default: the client's). */
  device?: Device;
  /** This load's revision policy (default: the client's). */
  revisionPolicy?: RevisionPolicy;
  /**
   * Load even when the fit check refuses the model (`MODEL_TOO_LARGE`: a file, the wasm heap or a
   * GPU buffer too small for it). See `client.cache.fit()`.
   * @default false
   */
  skipFitCheck?: boolean;
  /**
   * Route by latency: with a ladder of models (`load(task, ['org/large', 'org/small'], …)`, best
   * first), run the first rung whose measured p95 on this device meets the target, and switch rungs
   * between calls when the running one keeps missing it (see "Latency targets" in the README).
   * @example
   * { latencyTarget: { p95: 120 } }
   */
  latencyTarget?: LatencyTarget;
  /** Progress: resolve, per-file and total download bytes, cached files, compile, ready. */
  onProgress?: (event: LoadProgressEvent) => void;
  /** Aborts the load: downloads stop (what is stored is kept for a resume) and it rejects with `ABORTED`. */
  signal?: AbortSignal;
}
