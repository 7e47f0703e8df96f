import { afterEach, describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import type { LoadProgressEvent } from 'inpage';
import { hub } from '../support/hub.ts';
import { testClient } from '../support/client.ts';
import { models, texts } from './models.ts';
import { workerProbe } from './worker-probe.ts';

afterEach(() => hub.clearFaults());

describe('abort', () => {
  it('aborts a download mid-file; the next load resumes from the stored chunks and succeeds', async () => {
    const client = testClient({ storage: { chunkSize: 64 * 1024 } });
    await hub.addFault({ repo: models.sentimentLarge, file: 'model.onnx', bytesPerSecond: 400_000 });
    const controller = new AbortController();
    let downloaded = 0;
    const onProgress = (event: LoadProgressEvent): void => {
      if (event.phase !== 'download' || !event.file.endsWith('.onnx')) return;
      downloaded = event.loaded;
      // Past a few whole 64 KiB chunks, so that there is something stored to resume from.
      if (event.loaded >= 4 * 64 * 1024 && !controller.signal.aborted) controller.abort();
    };
    const error: unknown = await client
      .load('sentiment-analysis', models.sentimentLarge, { dtype: 'fp32', onProgress, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(isInpageError(error, 'ABORTED')).toBe(true);
    // Let the worker store what it already had, then resume at full speed.
    await hub.clearFaults();
    await hub.clearRequests();
    let firstLoaded = -1;
    const model = await client.load('sentiment-analysis', models.sentimentLarge, {
      dtype: 'fp32',
      onProgress: (event) => {
        if (event.phase === 'download' && event.file.endsWith('.onnx') && firstLoaded < 0) firstLoaded = event.loaded;
      },
    });
    const [top] = await model.run(texts.positive);
    expect(top?.label).toBe('POSITIVE');
    expect(top?.score).toBeCloseTo(0.9727, 4);
    expect(downloaded).toBeGreaterThanOrEqual(4 * 64 * 1024);
    expect(downloaded).toBeLessThan(3_162_180);
    const weights = (await hub.requests({ origin: 'cdn' })).filter(
      (request) => request.method === 'GET' && request.repo === models.sentimentLarge && request.file === 'onnx/model.onnx',
    );
    expect(weights.length).toBe(1);
    // The resumed request asked only for the rest of the file, from a whole chunk.
    const resumedFrom = Number(/^bytes=(\d+)-$/.exec(weights[0]?.range ?? '')?.[1]);
    expect(resumedFrom % (64 * 1024)).toBe(0);
    expect(resumedFrom).toBeGreaterThanOrEqual(64 * 1024);
    expect(firstLoaded).toBeGreaterThanOrEqual(resumedFrom);
  });

  it('aborts a generation while streaming: it really stops, and the next call succeeds', async () => {
    const client = testClient();
    const counter = await client.load('text-generation', models.counter);
    const controller = new AbortController();
    let text = '';
    const error: unknown = await (async () => {
      for await (const piece of counter.stream('one two three', { maxNewTokens: 1000, signal: controller.signal })) {
        text += piece;
        if (text.includes('five')) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(isInpageError(error, 'ABORTED')).toBe(true);
    // Stopped within a token or two of the abort, far from "twenty".
    expect(text).toMatch(/^ four five( six)?\s*$/);
    expect(await counter.run('one two three', { maxNewTokens: 3 })).toBe(' four five six');
  });

  it('aborts a queued run without touching the running one', async () => {
    const client = testClient();
    const translator = await client.load('translation', models.translator);
    const controller = new AbortController();
    const running = translator.run(texts.longFrench);
    const queued = translator.run(texts.french, { signal: controller.signal });
    controller.abort();
    expect(isInpageError(await queued.catch((e: unknown) => e), 'ABORTED')).toBe(true);
    expect(await running).toBe(texts.longFrenchOutput);
  });

  it('aborts a run mid-generation: ABORTED, and the model keeps working', async () => {
    // Each session run waits 150 ms, so the 17-token generation takes over 2.5 s and the abort
    // always lands in the middle of it (the fixture alone can finish within 50 ms).
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const counter = await client.load('text-generation', models.counter);
    probe.trigger('test:slow-runs', 150);
    const controller = new AbortController();
    const run = counter.run('one two three', { maxNewTokens: 1000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(isInpageError(await run.catch((e: unknown) => e), 'ABORTED')).toBe(true);
    probe.trigger('test:slow-runs', 0);
    expect(await counter.run('one two three', { maxNewTokens: 1 })).toBe(' four');
  });
});
