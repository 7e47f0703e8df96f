import { describe, expect, it } from 'vitest';
import { summarizationPipeline, summarizationTask } from '../../../src/tasks/summarization.ts';
import { text2textGenerationPipeline, text2textGenerationTask } from '../../../src/tasks/text2text-generation.ts';
import { translationPipeline, translationTask } from '../../../src/tasks/translation.ts';
import { expectInpageError, expectRangeError, expectTypeError } from './helpers.ts';

/** A fake of transformers.js 4.3.1 Text2TextGenerationPipeline._call: always a flat list. */
function fakePipe(key: string) {
  return (...args: unknown[]): unknown => {
    const [texts] = args as [string | string[]];
    return (Array.isArray(texts) ? texts : [texts]).map((text) => ({ [key]: text.toUpperCase() }));
  };
}

const cases = [
  { task: summarizationTask, pipeline: summarizationPipeline, key: 'summary_text' },
  { task: text2textGenerationTask, pipeline: text2textGenerationPipeline, key: 'generated_text' },
  { task: translationTask, pipeline: translationPipeline, key: 'translation_text' },
] as const;

describe.each(cases)('$task.id', ({ task, pipeline, key }) => {
  const pipe = fakePipe(key);

  it('is streamable and not batchable, with its own pipeline task', () => {
    expect(task.streamable).toBe(true);
    expect(task.batchable).toBe(false);
    expect(task.pipelineTask).toBe(task.id);
  });

  it('maps generation options', () => {
    expect(pipeline.toPipelineArgs('x')).toEqual(['x', {}]);
    expect(pipeline.toPipelineArgs(['a', 'b'], { maxNewTokens: 20, numBeams: 1, noRepeatNgramSize: 3 })).toEqual([
      ['a', 'b'],
      { max_new_tokens: 20, num_beams: 1, no_repeat_ngram_size: 3 },
    ]);
  });

  it('gives a string for a string and one string per text for an array', () => {
    expect(pipeline.fromPipelineOutput(pipe('hello'), 'hello')).toBe('HELLO');
    expect(pipeline.fromPipelineOutput(pipe(['a', 'b']), ['a', 'b'])).toEqual(['A', 'B']);
    expect(pipeline.fromPipelineOutput(pipe(['only']), ['only'])).toEqual(['ONLY']);
  });

  it('takes the first of several sequences per text', () => {
    const raw = [{ [key]: 'a1' }, { [key]: 'a2' }, { [key]: 'b1' }, { [key]: 'b2' }];
    expect(pipeline.fromPipelineOutput(raw, ['a', 'b'])).toEqual(['a1', 'b1']);
  });

  it('reports malformed raw output as UNSUPPORTED_MODEL', () => {
    expectInpageError(() => pipeline.fromPipelineOutput([], 'x'), 'UNSUPPORTED_MODEL', task.id);
    expectInpageError(() => pipeline.fromPipelineOutput([{ wrong: 'x' }], 'x'), 'UNSUPPORTED_MODEL', `field "${key}"`);
    expectInpageError(
      () => pipeline.fromPipelineOutput([{ [key]: 'x' }, { [key]: 'y' }, { [key]: 'z' }], ['a', 'b']),
      'UNSUPPORTED_MODEL',
      '3 results for 2 texts',
    );
  });

  it('validates input and options', () => {
    expect(() => task.validate('x', { maxNewTokens: 10, doSample: true, temperature: 0.5 })).not.toThrow();
    expectTypeError(() => task.validate(3, undefined), `${task.id}: input`);
    expectTypeError(() => task.validate('x', { max_new_tokens: 10 }), 'did you mean "maxNewTokens"');
    expectTypeError(() => task.validate('x', { returnFullText: true }), 'unknown option "returnFullText"');
    expectRangeError(() => task.validate('x', { maxNewTokens: 0 }), task.id, 'maxNewTokens');
    expectInpageError(() => task.validate([], undefined), 'INVALID_INPUT');
  });

  it('streams a single string, skipping the decoder prompt and special tokens', () => {
    expect(pipeline.streamerOptions('x')).toEqual({ skip_prompt: true, skip_special_tokens: true });
    expectInpageError(() => pipeline.streamerOptions(['a', 'b']), 'INVALID_INPUT', 'stream() takes a single string');
  });
});

describe('translation languages', () => {
  it('maps srcLang / tgtLang to src_lang / tgt_lang next to generation options', () => {
    expect(translationPipeline.toPipelineArgs('Hello', { srcLang: 'eng_Latn', tgtLang: 'fra_Latn', maxNewTokens: 50 })).toEqual([
      'Hello',
      { max_new_tokens: 50, src_lang: 'eng_Latn', tgt_lang: 'fra_Latn' },
    ]);
    expect(translationPipeline.toPipelineArgs('Hello', { tgtLang: 'de' })).toEqual(['Hello', { tgt_lang: 'de' }]);
  });

  it('validates language codes', () => {
    expect(() => translationTask.validate('x', { srcLang: 'en', tgtLang: 'fr' })).not.toThrow();
    expectTypeError(
      () => translationTask.validate('x', { tgtLang: 7 }),
      'option "tgtLang" must be a language code string, got a number (7)',
    );
    expectRangeError(() => translationTask.validate('x', { srcLang: ' ' }), 'option "srcLang" must be a non-empty language code');
    expectTypeError(() => translationTask.validate('x', { tgt_lang: 'fr' }), 'did you mean "tgtLang"');
  });

  it('does not accept languages for the other text-to-text tasks', () => {
    expectTypeError(() => summarizationTask.validate('x', { tgtLang: 'fr' }), 'unknown option "tgtLang"');
  });
});
