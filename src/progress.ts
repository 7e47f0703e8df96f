/**
 * Throttling of load progress (the worker side). The event type itself is public: see `types.ts`.
 * @module
 */
import type { LoadProgressEvent } from './types.ts';

export type { LoadProgressEvent } from './types.ts';

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
