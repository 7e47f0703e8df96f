import { describe, expect, it } from 'vitest';
import { createClient, isInpageError } from 'inpage';
import type { TaskId } from 'inpage';
import { testClient } from '../support/client.ts';
import { models, texts } from './models.ts';
import { workerProbe } from './worker-probe.ts';

/** What a call threw (or rejected with). */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('input validation on the main thread', () => {
  it('refuses bad loads before a worker even starts', async () => {
    const probe = workerProbe();
    const client = testClient({ lazy: true, worker: probe.factory });
    expect(isInpageError(await failure(() => client.load('no-such-task' as TaskId, models.sentiment)), 'UNSUPPORTED_TASK')).toBe(true);
    expect(await failure(() => client.load(42 as unknown as TaskId, models.sentiment))).toBeInstanceOf(TypeError);
    expect(await failure(() => client.load('sentiment-analysis', 42 as unknown as string))).toBeInstanceOf(TypeError);
    expect(isInpageError(await failure(() => client.load('sentiment-analysis', 'not a model id')), 'INVALID_INPUT')).toBe(true);
    expect(isInpageError(await failure(() => client.load('sentiment-analysis', '../../etc/passwd')), 'INVALID_INPUT')).toBe(true);
    expect(await failure(() => client.load('sentiment-analysis', models.sentiment, { dtype: 'fp64' as 'fp32' }))).toBeInstanceOf(TypeError);
    expect(await failure(() => client.load('sentiment-analysis', models.sentiment, { device: 'gpu' as 'webgpu' }))).toBeInstanceOf(
      TypeError,
    );
    expect(await failure(() => client.load('sentiment-analysis', models.sentiment, { revision: '' }))).toBeInstanceOf(TypeError);
    expect(await failure(() => client.load('sentiment-analysis', models.sentiment, { signal: {} as AbortSignal }))).toBeInstanceOf(
      TypeError,
    );
    expect(
      await failure(() => client.load('sentiment-analysis', models.sentiment, { onProgress: 'yes' as unknown as () => void })),
    ).toBeInstanceOf(TypeError);
    expect(probe.workers.length).toBe(0);

    const model = await client.load('sentiment-analysis', models.sentiment);
    expect((await model.run(texts.positive))[0]?.label).toBe('POSITIVE');
  });

  it('refuses absurd client options synchronously', () => {
    expect(() => createClient({ heartbeatMs: -1, lazy: true })).toThrow(RangeError);
    expect(() => createClient({ storage: { chunkSize: 1 }, lazy: true })).toThrow(RangeError);
    expect(() => createClient({ storage: { concurrency: 1000 }, lazy: true })).toThrow(RangeError);
    expect(() => createClient({ threads: 0, lazy: true })).toThrow(RangeError);
    expect(() => createClient({ device: 'tpu' as 'auto', lazy: true })).toThrow(TypeError);
    expect(() => createClient({ storage: { namespace: 'has spaces' }, lazy: true })).toThrow(TypeError);
  });

  it('refuses bad calls before they reach the worker, and keeps working', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const sentiment = await client.load('sentiment-analysis', models.sentiment);
    const counter = await client.load('text-generation', models.counter);
    const before = await probe.stats();
    expect(() => sentiment.run(42 as unknown as string)).toThrow(TypeError);
    expect(() => sentiment.run(texts.positive, { topK: 0 })).toThrow(RangeError);
    expect(() => sentiment.run(texts.positive, { bogus: true } as never)).toThrow(TypeError);
    expect(() => sentiment.run(texts.positive, { signal: 'stop' as unknown as AbortSignal })).toThrow(TypeError);
    expect(() => counter.run('one two three', { maxNewTokens: -3 })).toThrow(RangeError);
    expect(() => counter.run('one two three', { maxNewTokens: 1e9 })).toThrow(RangeError);
    expect(isInpageError(await failure(() => sentiment.run([])), 'INVALID_INPUT')).toBe(true);
    const after = await probe.stats();
    expect([after.runs, after.streams]).toEqual([before.runs, before.streams]);

    const [top] = await sentiment.run(texts.negative);
    expect(top?.label).toBe('NEGATIVE');
    expect(top?.score).toBeCloseTo(0.9598, 3);
    expect(await counter.run('one two three', { maxNewTokens: 2 })).toBe(' four five');
  });
});
