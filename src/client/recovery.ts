import { abortError, errorPolicies, isInpageError } from '../errors.ts';
import type { RemoteWorkerApi } from '../rpc/comlink.ts';
import type { CallId } from '../rpc/contract.ts';
import type { WorkerHost } from './worker-host.ts';

/** What one recoverable operation (a load, a run, a stream, an install) tells the recovery policy. */
export interface Recoverable<R> {
  /**
   * The host (one per ONNX Runtime build) of each attempt, asked again before each: after a
   * demotion the operation moves to the WASM worker.
   */
  host(): WorkerHost | Promise<WorkerHost>;
  nextCallId(): CallId;
  /** Aborts the operation: it rejects with `ABORTED` at once, and the worker's call is aborted too. */
  signal?: AbortSignal | undefined;
  /** Whether a retry is still possible (a stream that delivered text is not replayed). @default always */
  canRetry?(): boolean;
  /**
   * Moves the operation to WASM after a device failure (the caller allowed `auto` and it ran on
   * WebGPU), and remembers that for the client.
   * @returns `false` when there is nothing to demote.
   */
  demote?(reason: string): boolean;
  /** Frees a result that arrived after the caller gave up (an aborted load's pipeline). */
  discard?(result: R, generation: number): void;
  /**
   * On abort, settle only once the worker's call has stopped (a model's queue must not start the
   * next inference, or release the pipeline, under a running one). Its callers were answered already.
   * @default false: reject at once
   */
  awaitStop?: boolean;
}

/**
 * Runs one worker operation under inpage's single recovery policy, which reads {@link errorPolicies}:
 * a code that restarts the worker restarts it (once, even when several calls failed in it), a code
 * that demotes the device moves the operation to WASM, a retryable code is retried once. An
 * operation interrupted because another one restarted its worker is retried too. Aborts are
 * forwarded to the worker and reject at once.
 *
 * @throws the operation's last error, or InpageError `ABORTED`.
 * @example
 * const output = await withRecovery({ host: () => host, nextCallId, signal }, (remote, callId) => remote.run(callId, id, task, input, options));
 */
export async function withRecovery<R>(
  operation: Recoverable<R>,
  work: (remote: RemoteWorkerApi, callId: CallId, generation: number) => Promise<R>,
): Promise<R> {
  const { signal } = operation;
  let recovered = false;
  let interrupted = 0;
  for (;;) {
    if (signal?.aborted) throw abortError(signal);
    const host = await operation.host();
    const callId = operation.nextCallId();
    let generation = 0;
    let rejectAbort: (error: unknown) => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => (rejectAbort = reject));
    const onAbort = (): void => {
      rejectAbort(abortError(signal));
      void host.notify(generation, (remote) => remote.abort(callId));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const attempt = host.call((remote, current) => {
      generation = current;
      // Aborted while waiting for the worker: do not start work nobody waits for.
      if (signal?.aborted) throw abortError(signal);
      return work(remote, callId, current);
    });
    try {
      return await Promise.race([attempt, aborted]);
    } catch (error) {
      if (signal?.aborted) {
        const stopped = attempt.then((late) => operation.discard?.(late, generation)).catch(() => undefined);
        if (operation.awaitStop) await stopped;
        throw abortError(signal);
      }
      if (operation.canRetry && !operation.canRetry()) throw error;
      if (isInpageError(error, 'WORKER_CRASHED') && host.wasRestarted(generation) && interrupted < 2) {
        interrupted += 1;
        continue;
      }
      if (!isInpageError(error)) throw error;
      const policy = errorPolicies[error.code];
      if (policy.restartWorker) host.restart(error.message, generation);
      if (policy.demoteDevice) operation.demote?.(error.message);
      if (!policy.retry || recovered) throw error;
      recovered = true;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
