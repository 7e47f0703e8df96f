/**
 * Classifies a failure in the worker into one of inpage's codes, so that the transport's one
 * recovery policy (`errorPolicies` in errors.ts) restarts the worker only when it is unusable.
 *
 * The rules, in order:
 * 1. An {@link InpageError} keeps its code.
 * 2. A rejection from an ONNX Runtime session create or run (recorded by {@link recordOrtFailure};
 *    the chains of transformers.js are kept alive, see yield-between-runs.ts):
 *    - a GPU failure (device lost, out of memory, a WebGPU validation error) is `DEVICE_FAILED`;
 *    - a WebAssembly abort (the runtime's heap is gone), or a backend that could not start, is `RUNTIME`
 *      (`DEVICE_FAILED` for a WebGPU session);
 *    - any other rejection on WebGPU is `DEVICE_FAILED` (WASM may run what WebGPU could not);
 *    - on WASM, a session that cannot be created is `UNSUPPORTED_MODEL`, a run that fails on this
 *      input is `INVALID_INPUT`: the runtime and every other session are intact.
 * 3. Anything else was raised by transformers.js or the tokenizer outside ONNX Runtime, so the
 *    worker is intact: a missing file is `FILE_NOT_FOUND`; while loading, `UNSUPPORTED_MODEL`;
 *    while running, `INVALID_INPUT`. With no stage known, `RUNTIME`, except `TypeError` and
 *    `RangeError`, which are programmer mistakes and pass through.
 * @module
 */
import { InpageError, isInpageError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';

/** Which ONNX Runtime call rejected. */
export type OrtCall = 'create' | 'run';

/** What is known of a rejected ONNX Runtime call. */
export interface OrtFailure {
  call: OrtCall;
  /** The session's execution providers, e.g. `['webgpu']`; empty when unknown. */
  providers: readonly string[];
}

/** When the failure happened: opening a model, or running one. */
export type FailureStage = 'load' | 'run';

const ortFailures = new WeakMap<object, OrtFailure>();

/**
 * Marks `error` as the rejection of an ONNX Runtime call (done by the session patches).
 * @example
 * catch (error) { recordOrtFailure(error, { call: 'run', providers: ['wasm'] }); }
 */
export function recordOrtFailure(error: unknown, failure: OrtFailure): void {
  if (typeof error === 'object' && error !== null) ortFailures.set(error, failure);
}

/**
 * The ONNX Runtime call that rejected with `error` (or with one of its causes), if any.
 * @example
 * ortFailureOf(error)?.call; // 'run'
 */
export function ortFailureOf(error: unknown): OrtFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const failure = ortFailures.get(current);
    if (failure) return failure;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** GPU failures: WebGPU's own error names and the messages of ORT's WebGPU backend. */
const deviceFailure =
  /device (was |is |has been )?lost|GPUDeviceLost|out of memory|OutOfMemory|GPUValidationError|GPUPipelineError|GPUOutOfMemoryError|validation error|Invalid (Buffer|CommandBuffer|BindGroup|ComputePipeline|ShaderModule)|mapAsync|destroyed/i;

/** WebAssembly aborts: the runtime's heap or stack is gone, nothing in this worker can run again. */
const wasmAbort = /Aborted\(|memory access out of bounds|bad_alloc|Maximum memory size|WebAssembly\.Memory/i;

/** ORT could not start a backend at all (its wasm module failed to load or initialize): nothing can run. */
const runtimeUnavailable =
  /no available backend found|backend not found|Failed to fetch dynamically imported module|WebAssembly\.instantiate/i;

/** transformers.js's messages for a file the Hub (here: inpage's verified store) does not have. */
const fileNotFound = /Could not locate file|file was not found locally/i;

/** transformers.js messages that say the model (not the input) does not fit. */
const modelMismatch =
  /Unsupported model type|Missing the following inputs|Unknown (model|feature_extractor|image_processor)|not implemented for this model|Unsupported layer type/i;

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return String((error as { message: string }).message);
  }
  return String(error);
}

function isWasmAbort(error: unknown): boolean {
  if (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) return true;
  return wasmAbort.test(messageOf(error));
}

/**
 * The code of a failure (see the module's rules). Pure: looks at the error, its ORT provenance and
 * the stage only.
 * @param error - what was thrown.
 * @param stage - `'load'`, `'run'`, or `undefined` when the caller cannot tell.
 * @returns the code, or `null` for a `TypeError`/`RangeError` that passes through unchanged.
 * @example
 * failureCode(new Error('Mask token ([MASK]) not found in text.'), 'run'); // 'INVALID_INPUT'
 */
export function failureCode(error: unknown, stage?: FailureStage): ErrorCode | null {
  if (isInpageError(error)) return error.code;
  const message = messageOf(error);
  const ort = ortFailureOf(error);
  if (ort) {
    const onWebgpu = ort.providers.includes('webgpu');
    if (deviceFailure.test(message) && (onWebgpu || /gpu/i.test(message))) return 'DEVICE_FAILED';
    if (isWasmAbort(error)) return 'RUNTIME';
    if (runtimeUnavailable.test(message)) return onWebgpu ? 'DEVICE_FAILED' : 'RUNTIME';
    if (onWebgpu) return 'DEVICE_FAILED';
    return ort.call === 'create' ? 'UNSUPPORTED_MODEL' : 'INVALID_INPUT';
  }
  if (isWasmAbort(error)) return 'RUNTIME';
  // Outside a session call, e.g. reading a GPU output tensor after the device was lost.
  if (deviceFailure.test(message) && /gpu|device/i.test(message)) return 'DEVICE_FAILED';
  if (fileNotFound.test(message)) return 'FILE_NOT_FOUND';
  if (modelMismatch.test(message)) return 'UNSUPPORTED_MODEL';
  if (stage === 'load') return 'UNSUPPORTED_MODEL';
  if (stage === 'run') return 'INVALID_INPUT';
  if (error instanceof TypeError || error instanceof RangeError) return null;
  return 'RUNTIME';
}

const explanations: Partial<Record<ErrorCode, string>> = {
  DEVICE_FAILED: 'the GPU failed',
  UNSUPPORTED_MODEL: 'the model does not fit this runtime or task',
  INVALID_INPUT: 'the model could not process this input',
  RUNTIME: 'the runtime is unusable',
};

/**
 * Turns any failure in the worker into the error the client gets: an {@link InpageError} whose
 * code says whether the worker must restart (see the module's rules), with the original as `cause`.
 * @param error - what was thrown.
 * @param message - what failed, e.g. `'Inference failed'`; the original message is appended.
 * @param stage - `'load'` or `'run'` when known.
 * @example
 * catch (error) { throw classifyError(error, 'Inference failed', 'run'); }
 */
export function classifyError(error: unknown, message: string, stage?: FailureStage): Error {
  if (isInpageError(error)) return error;
  if (error instanceof DOMException && error.name === 'AbortError') {
    return new InpageError('ABORTED', 'The operation was aborted.', { cause: error });
  }
  const code = failureCode(error, stage);
  if (code === null) return error as Error;
  const detail = error instanceof Error ? error.message : messageOf(error);
  const why = explanations[code];
  return new InpageError(code, `${message}${why ? ` (${why})` : ''}: ${detail}`, { cause: error });
}
