import { env } from '@huggingface/transformers';
import type { WorkerConfig } from '../rpc/contract.ts';
import type { RuntimeBuild } from '../runtime/runtime-build.ts';
import type { StoreBridge } from '../store/transformers-bridge.ts';
import { runtimeFilesFor } from './runtime-files.ts';

/**
 * Sets transformers.js's global `env` for this worker: models only through inpage's verified
 * store (custom cache + guarded fetch), the ONNX Runtime from the app's own origin by URL
 * (CSP-safe, and the browser's code cache keeps the compiled wasm: returning visits' calls ran
 * 1.6–5× faster than from bytes, see bench/README.md "Returning visits and the wasm code cache"),
 * the worker's one `build`, threads as configured. transformers.js imports `onnxruntime-web/webgpu`, whose JS layer drives
 * every build's glue once `wasmPaths` names it (it only calls WebGPU functions for WebGPU sessions).
 * @example
 * configureTransformers(config, bridge, 2, 'plain');
 */
export function configureTransformers(config: WorkerConfig, bridge: StoreBridge, numThreads: number, build: RuntimeBuild): void {
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.remoteHost = `${config.hub.endpoint}/`;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  env.useBrowserCache = false;
  env.useFSCache = false;
  env.useCustomCache = true;
  env.customCache = bridge.cache;
  env.fetch = bridge.fetch;
  // useWasmCache imports the runtime from a blob: URL, which `script-src 'self'` forbids.
  env.useWasmCache = false;
  const wasm = env.backends.onnx.wasm;
  if (!wasm) throw new Error('onnxruntime-web has no wasm backend in this build.');
  wasm.wasmPaths = { ...runtimeFilesFor(config.runtime, build) };
  wasm.numThreads = numThreads;
  wasm.proxy = false;
}
