import type { StoreProgressEvent } from './store/prepare-model.ts';
import type { ResolvedDevice, ResolvedDtype } from './types.ts';

/**
 * Progress of `load()`, a discriminated union on `phase`:
 * - `resolve`: looking up the revision on the Hub;
 * - `cached`: a file was already stored and verified;
 * - `download`: bytes of one file (`loaded` of `total`);
 * - `total`: all files of the load (the total is known before any bytes flow);
 * - `compile`: creating the ONNX Runtime sessions;
 * - `ready`: the model can run.
 *
 * @example
 * onProgress: (event) => {
 *   if (event.phase === 'total') bar.value = event.loaded / event.total;
 * }
 */
export type LoadProgressEvent =
  | StoreProgressEvent
  | { phase: 'compile'; model: string; device: ResolvedDevice; dtype: ResolvedDtype }
  | { phase: 'ready'; model: string; device: ResolvedDevice; dtype: ResolvedDtype };

/** Schedules `run` after `ms`; returns a function that cancels it (injectable for tests). */
export type SetTimer = (run: () => void, ms: number) => () => void;

const realTimer: SetTimer = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

/**
 * Passes at most one value per key per `intervalMs`; a `final` value always passes at once. A
 * value held back is passed when its interval ends unless a newer one passed first, so the last
 * value before a pause (a stalled download) is never lost.
 * @example
 * const report = throttleLatest<number>((loaded) => post(loaded), 100);
 * report('weights', 4096, false);
 */
export function throttleLatest<T>(
  emit: (value: T) => void,
  intervalMs = 100,
  now: () => number = () => Date.now(),
  setTimer: SetTimer = realTimer,
): (key: string, value: T, final: boolean) => void {
  const last = new Map<string, number>();
  const held = new Map<string, { value: T; cancel: () => void }>();
  const pass = (key: string, value: T): void => {
    held.get(key)?.cancel();
    held.delete(key);
    last.set(key, now());
    emit(value);
  };
  return (key, value, final) => {
    const previous = last.get(key);
    const waited = previous === undefined ? Infinity : now() - previous;
    if (final || waited >= intervalMs) return pass(key, value);
    const waiting = held.get(key);
    if (waiting) waiting.value = value;
    else {
      const entry: { value: T; cancel: () => void } = { value, cancel: () => undefined };
      entry.cancel = setTimer(() => pass(key, entry.value), intervalMs - waited);
      held.set(key, entry);
    }
  };
}

/**
 * Limits progress to at most one event per file (and one `total`) per `intervalMs`, always
 * passing the first and the last (completed) event, and the last one before a pause.
 * @example
 * const emit = throttleProgress(onProgress, 100);
 */
export function throttleProgress(
  emit: (event: LoadProgressEvent) => void,
  intervalMs = 100,
  now: () => number = () => Date.now(),
  setTimer: SetTimer = realTimer,
): (event: LoadProgressEvent) => void {
  const throttled = throttleLatest(emit, intervalMs, now, setTimer);
  return (event) => {
    if (event.phase !== 'download' && event.phase !== 'total') return emit(event);
    throttled(event.phase === 'download' ? `file:${event.file}` : 'total', event, event.loaded >= event.total);
  };
}
