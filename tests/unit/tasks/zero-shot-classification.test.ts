import { describe, expect, it } from 'vitest';
import {
  zeroShotClassificationPipeline as pipeline,
  zeroShotClassificationTask as task,
} from '../../../src/tasks/zero-shot-classification.ts';
import { expectInpageError, expectTypeError } from './helpers.ts';

const text = 'I have a problem with my iphone that needs to be resolved asap!';
/** As transformers.js 4.3.1 ZeroShotClassificationPipeline returns it for one text. */
const raw = {
  sequence: text,
  labels: ['urgent', 'phone', 'computer', 'tablet', 'not urgent'],
  scores: [0.9958, 0.9923, 0.0027, 0.0026, 0.0009],
};
const labels = ['urgent', 'not urgent', 'phone', 'tablet', 'computer'];

describe('zero-shot-classification', () => {
  it('passes candidate labels as the second argument, with defaults for the template and multi_label', () => {
    expect(pipeline.toPipelineArgs(text, { candidateLabels: labels })).toEqual([
      text,
      labels,
      { hypothesis_template: 'This example is {}.', multi_label: false },
    ]);
    expect(pipeline.toPipelineArgs(['a'], { candidateLabels: ['x'], hypothesisTemplate: 'About {}.', multiLabel: true })).toEqual([
      ['a'],
      ['x'],
      { hypothesis_template: 'About {}.', multi_label: true },
    ]);
    expectTypeError(() => pipeline.toPipelineArgs('x'), 'candidateLabels');
  });

  it('copies { sequence, labels, scores }; one for a string, one per text for an array', () => {
    const output = pipeline.fromPipelineOutput(raw, text);
    expect(output).toEqual(raw);
    expect(output).not.toBe(raw);
    expect(pipeline.fromPipelineOutput([raw, { ...raw, sequence: 'b' }], [text, 'b'])).toEqual([raw, { ...raw, sequence: 'b' }]);
    expect(structuredClone(output)).toEqual(output);
  });

  it('reports malformed raw output as UNSUPPORTED_MODEL', () => {
    expectInpageError(() => pipeline.fromPipelineOutput({ ...raw, scores: [1] }, text), 'UNSUPPORTED_MODEL', '5 labels but 1 scores');
    expectInpageError(() => pipeline.fromPipelineOutput({ ...raw, labels: 'urgent' }, text), 'UNSUPPORTED_MODEL', 'labels');
    expectInpageError(() => pipeline.fromPipelineOutput(raw, [text, 'b']), 'UNSUPPORTED_MODEL');
  });

  it('requires candidateLabels: TypeError when missing or not strings, INVALID_INPUT when empty', () => {
    expect(() => task.validate(text, { candidateLabels: labels, multiLabel: true, hypothesisTemplate: 'It is {}.' })).not.toThrow();
    expectTypeError(() => task.validate(text, undefined), 'options { candidateLabels: string[] } are required');
    expectTypeError(() => task.validate(text, {}), 'option "candidateLabels" is required');
    expectTypeError(() => task.validate(text, { candidateLabels: 'urgent' }), 'option "candidateLabels" must be an array of strings');
    expectTypeError(() => task.validate(text, { candidateLabels: ['a', 2] }), 'option "candidateLabels"[1] must be a string');
    expectInpageError(() => task.validate(text, { candidateLabels: [] }), 'INVALID_INPUT', 'candidateLabels" is empty');
    expectInpageError(
      () => task.validate(text, { candidateLabels: Array.from({ length: 1025 }, (_, i) => `l${i}`) }),
      'INVALID_INPUT',
      '1025 items',
    );
  });

  it('checks the hypothesis template and other options', () => {
    expectInpageError(
      () => task.validate(text, { candidateLabels: labels, hypothesisTemplate: 'This is about' }),
      'INVALID_INPUT',
      'must contain "{}"',
    );
    expectTypeError(() => task.validate(text, { candidateLabels: labels, hypothesisTemplate: 3 }), 'hypothesisTemplate');
    expectTypeError(() => task.validate(text, { candidateLabels: labels, multiLabel: 'yes' }), 'option "multiLabel" must be a boolean');
    expectTypeError(() => task.validate(text, { candidate_labels: labels }), 'did you mean "candidateLabels"');
    expectTypeError(() => task.validate(5, { candidateLabels: labels }), 'zero-shot-classification: input');
  });
});
