/**
 * A model's queued calls as jobs, and how a group of them becomes worker calls: a `run()` call,
 * or a coalesced batch of them, or a call whose text arrives in pieces (`stream()`, a chat turn).
 * @module
 */
import type { RemoteWorkerApi } from '../rpc/comlink.ts';
import { remoteCallback, withTransfer } from '../rpc/comlink.ts';
import type { Timed } from '../rpc/contract.ts';
import type { TaskId, TaskInput, TaskOptions } from '../tasks/registry.ts';
import type { AnyTaskDefinition } from '../tasks/task.ts';
import { isBatchable } from '../tasks/task.ts';
import { batchedRun } from './on-demand.ts';

/** A `run()` call, or a call whose text arrives in pieces (`stream()`, a chat turn). */
export type Job =
  /** `input`: as sent, or its promise for a task with `prepare` (never batchable). */
  | { kind: 'run'; input: unknown; options: Record<string, unknown> }
  | {
      kind: 'pieces';
      onPiece: (piece: string) => void;
      /** Sends the call; `moved` marks a transferred input (the call cannot be sent again). */
      send(
        remote: RemoteWorkerApi,
        id: string,
        callId: number,
        onPiece: (piece: string) => void,
        moved: () => void,
      ): Promise<Timed<unknown>>;
    };

/** Runs one worker call of a group on the model's pipeline, under the recovery policy (see `ModelPipeline.invoke`). */
export type Invoke = <R>(
  canRetry: () => boolean,
  work: (remote: RemoteWorkerApi, pipelineId: string, callId: number) => Promise<Timed<R>>,
) => Promise<R>;

/**
 * The input marked so that the buffers the task names move to the worker (`onMove` is told when
 * there are any: the input is then gone from this thread).
 * @example
 * remote.run(callId, id, task, movingInput(task, input, () => (moved = true)), options);
 */
export function movingInput(task: AnyTaskDefinition, input: unknown, onMove: () => void): unknown {
  const transfers = task.transfer?.(input) ?? [];
  if (transfers.length === 0) return input;
  onMove();
  return withTransfer(input, transfers);
}

/**
 * Runs a group the queue formed (one pieces job, or `run()` jobs with equal options) and returns
 * one output per job, in order.
 * @example
 * const outputs = await executeJobs(task, taskId, jobs, invoke);
 */
export async function executeJobs(task: AnyTaskDefinition, taskId: TaskId, jobs: readonly Job[], invoke: Invoke): Promise<unknown[]> {
  const [job] = jobs;
  if (!job) return [];
  if (job.kind === 'pieces') {
    let streamed = false;
    let moved = false;
    const onPiece = remoteCallback((piece: string) => ((streamed = true), job.onPiece(piece)));
    const sent = (remote: RemoteWorkerApi, id: string, callId: number): Promise<Timed<unknown>> =>
      job.send(remote, id, callId, onPiece, () => (moved = true));
    return [await invoke(() => !streamed && !moved, sent)];
  }
  const options = job.options as TaskOptions<TaskId>;
  const run = (input: unknown): Promise<unknown> => {
    // A transferred input is gone from this thread: a failed call cannot be sent again.
    let moved = false;
    const sent = (remote: RemoteWorkerApi, id: string, callId: number): Promise<Timed<unknown>> =>
      remote.run(callId, id, taskId, movingInput(task, input, () => (moved = true)) as TaskInput<TaskId>, options);
    return invoke(() => !moved, sent);
  };
  if (!isBatchable(task) || !task.canBatch(job.options)) return [await run(await job.input)];
  // One caller's array or a coalesced batch: split so no inference exceeds the limits.
  const { runBatched } = await batchedRun();
  return runBatched(
    task,
    jobs.map((each) => (each as Extract<Job, { kind: 'run' }>).input),
    run,
  );
}
