import type { StoreProgressEvent } from './store/prepare-model.ts';
import type { ResolvedDevice, ResolvedDtype } from './types.ts';

/**
 * Progress of `load()`, a discriminated union on `phase`:
 * - `resolve`: looking up the revision on the Hub;
 * - `cached`: a file was already stored and verified;
 * - `download`: bytes of one file (`loaded` of `total`);
 * - `total`: all files of the load (the total is known before any bytes flow);
 * - `compile`: creating the ONNX Runtime sessions;
 * - `ready`: the model can run; `commit` is the commit its files come from, `offline` says the
 *   Hub was not reached (stored data was used).
 *
 * @example
 * onProgress: (event) => {
 *   if (event.phase === 'total') bar.value = event.loaded / event.total;
 * }
 */
export type LoadProgressEvent =
  | StoreProgressEvent
  | { phase: 'compile'; model: string; device: ResolvedDevice; dtype: ResolvedDtype }
  | { phase: 'ready'; model: string; device: ResolvedDevice; dtype: ResolvedDtype; commit: string; offline: boolean };

/**
 * Limits progress to at most one event per file (and one `total`) per `intervalMs`, always
 * passing the first and the last (completed) event.
 * @example
 * const emit = throttleProgress(onProgress, 100);
 */
export function throttleProgress(
  emit: (event: LoadProgressEvent) => void,
  intervalMs = 100,
  now: () => number = () => Date.now(),
): (event: LoadProgressEvent) => void {
  const last = new Map<string, number>();
  return (event) => {
    if (event.phase !== 'download' && event.phase !== 'total') return emit(event);
    const key = event.phase === 'download' ? `file:${event.file}` : 'total';
    const complete = event.loaded >= event.total;
    const previous = last.get(key);
    const time = now();
    if (previous !== undefined && !complete && time - previous < intervalMs) return;
    last.set(key, time);
    emit(event);
  };
}
