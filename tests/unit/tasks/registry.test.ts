import { describe, expect, it } from 'vitest';
import { InpageError } from '../../../src/errors.ts';
import { getTaskPipeline, taskPipelines } from '../../../src/tasks/pipeline-registry.ts';
import { getTask, isTaskId, taskIds, tasks } from '../../../src/tasks/registry.ts';
import { isBatchable, isStreamable, isStreamingPipeline } from '../../../src/tasks/task.ts';
import { expectInpageError, expectTypeError } from './helpers.ts';

const hubTaskIds = [
  'text-classification',
  'token-classification',
  'feature-extraction',
  'translation',
  'summarization',
  'text2text-generation',
  'text-generation',
  'fill-mask',
  'question-answering',
  'zero-shot-classification',
];

describe('task registry', () => {
  it('holds every text task and the two aliases', () => {
    expect([...taskIds].sort()).toEqual([...hubTaskIds, 'sentiment-analysis', 'ner'].sort());
    expect(tasks['sentiment-analysis']).toBe(tasks['text-classification']);
    expect(tasks.ner).toBe(tasks['token-classification']);
  });

  it('keys each module by its own id (aliases aside) and names a transformers.js pipeline task', () => {
    for (const id of hubTaskIds) {
      const task = getTask(id);
      expect(task.id).toBe(id);
      expect(task.pipelineTask).toBe(id);
    }
  });

  it('is frozen, and so are the modules', () => {
    expect(Object.isFrozen(tasks)).toBe(true);
    expect(Object.isFrozen(taskIds)).toBe(true);
    for (const id of taskIds) expect(Object.isFrozen(tasks[id])).toBe(true);
  });

  it('flags batchable and streamable tasks, with the matching methods', () => {
    const batchable = taskIds.filter((id) => isBatchable(getTask(id)));
    const streamable = taskIds.filter((id) => isStreamable(getTask(id)));
    expect(batchable.sort()).toEqual(['feature-extraction', 'ner', 'sentiment-analysis', 'text-classification', 'token-classification']);
    expect(streamable.sort()).toEqual(['summarization', 'text-generation', 'text2text-generation', 'translation']);
    for (const id of batchable) {
      const task = getTask(id) as unknown as Record<string, unknown>;
      for (const method of ['canBatch', 'batchKey', 'toItems', 'batchInput', 'splitOutput', 'joinItems'])
        expect(typeof task[method]).toBe('function');
    }
    // Streaming is the worker's business: a streamable task's pipeline sets up the streamer.
    expect(taskIds.filter((id) => isStreamingPipeline(getTaskPipeline(id))).sort()).toEqual(streamable.sort());
  });

  it('keeps the worker half out of the main-thread modules, and has a pipeline for every task id', () => {
    expect(Object.keys(taskPipelines)).toEqual([...taskIds]);
    expect(Object.isFrozen(taskPipelines)).toBe(true);
    expect(taskPipelines['sentiment-analysis']).toBe(taskPipelines['text-classification']);
    expect(taskPipelines.ner).toBe(taskPipelines['token-classification']);
    for (const id of taskIds) {
      const task = getTask(id) as unknown as Record<string, unknown>;
      for (const method of ['toPipelineArgs', 'fromPipelineOutput', 'streamerOptions']) expect(task[method]).toBeUndefined();
      const pipeline = getTaskPipeline(id);
      expect(Object.isFrozen(pipeline)).toBe(true);
      expect(typeof pipeline.toPipelineArgs).toBe('function');
      expect(typeof pipeline.fromPipelineOutput).toBe('function');
    }
  });

  it('getTaskPipeline rejects unknown ids like getTask', () => {
    expectInpageError(() => getTaskPipeline('image-classification'), 'UNSUPPORTED_TASK', 'Unsupported task "image-classification"', 'ner');
    expectInpageError(() => getTaskPipeline('toString'), 'UNSUPPORTED_TASK');
    expectTypeError(() => getTaskPipeline(null as unknown as string), 'Task id must be a string, got null');
  });

  it('isTaskId accepts exactly the registry keys', () => {
    expect(isTaskId('ner')).toBe(true);
    expect(isTaskId('image-classification')).toBe(false);
    expect(isTaskId('toString')).toBe(false);
    expect(isTaskId(undefined)).toBe(false);
  });

  it('getTask throws UNSUPPORTED_TASK listing the supported ids, TypeError for a non-string', () => {
    expectInpageError(
      () => getTask('image-classification'),
      'UNSUPPORTED_TASK',
      'Unsupported task "image-classification"',
      'sentiment-analysis',
      'zero-shot-classification',
    );
    expectInpageError(() => getTask('constructor'), 'UNSUPPORTED_TASK');
    expectTypeError(() => getTask(42 as unknown as string), 'Task id must be a string, got a number (42)');
    expect(() => getTask('ner')).not.toThrow(InpageError);
  });

  it('every task accepts undefined options where none are required, and rejects unknown keys', () => {
    for (const id of taskIds) {
      const task = getTask(id);
      const input = id === 'question-answering' ? { question: 'q', context: 'c' } : 'text';
      if (id !== 'zero-shot-classification') expect(() => task.validate(input, undefined)).not.toThrow();
      const options = id === 'zero-shot-classification' ? { candidateLabels: ['a'], surelyNotAnOption: 1 } : { surelyNotAnOption: 1 };
      expectTypeError(() => task.validate(input, options), `${task.id}: unknown option "surelyNotAnOption"`);
    }
  });
});
