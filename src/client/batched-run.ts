import { inferenceChunks } from './inference-chunks.ts';
import type { BatchableTask } from '../tasks/task.ts';

type AnyBatchable = BatchableTask<unknown, unknown, unknown, unknown>;

/**
 * Runs the inputs of several `run()` calls of a batchable task (one caller's array, or calls
 * coalesced by the queue) as few inferences as the limits allow (see {@link inferenceChunks}),
 * and hands each caller back exactly its own output. A single input that fits one inference is
 * sent as it came.
 * @example
 * const outputs = await runBatched(task, ['great', 'awful'], (input) => worker.run(input));
 */
export async function runBatched(
  task: AnyBatchable,
  inputs: readonly unknown[],
  run: (input: unknown) => Promise<unknown>,
): Promise<unknown[]> {
  const itemsPerCall = inputs.map((input) => task.toItems(input));
  const chunks = inferenceChunks(itemsPerCall.flat());
  if (inputs.length === 1 && chunks.length === 1) return [await run(inputs[0])];
  const items: unknown[] = [];
  for (const chunk of chunks) items.push(...task.splitOutput(await run(task.batchInput(chunk)), chunk.length));
  let offset = 0;
  return inputs.map((input, i) => {
    const count = itemsPerCall[i]?.length ?? 0;
    const mine = items.slice(offset, offset + count);
    offset += count;
    return task.joinItems(mine, input);
  });
}
