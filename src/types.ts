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
