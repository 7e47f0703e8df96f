import { env } from '@huggingface/transformers';
import type { WorkerConfig } from '../rpc/contract.ts';
import type { StoreBridge } from '../store/transformers-bridge.ts';
import { defaultRuntimeFiles } from './runtime-files.ts';

/**
 * Sets transformers.js's global `env` for this worker: models only through inpage's verified
 * store (custom cache + guarded fetch), the ONNX Runtime from the app's own origin by URL
 * (CSP-safe, and the browser's code cache can keep the compiled wasm), threads as configured.
 * @example
 * configureTransformers(config, bridge, 2);
 */
export function configureTransformers(config: WorkerConfig, bridge: StoreBridge, numThreads: number): void {
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
  wasm.wasmPaths = { ...(config.runtime ?? defaultRuntimeFiles) };
  wasm.numThreads = numThreads;
  wasm.proxy = false;
}
