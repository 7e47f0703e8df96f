import { describe, expect, it } from 'vitest';
import { questionAnsweringPipeline as pipeline, questionAnsweringTask as task } from '../../../src/tasks/question-answering.ts';
import { expectInpageError, expectRangeError, expectTypeError } from './helpers.ts';

const input = { question: 'Who was Jim Henson?', context: 'Jim Henson was a nice puppet.' };

describe('question-answering', () => {
  it('calls the pipeline with question, context and top_k', () => {
    expect(pipeline.toPipelineArgs(input)).toEqual([input.question, input.context, { top_k: 1 }]);
    expect(pipeline.toPipelineArgs(input, { topK: 3 })).toEqual([input.question, input.context, { top_k: 3 }]);
  });

  it('adds the answer offsets in the context (one answer by default)', () => {
    const output = pipeline.fromPipelineOutput({ answer: 'a nice puppet', score: 0.5768 }, input);
    expect(output).toEqual({ answer: 'a nice puppet', score: 0.5768, start: 15, end: 28 });
    expect(structuredClone(output)).toEqual(output);
  });

  it('locates lowercased, unaccented, re-spaced answers from uncased tokenizers', () => {
    const context = "L'équipe de Zoë Martin a gagné.";
    const output = pipeline.fromPipelineOutput({ answer: 'zoe martin', score: 0.9 }, { question: 'Qui ?', context });
    expect(output).toMatchObject({ start: 12, end: 22 });
    expect(context.slice(12, 22)).toBe('Zoë Martin');
  });

  it('gives an array of answers for topK > 1, and one answer for topK 1', () => {
    const raw = [
      { answer: 'a nice puppet', score: 0.5 },
      { answer: 'nice puppet', score: 0.2 },
      { answer: 'Jim Henson', score: 0.1 },
    ];
    expect(pipeline.fromPipelineOutput(raw, input, { topK: 3 })).toEqual([
      { answer: 'a nice puppet', score: 0.5, start: 15, end: 28 },
      { answer: 'nice puppet', score: 0.2, start: 17, end: 28 },
      { answer: 'Jim Henson', score: 0.1, start: 0, end: 10 },
    ]);
    expect(pipeline.fromPipelineOutput({ answer: 'Jim Henson', score: 0.1 }, input, { topK: 1 })).toEqual({
      answer: 'Jim Henson',
      score: 0.1,
      start: 0,
      end: 10,
    });
  });

  it('gives an empty span at 0 for an answer it cannot locate', () => {
    expect(pipeline.fromPipelineOutput({ answer: 'nowhere', score: 0.1 }, input)).toEqual({
      answer: 'nowhere',
      score: 0.1,
      start: 0,
      end: 0,
    });
  });

  it('reports malformed raw output as UNSUPPORTED_MODEL', () => {
    expectInpageError(
      () => pipeline.fromPipelineOutput([{ answer: 'x', score: 1 }], input),
      'UNSUPPORTED_MODEL',
      'an answer should be an object',
    );
    expectInpageError(
      () => pipeline.fromPipelineOutput({ answer: 'x', score: 1 }, input, { topK: 2 }),
      'UNSUPPORTED_MODEL',
      'should be an array',
    );
  });

  it('validates input and options', () => {
    expect(() => task.validate(input, { topK: 2 })).not.toThrow();
    expectTypeError(() => task.validate('Who?', undefined), 'question-answering: input must be an object { question, context }');
    expectTypeError(() => task.validate({ question: 'q' }, undefined), 'input.context must be a string, got undefined');
    expectTypeError(() => task.validate({ question: 'q', contexts: 'c' }, undefined), 'unknown input field "contexts"');
    expectInpageError(() => task.validate({ question: ' ', context: 'c' }, undefined), 'INVALID_INPUT', 'input.question is empty');
    expectInpageError(() => task.validate({ question: 'q', context: 'c'.repeat(100_001) }, undefined), 'INVALID_INPUT', 'input.context');
    expectRangeError(() => task.validate(input, { topK: 0 }), 'topK');
    expectTypeError(() => task.validate(input, { top_k: 2 }), 'did you mean "topK"');
  });
});
