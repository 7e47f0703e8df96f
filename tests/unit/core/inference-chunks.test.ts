import { describe, expect, it } from 'vitest';
import { inferenceChunks } from '../../../src/client/inference-chunks.ts';
import { MAX_CHARS_PER_INFERENCE, MAX_ITEMS_PER_INFERENCE } from '../../../src/tasks/limits.ts';

describe('inferenceChunks', () => {
  it('splits by item count and by characters, keeping the order', () => {
    const items = Array.from({ length: MAX_ITEMS_PER_INFERENCE * 2 + 1 }, (_, i) => `t${i}`);
    const chunks = inferenceChunks(items);
    expect(chunks.map((chunk) => chunk.length)).toEqual([MAX_ITEMS_PER_INFERENCE, MAX_ITEMS_PER_INFERENCE, 1]);
    expect(chunks.flat()).toEqual(items);
    const half = 'x'.repeat(MAX_CHARS_PER_INFERENCE / 2);
    expect(inferenceChunks([half, half, 'y']).map((chunk) => chunk.length)).toEqual([2, 1]);
  });

  it('gives an item longer than the character limit an inference of its own', () => {
    const long = 'x'.repeat(MAX_CHARS_PER_INFERENCE + 1);
    expect(inferenceChunks(['a', long, 'b'])).toEqual([['a'], [long], ['b']]);
    expect(inferenceChunks([])).toEqual([]);
  });
});

describe('inferenceChunks by padding', () => {
  it('starts a new inference where the padding would cost more than one', () => {
    const short = Array.from({ length: 8 }, (_, i) => `short text ${i}`);
    const long = Array.from({ length: 8 }, (_, i) => `a text about four times as long as the short ones ${i}`);
    expect(inferenceChunks([...short, ...long])).toEqual([short, long]);
    // A few characters more or less is no reason to split.
    expect(inferenceChunks(['the movie', 'the movies', 'a movie!'])).toHaveLength(1);
  });
});
