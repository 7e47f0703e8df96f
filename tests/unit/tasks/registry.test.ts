import { describe, expect, it } from 'vitest';
import { InpageError } from '../../../src/errors.ts';
import { checkTaskId, isTaskId, loadTask, taskIds, taskTable } from '../../../src/tasks/registry.ts';
import { isBatchable, isStreamable, isStreamingPipeline } from '../../../src/tasks/task.ts';
import { expectInpageError, expectTypeError } from './helpers.ts';

const hubTaskIds = [
  'text-classification',
  'token-classification',
  'feature-extraction',
  'object-detection',
  'image-segmentation',
  'background-removal',
  'translation',
  'summarization',
  'text2text-generation',
  'text-generation',
  'fill-mask',
  'question-answering',
  'zero-shot-classification',
  'image-classification',
  'zero-shot-image-classification',
  'image-feature-extraction',
];
const audioTaskIds = ['automatic-speech-recognition', 'audio-classification'];
const aliases = ['sentiment-analysis', 'ner', 'asr'];
const tableIds = [...hubTaskIds, ...audioTaskIds, 'image-to-text'];

/** An input each task accepts. */
function validInput(id: string): unknown {
  if (id === 'question-answering') return { question: 'q', context: 'c' };
  if (audioTaskIds.includes(id)) return { samples: new Float32Array([0, 0.5, -0.5]), samplingRate: 16000 };
  return 'https://example.com/cat.png';
}

const loadAll = (): Promise<Awaited<ReturnType<typeof loadTask>>[]> => Promise.all(taskIds.map((id) => loadTask(id as unknown)));

describe('task table', () => {
  it('holds every task and the aliases, declared once', async () => {
    expect(Object.keys(taskTable.entries).sort()).toEqual([...tableIds].sort());
    expect([...taskIds].sort()).toEqual([...tableIds, ...aliases].sort());
    expect(await loadTask('sentiment-analysis')).toBe(await loadTask('text-classification'));
    expect(await loadTask('ner')).toBe(await loadTask('token-classification'));
  });

  it('keys each module by its own id (aliases aside) and names a transformers.js pipeline task', async () => {
    for (const id of tableIds) {
      const { definition } = await loadTask(id as unknown);
      expect(definition.id).toBe(id);
      expect(definition.pipelineTask).toBe(id);
    }
  });

  it('is frozen, and so are both halves of every module', async () => {
    expect(Object.isFrozen(taskTable)).toBe(true);
    expect(Object.isFrozen(taskIds)).toBe(true);
    for (const task of await loadAll()) {
      expect(Object.isFrozen(task)).toBe(true);
      expect(Object.isFrozen(task.definition)).toBe(true);
      expect(Object.isFrozen(task.pipeline)).toBe(true);
    }
  });

  it('flags batchable and streamable tasks, with the matching methods', async () => {
    const loaded = new Map(taskIds.map((id, index) => [id, index]));
    const tasks = await loadAll();
    const byId = (id: string): (typeof tasks)[number] => tasks[loaded.get(id as never) ?? -1] as (typeof tasks)[number];
    const batchable = taskIds.filter((id) => isBatchable(byId(id).definition));
    const streamable = taskIds.filter((id) => isStreamable(byId(id).definition));
    expect(batchable.sort()).toEqual(['feature-extraction', 'ner', 'sentiment-analysis', 'text-classification', 'token-classification']);
    expect(streamable.sort()).toEqual(
      ['summarization', 'text-generation', 'text2text-generation', 'translation', 'automatic-speech-recognition', 'asr'].sort(),
    );
    for (const id of batchable) {
      const definition = byId(id).definition as unknown as Record<string, unknown>;
      for (const method of ['canBatch', 'batchKey', 'toItems', 'batchInput', 'splitOutput', 'joinItems'])
        expect(typeof definition[method]).toBe('function');
    }
    // Streaming is the worker's business: a streamable task's pipeline sets up the streamer.
    expect(taskIds.filter((id) => isStreamingPipeline(byId(id).pipeline)).sort()).toEqual(streamable.sort());
  });

  it('keeps the two halves apart: the main-thread half has no worker methods', async () => {
    for (const { definition, pipeline } of await loadAll()) {
      const main = definition as unknown as Record<string, unknown>;
      for (const method of ['toPipelineArgs', 'fromPipelineOutput', 'streamerOptions']) expect(main[method]).toBeUndefined();
      expect(typeof pipeline.toPipelineArgs).toBe('function');
      expect(typeof pipeline.fromPipelineOutput).toBe('function');
    }
  });

  it('isTaskId accepts exactly the table ids', () => {
    expect(isTaskId('ner')).toBe(true);
    expect(isTaskId('text-to-3d')).toBe(false);
    expect(isTaskId('toString')).toBe(false);
    expect(isTaskId(undefined)).toBe(false);
  });

  it('checkTaskId and loadTask throw UNSUPPORTED_TASK listing the supported ids, TypeError for a non-string', async () => {
    expectInpageError(
      () => checkTaskId('text-to-3d'),
      'UNSUPPORTED_TASK',
      'Unsupported task "text-to-3d"',
      'sentiment-analysis',
      'zero-shot-classification',
    );
    expectInpageError(() => checkTaskId('constructor'), 'UNSUPPORTED_TASK');
    expectTypeError(() => checkTaskId(42), 'Task id must be a string, got a number (42)');
    await expect(loadTask(null)).rejects.toThrow(new TypeError('Task id must be a string, got null.'));
    const unsupported = await loadTask('toString').catch((error: unknown) => error);
    expect(unsupported).toMatchObject({ name: 'InpageError', code: 'UNSUPPORTED_TASK' });
    expect(() => checkTaskId('ner')).not.toThrow(InpageError);
  });

  it('every task accepts undefined options where none are required, and rejects unknown keys', async () => {
    for (const { definition } of await loadAll()) {
      const id = definition.id;
      const input = validInput(id); // a URL is a text as well as an image input
      const needsLabels = id.startsWith('zero-shot');
      if (!needsLabels) expect(() => definition.validate(input, undefined)).not.toThrow();
      const options = needsLabels ? { candidateLabels: ['a'], surelyNotAnOption: 1 } : { surelyNotAnOption: 1 };
      expectTypeError(() => definition.validate(input, options), `${id}: unknown option "surelyNotAnOption"`);
    }
  });
});
