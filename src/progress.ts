/**
 * Throttling of load progress (the worker side). The event type itself is public: see `types.ts`.
 * @module
 */
import type { LoadProgressEvent } from './types.ts';

export type { LoadProgressEvent } from './types.ts';

/** Schedules `run` after `ms`; returns a function that cancels it (injectable for tests). */
export type SetTimer = (run: () => void, ms: number) => () => void;

const realTimer: SetTimer = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

/** A throttled emitter; `flush()` passes what it holds back now (call it when the stream ends). */
export interface Throttled<A extends unknown[]> {
  (...args: A): void;
  flush(): void;
}

/**
 * Passes at most one value per key per `intervalMs`; a `final` value always passes at once. A
 * value held back is passed when its interval ends unless a newer one passed first, so the last
 * value before a pause (a stalled download) is never lost.
 * @example
 * const report = throttleLatest<number>((loaded) => post(loaded), 100);
 * report('weights', 4096, false);
 * report.flush(); // at the end: nothing is left to pass later
 */
export function throttleLatest<T>(
  emit: (value: T) => void,
  intervalMs = 100,
  now: () => number = () => Date.now(),
  setTimer: SetTimer = realTimer,
): Throttled<[key: string, value: T, final: boolean]> {
  const last = new Map<string, number>();
  const held = new Map<string, { value: T; cancel: () => void }>();
  const pass = (key: string, value: T): void => {
    held.get(key)?.cancel();
    held.delete(key);
    last.set(key, now());
    emit(value);
  };
  const throttled = (key: string, value: T, final: boolean): void => {
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
  throttled.flush = (): void => {
    for (const [key, { value }] of [...held]) pass(key, value);
  };
  return throttled;
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
): Throttled<[event: LoadProgressEvent]> {
  const throttled = throttleLatest(emit, intervalMs, now, setTimer);
  const progress = (event: LoadProgressEvent): void => {
    if (event.phase !== 'download' && event.phase !== 'total') return emit(event);
    throttled(event.phase === 'download' ? `file:${event.file}` : 'total', event, event.loaded >= event.total);
  };
  progress.flush = throttled.flush;
  return progress;
}
