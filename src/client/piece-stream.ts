import { InpageError } from '../errors.ts';

/**
 * Turns a call that sends text pieces to a callback into an async generator of those pieces.
 * `start` receives the callback and a signal that aborts once the consumer stops early (breaks
 * out of its loop); the generator ends when the call settles, and rethrows its failure.
 * `onYield` sees each piece as the consumer receives it.
 * @example
 * yield* pieceStream((onPiece, signal) => worker.stream(input, onPiece, signal), options.signal);
 */
export async function* pieceStream(
  start: (onPiece: (piece: string) => void, signal: AbortSignal) => Promise<unknown>,
  signal?: AbortSignal,
  onYield?: (piece: string) => void,
): AsyncGenerator<string> {
  const pieces: string[] = [];
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const stop = new AbortController();
  const stopSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let finished = false;
  let failure: unknown;
  start((piece) => (pieces.push(piece), notify()), stopSignal)
    .catch((error: unknown) => (failure = error))
    .finally(() => ((finished = true), notify()));
  try {
    for (;;) {
      const piece = pieces.shift();
      if (piece !== undefined) {
        onYield?.(piece);
        yield piece;
        continue;
      }
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failure !== undefined) throw failure;
  } finally {
    if (!finished) stop.abort(new InpageError('ABORTED', 'The stream was closed early.'));
  }
}
