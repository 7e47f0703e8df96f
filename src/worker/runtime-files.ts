import { env } from 'onnxruntime-web/webgpu';
import { InpageError } from '../errors.ts';
import { diagnoseServedFile } from '../runtime/served-file.ts';
import type { ServedFileKind } from '../runtime/served-file.ts';

/**
 * Same-origin URLs of the ONNX Runtime files the worker loads (never a CDN). Bundlers see these
 * `new URL(…, import.meta.url)` references and emit the files as assets of the app; the
 * published package ships them in `dist/ort/`.
 */
export const defaultRuntimeFiles: { wasm: string; mjs: string } = {
  wasm: new URL('../ort/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url).href,
  mjs: new URL('../ort/ort-wasm-simd-threaded.asyncify.mjs', import.meta.url).href,
};

/**
 * Turns a failure to start the ONNX Runtime into `RUNTIME_UNAVAILABLE` naming the runtime file that
 * could not be fetched and why (HTTP status, MIME type, blocked request), or returns `error` as it
 * is when both files are served correctly. The configured URLs are read from onnxruntime-web's `env`.
 * @example
 * await InferenceSession.create(model).catch(async (error) => { throw await explainRuntimeFailure(error); });
 */
export async function explainRuntimeFailure(error: unknown, fetchFile?: typeof globalThis.fetch): Promise<unknown> {
  const paths = env.wasm.wasmPaths;
  const files = typeof paths === 'object' ? paths : defaultRuntimeFiles;
  const checks: [string | URL | undefined, ServedFileKind][] = [
    [files.mjs, 'script'],
    [files.wasm, 'wasm'],
  ];
  for (const [url, kind] of checks) {
    if (url === undefined) continue;
    const problem = await diagnoseServedFile(String(url), kind, fetchFile ? { fetch: fetchFile } : {}).catch(() => undefined);
    if (problem) return new InpageError('RUNTIME_UNAVAILABLE', `The ONNX Runtime could not start: ${problem}.`, { cause: error });
  }
  return error;
}
