import { describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import { testClient } from '../support/client.ts';
import { models, texts } from './models.ts';
import { workerProbe } from './worker-probe.ts';

async function collect(pieces: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const piece of pieces) all.push(piece);
  return all;
}

describe('streaming', () => {
  it('streams pieces that join to run() for every generation task', async () => {
    const client = testClient();
    const translator = await client.load('translation', models.translator);
    const translated = await collect(translator.stream(texts.longFrench));
    expect(translated.length).toBeGreaterThan(3);
    expect(translated.join('')).toBe(texts.longFrenchOutput);
    expect(await translator.run(texts.longFrench)).toBe(texts.longFrenchOutput);

    const summarizer = await client.load('summarization', models.t5);
    expect((await collect(summarizer.stream('The cat is on the mat.'))).join('')).toBe(await summarizer.run('The cat is on the mat.'));
    expect(await summarizer.run('The cat is on the mat.')).toBe('cat mat');

    const t2t = await client.load('text2text-generation', models.t5);
    expect((await collect(t2t.stream('the cat is on the mat.'))).join('')).toBe('the cat is on the mat.');

    const counter = await client.load('text-generation', models.counter);
    const counted = await collect(counter.stream('one two three', { maxNewTokens: 5 }));
    expect(counted.join('')).toBe(await counter.run('one two three', { maxNewTokens: 5 }));
    expect(counted.join('')).toBe(' four five six seven eight');
  });

  it('stops generating at an early break: the worker is free right after', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const counter = await client.load('text-generation', models.counter);
    const full = await counter.run('one two three');
    expect(full.trim().split(' ').at(-1)).toBe('twenty');

    const beforeFull = (await probe.stats()).sessionRuns;
    await counter.run('one two three');
    const fullRuns = (await probe.stats()).sessionRuns - beforeFull;

    // Each decoder step now takes 25 ms, far longer than the abort's trip to the worker.
    probe.current().postMessage({ type: 'test:slow-runs', ms: 25 });
    const beforeStream = (await probe.stats()).sessionRuns;
    let text = '';
    for await (const piece of counter.stream('one two three', { maxNewTokens: 1000 })) {
      text += piece;
      if (text.includes('five')) break;
    }
    expect(text.trim()).toBe('four five');
    // Calls are serialized: this one runs once the interrupted stream has ended in the worker.
    expect(await counter.run('one two three', { maxNewTokens: 2 })).toBe(' four five');
    const afterNext = (await probe.stats()).sessionRuns;
    await counter.run('one two three', { maxNewTokens: 2 });
    const twoTokenRuns = (await probe.stats()).sessionRuns - afterNext;
    const streamRuns = afterNext - beforeStream - twoTokenRuns;
    // Counting on to "twenty" takes 18 decoder steps; the broken stream stopped within a token or two of "five".
    expect(fullRuns).toBeGreaterThanOrEqual(17);
    expect(streamRuns).toBeLessThanOrEqual(twoTokenRuns + 3);
    expect((await probe.stats()).streams).toBe(1);
  });

  it('rejects an array input with INVALID_INPUT and keeps working', async () => {
    const client = testClient();
    const translator = await client.load('translation', models.translator);
    const error: unknown = await collect(translator.stream([texts.french] as unknown as string)).catch((e: unknown) => e);
    expect(isInpageError(error, 'INVALID_INPUT')).toBe(true);
    expect((await collect(translator.stream(texts.french))).join('')).toBe('le chat mange le poisson');
  });
});
