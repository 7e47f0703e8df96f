import { InpageError } from '../errors.ts';
import type { OptionsWithSignal, RunOptionsArgs, StreamInput, WithCallOptions } from './call-types.ts';
import type { ChatTurnResult } from '../tasks/chat-turn.ts';
import type { Conversation, ConversationOptions } from '../tasks/chat-conversation.ts';
import type { StreamableTaskId, TaskId, TaskInput, TaskOptions, TaskOutput } from '../tasks/registry.ts';
import type { AnyTaskDefinition } from '../tasks/task.ts';
import { isBatchable } from '../tasks/task.ts';
import type { AsyncDisposableIfSupported, DtypeFallback, ResolvedDevice, ResolvedDtype } from '../types.ts';
import { executeJobs, movingInput } from './call-jobs.ts';
import { batchedRun } from './on-demand.ts';
import type { Invoke, Job } from './call-jobs.ts';
import { CallQueue } from './call-queue.ts';
import type { QueuedCall } from './call-queue.ts';
import type { Fallback, HandleServices, ModelSpec, RouteHooks } from './handle-types.ts';
import { pieceStream } from './piece-stream.ts';
import { ModelPipeline } from './model-pipeline.ts';
import type { LatencyTarget, ModelRoute } from '../routing/route-types.ts';

export type { CallOptions, StreamInput } from './call-types.ts';
export type { Fallback, HandleServices, ModelSpec, RouteHooks } from './handle-types.ts';

/**
 * A loaded model. `run()` calls are serialized, and coalesced into batches when they queue
 * behind a running inference; `stream()` yields generated text as it is produced.
 */
export class ModelHandle<T extends TaskId> {
  readonly #services: HandleServices;
  readonly #task: AnyTaskDefinition;
  readonly #queue: CallQueue<Job, Record<string, unknown>, unknown>;
  /** Where the model runs; exchanged with another handle's by {@link adopt}. */
  #pipeline: ModelPipeline;
  #disposed = false;
  #router: RouteHooks | undefined;
  /** @internal The last worker call's execution time in the worker, in ms (calibration reads it). */
  callMs = 0;

  /** @internal Created by `client.load()`, with the main-thread half of the task's module. */
  constructor(
    services: HandleServices,
    spec: ModelSpec,
    task: AnyTaskDefinition,
    pipeline: { id: string; generation: number },
    fallback: Fallback | null,
  ) {
    this.#services = services;
    this.#task = task;
    this.#pipeline = new ModelPipeline(services, spec, pipeline, fallback);
    this.#queue = new CallQueue((calls, signal) => this.#execute(calls, signal));
    // A failed import is tried again, and reported, by the first call.
    if (isBatchable(task)) batchedRun().catch(() => undefined);
  }

  /** The task this model was loaded for. */
  get task(): T {
    return this.#pipeline.spec.task as T;
  }
  /** The Hub id of the model. */
  get model(): string {
    return this.#pipeline.spec.model;
  }
  /** The exact commit the model's files come from. */
  get commit(): string {
    return this.#pipeline.spec.commit;
  }
  /** `true` when the Hub could not be reached and the newest complete stored commit was loaded. */
  get offline(): boolean {
    return this.#pipeline.spec.offline;
  }
  /** The device that really runs the model. */
  get device(): ResolvedDevice {
    return this.#pipeline.spec.device;
  }
  /** The weights' precision. */
  get dtype(): ResolvedDtype {
    return this.#pipeline.spec.dtype;
  }
  /** `null`, or why the model runs on WASM although WebGPU was planned. */
  get fallback(): Fallback | null {
    return this.#pipeline.fallback;
  }
  /** `null`, or which dtype `auto` chose first and why it stepped down to {@link dtype} (the first could not fit). */
  get dtypeFallback(): DtypeFallback | null {
    return this.#pipeline.spec.dtypeFallback ?? null;
  }

  /**
   * What runs and why, for a model loaded with a ladder or a latency target, or with `auto` where
   * both devices can run it (see `ModelRoute`); `null` otherwise. It changes when routing switches.
   */
  get route(): ModelRoute | null {
    return this.#router?.route ?? null;
  }

  /**
   * Changes the latency target of a model loaded with a ladder or `latencyTarget` (a tighter target
   * steps down once a window of calls misses it; a looser one lets it step back up). A model loaded
   * without routing ignores it.
   * @throws TypeError / RangeError for a malformed target.
   * @example
   * model.setLatencyTarget({ p95: 50 });
   */
  setLatencyTarget(target: LatencyTarget): void {
    this.#router?.retarget(target);
  }

  /** @internal Attaches routing (src/routing/). */
  routeWith(router: RouteHooks): void {
    this.#router = router;
  }

  /** @internal Whether no call is running or waiting (routing measures only then). */
  get idle(): boolean {
    return this.#queue.idle;
  }

  /**
   * @internal Takes over another handle's pipeline and spec (a switch of rung or device, between
   * calls); `other` is disposed with this handle's old pipeline.
   */
  adopt(other: ModelHandle<T>): void {
    [this.#pipeline, other.#pipeline] = [other.#pipeline, this.#pipeline];
    void other.dispose();
  }

  /**
   * Runs the model on one input (or an array of inputs).
   * @throws InpageError `INVALID_INPUT`, `ABORTED`, `DISPOSED`, `WORKER_CRASHED`, `RUNTIME`;
   *   TypeError / RangeError for wrong argument types or impossible option values.
   * @example
   * const [top] = await sentiment.run('I love it'); // { label: 'POSITIVE', score: 0.99 }
   */
  run<const I extends TaskInput<T>, const O extends TaskOptions<T> = Record<never, never>>(
    input: I,
    ...[options]: RunOptionsArgs<T, O>
  ): Promise<TaskOutput<T, I, O>> {
    const { signal, taskOptions } = this.#split(options as OptionsWithSignal);
    this.#task.validate(input, taskOptions);
    const task = this.#task;
    const batchKey = isBatchable(task) && task.canBatch(taskOptions) ? task.batchKey(taskOptions) : null;
    // Converted now (a canvas drawn on later does not change this call); awaited when the call runs.
    const sent = task.prepare?.(input, taskOptions) ?? input;
    return this.#push({ kind: 'run', input: sent, options: taskOptions }, taskOptions, batchKey, signal) as Promise<TaskOutput<T, I, O>>;
  }

  /**
   * Streams generated text piece by piece (streamable tasks, whatever their input). The pieces joined equal what
   * `run()` returns for the same input; breaking out of the loop stops generation.
   * @throws InpageError `INVALID_INPUT` for an array input other than a message list (the streamer handles one input),
   *   `UNSUPPORTED_TASK` for a task that does not generate text, and the errors of `run()`.
   * @example
   * for await (const piece of translator.stream('the cat eats the fish')) output.textContent += piece;
   */
  stream<const O extends TaskOptions<T> = TaskOptions<T>>(
    this: ModelHandle<T & StreamableTaskId>,
    input: StreamInput<T>,
    options?: WithCallOptions<T, O>,
  ): AsyncIterable<string> {
    return this.#streamPieces(input, options as OptionsWithSignal);
  }

  /**
   * Starts a conversation (text-generation): the model's chat template formats its messages, and
   * the worker keeps the KV cache between turns so that a turn prefills only its new tokens.
   * @throws TypeError for a malformed message; InpageError `DISPOSED`, `UNSUPPORTED_TASK` (not text-generation).
   * @example
   * const chat = model.chat({ messages: [{ role: 'system', content: 'You are terse.' }] });
   * await chat.send('What is the capital of France?'); // { role: 'assistant', content: 'Paris.' }
   */
  chat(this: ModelHandle<'text-generation'>, options?: ConversationOptions): Conversation {
    if (this.#disposed) throw new InpageError('DISPOSED', 'This model was disposed; load it again.');
    const start = this.#task.startConversation;
    if (!start) throw new InpageError('UNSUPPORTED_TASK', `Task "${this.#pipeline.spec.task}" does not chat; load text-generation.`);
    return start(
      {
        turn: (request, onPiece, signal) => {
          const job: Job = { kind: 'pieces', onPiece, send: (remote, id, callId, sent) => remote.chat(callId, id, request, sent) };
          return this.#push(job, {}, null, signal) as Promise<ChatTurnResult>;
        },
        release: (conversationId) => this.#pipeline.notify((remote) => remote.chatDispose(conversationId)),
        validate: (input, options) => this.#task.validate(input, options),
      },
      options,
    );
  }

  /**
   * Releases the model: its ORT sessions are freed once no other handle shares them. Later calls
   * reject with `DISPOSED`.
   * @example
   * await sentiment.dispose();
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#router?.dispose();
    // The running inference is aborted too, and the pipeline released only once it stopped: freeing
    // sessions under a running inference would fail it as RUNTIME and restart the worker.
    await this.#queue.rejectAll(new InpageError('DISPOSED', 'This model was disposed.'));
    this.#services.forget?.(this);
    await this.#pipeline.release();
  }

  async *#streamPieces(input: unknown, options?: OptionsWithSignal): AsyncGenerator<string> {
    if (!this.#task.streamable)
      throw new InpageError('UNSUPPORTED_TASK', `Task "${this.#pipeline.spec.task}" does not stream text; use run().`);
    // An array of inputs is for run(); a message list (objects, checked by the task) streams.
    if (Array.isArray(input) && !input.every((item) => typeof item === 'object' && item !== null))
      throw new InpageError('INVALID_INPUT', 'stream() takes one input; use run() for an array.');
    const { signal, taskOptions } = this.#split(options);
    this.#task.validate(input, taskOptions);
    const taskId = this.#pipeline.spec.task as StreamableTaskId;
    // As in run(): converted at call time (an audio file decoded), awaited when the call runs.
    const sent = this.#task.prepare?.(input, taskOptions) ?? input;
    yield* pieceStream((onPiece, stopSignal) => {
      const job: Job = {
        kind: 'pieces',
        onPiece,
        send: async (remote, id, callId, onRemotePiece, moved) =>
          remote.stream(
            callId,
            id,
            taskId,
            movingInput(this.#task, await sent, moved) as TaskInput<StreamableTaskId>,
            taskOptions,
            onRemotePiece,
          ),
      };
      return this.#push(job, taskOptions, null, stopSignal);
    }, signal);
  }

  #push(job: Job, options: Record<string, unknown>, batchKey: string | null, signal: AbortSignal | undefined): Promise<unknown> {
    return this.#queue.push({ input: job, options, batchKey, ...(signal ? { signal } : {}) });
  }

  #split(options?: OptionsWithSignal): { signal: AbortSignal | undefined; taskOptions: Record<string, unknown> } {
    if (this.#disposed) throw new InpageError('DISPOSED', 'This model was disposed; load it again.');
    if (options !== undefined && (typeof options !== 'object' || options === null))
      throw new TypeError('inpage: options must be an object.');
    const { signal, ...taskOptions } = options ?? {};
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('inpage: options.signal must be an AbortSignal.');
    return { signal, taskOptions };
  }

  #execute(calls: QueuedCall<Job, Record<string, unknown>, unknown>[], signal: AbortSignal): Promise<unknown[]> {
    this.#router?.between();
    // Each worker call of the group, on this model's pipeline (see ModelPipeline.invoke); routing sees its time.
    const invoke: Invoke = async (canRetry, work) => {
      const { output, ms } = await this.#pipeline.invoke(signal, () => !this.#disposed && canRetry(), work);
      this.callMs = ms;
      this.#router?.sample(ms);
      return output;
    };
    return executeJobs(
      this.#task,
      this.#pipeline.spec.task,
      calls.map((call) => call.input),
      invoke,
    );
  }
}

// `await using` (declared by `Model`, only where the app's lib has Symbol.asyncDispose: see AsyncDisposableIfSupported).
if (typeof Symbol.asyncDispose === 'symbol') {
  Object.defineProperty(ModelHandle.prototype, Symbol.asyncDispose, {
    value(this: ModelHandle<TaskId>) {
      return this.dispose();
    },
  });
}

/**
 * A loaded model of task `T` (see {@link ModelHandle}); disposable with `await using` where the
 * app's TypeScript lib has `Symbol.asyncDispose`.
 */
export type Model<T extends TaskId> = ModelHandle<T> & AsyncDisposableIfSupported;
