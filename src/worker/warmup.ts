import { InferenceSession } from 'onnxruntime-web/webgpu';
import { prepareHashing } from '../store/hashing.ts';
import { explainRuntimeFailure } from './runtime-files.ts';

// A 70-byte ONNX model (one Identity node): creating a session from it starts the runtime.
const identityModel = new Uint8Array([
  8, 8, 58, 60, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 6, 119, 97, 114, 109, 117, 112, 90, 15,
  10, 1, 120, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 4, 10, 0, 16, 13,
]);

let started: Promise<number> | undefined;
let starting = false;

/**
 * Fetches, compiles and starts the ONNX Runtime WASM module. Safe to call more than once. The hash
 * modules are compiled first (see {@link prepareHashing}). The start holds this thread for up to
 * seconds: the worker calls it when no load is reading the store or a body (see
 * {@link precompileRuntime} for the part that does not hold it).
 * @returns how long it took, in milliseconds.
 * @example
 * await startRuntime(); // after the load's files are read or downloaded
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
  })().finally(() => {
    starting = false;
    precompiled = undefined; // the runtime holds its own module now
  });
  return started;
}

let precompiled: Promise<WebAssembly.Module | undefined> | undefined;

/**
 * Fetches and compiles the runtime's wasm by URL (`compileStreaming`: the browser compiles it off
 * this thread, and keeps the result in its code cache), without starting it: unlike the start, it
 * never holds the thread, so store reads and downloads go on meanwhile. The module is kept until
 * the runtime has started, so the runtime's own `instantiateStreaming` of the same bytes finds it
 * compiled. Failures are left to the start, which explains them.
 * @returns the compiled module, or `undefined` when it could not be compiled here (or the runtime started already).
 * @example
 * void precompileRuntime(runtimeFilesFor(config.runtime, build).wasm).then(startWhenIdle);
 */
export function precompileRuntime(wasmUrl: string): Promise<WebAssembly.Module | undefined> {
  if (started) return Promise.resolve(undefined);
  precompiled ??= WebAssembly.compileStreaming(fetch(wasmUrl)).catch(() => undefined);
  return precompiled;
}

/**
 * Resolves once no runtime start nor precompilation is under way (at once when none was started,
 * or it ended, even failed). Downloads wait on it before they read a body: the start holds this
 * thread for up to seconds, and so may the end of a precompilation (a module taken from the code
 * cache is deserialized on this thread); the bytes of a body not read meanwhile are lost when its
 * connection drops (Chromium discards them), so they would be downloaded twice.
 * @example
 * await runtimeStartSettled(); // then fetch the body
 */
export async function runtimeStartSettled(): Promise<void> {
  if (precompiled) await precompiled;
  if (starting && started) await started.catch(() => undefined);
}

/**
 * Holds the runtime's start (which holds the worker's thread for up to seconds) back while loads
 * read the store or a response body: with `warmup`, the runtime's wasm is compiled off-thread from
 * `init`, and it starts as soon as no load is preparing.
 * @example
 * const gate = new RuntimeStartGate();
 * gate.warmUp(runtimeFilesFor(config.runtime, build).wasm);
 * await gate.preparing(() => plan(request)); // the start waits until this ends
 */
export class RuntimeStartGate {
  /** Loads reading the store or downloading. */
  #preparing = 0;
  /** With `warmup`: resolves once the runtime's wasm is compiled. */
  #warmup: Promise<unknown> | undefined;

  /** Compiles the runtime's wasm off-thread now, and starts it once no load is preparing. */
  warmUp(wasmUrl: string): void {
    this.#warmup = precompileRuntime(wasmUrl).then(() => this.#startWhenIdle());
  }

  /** Runs a load's store reads and downloads with the runtime's start held back until it ends. */
  async preparing<T>(work: () => Promise<T>): Promise<T> {
    this.#preparing += 1;
    try {
      return await work();
    } finally {
      this.#preparing -= 1;
      void this.#warmup?.then(() => this.#startWhenIdle());
    }
  }

  #startWhenIdle(): void {
    if (this.#preparing === 0) startRuntime().catch(() => undefined);
  }
}
