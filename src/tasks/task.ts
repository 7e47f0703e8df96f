/**
 * The contract every task module implements. A task module is pure: it holds the task's public
 * types, validates input on the main thread, maps camelCase options to transformers.js's
 * snake_case call, and turns the pipeline's raw output into inpage's plain, typed output.
 * It never imports transformers.js at run time, so it is safe on both sides of the worker.
 * @module
 */

/**
 * The contract of one task.
 *
 * `options` is optional in every method because callers may omit it; `validate` has already
 * rejected a missing required option (zero-shot's `candidateLabels`) before the other methods run.
 * @example
 * task.validate(input, options); // throws TypeError / RangeError / InpageError('INVALID_INPUT')
 * const raw: unknown = await pipe(...task.toPipelineArgs(input, options));
 * const output = task.fromPipelineOutput(raw, input, options); // plain, structured-clone safe
 */
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
  /** `true` when `stream()` is supported (text generation tasks). See {@link StreamableTask}. */
  readonly streamable: boolean;
  /**
   * Checks input and options before anything is sent to the worker.
   * @throws TypeError for a wrong type or an unknown option key, RangeError for an impossible
   *   option value, InpageError `INVALID_INPUT` for input that is well-typed but unusable
   *   (empty array, empty labels, over-long text).
   */
  validate(input: unknown, options: unknown): asserts input is Input;
  /** The arguments of the transformers.js pipeline call: `pipe(...toPipelineArgs(input, options))`. */
  toPipelineArgs(input: Input, options?: Options): unknown[];
  /**
   * Converts the pipeline's raw output into the task's plain output (structured-clone safe).
   * @throws InpageError `RUNTIME` when the raw output does not have the expected shape.
   */
  fromPipelineOutput(raw: unknown, input: Input, options?: Options): Output;
}

/**
 * Extra contract of batchable tasks: when calls may be coalesced, how to split one caller's input
 * into items, and how to rebuild that caller's output from the per-item outputs of the batch.
 *
 * Coalesce only calls whose `canBatch(options)` is `true` and whose `batchKey(options)` are equal:
 * they then share one `toPipelineArgs(batchInput(items), options)` call.
 * @example
 * const items = callers.flatMap((call) => task.toItems(call.input));
 * const batch = task.batchInput(items);
 * const raw = await pipe(...task.toPipelineArgs(batch, options));
 * const outputs = task.splitOutput(task.fromPipelineOutput(raw, batch, options), items.length);
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
 * const streamer = new TextStreamer(tokenizer, { ...task.streamerOptions(input, options), callback_function: send });
 */
export interface StreamerOptions {
  /** Leave the prompt out of the stream. */
  skip_prompt: boolean;
  /** Leave special tokens (`</s>`, `<pad>`) out of the stream. */
  skip_special_tokens: boolean;
}

/**
 * Extra contract of streamable tasks (text generation): how the worker sets up the streamer so
 * that the streamed pieces, joined, equal `run()`'s output.
 * @example
 * const options = task.streamerOptions('Once upon a time', { maxNewTokens: 20 });
 * // { skip_prompt: true, skip_special_tokens: true }
 */
export interface StreamableTask<Input, Options, Output> extends TaskDefinition<Input, Options, Output> {
  readonly streamable: true;
  /**
   * @throws TypeError when the input is not a single string (transformers.js streams a batch of one).
   */
  streamerOptions(input: Input, options?: Options): StreamerOptions;
}

/**
 * Any task definition, whatever its types: what the worker holds after a lookup by a string id
 * that arrived over the wire. `validate` is what narrows the input; call it first.
 * @example
 * const task: AnyTaskDefinition = getTask(request.task);
 * task.validate(request.input, request.options);
 */
export type AnyTaskDefinition = TaskDefinition<unknown, unknown, unknown>;

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
 * Type guard for {@link BatchableTask}.
 * @example
 * if (isBatchable(task) && task.canBatch(options)) queue.add(call);
 */
export function isBatchable<I, O, R>(task: TaskDefinition<I, O, R>): task is BatchableTask<I, O, R, unknown> {
  return task.batchable;
}

/**
 * Type guard for {@link StreamableTask}.
 * @example
 * if (!isStreamable(task)) throw new TypeError(`${task.id} does not support stream()`);
 */
export function isStreamable<I, O, R>(task: TaskDefinition<I, O, R>): task is StreamableTask<I, O, R> {
  return task.streamable;
}
