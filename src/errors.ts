/**
 * Every failure inpage reports at run time, as a stable string code callers can branch on.
 * Programmer mistakes (wrong argument types, impossible option values) throw the built-in
 * `TypeError` / `RangeError` instead.
 */
export const errorCodes = [
  'MODEL_NOT_FOUND',
  'FILE_NOT_FOUND',
  'UNAUTHORIZED',
  'NETWORK',
  'OFFLINE_NOT_CACHED',
  'QUOTA_EXCEEDED',
  'MODEL_TOO_LARGE',
  'INTEGRITY',
  'DEVICE_UNAVAILABLE',
  'DEVICE_FAILED',
  'UNSUPPORTED_TASK',
  'UNSUPPORTED_MODEL',
  'INVALID_INPUT',
  'ABORTED',
  'DISPOSED',
  'WORKER_CRASHED',
  'RUNTIME',
  'RUNTIME_UNAVAILABLE',
  'STORAGE',
] as const;

/** One of {@link errorCodes}. */
export type ErrorCode = (typeof errorCodes)[number];

/** What the transport does when a call or a load fails with a code (see {@link errorPolicies}). */
export interface ErrorPolicy {
  /** The worker that raised it is unusable (a poisoned ONNX Runtime, a dead thread): start a fresh one. */
  readonly restartWorker: boolean;
  /** With `device: 'auto'` on WebGPU: move the model to WASM from its stored bytes, and remember that for the client. */
  readonly demoteDevice: boolean;
  /** Retried once, after the restart or the demotion, before the caller sees it. */
  readonly retry: boolean;
}

const fail: ErrorPolicy = { restartWorker: false, demoteDevice: false, retry: false };

/**
 * The error taxonomy: for each code, whether it restarts the worker, demotes the device, or may be
 * retried. The transport's one recovery policy reads this table; nothing else decides it. The
 * worker decides the code of a failure in `worker/classify-error.ts`.
 * @example
 * if (errorPolicies[error.code].restartWorker) await restart();
 */
export const errorPolicies: { readonly [C in ErrorCode]: ErrorPolicy } = {
  MODEL_NOT_FOUND: fail,
  FILE_NOT_FOUND: fail,
  UNAUTHORIZED: fail,
  NETWORK: fail,
  OFFLINE_NOT_CACHED: fail,
  QUOTA_EXCEEDED: fail,
  /** The fit check refused the model before any weight byte: a file, the wasm heap or a GPU buffer is too small for it. */
  MODEL_TOO_LARGE: fail,
  INTEGRITY: fail,
  DEVICE_UNAVAILABLE: fail,
  /** The GPU failed under a session (device lost, out of memory, a WebGPU validation error). */
  DEVICE_FAILED: { restartWorker: true, demoteDevice: true, retry: true },
  UNSUPPORTED_TASK: fail,
  /**
   * The model does not fit the runtime or the task (config, `model_type`, graph inputs, a session
   * WASM cannot create, an output of the wrong shape): the worker is intact.
   */
  UNSUPPORTED_MODEL: fail,
  /**
   * Validation, tokenizer or lengths (a prompt longer than the positions, fill-mask text without
   * the mask token), mostly caught before any ONNX Runtime call; an image that cannot be used (no
   * CORS, undecodable, zero-size, a detached buffer, a URL that fails); or a WASM run that failed
   * on this input. The worker is intact: the worker keeps transformers.js's session chains alive.
   */
  INVALID_INPUT: fail,
  ABORTED: fail,
  DISPOSED: fail,
  /** The worker is already gone; the next call starts a fresh one. Not retried: the call may have killed it. */
  WORKER_CRASHED: fail,
  /** The worker's runtime is unusable (a WebAssembly abort: its heap is gone), or a failure of unknown origin. */
  RUNTIME: { restartWorker: true, demoteDevice: false, retry: true },
  /** An ONNX Runtime file could not be fetched (404, wrong MIME type, blocked): a fresh worker would fetch the same URL. */
  RUNTIME_UNAVAILABLE: fail,
  /**
   * IndexedDB failed (a lost connection, `UnknownError`, `InvalidStateError`, an aborted
   * transaction, a stored Blob whose file is gone while offline). The store reopens its connection on
   * the next call; the worker is intact.
   */
  STORAGE: fail,
};

const errorName = 'InpageError';

/**
 * The one error class inpage throws for run-time failures. `code` survives the worker boundary.
 *
 * @example
 * try {
 *   await client.load('sentiment-analysis', 'org/missing-model');
 * } catch (error) {
 *   if (isInpageError(error) && error.code === 'MODEL_NOT_FOUND') showNotFound();
 *   else throw error;
 * }
 */
export class InpageError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;

  /**
   * @param code - one of {@link errorCodes}.
   * @param message - a human-readable explanation (what failed and what to do).
   * @param options - `cause`: the underlying error, kept for debugging.
   */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = errorName;
    this.code = code;
  }
}

/**
 * Type guard for {@link InpageError}. Checks the `name` and `code` too, so it also works for
 * errors created in another realm (a worker, an iframe).
 *
 * @param error - anything that was thrown.
 * @param code - when given, also require this code.
 * @example
 * if (isInpageError(error, 'ABORTED')) return; // the user cancelled
 */
export function isInpageError(error: unknown, code?: ErrorCode): error is InpageError {
  if (error instanceof InpageError) return code === undefined || error.code === code;
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  return (
    candidate.name === errorName &&
    typeof candidate.code === 'string' &&
    (errorCodes as readonly string[]).includes(candidate.code) &&
    (code === undefined || candidate.code === code)
  );
}

/** The plain-data form of an error, as it crosses the worker boundary. */
export interface SerializedError {
  name: string;
  message: string;
  code?: ErrorCode;
  stack?: string;
  cause?: SerializedError;
}

/**
 * Turns any thrown value into plain data (structured-clone safe), keeping `code`, the class name
 * and the `cause` chain.
 * @example
 * port.postMessage({ error: serializeError(error) });
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const serialized: SerializedError = { name: error.name, message: error.message };
  if (error.stack !== undefined) serialized.stack = error.stack;
  if (isInpageError(error)) serialized.code = error.code;
  if (error.cause !== undefined && depth < 4) serialized.cause = serializeError(error.cause, depth + 1);
  return serialized;
}

const builtins: Record<string, ErrorConstructor> = {
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * Rebuilds an error from {@link serializeError}'s output: an {@link InpageError} when it had a code,
 * the same built-in class for `TypeError`/`RangeError`/…, otherwise an `Error` with the same name.
 * @example
 * throw deserializeError(message.error);
 */
export function deserializeError(data: SerializedError): Error {
  const cause = data.cause ? deserializeError(data.cause) : undefined;
  const options = cause ? { cause } : undefined;
  let error: Error;
  if (data.code !== undefined) error = new InpageError(data.code, data.message, options);
  else {
    const Builtin = builtins[data.name] ?? Error;
    error = new Builtin(data.message, options);
    error.name = data.name;
  }
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}

/**
 * Wraps an unknown failure in an {@link InpageError} unless it already is one (or a programmer
 * error: `TypeError`/`RangeError` thrown on purpose pass through).
 * @example
 * catch (error) { throw toInpageError(error, 'RUNTIME', 'Inference failed'); }
 */
export function toInpageError(error: unknown, code: ErrorCode, message: string): Error {
  if (isInpageError(error)) return error;
  if (error instanceof DOMException && error.name === 'AbortError') {
    return new InpageError('ABORTED', 'The operation was aborted.', { cause: error });
  }
  if (error instanceof DOMException && error.name === 'QuotaExceededError') {
    return new InpageError('QUOTA_EXCEEDED', 'The browser refused to store more data (quota exceeded).', { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new InpageError(code, `${message}: ${detail}`, { cause: error });
}

/**
 * The rejection an aborted operation gets: the signal's reason when it is already an
 * `ABORTED` {@link InpageError}, otherwise a new one carrying the reason as `cause`.
 * @example
 * signal.throwIfAborted?.(); // or:
 * if (signal?.aborted) throw abortError(signal);
 */
export function abortError(signal?: AbortSignal): InpageError {
  const reason: unknown = signal?.reason;
  if (isInpageError(reason, 'ABORTED')) return reason;
  return new InpageError('ABORTED', 'The operation was aborted.', reason === undefined ? undefined : { cause: reason });
}
