/**
 * Public types shared by the main thread and the worker. Plain data only.
 * @module
 */

/** Where a model runs. `auto` probes for a WebGPU adapter and otherwise uses WASM. */
export type Device = 'auto' | 'webgpu' | 'wasm';

/** The device a model actually runs on (never `auto`). */
export type ResolvedDevice = Exclude<Device, 'auto'>;

/**
 * Weight precision, chosen by file suffix on the Hub: `fp32` → `onnx/model.onnx`,
 * `fp16` → `_fp16`, `q8` → `_quantized`. `auto` lets inpage pick one both the chosen
 * device and its fallback can run.
 */
export type Dtype = 'auto' | 'fp32' | 'fp16' | 'q8';

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
