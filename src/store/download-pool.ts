/** The concurrent downloads of one load. @module */

/**
 * Which of a load's downloads it can use: stored, or held in memory once verified.
 * @example
 * const available = new Availability(['onnx/model.onnx']);
 * available.add('onnx/model.onnx'); // available.all resolves
 */
export class Availability {
  readonly #waiting: Set<string>;
  /** Resolves once every path was added. */
  readonly all: Promise<void>;
  #resolve!: () => void;
  constructor(paths: readonly string[]) {
    this.#waiting = new Set(paths);
    this.all = new Promise((resolve) => (this.#resolve = resolve));
    if (this.#waiting.size === 0) this.#resolve();
  }
  /** Marks a path usable. */
  add(path: string): void {
    if (this.#waiting.delete(path) && this.#waiting.size === 0) this.#resolve();
  }
}

/**
 * Runs `work` on every item, at most `limit` at once; stops taking items after the first failure,
 * and rejects with it once the running ones are done.
 * @example
 * await runPool(files, 4, (file) => download(file));
 */
export async function runPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  const failures: unknown[] = [];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined && failures.length === 0; item = queue.shift()) {
      try {
        await work(item);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failures.length > 0) throw failures[0];
}
