import { describe, expect, it } from 'vitest';
import { textClassificationPipeline as pipeline, textClassificationTask as task } from '../../../src/tasks/text-classification.ts';
import type { TextClassificationInput } from '../../../src/tasks/text-classification.ts';
import { expectBatchRoundTrip, expectInpageError, expectRangeError, expectTypeError } from './helpers.ts';

type Label = { label: string; score: number };

/** A fake of transformers.js 4.3.1 TextClassificationPipeline._call (same return shapes). */
function pipe(...args: unknown[]): unknown {
  const [texts, { top_k = 1 } = {}] = args as [string | string[], { top_k?: number | null }?];
  const toReturn: (Label | Label[])[] = [];
  for (const text of Array.isArray(texts) ? texts : [texts]) {
    const positive = 0.05 + (text.length % 10) / 11;
    const all: Label[] = [
      { label: 'POSITIVE', score: positive },
      { label: 'NEGATIVE', score: 1 - positive },
      { label: 'NEUTRAL', score: 0 },
    ].sort((a, b) => b.score - a.score);
    const values = all.slice(0, top_k ?? all.length);
    if (top_k === 1) toReturn.push(...values);
    else toReturn.push(values);
  }
  return Array.isArray(texts) || top_k === 1 ? toReturn : toReturn[0];
}

function run(input: TextClassificationInput, options?: { topK?: number | null }): unknown {
  task.validate(input, options);
  return pipeline.fromPipelineOutput(pipe(...pipeline.toPipelineArgs(input, options)), input, options);
}

describe('text-classification', () => {
  it('maps options to transformers.js (top_k defaults to 1, null = all labels)', () => {
    expect(pipeline.toPipelineArgs('hi')).toEqual(['hi', { top_k: 1 }]);
    expect(pipeline.toPipelineArgs(['a', 'b'], { topK: 3 })).toEqual([['a', 'b'], { top_k: 3 }]);
    expect(pipeline.toPipelineArgs('hi', { topK: null })).toEqual(['hi', { top_k: null }]);
  });

  it('gives a string one sorted label list, of length topK', () => {
    expect(run('I love it')).toEqual([{ label: 'POSITIVE', score: expect.any(Number) }]);
    const all = run('I love it!', { topK: null }) as Label[];
    expect(all.map((item) => item.label)).toEqual(['NEGATIVE', 'POSITIVE', 'NEUTRAL']);
    expect(run('x', { topK: 2 })).toHaveLength(2);
  });

  it('gives an array one list per text, whatever topK', () => {
    expect(run(['a', 'bb'])).toEqual([[{ label: expect.any(String), score: expect.any(Number) }], [expect.any(Object)]]);
    const lists = run(['a', 'bb'], { topK: 2 }) as Label[][];
    expect(lists.map((list) => list.length)).toEqual([2, 2]);
    expect(run(['only'], { topK: null })).toHaveLength(1);
  });

  it('copies only label and score (plain data)', () => {
    const raw = [{ label: 'POSITIVE', score: 0.99, extra: () => 1 }];
    const output = pipeline.fromPipelineOutput(raw, 'x');
    expect(output).toEqual([{ label: 'POSITIVE', score: 0.99 }]);
    expect(structuredClone(output)).toEqual(output);
  });

  it('reports a malformed raw output as UNSUPPORTED_MODEL', () => {
    expectInpageError(() => pipeline.fromPipelineOutput({ label: 'x' }, 'x'), 'UNSUPPORTED_MODEL', 'text-classification');
    expectInpageError(() => pipeline.fromPipelineOutput([{ label: 1, score: 1 }], 'x'), 'UNSUPPORTED_MODEL', 'field "label"');
    expectInpageError(() => pipeline.fromPipelineOutput([{ label: 'a', score: 1 }], ['x', 'y']), 'UNSUPPORTED_MODEL', 'expected 2 items');
  });

  it('validates input and options', () => {
    expectTypeError(() => task.validate(42, undefined), 'text-classification: input');
    expectTypeError(() => task.validate('x', { topk: 1 }), 'did you mean "topK"');
    expectTypeError(() => task.validate('x', { topK: '1' }), 'option "topK" must be a number');
    expectRangeError(() => task.validate('x', { topK: 0 }), 'option "topK" must be an integer ≥ 1');
    expectInpageError(() => task.validate([], undefined), 'INVALID_INPUT');
    expect(() => task.validate(['a'], { topK: null })).not.toThrow();
  });

  it('batches: each caller gets its unbatched output', () => {
    const callers: TextClassificationInput[] = ['one', ['two', 'three'], 'four', ['five']];
    expectBatchRoundTrip(task, pipeline, callers, undefined, pipe);
    expectBatchRoundTrip(task, pipeline, callers, { topK: 2 }, pipe);
    expectBatchRoundTrip(task, pipeline, callers, { topK: null }, pipe);
  });

  it('batch keys fill in defaults', () => {
    expect(task.batchKey(undefined)).toBe(task.batchKey({ topK: 1 }));
    expect(task.batchKey({ topK: 2 })).not.toBe(task.batchKey({ topK: null }));
    expect(task.canBatch({ topK: null })).toBe(true);
  });
});
