import { describe, expect, it } from 'vitest';
import { tokenClassificationPipeline as pipeline, tokenClassificationTask as task } from '../../../src/tasks/token-classification.ts';
import type {
  EntityGroup,
  TokenClassificationInput,
  TokenClassificationOptions,
  TokenEntity,
} from '../../../src/tasks/token-classification.ts';
import { expectBatchRoundTrip, expectInpageError, expectTypeError } from './helpers.ts';

type RawToken = { entity: string; score: number; index: number; word: string };

/** An uncased WordPiece-like tokenizer: lowercase, strip accents, split punctuation, a few subwords. */
const subwords: Record<string, string[]> = { amara: ['ama', '##ra'], zurich: ['zur', '##ich'] };
function tokenize(text: string): string[] {
  const words =
    text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
  return words.flatMap((word) => subwords[word] ?? [word]);
}

const labels: Record<string, string> = {
  ama: 'B-PER',
  '##ra': 'I-PER',
  sarah: 'B-PER',
  new: 'B-LOC',
  york: 'I-LOC',
  zur: 'B-LOC',
  '##ich': 'I-LOC',
  london: 'B-LOC',
  paris: 'B-LOC',
  acme: 'B-ORG',
};

/** A fake of transformers.js 4.3.1 TokenClassificationPipeline._call with aggregation 'none'. */
function pipe(...args: unknown[]): unknown {
  const [texts, { ignore_labels = ['O'] } = {}] = args as [string | string[], { ignore_labels?: string[] }?];
  const perText = (Array.isArray(texts) ? texts : [texts]).map((text) =>
    tokenize(text)
      .map((word, position): RawToken => ({ entity: labels[word] ?? 'O', score: 1 - (word.length % 10) / 64, index: position + 1, word }))
      .filter((token) => !ignore_labels.includes(token.entity)),
  );
  return Array.isArray(texts) ? perText : perText[0];
}

function run(input: TokenClassificationInput, options?: TokenClassificationOptions): unknown {
  task.validate(input, options);
  return pipeline.fromPipelineOutput(pipe(...pipeline.toPipelineArgs(input, options)), input, options);
}

describe('token-classification', () => {
  it('always asks transformers.js for every token, ungrouped', () => {
    expect(pipeline.toPipelineArgs('x')).toEqual(['x', { ignore_labels: [], aggregation_strategy: 'none' }]);
    expect(pipeline.toPipelineArgs(['a'], { ignoreLabels: ['O', 'B-MISC'], aggregationStrategy: 'simple' })).toEqual([
      ['a'],
      { ignore_labels: [], aggregation_strategy: 'none' },
    ]);
  });

  it('returns tokens with offsets into the original text, ignoring O by default', () => {
    const text = 'My name is Sarah and I live in London';
    expect(run(text)).toEqual([
      { entity: 'B-PER', score: 0.921875, index: 4, word: 'sarah', start: 11, end: 16 },
      { entity: 'B-LOC', score: 0.90625, index: 9, word: 'london', start: 31, end: 37 },
    ]);
  });

  it('gives subword pieces adjacent spans and keeps the ## in the word', () => {
    const output = run('I met Amara.') as TokenEntity[];
    expect(output.map(({ word, start, end }) => [word, start, end])).toEqual([
      ['ama', 6, 9],
      ['##ra', 9, 11],
    ]);
  });

  it('locates a repeated word twice, even when its first occurrence is ignored', () => {
    const text = 'Paris met Paris';
    const output = run(text) as TokenEntity[];
    expect(output.map(({ start, end }) => text.slice(start, end))).toEqual(['Paris', 'Paris']);
    expect(output.map(({ start }) => start)).toEqual([0, 10]);
    // "paris" (the person's name) is O, then "Paris" the city: the O token is still walked over.
    const raw: RawToken[] = [
      { entity: 'O', score: 0.9, index: 1, word: 'paris' },
      { entity: 'O', score: 0.9, index: 2, word: 'flew' },
      { entity: 'O', score: 0.9, index: 3, word: 'to' },
      { entity: 'B-LOC', score: 0.9, index: 4, word: 'paris' },
    ];
    expect(pipeline.fromPipelineOutput(raw, 'Paris flew to Paris')).toEqual([
      { entity: 'B-LOC', score: 0.9, index: 4, word: 'paris', start: 14, end: 19 },
    ]);
  });

  it('matches accents and case: "Zürich" → zur + ##ich', () => {
    const text = 'Acme opened in Zürich';
    const output = run(text, { aggregationStrategy: 'simple' }) as EntityGroup[];
    expect(output.map(({ entityGroup, word, start, end }) => ({ entityGroup, word, start, end }))).toEqual([
      { entityGroup: 'ORG', word: 'Acme', start: 0, end: 4 },
      { entityGroup: 'LOC', word: 'Zürich', start: 15, end: 21 },
    ]);
  });

  it("groups like transformers.js 'simple' (same groups and mean scores), spanning first to last token", () => {
    const text = 'I met Amara in New York';
    const groups = run(text, { aggregationStrategy: 'simple' }) as EntityGroup[];
    expect(groups).toEqual([
      { entityGroup: 'PER', score: (0.953125 + 0.9375) / 2, word: 'Amara', start: 6, end: 11 },
      { entityGroup: 'LOC', score: (0.953125 + 0.9375) / 2, word: 'New York', start: 15, end: 23 },
    ]);
  });

  it('without a tracked tokenizer, skips the word of a token missing from the positions ([UNK])', () => {
    const raw: RawToken[] = [
      { entity: 'B-LOC', score: 0.9, index: 2, word: 'zurich' },
      { entity: 'I-LOC', score: 0.9, index: 3, word: 'airport' },
    ];
    const output = pipeline.fromPipelineOutput(raw, 'Zürich😍 Zürich airport', { aggregationStrategy: 'simple' }) as EntityGroup[];
    expect(output).toEqual([{ entityGroup: 'LOC', score: 0.9, word: 'Zürich airport', start: 9, end: 23 }]);
  });

  it('understands B-, I-, E-, S- prefixes and unprefixed labels', () => {
    const raw: RawToken[] = [
      { entity: 'B-LOC', score: 1, index: 1, word: 'a' },
      { entity: 'I-LOC', score: 0.5, index: 2, word: 'b' },
      { entity: 'B-LOC', score: 1, index: 3, word: 'c' },
      { entity: 'S-PER', score: 1, index: 4, word: 'd' },
      { entity: 'I-PER', score: 1, index: 5, word: 'e' },
      { entity: 'E-PER', score: 1, index: 6, word: 'f' },
      { entity: 'I-PER', score: 1, index: 7, word: 'g' },
      { entity: 'ORG', score: 1, index: 8, word: 'h' },
      { entity: 'ORG', score: 0, index: 9, word: 'i' },
    ];
    const groups = pipeline.fromPipelineOutput(raw, 'a b c d e f g h i', { aggregationStrategy: 'simple' }) as EntityGroup[];
    expect(groups.map(({ entityGroup, word, score }) => [entityGroup, word, score])).toEqual([
      ['LOC', 'a b', 0.75],
      ['LOC', 'c', 1],
      ['PER', 'd', 1],
      ['PER', 'e f', 1],
      ['PER', 'g', 1],
      ['ORG', 'h i', 0.5],
    ]);
  });

  it('filters ignoreLabels before grouping', () => {
    const groups = run('Sarah lives in New York', { ignoreLabels: ['O', 'I-LOC'], aggregationStrategy: 'simple' }) as EntityGroup[];
    expect(groups.map((group) => group.word)).toEqual(['Sarah', 'New']);
  });

  it('gives one list per text for an array, and plain data', () => {
    const output = run(['Sarah', 'nothing here', 'London'], { aggregationStrategy: 'simple' }) as EntityGroup[][];
    expect(output.map((groups) => groups.map((group) => group.word))).toEqual([['Sarah'], [], ['London']]);
    expect(structuredClone(output)).toEqual(output);
  });

  it('reports a malformed raw output as UNSUPPORTED_MODEL', () => {
    expectInpageError(() => pipeline.fromPipelineOutput([{ entity: 'O' }], 'x'), 'UNSUPPORTED_MODEL', 'field "word"');
    expectInpageError(() => pipeline.fromPipelineOutput([[]], ['a', 'b']), 'UNSUPPORTED_MODEL', 'expected 2 items');
  });

  it('validates input and options', () => {
    expectTypeError(() => task.validate({ text: 'x' }, undefined), 'token-classification: input must be a string');
    expectTypeError(() => task.validate('x', { aggregationStrategy: 'first' }), "must be one of 'none', 'simple'");
    expectTypeError(() => task.validate('x', { ignoreLabels: 'O' }), 'option "ignoreLabels" must be an array of strings');
    expectTypeError(() => task.validate('x', { ignoreLabels: ['O', 1] }), 'ignoreLabels');
    expectTypeError(() => task.validate('x', { aggregation_strategy: 'simple' }), 'did you mean "aggregationStrategy"');
    expectInpageError(() => task.validate([], undefined), 'INVALID_INPUT');
    expect(() => task.validate('x', { ignoreLabels: [], aggregationStrategy: 'none' })).not.toThrow();
  });

  it('batches: each caller gets its unbatched output', () => {
    const callers: TokenClassificationInput[] = ['Sarah in London', ['I met Amara', 'New York'], 'nothing'];
    expectBatchRoundTrip(task, pipeline, callers, undefined, pipe);
    expectBatchRoundTrip(task, pipeline, callers, { aggregationStrategy: 'simple' }, pipe);
    expectBatchRoundTrip(task, pipeline, callers, { ignoreLabels: [] }, pipe);
  });

  it('batch keys fill in defaults', () => {
    expect(task.batchKey(undefined)).toBe(task.batchKey({ aggregationStrategy: 'none', ignoreLabels: ['O'] }));
    expect(task.batchKey({ aggregationStrategy: 'simple' })).not.toBe(task.batchKey(undefined));
  });
});
