import { describe, expect, it } from 'vitest';
import { textGenerationPipeline as pipeline, textGenerationTask as task } from '../../../src/tasks/text-generation.ts';
import { expectInpageError, expectRangeError, expectTypeError } from './helpers.ts';

/** A fake of transformers.js 4.3.1 TextGenerationPipeline._call for string prompts. */
function pipe(...args: unknown[]): unknown {
  const [texts, { return_full_text = true } = {}] = args as [string | string[], { return_full_text?: boolean }?];
  const isBatched = Array.isArray(texts);
  const toReturn = (isBatched ? texts : [texts]).map((prompt) => [{ generated_text: (return_full_text ? prompt : '') + ' and then' }]);
  return !isBatched && toReturn.length === 1 ? toReturn[0] : toReturn;
}

describe('text-generation', () => {
  it('sends return_full_text: false unless asked, and maps generation options', () => {
    expect(pipeline.toPipelineArgs('Once')).toEqual(['Once', { return_full_text: false }]);
    expect(
      pipeline.toPipelineArgs(['a'], {
        maxNewTokens: 5,
        doSample: true,
        temperature: 0.8,
        topK: 20,
        topP: 0.95,
        repetitionPenalty: 1.1,
        returnFullText: true,
      }),
    ).toEqual([
      ['a'],
      { max_new_tokens: 5, do_sample: true, temperature: 0.8, top_k: 20, top_p: 0.95, repetition_penalty: 1.1, return_full_text: true },
    ]);
  });

  it('gives the generated text only by default, the prompt too with returnFullText', () => {
    const plain = pipeline.fromPipelineOutput(pipe(...pipeline.toPipelineArgs('Once')), 'Once');
    expect(plain).toBe(' and then');
    const full = pipeline.fromPipelineOutput(pipe(...pipeline.toPipelineArgs('Once', { returnFullText: true })), 'Once', {
      returnFullText: true,
    });
    expect(full).toBe('Once and then');
  });

  it('gives one string per prompt for an array (also of length 1)', () => {
    expect(pipeline.fromPipelineOutput(pipe(...pipeline.toPipelineArgs(['a', 'b'])), ['a', 'b'])).toEqual([' and then', ' and then']);
    expect(pipeline.fromPipelineOutput(pipe(...pipeline.toPipelineArgs(['a'])), ['a'])).toEqual([' and then']);
  });

  it('reports malformed raw output as UNSUPPORTED_MODEL', () => {
    expectInpageError(() => pipeline.fromPipelineOutput([], 'x'), 'UNSUPPORTED_MODEL', 'no result');
    expectInpageError(() => pipeline.fromPipelineOutput([{ generated_text: [] }], 'x'), 'UNSUPPORTED_MODEL', 'generated_text');
    expectInpageError(() => pipeline.fromPipelineOutput([[{ generated_text: 'a' }]], ['a', 'b']), 'UNSUPPORTED_MODEL', 'expected 2 items');
  });

  it('validates input and options', () => {
    expect(() => task.validate('x', { returnFullText: true, maxNewTokens: 1 })).not.toThrow();
    expect(() => task.validate([{ role: 'user', content: 'hi' }], { stop: ['\n'] })).not.toThrow();
    expectTypeError(() => task.validate([{ role: 'bot', content: 'hi' }], undefined), 'message 0 has role a string ("bot")');
    expectTypeError(() => task.validate([{ role: 'user', content: 'hi' }, 'hi'], undefined), 'input[0] must be a string');
    expectTypeError(() => task.validate([{ role: 'user', content: 7 }], undefined), 'message 0 must have string content');
    expectTypeError(() => task.validate('x', { stop: [1] }), 'option "stop" must be a string or an array of strings');
    expectRangeError(() => task.validate('x', { stop: [''] }), 'option "stop" must not contain an empty string');
    expectRangeError(() => task.validate('x', { stop: Array.from({ length: 17 }, () => '.') }), 'at most 16');
    expectTypeError(() => task.validate('x', { returnFullText: 'no' }), 'option "returnFullText" must be a boolean');
    expectTypeError(() => task.validate('x', { return_full_text: false }), 'did you mean "returnFullText"');
    expectRangeError(() => task.validate('x', { maxNewTokens: 5000 }), 'text-generation', 'maxNewTokens');
    expectRangeError(() => task.validate('x', { topP: 0 }), 'topP');
    expectInpageError(() => task.validate('x'.repeat(100_001), undefined), 'INVALID_INPUT');
  });

  it('streams without the prompt unless returnFullText, so that the pieces match run()', () => {
    expect(pipeline.streamerOptions('x')).toEqual({ skip_prompt: true, skip_special_tokens: true });
    expect(pipeline.streamerOptions('x', { returnFullText: true })).toEqual({ skip_prompt: false, skip_special_tokens: true });
    expectInpageError(() => pipeline.streamerOptions(['a']), 'INVALID_INPUT', 'text-generation: stream() takes a single string');
  });
});
