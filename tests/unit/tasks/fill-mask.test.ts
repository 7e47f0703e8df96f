import { describe, expect, it } from 'vitest';
import { fillMaskPipeline as pipeline, fillMaskTask as task } from '../../../src/tasks/fill-mask.ts';
import { expectInpageError, expectRangeError, expectTypeError } from './helpers.ts';

/** Raw candidates as transformers.js 4.3.1 FillMaskPipeline returns them (token is a number). */
const survival = { score: 0.1092, token: 2166, token_str: 'survival', sequence: 'the goal of life is survival.' };
const happiness = { score: 0.0394, token: 3402, token_str: 'happiness', sequence: 'the goal of life is happiness.' };

describe('fill-mask', () => {
  it('maps topK (default 5) to top_k', () => {
    expect(pipeline.toPipelineArgs('a [MASK]')).toEqual(['a [MASK]', { top_k: 5 }]);
    expect(pipeline.toPipelineArgs(['a [MASK]'], { topK: 2 })).toEqual([['a [MASK]'], { top_k: 2 }]);
  });

  it('renames token_str to tokenStr; one list for a string, one list per text for an array', () => {
    const expected = [
      { score: 0.1092, token: 2166, tokenStr: 'survival', sequence: 'the goal of life is survival.' },
      { score: 0.0394, token: 3402, tokenStr: 'happiness', sequence: 'the goal of life is happiness.' },
    ];
    expect(pipeline.fromPipelineOutput([survival, happiness], 'The goal of life is [MASK].')).toEqual(expected);
    expect(pipeline.fromPipelineOutput([[survival, happiness], [happiness]], ['x', 'y'])).toEqual([expected, [expected[1]]]);
  });

  it('turns a bigint token id into a number', () => {
    const output = pipeline.fromPipelineOutput([{ ...survival, token: 2166n }], 'x');
    expect(output).toEqual([{ score: 0.1092, token: 2166, tokenStr: 'survival', sequence: survival.sequence }]);
    expect(structuredClone(output)).toEqual(output);
  });

  it('reports malformed raw output as UNSUPPORTED_MODEL', () => {
    expectInpageError(() => pipeline.fromPipelineOutput([{ score: 1, token: 1, sequence: 's' }], 'x'), 'UNSUPPORTED_MODEL', 'token_str');
    expectInpageError(() => pipeline.fromPipelineOutput([survival], ['a', 'b']), 'UNSUPPORTED_MODEL');
  });

  it('validates input and options', () => {
    expect(() => task.validate('a [MASK]', { topK: 1 })).not.toThrow();
    expectTypeError(() => task.validate(null, undefined), 'fill-mask: input');
    expectTypeError(() => task.validate('x', { top_k: 3 }), 'did you mean "topK"');
    expectRangeError(() => task.validate('x', { topK: 0 }), 'option "topK" must be an integer ≥ 1, got 0');
    expectTypeError(() => task.validate('x', { topK: null }), 'option "topK" must be a number');
    expectInpageError(() => task.validate([], undefined), 'INVALID_INPUT');
  });
});
