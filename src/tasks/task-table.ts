/**
 * The task table's machinery: {@link defineTaskTable} turns one line per task (its loader and
 * aliases) into the runtime lookups, and the `Table…` types derive every task id, input, options and
 * output type from it. The table itself is in `registry.ts`.
 * @module
 */
import { InpageError } from '../errors.ts';
import type { OutputFor, TaskModule, TaskTypeSpec } from './define-task.ts';
import type { AnyTaskDefinition, AnyTaskPipeline } from './task.ts';
import { describeValue } from './describe-value.ts';

/**
 * One line of the table: how to load the task's module (a dynamic `import()`, so bundlers split it
 * out of the main entry) and the other ids the task answers to.
 */
export interface TaskTableEntry {
  readonly load: () => Promise<{ readonly task: TaskModule<TaskTypeSpec, unknown, unknown> }>;
  readonly aliases?: readonly string[];
}

/** The lines of a table, keyed by Hub task id. */
export type TaskTableEntries = { readonly [hubTaskId: string]: TaskTableEntry };

type AliasOf<E extends TaskTableEntries, K extends keyof E> = E[K] extends { readonly aliases: readonly (infer A extends string)[] }
  ? A
  : never;

/** Every id of a table: its Hub task ids and their aliases. */
export type TableTaskId<E extends TaskTableEntries> = { [K in keyof E & string]: K | AliasOf<E, K> }[keyof E & string];

/** The Hub task id an id (or alias) of a table stands for. */
export type TableHubId<E extends TaskTableEntries, T extends TableTaskId<E>> = {
  [K in keyof E & string]: T extends K | AliasOf<E, K> ? K : never;
}[keyof E & string];

/** The module of a task id in a table. */
export type TableModule<E extends TaskTableEntries, T extends TableTaskId<E>> = Awaited<ReturnType<E[TableHubId<E, T>]['load']>>['task'];

/** The {@link TaskTypeSpec} of a task id in a table. */
export type TableTypes<E extends TaskTableEntries, T extends TableTaskId<E>> = NonNullable<TableModule<E, T>['types']>;

/** The output of a task id in a table for a call's input type `I` and options type `O`. */
export type TableOutput<E extends TaskTableEntries, T extends TableTaskId<E>, I, O> = OutputFor<TableTypes<E, T>, I, O>;

/** The ids of a table whose definition sets `flag` (`'streamable'`, `'batchable'`). */
export type TableIdsWith<E extends TaskTableEntries, Flag extends 'streamable' | 'batchable'> = {
  [K in TableTaskId<E>]: TableModule<E, K>['definition'] extends { readonly [F in Flag]: true } ? K : never;
}[TableTaskId<E>];

/** A loaded task: both halves, typed for any input (`definition.validate` narrows it). */
export interface LoadedTask {
  readonly definition: AnyTaskDefinition;
  readonly pipeline: AnyTaskPipeline;
}

/** The runtime side of a task table. */
export interface TaskTable<E extends TaskTableEntries> {
  /** The lines the table was made from. */
  readonly entries: E;
  /** Every id, each Hub task id followed by its aliases, in table order. Frozen. */
  readonly ids: readonly TableTaskId<E>[];
  /** Is `id` one of the table's ids? */
  has(id: unknown): id is TableTaskId<E>;
  /**
   * Checks an id from a caller or from the wire.
   * @throws TypeError when `id` is not a string; InpageError `UNSUPPORTED_TASK` (listing the ids) when it is not in the table.
   */
  check(id: unknown): TableTaskId<E>;
  /**
   * Loads a task's module (once; later calls share it).
   * @throws the errors of {@link check}; InpageError `NETWORK` when the module's code could not be fetched.
   */
  load<T extends TableTaskId<E>>(id: T): Promise<TableModule<E, T>>;
  load(id: unknown): Promise<LoadedTask>;
}

/**
 * Makes the runtime lookups of a task table. A new task is one module exporting `task` (see
 * `defineTask`) and one line here.
 * @example
 * const table = defineTaskTable({
 *   'text-classification': { load: () => import('./text-classification.ts'), aliases: ['sentiment-analysis'] },
 * });
 * const { definition } = await table.load('sentiment-analysis');
 */
export function defineTaskTable<const E extends TaskTableEntries>(entries: E): TaskTable<E> {
  const hubIdOf = new Map<string, string>();
  for (const [hubId, entry] of Object.entries(entries)) {
    for (const id of [hubId, ...(entry.aliases ?? [])]) hubIdOf.set(id, hubId);
  }
  const ids = Object.freeze([...hubIdOf.keys()]) as readonly TableTaskId<E>[];
  const loaded = new Map<string, Promise<LoadedTask>>();
  const has = (id: unknown): id is TableTaskId<E> => typeof id === 'string' && hubIdOf.has(id);
  const check = (id: unknown): TableTaskId<E> => {
    if (typeof id !== 'string') throw new TypeError(`Task id must be a string, got ${describeValue(id)}.`);
    if (!has(id)) throw new InpageError('UNSUPPORTED_TASK', `Unsupported task "${id}". Supported tasks: ${ids.join(', ')}.`);
    return id;
  };
  const load = async (id: unknown): Promise<LoadedTask> => {
    const hubId = hubIdOf.get(check(id)) as string;
    let module = loaded.get(hubId);
    if (!module) {
      const entry = entries[hubId] as TaskTableEntry;
      module = entry.load().then(
        ({ task }) => task as LoadedTask,
        (error: unknown) => {
          loaded.delete(hubId);
          const reason = error instanceof Error ? error.message : String(error);
          throw new InpageError('NETWORK', `The code of task "${hubId}" could not be loaded: ${reason}`, { cause: error });
        },
      );
      loaded.set(hubId, module);
    }
    return module;
  };
  return Object.freeze({ entries, ids, has, check, load: load as TaskTable<E>['load'] });
}
