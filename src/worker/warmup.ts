import { InferenceSession } from 'onnxruntime-web/webgpu';
import { prepareHashing } from '../store/hashing.ts';
import { explainRuntimeFailure } from './runtime-files.ts';

// A 70-byte ONNX model (one Identity node): creating a session from it starts the runtime.
const identityModel = new Uint8Array([
  8, 8, 58, 60, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 6, 119, 97, 114, 109, 117, 112, 90, 15,
  10, 1, 120, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 4, 10, 0, 16, 13,
]);

/**
 * Fetches, compiles and starts the ONNX Runtime WASM module, so that it overlaps with the first
 * load's downloads instead of following them. Safe to call more than once. The hash modules are
 * compiled first (see {@link prepareHashing}).
 * @returns how long it took, in milliseconds.
 * @example
 * void startRuntime(); // right after configuring env
 */
export function startRuntime(): Promise<number> {
  started ??= (async () => {
    starting = true;
    const begin = performance.now();
    await prepareHashing().catch(() => undefined);
    try {
      // A rejected create may come back as a stand-in that throws at its first use (see
      // yield-between-runs.ts), so the release is inside the explained block too.
      const session = await InferenceSession.create(identityModel, { executionProviders: ['wasm'] });
      await session.release();
    } catch (error) {
      throw await explainRuntimeFailure(error);
    }
    return performance.now() - begin;
  })().finally(() => (starting = false));
  return started;
}

let started: Promise<number> | undefined;
let starting = false;

/**
 * Resolves once no runtime start is under way (at once when none was started, or it ended, even
 * failed). Downloads wait on it before they read a body: the start holds this thread for up to
 * seconds, and the bytes of a body not read meanwhile are lost when its connection drops
 * (Chromium discards them), so they would be downloaded twice.
 * @example
 * await runtimeStartSettled(); // then fetch the body
 */
export async function runtimeStartSettled(): Promise<void> {
  if (starting && started) await started.catch(() => undefined);
}
