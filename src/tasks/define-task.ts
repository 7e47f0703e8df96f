/**
 * `defineTask()`: how a task module declares itself to the task table (`registry.ts`). A task is
 * one file that exports `task = defineTask({ types, definition, pipeline })`, plus one line in the
 * table. Its public types, its metadata and both halves come from that one export.
 * @module
 */
import type { StreamingPipeline, TaskDefinition, TaskPipeline } from './task.ts';

/**
 * The types of one task, declared once as an interface. `output` may read `this['callInput']` and
 * `this['callOptions']`, the input and options types of one call, to narrow what that call returns
 * (a string gives one result, an array one per text).
 * @example
 * interface ReverseTypes extends TaskTypeSpec {
 *   input: string | readonly string[];
 *   options: Record<never, never>;
 *   output: PerText<this['callInput'], string>;
 * }
 */
export interface TaskTypeSpec {
  readonly input: unknown;
  readonly options: unknown;
  readonly output: unknown;
  /** Filled in per call by {@link OutputFor}; `unknown` means "any input of the task". */
  readonly callInput: unknown;
  /** Filled in per call by {@link OutputFor}. */
  readonly callOptions: unknown;
}

/**
 * The output of a task for a call's input type `I` and options type `O` (the task's general output
 * when they are the task's own input and options types).
 * @example
 * type One = OutputFor<ReverseTypes, string>; // string
 */
export type OutputFor<S extends TaskTypeSpec, I = S['input'], O = S['options']> = (S & {
  readonly callInput: I;
  readonly callOptions: O;
})['output'];

/** The fields of a {@link TaskDefinition} that {@link defineTask} fills in when they are left out. */
type DefaultedKey = 'pipelineTask' | 'batchable' | 'streamable';

/**
 * The main-thread half as a task module writes it: a {@link TaskDefinition} whose `pipelineTask`
 * (default: the task id), `batchable` and `streamable` (default: `false`) may be left out.
 */
export type TaskDefinitionSpec<Input, Options, Output> = Omit<TaskDefinition<Input, Options, Output>, DefaultedKey> &
  Partial<Pick<TaskDefinition<Input, Options, Output>, DefaultedKey>>;

/** A definition with the defaults of {@link defineTask} applied, its flags kept as literal types. */
export type WithDefaults<D> = Omit<D, DefaultedKey> & {
  readonly pipelineTask: string;
  readonly batchable: D extends { readonly batchable: true } ? true : false;
  readonly streamable: D extends { readonly streamable: true } ? true : false;
};

/**
 * What a task module exports as `task`: both halves, and its types (type-level only: `types` is
 * never set at run time).
 * @example
 * const { definition, pipeline } = await taskTable.load('ner');
 */
export interface TaskModule<
  S extends TaskTypeSpec = TaskTypeSpec,
  D = TaskDefinition<unknown, unknown, unknown>,
  P = TaskPipeline<unknown, unknown, unknown>,
> {
  /** The main-thread half: metadata, input checks, batching. */
  readonly definition: D;
  /** The worker half: the transformers.js call and the output conversion. */
  readonly pipeline: P;
  /** The task's types, for the table's type-level lookups. */
  readonly types?: S;
}

/**
 * The input the worker half sees: `pipelineInput` when the spec declares one (vision tasks: the
 * decoded images), else the task's input.
 */
type PipelineInput<S extends TaskTypeSpec> = S extends { readonly pipelineInput: infer P } ? P : S['input'];

/** The pipeline a definition needs: a streaming one when the task streams. */
type PipelineFor<S extends TaskTypeSpec, D> = D extends { readonly streamable: true }
  ? StreamingPipeline<PipelineInput<S>, S['options'], OutputFor<S>>
  : TaskPipeline<PipelineInput<S>, S['options'], OutputFor<S>>;

/**
 * Declares a task module's export for the task table, with defaults: `pipelineTask` is the task id,
 * `batchable` and `streamable` are `false` unless set. Both halves are frozen.
 * @param spec.types - `{} as MyTaskTypes`: names the task's {@link TaskTypeSpec} (nothing is kept at run time).
 * @example
 * export const task = defineTask({
 *   types: {} as ReverseTypes,
 *   definition: { id: 'text-reverse', validate: (input, options) => checkTexts('text-reverse', input) },
 *   pipeline: { toPipelineArgs: (input) => [input], fromPipelineOutput: (raw) => String(raw) },
 * });
 */
export function defineTask<
  S extends TaskTypeSpec,
  const D extends TaskDefinitionSpec<S['input'], S['options'], OutputFor<S>>,
  P extends PipelineFor<S, D>,
>(spec: { readonly types: S; readonly definition: D; readonly pipeline: P }): TaskModule<S, WithDefaults<D>, P> {
  const { definition, pipeline } = spec;
  const defaults = { pipelineTask: definition.id, batchable: false, streamable: false };
  return Object.freeze({
    definition: Object.freeze({ ...defaults, ...definition }) as unknown as WithDefaults<D>,
    pipeline: Object.isFrozen(pipeline) ? pipeline : Object.freeze(pipeline),
  });
}
