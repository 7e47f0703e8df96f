import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CallQueue } from '../../../src/client/call-queue.ts';
import type { QueuedCall } from '../../../src/client/call-queue.ts';
import { isInpageError, InpageError } from '../../../src/errors.ts';

type Call = QueuedCall<string, string, string>;

/** A queue whose inferences finish when the test says so; records each group's inputs. */
function controlledQueue(): { queue: CallQueue<string, string, string>; groups: string[][]; finish: () => void; signals: AbortSignal[] } {
  const groups: string[][] = [];
  const signals: AbortSignal[] = [];
  const pending: (() => void)[] = [];
  const queue = new CallQueue<string, string, string>(async (calls: Call[], signal) => {
    groups.push(calls.map((call) => call.input));
    signals.push(signal);
    await new Promise<void>((resolve) => pending.push(resolve));
    return calls.map((call) => `out:${call.input}`);
  });
  return { queue, groups, signals, finish: () => pending.shift()?.() };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('CallQueue', () => {
  it('runs the first call alone, then coalesces the waiting calls by key; each caller gets its own output', async () => {
    const { queue, groups, finish } = controlledQueue();
    const results = ['a', 'b', 'c', 'd', 'e'].map((input, i) => queue.push({ input, options: '', batchKey: i === 3 ? 'other' : 'same' }));
    await tick();
    finish();
    await tick();
    finish();
    await tick();
    finish();
    expect(await Promise.all(results)).toEqual(['out:a', 'out:b', 'out:c', 'out:d', 'out:e']);
    expect(groups).toEqual([['a'], ['b', 'c', 'e'], ['d']]);
  });

  it('never batches calls without a key', async () => {
    const { queue, groups, finish } = controlledQueue();
    const results = ['a', 'b', 'c'].map((input) => queue.push({ input, options: '', batchKey: null }));
    for (let i = 0; i < 3; i++) {
      await tick();
      finish();
    }
    await Promise.all(results);
    expect(groups).toEqual([['a'], ['b'], ['c']]);
  });

  it('aborting one caller leaves the others; the shared inference is aborted only when all gave up', async () => {
    const { queue, groups, finish, signals } = controlledQueue();
    const first = new AbortController();
    const a = queue.push({ input: 'a', options: '', batchKey: 'k', signal: first.signal });
    const waiting = new AbortController();
    const b = queue.push({ input: 'b', options: '', batchKey: 'k', signal: waiting.signal });
    const c = queue.push({ input: 'c', options: '', batchKey: 'k' });
    waiting.abort();
    expect(isInpageError(await b.catch((e: unknown) => e), 'ABORTED')).toBe(true);
    first.abort();
    expect(isInpageError(await a.catch((e: unknown) => e), 'ABORTED')).toBe(true);
    expect(signals[0]?.aborted).toBe(true);
    finish();
    await tick();
    finish();
    expect(await c).toBe('out:c');
    expect(groups).toEqual([['a'], ['c']]);
    expect(signals[1]?.aborted).toBe(false);
  });

  it('rejectAll rejects waiting and running calls, aborts the inference and resolves once it stopped', async () => {
    const { queue, finish, signals } = controlledQueue();
    const running = queue.push({ input: 'a', options: '', batchKey: null }).catch((e: unknown) => e);
    const waiting = queue.push({ input: 'b', options: '', batchKey: null }).catch((e: unknown) => e);
    await tick();
    let stopped = false;
    const done = queue.rejectAll(new InpageError('DISPOSED', 'gone')).then(() => (stopped = true));
    expect(isInpageError(await running, 'DISPOSED')).toBe(true);
    expect(isInpageError(await waiting, 'DISPOSED')).toBe(true);
    expect(signals[0]?.aborted).toBe(true);
    await tick();
    expect(stopped).toBe(false);
    finish();
    await done;
    expect(stopped).toBe(true);
  });
});

describe('CallQueue and a long-lived signal', () => {
  it('removes its abort listeners once each call is answered', async () => {
    const queue = new CallQueue<string, string, string>(async (calls) => calls.map((call) => call.input));
    const controller = new AbortController();
    for (let i = 0; i < 100; i++) await queue.push({ input: `${i}`, options: '', batchKey: 'k', signal: controller.signal });
    const waiting = Array.from({ length: 100 }, (_, i) =>
      queue.push({ input: `${i}`, options: '', batchKey: 'k', signal: controller.signal }),
    );
    await Promise.all(waiting);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
