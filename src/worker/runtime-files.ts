import { env } from 'onnxruntime-web/webgpu';
import { InpageError } from '../errors.ts';
import type { RuntimeBuild, RuntimeFiles } from '../runtime/runtime-build.ts';
import { diagnoseServedFile } from '../runtime/served-file.ts';
import type { ServedFileKind } from '../runtime/served-file.ts';

/**
 * Same-origin URLs of each ONNX Runtime build the worker may load (never a CDN); one worker loads
 * one build (see `runtimeBuild`). Bundlers see these `new URL(…, import.meta.url)` references and
 * emit the files as assets of the app; the published package ships them in `dist/ort/`.
 */
export const defaultRuntimeFiles: Readonly<Record<RuntimeBuild, RuntimeFiles>> = {
  plain: {
    wasm: new URL('../ort/ort-wasm-simd-threaded.wasm', import.meta.url).href,
    mjs: new URL('../ort/ort-wasm-simd-threaded.mjs', import.meta.url).href,
  },
  jspi: {
    wasm: new URL('../ort/ort-wasm-simd-threaded.jspi.wasm', import.meta.url).href,
    mjs: new URL('../ort/ort-wasm-simd-threaded.jspi.mjs', import.meta.url).href,
  },
  asyncify: {
    wasm: new URL('../ort/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url).href,
    mjs: new URL('../ort/ort-wasm-simd-threaded.asyncify.mjs', import.meta.url).href,
  },
};

/**
 * The files of `build`: the app's own (`runtime` option: one pair for every build, or a pair per
 * build), else inpage's.
 * @example
 * runtimeFilesFor(undefined, 'plain'); // inpage's ort-wasm-simd-threaded.{wasm,mjs}
 */
export function runtimeFilesFor(
  runtime: RuntimeFiles | Partial<Record<RuntimeBuild, RuntimeFiles>> | undefined,
  build: RuntimeBuild,
): RuntimeFiles {
  if (runtime && 'mjs' in runtime) return runtime;
  return runtime?.[build] ?? defaultRuntimeFiles[build];
}

/**
 * Turns a failure to start the ONNX Runtime into `RUNTIME_UNAVAILABLE` naming the runtime file that
 * could not be fetched and why (HTTP status, MIME type, blocked request), or returns `error` as it
 * is when both files are served correctly. The configured URLs are read from onnxruntime-web's `env`.
 * @example
 * await InferenceSession.create(model).catch(async (error) => { throw await explainRuntimeFailure(error); });
 */
export async function explainRuntimeFailure(error: unknown, fetchFile?: typeof globalThis.fetch): Promise<unknown> {
  const paths = env.wasm.wasmPaths;
  const files = typeof paths === 'object' ? paths : {};
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
