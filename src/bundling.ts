/**
 * What the `inpage/esbuild` and `inpage/rollup` plugins share: where the published worker entry,
 * the two modules holding `new URL(…, import.meta.url)` references, and the ONNX Runtime files are,
 * and how those references are rewritten. Node only (build time).
 * @module
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The worker entry (`inpage/worker`) as built into `dist/`. */
export const workerEntryFile: string = fileURLToPath(new URL('./worker.js', import.meta.url));
/** The module that starts the worker with `new Worker(new URL('../worker.js', import.meta.url))`. */
export const defaultWorkerFile: string = fileURLToPath(new URL('./client/default-worker.js', import.meta.url));
/** The module that names the runtime files with `new URL('../ort/…', import.meta.url)`. */
export const runtimeFilesFile: string = fileURLToPath(new URL('./worker/runtime-files.js', import.meta.url));

/** The worker URL literal in {@link defaultWorkerFile}, with its quotes. */
export const workerUrlLiteral = /(['"])\.\.\/worker\.js\1/;
/** A runtime URL literal in {@link runtimeFilesFile}; group 2 is the path, e.g. `../ort/ort-wasm-simd-threaded.jspi.wasm`. */
export const runtimeUrlLiterals = /(['"])(\.\.\/ort\/ort-wasm-simd-threaded(?:\.(?:jspi|asyncify))?\.(?:wasm|mjs))\1/g;

/** Whether a bundler's module id is `file` (bundlers may report the real path or the symlinked one). */
export function isFile(id: string, file: string): boolean {
  const clean = id.split('?')[0] ?? id;
  if (clean === file) return true;
  try {
    return realpathSync(clean) === realpathSync(file);
  } catch {
    return false;
  }
}

/**
 * `name.ext` → `name-<8 hex of sha256>.ext`: a content-addressed name, so the host can serve it
 * as immutable and an upgrade of inpage gets a new URL.
 */
export function hashedFileName(name: string, bytes: Uint8Array): string {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}-${hash}${name.slice(dot)}`;
}
