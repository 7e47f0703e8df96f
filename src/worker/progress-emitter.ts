import { throttleProgress } from '../progress.ts';
import type { LoadProgressEvent } from '../progress.ts';

/**
 * Throttled progress to the client. Events travel on the callback's own port, which is not ordered
 * with the call's reply: `delivered()` passes what the throttle holds back and waits for every
 * event, so the client sees `ready` before `load()` resolves. After it, nothing more is sent: the
 * callback is released, and calling a released proxy would throw in the worker.
 * @example
 * const { emit, delivered } = progressEmitter(onProgress);
 * emit?.({ phase: 'ready', model, device, dtype });
 * await delivered();
 */
export function progressEmitter(onProgress?: (event: LoadProgressEvent) => void): {
  emit?: (event: LoadProgressEvent) => void;
  delivered: () => Promise<void>;
} {
  if (!onProgress) return { delivered: async () => undefined };
  const deliveries: Promise<unknown>[] = [];
  let open = true;
  const emit = throttleProgress((event) => {
    if (open)
      deliveries.push(
        Promise.resolve(event)
          .then(onProgress)
          .catch(() => undefined),
      );
  });
  const delivered = async (): Promise<void> => {
    emit.flush();
    open = false;
    await Promise.all(deliveries);
  };
  return { emit, delivered };
}
