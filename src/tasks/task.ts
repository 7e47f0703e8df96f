import type { Conversation, ConversationHost, ConversationOptions } from './chat-conversation.ts';
/**
 * The contract every task module implements. A task module is pure and exports two halves: the
 * task ({@link TaskDefinition}: public types, metadata, input checks, batching) for the main
 * thread, and the pipeline ({@link TaskPipeline}: camelCase options → transformers.js's
 * snake_case call, raw output → inpage's plain, typed output) for the worker, and joins them
 * with `defineTask` as its `task` export, which the task table (`registry.ts`) loads on demand.
 * A task module never imports transformers.js at run time.
 * @module
 */

/**
 * The main-thread half of a task: its metadata and input checks (and, for batchable tasks, how
 * calls are coalesced). It holds no output conversion, so the main bundle stays small; the worker
 * half is the task's {@link TaskPipeline}; both come from the task table (`registry.ts`).
 *
 * `Options` and `Output` name the task's option and output types, which its pipeline shares;
 * here only the batching methods of {@link BatchableTask} use them.
 * @example
 * task.validate(input, options); // throws TypeError / RangeError / InpageError('INVALID_INPUT')
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- Output types the batching methods of BatchableTask
export interface TaskDefinition<Input, Options, Output> {
  /** The Hub task id, e.g. `'text-classification'`. */
  readonly id: string;
  /** The task id passed to transformers.js `pipeline()`. */
  readonly pipelineTask: string;
  /**
   * `true` when several callers' inputs can be coalesced into one batched inference
   * (text-classification, token-classification, feature-extraction). See {@link BatchableTask}.
   */
  readonly batchable: boolean;
  /**
   * `true` when `stream()` is supported (text generation tasks). See {@link StreamableTask}; the
   * task's pipeline is then a {@link StreamingPipeline}.
   */
  readonly streamable: boolean;
  /**
   * Checks input and options before anything is sent to the worker.
   * @throws TypeError for a wrong type or an unknown option key, RangeError for an impossible
   *   option value, InpageError `INVALID_INPUT` for input that is well-typed but unusable
   *   (empty array, empty labels, over-long text).
   */
  validate(input: unknown, options: unknown): asserts input is Input;
  /**
   * Optional, for inputs the worker cannot take as they are (images: elements, canvases): converts
   * a validated input at call time into what is sent to the worker, in call order (the promise
   * settles before the call runs; it must be marked handled, as a call aborted before it runs never
   * awaits it). Without it, the input is sent as it is.
   * @throws (through the promise) InpageError `INVALID_INPUT` for input found unusable only then
   *   (an image that does not decode).
   */
  prepare?(input: Input, options: Options | undefined): Promise<unknown>;
  /**
   * Optional, for non-text inputs (audio samples, image pixels): the buffers of the input as sent
   * (after {@link prepare}) that move to the worker instead of being copied. Buffers moved are
   * detached on this thread afterwards.
   */
  transfer?(sent: unknown): Transferable[];
  /**
   * Optional, for chat models (text-generation): starts a conversation on a loaded model. It lives
   * in the task's module, so the main entry carries no conversation code.
   */
  startConversation?(host: ConversationHost, options?: ConversationOptions): Conversation;
}

/**
 * The worker half of a task: how its pipeline is called and how the raw output becomes inpage's
 * plain output. Kept apart from {@link TaskDefinition} so that the main bundle does not carry it.
 *
 * `options` is optional in every method because callers may omit it; `validate` has already
 * rejected a missing required option (zero-shot's `candidateLabels`) before these methods run.
 * @example
 * const { pipeline } = await loadTask(request.task);
 * const raw: unknown = await pipe(...pipeline.toPipelineArgs(input, options));
 * const output = pipeline.fromPipelineOutput(raw, input, options); // plain, structured-clone safe
 */
export interface TaskPipeline<Input, Options, Output> {
  /**
   * `'image'` for vision tasks: the worker decodes the images sent (`tasks/image-types.ts`'s wire
   * images) into transformers.js `RawImage`s, with the call's signal, before the other methods see
   * them; `Input` is then `DecodedImages` (one image or an array, as the call gave it).
   */
  readonly inputKind?: 'image';
  /** The arguments of the transformers.js pipeline call: `pipe(...toPipelineArgs(input, options))`. */
  toPipelineArgs(input: Input, options?: Options): unknown[];
  /**
   * Converts the pipeline's raw output into the task's plain output (structured-clone safe).
   * @throws InpageError `UNSUPPORTED_MODEL` when the raw output does not have the expected shape.
   */
  fromPipelineOutput(raw: unknown, input: Input, options?: Options): Output;
  /**
   * Optional: runs the task on the loaded pipeline itself, in place of `pipe(...toPipelineArgs())`
   * then `fromPipelineOutput()`, for tasks that need the tokenizer or the model's raw outputs
   * (token positions for character offsets), or that call the pipeline several times (once per
   * image), stopping between calls once `signal` is aborted.
   * @throws InpageError `RUNTIME` when the pipeline's parts or outputs are not as expected;
   *   `ABORTED` when it stops for `signal`.
   */
  run?(pipe: LoadedParts, input: Input, options?: Options, signal?: AbortSignal): Promise<Output>;
}

/**
 * A loaded transformers.js pipeline as a task's {@link TaskPipeline.run} sees it: callable, with
 * its tokenizer and model typed `unknown` (task modules never import transformers.js at run time,
 * so they check what they use).
 * @example
 * const raw = await pipe('Sarah lives in London', { ignore_labels: [] });
 * const tokenizer: unknown = pipe.tokenizer;
 */
export interface LoadedParts {
  (...args: unknown[]): Promise<unknown>;
  readonly tokenizer?: unknown;
  readonly model?: unknown;
}

/**
 * Extra contract of batchable tasks: when calls may be coalesced, how to split one caller's input
 * into items, and how to rebuild that caller's output from the per-item outputs of the batch.
 *
 * Coalesce only calls whose `canBatch(options)` is `true` and whose `batchKey(options)` are equal:
 * they then share one run of `batchInput(items)` with those options.
 * @example
 * const items = callers.flatMap((call) => task.toItems(call.input));
 * const batch = task.batchInput(items);
 * const outputs = task.splitOutput(await worker.run(batch, options), items.length);
 * // caller k gets task.joinItems(outputs.slice(from_k, to_k), call_k.input)
 */
export interface BatchableTask<Input, Options, Output, Item> extends TaskDefinition<Input, Options, Output> {
  readonly batchable: true;
  /**
   * `false` when these options make batched output differ from unbatched output (e.g.
   * feature-extraction without pooling, where padding changes the sequence dimension).
   */
  canBatch(options?: Options): boolean;
  /** Calls may share a batch only when their keys are equal (defaults filled in, key order ignored). */
  batchKey(options?: Options): string;
  /** The texts of one caller's input (a single string gives one item). */
  toItems(input: Input): string[];
  /** Runs over a batch of texts from several callers: the input to pass to `pipe()`. */
  batchInput(items: readonly string[]): Input;
  /** Splits the normalized output of a batched call into one output per item. */
  splitOutput(output: Output, count: number): Item[];
  /** Rebuilds one caller's output from its items (the inverse of `toItems`). */
  joinItems(items: readonly Item[], input: Input): Output;
}

/**
 * transformers.js `TextStreamer` options (snake_case, as passed to `new TextStreamer(tokenizer, …)`).
 * @example
 * const streamer = new TextStreamer(tokenizer, { ...pipeline.streamerOptions(input, options), callback_function: send });
 */
export interface StreamerOptions {
  /** Leave the prompt out of the stream. */
  skip_prompt: boolean;
  /** Leave special tokens (`</s>`, `<pad>`) out of the stream. */
  skip_special_tokens: boolean;
}

/**
 * Main-thread contract of streamable tasks (text generation): `stream()` is allowed. The worker
 * half is a {@link StreamingPipeline}.
 * @example
 * if (!isStreamable(task)) throw new InpageError('UNSUPPORTED_TASK', `Task "${task.id}" does not stream; use run().`);
 */
export interface StreamableTask<Input, Options, Output> extends TaskDefinition<Input, Options, Output> {
  readonly streamable: true;
}

/**
 * Worker contract of streamable tasks: how the worker sets up the streamer so that the streamed
 * pieces, joined, equal `run()`'s output.
 * @example
 * const options = textGenerationPipeline.streamerOptions('Once upon a time', { maxNewTokens: 20 });
 * // { skip_prompt: true, skip_special_tokens: true }
 */
export interface StreamingPipeline<Input, Options, Output> extends TaskPipeline<Input, Options, Output> {
  /**
   * @throws InpageError `INVALID_INPUT` when the input is not a single string (transformers.js
   *   streams a batch of one), as `stream()` does on the main thread.
   */
  streamerOptions(input: Input, options?: Options): StreamerOptions;
}

/**
 * Any task definition, whatever its types: what the worker holds after a lookup by a string id
 * that arrived over the wire. `validate` is what narrows the input; call it first.
 * @example
 * const task: AnyTaskDefinition = (await loadTask(request.task)).definition;
 * task.validate(request.input, request.options);
 */
export type AnyTaskDefinition = TaskDefinition<unknown, unknown, unknown>;

/**
 * Any task pipeline, whatever its types: what the worker holds after a lookup by a string id
 * that arrived over the wire. Its methods expect input that `validate` accepted.
 * @example
 * const pipeline: AnyTaskPipeline = (await loadTask(request.task)).pipeline;
 * const args = pipeline.toPipelineArgs(request.input, request.options);
 */
export type AnyTaskPipeline = TaskPipeline<unknown, unknown, unknown>;

/**
 * One result per text: `T` for a single string, `T[]` for an array, the union when unknown.
 * @example
 * type A = PerText<string, number>;   // number
 * type B = PerText<string[], number>; // number[]
 */
export type PerText<I, T> = [I] extends [string] ? T : [I] extends [readonly string[]] ? T[] : T | T[];

/**
 * The type of option `K` in an options type `O`, `undefined` when `O` has no such key. Output
 * types use it instead of `O extends { key?: … }`, which weak-type detection makes unreliable.
 * @example
 * type A = OptionValue<{ topK: 3 }, 'topK'>;  // 3
 * type B = OptionValue<{}, 'topK'>;           // undefined
 */
export type OptionValue<O, K extends string> = K extends keyof O ? O[K] : undefined;

/**
 * Type guard for {@link BatchableTask}. Works on one task type or on a union of them (a task
 * looked up by a non-literal id).
 * @example
 * if (isBatchable(task) && task.canBatch(options)) queue.add(call);
 */
export function isBatchable<I, O, R>(task: TaskDefinition<I, O, R>): task is BatchableTask<I, O, R, unknown>;
export function isBatchable(task: AnyTaskDefinition): task is BatchableTask<unknown, unknown, unknown, unknown>;
export function isBatchable(task: AnyTaskDefinition): boolean {
  return task.batchable;
}

/**
 * Type guard for {@link StreamableTask}. Works on one task type or on a union of them.
 * @example
 * if (!isStreamable(task)) throw new TypeError(`${task.id} does not support stream()`);
 */
export function isStreamable<I, O, R>(task: TaskDefinition<I, O, R>): task is StreamableTask<I, O, R>;
export function isStreamable(task: AnyTaskDefinition): task is StreamableTask<unknown, unknown, unknown>;
export function isStreamable(task: AnyTaskDefinition): boolean {
  return task.streamable;
}

/**
 * Type guard for {@link StreamingPipeline}: does this task's pipeline support `stream()`?
 * @example
 * if (!isStreamingPipeline(pipeline)) throw new InpageError('UNSUPPORTED_TASK', 'Use run().');
 */
export function isStreamingPipeline<I, O, R>(pipeline: TaskPipeline<I, O, R>): pipeline is StreamingPipeline<I, O, R>;
export function isStreamingPipeline(pipeline: AnyTaskPipeline): pipeline is StreamingPipeline<unknown, unknown, unknown>;
export function isStreamingPipeline(pipeline: AnyTaskPipeline): boolean {
  return typeof (pipeline as Partial<StreamingPipeline<unknown, unknown, unknown>>).streamerOptions === 'function';
}
