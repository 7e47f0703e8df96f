/**
 * Shared checks of the streamable tasks: `stream()` pieces joined equal `run()`, and the
 * errors `stream()` gives for an array input.
 * @module
 */
import { expect } from 'vitest';
import { InpageError } from 'inpage';
import { collect } from './task-support.ts';

/** The part of a streamable model these checks use. */
interface StreamingModel {
  run(input: string, options?: { maxNewTokens?: number }): Promise<string>;
  stream(input: string, options?: { maxNewTokens?: number }): AsyncIterable<string>;
}

/**
 * Asserts that `stream()` yields several non-empty pieces (it really streams) and that the
 * pieces joined equal both the expected text and `run()`.
 * @example
 * await expectStreamEqualsRun(translator, 'the cat eats the fish', 'le chat mange le poisson');
 */
export async function expectStreamEqualsRun(
  model: StreamingModel,
  input: string,
  expected: string,
  options?: { maxNewTokens: number },
): Promise<void> {
  const pieces = await collect(model.stream(input, options));
  expect(pieces.length).toBeGreaterThan(1);
  for (const piece of pieces) expect(piece).not.toBe('');
  expect(pieces.join('')).toBe(expected);
  expect(await model.run(input, options)).toBe(expected);
}

/**
 * Asserts that `stream()` with an array rejects with `INVALID_INPUT` before any piece.
 * @example
 * await expectStreamRejectsArray(translator);
 */
export async function expectStreamRejectsArray(model: { stream(input: never): AsyncIterable<string> }): Promise<void> {
  const pieces: string[] = [];
  const error = await (async () => {
    for await (const piece of model.stream(['a', 'b'] as never)) pieces.push(piece);
  })().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(pieces).toEqual([]);
  expect(error).toBeInstanceOf(InpageError);
  expect((error as InpageError).code).toBe('INVALID_INPUT');
}
