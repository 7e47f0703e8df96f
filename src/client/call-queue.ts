import { abortError } from '../errors.ts';

/** One caller's request waiting in a {@link CallQueue}. */
export interface QueuedCall<Input, Options, Output> {
  input: Input;
  options: Options;
  /** Calls with the same key may share one batched inference. */
  batchKey: string | null;
  signal?: AbortSignal;
  resolve(output: Output): void;
  reject(error: unknown): void;
  /** Set once the caller got its answer (result, error or abort). */
  settled?: boolean;
  /** Removes the queue's listener from the caller's signal (a long-lived signal must not keep answered calls alive). */
  detach?: () => void;
}

/** Runs a group of calls as one inference and returns one result per call, in order. */
export type ExecuteGroup<Input, Options, Output> = (calls: QueuedCall<Input, Options, Output>[], signal: AbortSignal) => Promise<Output[]>;

/**
 * Serializes the calls to one model (so the runtime never sees two runs at once) and coalesces
 * the calls that queued while an inference was running into one batched inference, grouped by
 * identical options. A call that arrives when the model is idle starts at once. Each caller gets
 * exactly its own result; aborting one caller never cancels the others (the shared inference is
 * aborted only when every caller in it gave up).
 *
 * @example
 * const queue = new CallQueue(execute, 64);
 * const output = await queue.push({ input, options, batchKey: JSON.stringify(options) });
 */
export class CallQueue<Input, Options, Output> {
  readonly #execute: ExecuteGroup<Input, Options, Output>;
  readonly #maxBatch: number;
  readonly #waiting: QueuedCall<Input, Options, Output>[] = [];
  #running = false;
  /** The group being executed, and how to abort it. */
  #current: { group: QueuedCall<Input, Options, Output>[]; controller: AbortController } | undefined;
  #drained: Promise<void> = Promise.resolve();

  /**
   * @param execute - runs a group (a single call or a coalesced batch).
   * @param maxBatch - the most calls one batched inference takes.
   */
  constructor(execute: ExecuteGroup<Input, Options, Output>, maxBatch = 64) {
    this.#execute = execute;
    this.#maxBatch = maxBatch;
  }

  /** Calls waiting behind the running inference. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Whether no call is running or waiting. */
  get idle(): boolean {
    return !this.#running;
  }

  /** Queues a call; resolves with its own output. */
  push(call: Omit<QueuedCall<Input, Options, Output>, 'resolve' | 'reject'>): Promise<Output> {
    return new Promise<Output>((resolve, reject) => {
      const queued: QueuedCall<Input, Options, Output> = { ...call, resolve, reject };
      const { signal } = call;
      if (signal?.aborted) return reject(abortError(signal));
      if (signal) {
        const onAbort = (): void => this.#abort(queued);
        signal.addEventListener('abort', onAbort, { once: true });
        queued.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.#waiting.push(queued);
      if (!this.#running) this.#drained = this.#drain();
    });
  }

  /**
   * Rejects every call, waiting or running, and aborts the running inference (on dispose).
   * @returns when the running inference has really stopped, so its pipeline can be released.
   */
  rejectAll(error: unknown): Promise<void> {
    for (const call of this.#waiting.splice(0)) settle(call, () => call.reject(error));
    const current = this.#current;
    if (current) {
      for (const call of current.group) settle(call, () => call.reject(error));
      current.controller.abort(error);
    }
    return this.#drained;
  }

  #abort(call: QueuedCall<Input, Options, Output>): void {
    const index = this.#waiting.indexOf(call);
    if (index >= 0) this.#waiting.splice(index, 1);
    settle(call, () => call.reject(abortError(call.signal)));
  }

  #nextGroup(): QueuedCall<Input, Options, Output>[] {
    const first = this.#waiting.shift();
    if (!first) return [];
    if (first.batchKey === null) return [first];
    const group = [first];
    for (let i = 0; i < this.#waiting.length && group.length < this.#maxBatch;) {
      const call = this.#waiting[i];
      if (call?.batchKey === first.batchKey) {
        group.push(call);
        this.#waiting.splice(i, 1);
      } else i++;
    }
    return group;
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (let group = this.#nextGroup(); group.length > 0; group = this.#nextGroup()) {
        const controller = new AbortController();
        const onAbort = (): void => {
          if (group.every((call) => call.settled)) controller.abort();
        };
        for (const call of group) call.signal?.addEventListener('abort', onAbort, { once: true });
        this.#current = { group, controller };
        try {
          const outputs = await this.#execute(group, controller.signal);
          group.forEach((call, i) => settle(call, () => call.resolve(outputs[i] as Output)));
        } catch (error) {
          for (const call of group) settle(call, () => call.reject(error));
        } finally {
          this.#current = undefined;
          for (const call of group) call.signal?.removeEventListener('abort', onAbort);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}

function settle<Input, Options, Output>(call: QueuedCall<Input, Options, Output>, action: () => void): void {
  if (call.settled) return;
  call.settled = true;
  call.detach?.();
  action();
}
