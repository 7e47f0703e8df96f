/**
 * Public types shared by the main thread and the worker. Plain data only.
 * @module
 */

/** Where a model runs. `auto` probes for a WebGPU adapter and otherwise uses WASM. */
export type Device = 'auto' | 'webgpu' | 'wasm';

/** The device a model actually runs on (never `auto`). */
export type ResolvedDevice = Exclude<Device, 'auto'>;

/**
 * Every weight precision transformers.js 4.3.1 knows (its `DataType`), `auto` first. A concrete
 * dtype selects the ONNX files by suffix: `fp32` → `onnx/model.onnx`, `fp16` → `_fp16`,
 * `q8` → `_quantized`, every other one → `_{dtype}` (e.g. `q4f16` → `onnx/model_q4f16.onnx`).
 * @example
 * dtypes.includes('q4'); // true
 */
export const dtypes = Object.freeze([
  'auto',
  'fp32',
  'fp16',
  'q8',
  'int8',
  'uint8',
  'q4',
  'bnb4',
  'q4f16',
  'q2',
  'q2f16',
  'q1',
  'q1f16',
] as const);

/**
 * Weight precision (see {@link dtypes}). `auto` lets inpage pick: for generation models q4f16 on
 * WebGPU with `shader-f16` (q4 without), q8 on WASM; for other models the device's preferred
 * dtype that both it and its fallback can run. The model's own `transformers.js_config.dtype`
 * wins over inpage's choice.
 */
export type Dtype = (typeof dtypes)[number];

/** A concrete dtype (never `auto`). */
export type ConcreteDtype = Exclude<Dtype, 'auto'>;

/**
 * A dtype per ONNX session, as transformers.js accepts it, e.g.
 * `{ embed_tokens: 'q4', decoder_model_merged: 'q4f16' }`. Session names are the model's ONNX file
 * names without suffix (`model`, `encoder_model`, `decoder_model_merged`, `embed_tokens`, …); a
 * session left out gets transformers.js's default for the device (q8 on WASM, fp32 on WebGPU).
 * @example
 * const dtype: SessionDtypes = { encoder_model: 'q8', decoder_model_merged: 'fp32' };
 */
export type SessionDtypes = Readonly<Record<string, ConcreteDtype>>;

/**
 * The canonical key of a per-session dtype map: every session of the model as `session=dtype`,
 * sorted by session name and joined by commas, e.g. `'decoder_model_merged=q4f16,embed_tokens=q4'`.
 * A map that gives every session the same dtype is that dtype instead (`'q8'`).
 */
export type SessionDtypesKey = `${string}=${string}`;

/**
 * The dtype a load resolved to (never `auto`): a concrete dtype, or the {@link SessionDtypesKey}
 * of a per-session map. Stored models and `cache.list()` entries are keyed by it.
 */
export type ResolvedDtype = ConcreteDtype | SessionDtypesKey;

/**
 * Why a model runs on a smaller dtype than its first choice: with `dtype: 'auto'`, the first
 * choice could not fit (the fit check's reasons), so the load stepped down to the next dtype the
 * repo has that fits.
 * @example
 * model.dtypeFallback; // { from: 'fp32', reason: 'fp32 cannot fit on wasm: onnx/model.onnx (3162180 bytes, …) exceed …' }
 */
export interface DtypeFallback {
  from: ResolvedDtype;
  reason: string;
}

/** How a load decides whether a stored revision is still current. */
export type RevisionPolicy = 'stale-while-revalidate' | 'pinned' | 'always-check';

/** Where models come from. */
export interface HubOptions {
  /**
   * Base URL of the Hub, a mirror, or a local Hub-layout server.
   * @default 'https://huggingface.co'
   */
  endpoint?: string;
  /** Access token for gated or private repos. Sent only to `endpoint`, never to its CDN. */
  token?: string;
}

/**
 * `[Symbol.asyncDispose](): Promise<void>` where the app's TypeScript lib declares
 * `Symbol.asyncDispose` (lib `esnext.disposable`, or `@types/node`), and no member otherwise: `await
 * using` type-checks for apps that have it, and inpage's declarations compile for apps that do not.
 */
export type AsyncDisposableIfSupported = SymbolConstructor extends { readonly asyncDispose: infer K extends symbol }
  ? { [P in K]: () => Promise<void> }
  : Record<never, never>;

/** One stored model (a repo at one commit in one dtype), as `client.cache.list()` returns it. */
export interface CachedModel {
  model: string;
  /** The revision it was loaded or installed under. */
  revision: string;
  commit: string;
  dtype: ResolvedDtype;
  /** How many files a load of it reads. */
  files: number;
  /** Sum of those files' sizes (files shared between dtypes count in each). */
  bytes: number;
  /** `false` when a file or chunk is missing (an interrupted download, or data deleted behind inpage's back). */
  complete: boolean;
  /** Last load or install, epoch ms. */
  lastUsed: number;
  /** Pinned models are never evicted. */
  pinned: boolean;
}

/** Storage use, as `client.cache.usage()` returns it. */
export interface CacheUsage {
  /** Bytes of model files inpage stores in this namespace (its own accounting, exact). */
  modelBytes: number;
  /** Bytes the whole origin uses, as the browser estimates it (`navigator.storage.estimate()`). */
  originUsage: number;
  /** Bytes the origin may use, as the browser estimates it. */
  quota: number;
  /** Whether the browser granted persistent storage (`navigator.storage.persisted()`). */
  persisted: boolean;
  /** The `storage.budget` inpage keeps its models within, or `null` for none. */
  budget: number | null;
}

/**
 * Progress of `load()`, a discriminated union on `phase`:
 * - `resolve`: looking up the revision on the Hub;
 * - `cached`: a file was already stored and verified;
 * - `download`: bytes of one file (`loaded` of `total`);
 * - `total`: all files of the load (the total is known before any bytes flow);
 * - `compile`: creating the ONNX Runtime sessions;
 * - `ready`: the model can run; `commit` is the commit its files come from, `offline` says the
 *   Hub was not reached (stored data was used), `dtypeFallback` (only when `auto` stepped down)
 *   which dtype could not fit and why.
 *
 * @example
 * onProgress: (event) => {
 *   if (event.phase === 'total') bar.value = event.loaded / event.total;
 * }
 */
export type LoadProgressEvent =
  | { phase: 'resolve'; model: string; revision: string }
  | { phase: 'cached'; model: string; file: string; total: number }
  | { phase: 'download'; model: string; file: string; loaded: number; total: number }
  | { phase: 'total'; model: string; loaded: number; total: number; files: number }
  | { phase: 'compile'; model: string; device: ResolvedDevice; dtype: ResolvedDtype }
  | {
      phase: 'ready';
      model: string;
      device: ResolvedDevice;
      dtype: ResolvedDtype;
      commit: string;
      offline: boolean;
      dtypeFallback?: DtypeFallback;
    };
