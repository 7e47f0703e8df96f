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
export type ResolvedDtype = Exclude<Dtype, 'auto'>;

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
