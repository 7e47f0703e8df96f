import type { ResolvedDevice } from '../types.ts';

/**
 * The ONNX Runtime builds a worker may load (onnxruntime-web's `ort-wasm-simd-threaded*` files):
 * - `plain`: CPU only (14.3 MB), for WASM workers;
 * - `jspi`: WebGPU and CPU (16.8 MB), where the browser has `WebAssembly.Suspending` (Chromium 137+);
 * - `asyncify`: WebGPU and CPU (26.9 MB, over the 25 MiB per-file limit of some static hosts),
 *   for WebGPU workers elsewhere.
 */
export type RuntimeBuild = 'plain' | 'jspi' | 'asyncify';

/** Same-origin URLs of one ONNX Runtime build: its `.wasm` and its Emscripten glue `.mjs`. */
export interface RuntimeFiles {
  wasm: string;
  mjs: string;
}

/**
 * The build a worker for `device` loads: the plain build for WASM, JSPI for WebGPU where
 * `WebAssembly.Suspending` exists, else asyncify. Chosen before the worker's runtime starts; one
 * worker never changes build (a fallback to WASM starts a WASM worker).
 * @example
 * runtimeBuild('wasm'); // 'plain'
 * runtimeBuild('webgpu', false); // 'asyncify'
 */
export function runtimeBuild(device: ResolvedDevice, jspi: boolean = 'Suspending' in WebAssembly): RuntimeBuild {
  if (device === 'wasm') return 'plain';
  return jspi ? 'jspi' : 'asyncify';
}
