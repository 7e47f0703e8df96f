import { inferenceChunks } from './inference-chunks.ts';
import type { BatchableTask } from '../tasks/task.ts';

type AnyBatchable = BatchableTask<unknown, unknown, unknown, unknown>;

/**
 * Runs the inputs of several `run()` calls of a batchable task (one caller's array, or calls
 * coalesced by the queue) as few inferences as the limits allow (see {@link inferenceChunks}),
 * texts sorted by length so that each inference pads less, and hands each caller back exactly
 * its own output, in its order. A single input that fits one inference is
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
  const items = itemsPerCall.flat();
  // Shortest first, so that texts of like length share an inference (each pads to its longest).
  const order = [...items.keys()].sort((a, b) => (items[a] as string).length - (items[b] as string).length);
  const chunks = inferenceChunks(order.map((i) => items[i] as string));
  if (inputs.length === 1 && chunks.length === 1) return [await run(inputs[0])];
  const sorted: unknown[] = [];
  for (const chunk of chunks) sorted.push(...task.splitOutput(await run(task.batchInput(chunk)), chunk.length));
  const results: unknown[] = [];
  order.forEach((item, i) => (results[item] = sorted[i]));
  let offset = 0;
  return inputs.map((input, i) => {
    const count = itemsPerCall[i]?.length ?? 0;
    const mine = results.slice(offset, offset + count);
    offset += count;
    return task.joinItems(mine, input);
  });
}
