/**
 * The types of a model's calls: their options (the task's, plus `signal`) and `stream()`'s input.
 * @module
 */
import type { ChatMessage } from '../tasks/chat-messages.ts';
import type { TaskId, TaskInput, TaskOptions } from '../tasks/registry.ts';

/** Per-call options common to every task. */
export interface CallOptions {
  /** Aborts this call: it rejects with `ABORTED`; other calls are not affected. */
  signal?: AbortSignal;
}

export type OptionsWithSignal = Record<string, unknown> & CallOptions;

/**
 * The input `stream()` takes: one input of the task (an array of inputs is for `run()`), or for
 * text-generation one message list.
 * @example
 * type In = StreamInput<'text-generation'>; // string | ChatMessage[]
 */
export type StreamInput<T extends TaskId> = Exclude<TaskInput<T>, readonly unknown[]> | Extract<TaskInput<T>, readonly ChatMessage[]>;

/**
 * `run()`'s options argument: optional, or required for a task with a required option
 * (zero-shot-classification's `candidateLabels`).
 */
export type RunOptionsArgs<T extends TaskId, O> =
  Record<never, never> extends TaskOptions<T> ? [options?: WithCallOptions<T, O>] : [options: WithCallOptions<T, O>];

/**
 * A call's options: the task's options (an unknown key fails to compile, as with the registry's
 * `ExactOptions`) plus the {@link CallOptions} every call takes.
 */
export type WithCallOptions<T extends TaskId, O> = O &
  CallOptions & { [K in Exclude<keyof O, keyof TaskOptions<T> | keyof CallOptions>]: never };
