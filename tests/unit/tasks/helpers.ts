/**
 * Test helpers for the task modules: error capture and the batching round-trip check.
 * @module
 */
import { expect } from 'vitest';
import { InpageError } from '../../../src/errors.ts';
import type { ErrorCode } from '../../../src/errors.ts';
import type { BatchableTask, TaskPipeline } from '../../../src/tasks/task.ts';

/** The error `fn` throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error('expected a throw');
}

/** Asserts that `fn` throws a TypeError whose message contains every fragment. */
export function expectTypeError(fn: () => unknown, ...fragments: string[]): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(TypeError);
  for (const fragment of fragments) expect(error.message).toContain(fragment);
}

/** Asserts that `fn` throws a RangeError whose message contains every fragment. */
export function expectRangeError(fn: () => unknown, ...fragments: string[]): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(RangeError);
  for (const fragment of fragments) expect(error.message).toContain(fragment);
}

/** Asserts that `fn` throws an InpageError with `code` whose message contains every fragment. */
export function expectInpageError(fn: () => unknown, code: ErrorCode, ...fragments: string[]): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(InpageError);
  expect((error as InpageError).code).toBe(code);
  for (const fragment of fragments) expect(error.message).toContain(fragment);
}

/**
 * Runs several callers' inputs as one batch through `pipe` (a fake of the transformers.js
 * pipeline that builds the raw output for any input), using the task's main-thread batching
 * methods around its worker-side `pipeline` conversion, and checks that every caller gets exactly
 * its unbatched output.
 */
export function expectBatchRoundTrip<Input, Options, Output, Item>(
  task: BatchableTask<Input, Options, Output, Item>,
  pipeline: TaskPipeline<Input, Options, Output>,
  inputs: readonly Input[],
  options: Options | undefined,
  pipe: (...args: unknown[]) => unknown,
): void {
  expect(task.canBatch(options)).toBe(true);
  const perCaller = inputs.map((input) => task.toItems(input));
  const batch = task.batchInput(perCaller.flat());
  const batched = pipeline.fromPipelineOutput(pipe(...pipeline.toPipelineArgs(batch, options)), batch, options);
  const items = task.splitOutput(batched, perCaller.flat().length);
  let offset = 0;
  inputs.forEach((input, caller) => {
    const count = perCaller[caller]?.length ?? 0;
    const joined = task.joinItems(items.slice(offset, offset + count), input);
    offset += count;
    const alone = pipeline.fromPipelineOutput(pipe(...pipeline.toPipelineArgs(input, options)), input, options);
    expect(joined).toEqual(alone);
  });
}
