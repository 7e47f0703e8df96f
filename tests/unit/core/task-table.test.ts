import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { createClientOn } from '../../../src/client/client.ts';
import type { InpageClient } from '../../../src/client/client.ts';
import { isInpageError } from '../../../src/errors.ts';
import { taskTable } from '../../../src/tasks/registry.ts';
import type { StreamableTaskId, TaskId } from '../../../src/tasks/registry.ts';
import { defineTaskTable } from '../../../src/tasks/task-table.ts';
import type { TableIdsWith, TableOutput, TableTaskId, TableTypes } from '../../../src/tasks/task-table.ts';
import { runTask } from '../../../src/worker/task-calls.ts';
import type { LoadedPipeline } from '../../../src/worker/loaded-pipelines.ts';
import { fakeWorkers } from './fake-engine.ts';

// The whole cost of a new task: its module (fixtures/signal-peak.ts) and this one line.
const table = defineTaskTable({
  ...taskTable.entries,
  'signal-peak': { load: () => import('./fixtures/signal-peak.ts') },
});
type Entries = typeof table.entries;

const clients: InpageClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

describe('task table: a new task is one file plus one line', () => {
  it('derives the id, input, options and output types, and the stream flag, from the table', () => {
    expectTypeOf<TableTaskId<Entries>>().toEqualTypeOf<TaskId | 'signal-peak'>();
    expectTypeOf<TableTypes<Entries, 'signal-peak'>['input']>().toEqualTypeOf<Float32Array>();
    expectTypeOf<TableTypes<Entries, 'signal-peak'>['options']>().toEqualTypeOf<{ threshold?: number }>();
    expectTypeOf<TableOutput<Entries, 'signal-peak', Float32Array, object>>().toEqualTypeOf<number>();
    expectTypeOf<TableIdsWith<Entries, 'streamable'>>().toEqualTypeOf<StreamableTaskId | 'signal-peak'>();
    expectTypeOf<TableIdsWith<Entries, 'batchable'>>().not.toEqualTypeOf<'signal-peak'>();
  });

  it('fills in the defaults and keeps the existing tasks and aliases', async () => {
    expect(table.ids).toEqual([...taskTable.ids, 'signal-peak']);
    const { definition } = await table.load('signal-peak');
    expect(definition).toMatchObject({ id: 'signal-peak', pipelineTask: 'signal-peak', batchable: false, streamable: true });
    expect(Object.isFrozen(definition)).toBe(true);
    expect((await table.load('ner')).definition.id).toBe('token-classification');
  });

  it('dispatches run() on the main thread, moving the input buffer to the worker, and stream() on a non-text input', async () => {
    const received: unknown[] = [];
    const fake = fakeWorkers({ run: async (_pipelineId, input) => (received.push(input), 3) });
    const client = createClientOn({ worker: fake.factory }, { liveness: fake.liveness }, table);
    clients.push(client);
    const model = (await client.load('signal-peak' as TaskId, 'org/peaks')) as unknown as {
      run(input: Float32Array, options?: object): Promise<unknown>;
      stream(input: Float32Array): AsyncIterable<string>;
    };
    const samples = new Float32Array([0, 0.5, -0.2, 0.9]);
    expect(await model.run(samples, { threshold: 0.1 })).toBe(3);
    expect(received[0]).toEqual(new Float32Array([0, 0.5, -0.2, 0.9]));
    expect(samples.byteLength).toBe(0); // transferred, not copied
    expect(() => model.run(new Float32Array(1), { tresh: 1 })).toThrow('signal-peak: unknown option "tresh"');
    const pieces: string[] = [];
    for await (const piece of model.stream(new Float32Array([1]))) pieces.push(piece);
    expect(pieces).toEqual([]);
    expect(fake.workers[0]?.calls.filter((call) => call === 'run' || call === 'stream')).toEqual(['run', 'stream']);
  });

  it('dispatches run() in the worker through the module’s pipeline half', async () => {
    const calls: unknown[][] = [];
    const pipe = Object.assign(async (...args: unknown[]) => (calls.push(args), '2'), { dispose: async () => undefined });
    const output = await runTask(
      await table.load('signal-peak'),
      pipe as LoadedPipeline,
      new Float32Array(4),
      { threshold: 0.5 },
      new AbortController().signal,
    );
    expect(output).toBe(2);
    expect(calls[0]?.[1]).toMatchObject({ threshold: 0.5 });
  });

  it('keeps UNSUPPORTED_TASK for an id outside the table', async () => {
    const error = await table.load('signal-valley').catch((thrown: unknown) => thrown);
    expect(isInpageError(error, 'UNSUPPORTED_TASK')).toBe(true);
    expect((error as Error).message).toContain('signal-peak');
  });
});
