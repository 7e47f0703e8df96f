import { describe, expect, it } from 'vitest';
import { runBatched } from '../../../src/client/batched-run.ts';
import { joinPerText, splitPerText, textItems } from '../../../src/tasks/batching.ts';
import type { BatchableTask } from '../../../src/tasks/task.ts';

type Input = string | readonly string[];

/** A batchable task whose "inference" upper-cases each text. */
const upper = {
  id: 'upper',
  pipelineTask: 'upper',
  batchable: true,
  streamable: false,
  validate: () => undefined,
  canBatch: () => true,
  batchKey: () => '',
  toItems: textItems,
  batchInput: (items: readonly string[]) => [...items],
  splitOutput: (output: unknown, count: number) => splitPerText<string>('upper', output as string[], count),
  joinItems: (items: readonly string[], input: Input) => joinPerText<string>('upper', items, input),
} as unknown as BatchableTask<unknown, unknown, unknown, unknown>;

function worker(): { sent: unknown[]; run: (input: unknown) => Promise<unknown> } {
  const sent: unknown[] = [];
  const run = async (input: unknown): Promise<unknown> => {
    sent.push(input);
    return typeof input === 'string' ? input.toUpperCase() : (input as string[]).map((text) => text.toUpperCase());
  };
  return { sent, run };
}

describe('runBatched', () => {
  const short = 'so good';
  const long = 'a much longer review that goes on and on about the acting, the plot and the ending';

  it('puts texts of like length in one inference and hands each caller its own outputs, in order', async () => {
    const { sent, run } = worker();
    const inputs: Input[] = [long, short, [short, long, 'fine'], 'meh'];
    const outputs = await runBatched(upper, inputs, run);
    expect(outputs).toEqual([long.toUpperCase(), short.toUpperCase(), [short.toUpperCase(), long.toUpperCase(), 'FINE'], 'MEH']);
    // The long texts would pad every short one to their length: they run apart, shortest first.
    expect(sent).toEqual([
      ['meh', 'fine', short, short],
      [long, long],
    ]);
  });

  it('sends a single input that fits one inference as it came', async () => {
    const { sent, run } = worker();
    expect(await runBatched(upper, [['b text', 'a']], run)).toEqual([['B TEXT', 'A']]);
    expect(await runBatched(upper, ['alone'], run)).toEqual(['ALONE']);
    expect(sent).toEqual([['b text', 'a'], 'alone']);
  });
});
