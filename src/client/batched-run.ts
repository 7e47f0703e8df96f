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
  const order = items.map((_, i) => i).sort((a, b) => (items[a]?.length ?? 0) - (items[b]?.length ?? 0));
  const chunks = inferenceChunks(order.map((i) => items[i] ?? ''));
  if (inputs.length === 1 && chunks.length === 1) return [await run(inputs[0])];
  const results: unknown[] = new Array<unknown>(items.length);
  let next = 0;
  for (const chunk of chunks) {
    for (const result of task.splitOutput(await run(task.batchInput(chunk)), chunk.length)) results[order[next++] ?? 0] = result;
  }
  let offset = 0;
  return inputs.map((input, i) => {
    const count = itemsPerCall[i]?.length ?? 0;
    const mine = results.slice(offset, offset + count);
    offset += count;
    return task.joinItems(mine, input);
  });
}
