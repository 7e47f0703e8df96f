/**
 * Stop sequences, which transformers.js 4.3.1 does not have: the text generated so far is checked
 * after every token, generation stops at the first stop sequence, and the output ends before it.
 * Streamed text holds back any tail that could still become a stop sequence, so `stream()` never
 * sends text that the stop would take back.
 * @module
 */

/** What one update of a {@link StopText} gives. */
export interface StopUpdate {
  /** Text that is now final and not sent before (may be empty). */
  piece: string;
  /** `true` once a stop sequence appeared: generation should stop. */
  stopped: boolean;
}

/**
 * The index of the earliest stop sequence in `text`, or -1.
 * @example
 * findStop('one two three', [' three', 'two']); // 4
 */
export function findStop(text: string, stops: readonly string[]): number {
  let first = -1;
  for (const stop of stops) {
    const index = text.indexOf(stop);
    if (index >= 0 && (first < 0 || index < first)) first = index;
  }
  return first;
}

/**
 * How many leading characters of `text` are final: no stop sequence can start after them. The
 * rest is a tail that is a proper prefix of some stop sequence, or an incomplete character that
 * the next token completes (the decoder's U+FFFD).
 * @example
 * finalLength('one tw', [' two']); // 3
 */
export function finalLength(text: string, stops: readonly string[]): number {
  let end = text.length;
  while (end > 0 && text[end - 1] === '\uFFFD') end -= 1;
  let held = 0;
  for (const stop of stops) {
    for (let size = Math.min(stop.length - 1, end); size > held; size--) {
      if (text.endsWith(stop.slice(0, size), end)) {
        held = size;
        break;
      }
    }
  }
  return end - held;
}

/**
 * Follows the decoded text of one generation: what may be streamed, and where it stops.
 * @example
 * const text = new StopText(['<|im_end|>', '\n\n']);
 * text.update('Hello'); // { piece: 'Hello', stopped: false }
 * text.update('Hello\n'); // { piece: '', stopped: false }
 * text.update('Hello\n\nBye'); // { piece: '', stopped: true }
 * text.output; // 'Hello'
 */
export class StopText {
  readonly #stops: readonly string[];
  #sent = 0;
  #output: string | undefined;

  /** @param stops - Non-empty stop sequences (none: nothing is held back). */
  constructor(stops: readonly string[]) {
    this.#stops = stops;
  }

  /** The output so far: the text before the stop once stopped, else the final text sent. */
  get output(): string | undefined {
    return this.#output;
  }

  /** Takes the whole decoded text so far; once stopped, later updates change nothing. */
  update(text: string): StopUpdate {
    if (this.#output !== undefined) return { piece: '', stopped: true };
    const stop = findStop(text, this.#stops);
    if (stop >= 0) {
      this.#output = text.slice(0, stop);
      return { piece: this.#take(this.#output, stop), stopped: true };
    }
    return { piece: this.#take(text, finalLength(text, this.#stops)), stopped: false };
  }

  /** Ends the generation with its whole decoded text: returns the rest to send. */
  finish(text: string): string {
    if (this.#output === undefined) {
      const stop = findStop(text, this.#stops);
      this.#output = stop >= 0 ? text.slice(0, stop) : text;
    }
    return this.#take(this.#output, this.#output.length);
  }

  #take(text: string, end: number): string {
    if (end <= this.#sent) return '';
    const piece = text.slice(this.#sent, end);
    this.#sent = end;
    return piece;
  }
}
