import { afterEach, describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import type { LoadProgressEvent, TokenEntity } from 'inpage';
import { hub } from '../support/hub.ts';
import { testClient } from '../support/client.ts';
import { models, texts } from './models.ts';
import { workerProbe } from './worker-probe.ts';

afterEach(() => hub.clearFaults());

/** Resolves at the first `download` progress event of a load. */
function firstDownload(): { onProgress: (event: LoadProgressEvent) => void; started: Promise<void> } {
  let resolve: () => void = () => undefined;
  const started = new Promise<void>((r) => (resolve = r));
  return { onProgress: (event) => void (event.phase === 'download' && resolve()), started };
}

describe('worker crash', () => {
  it('rejects every pending call with WORKER_CRASHED on an error event; the next call starts a fresh worker', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory, storage: { chunkSize: 64 * 1024 } });
    const counter = await client.load('text-generation', models.counter);
    await hub.addFault({ repo: models.sentimentLarge, file: 'model.onnx', bytesPerSecond: 200_000 });
    const progress = firstDownload();
    const load = client.load('sentiment-analysis', models.sentimentLarge, { dtype: 'fp32', onProgress: progress.onProgress });
    await progress.started;
    await hub.addFault({ repo: models.embedder, latencyMs: 30_000 });
    const slowLoad = client.load('feature-extraction', models.embedder);
    await new Promise((resolve) => setTimeout(resolve, 200));
    probe.trigger('test:crash');
    const started = performance.now();
    const [loadError, slowError] = await Promise.all([load.catch((e: unknown) => e), slowLoad.catch((e: unknown) => e)]);
    // Well before the 30 s the slow load's response would take: the crash rejected it.
    expect(performance.now() - started).toBeLessThan(25_000);
    expect(isInpageError(loadError, 'WORKER_CRASHED')).toBe(true);
    expect(isInpageError(slowError, 'WORKER_CRASHED')).toBe(true);
    expect((loadError as Error).message).toContain('test: crash on purpose');

    const output = await counter.run('one two three', { maxNewTokens: 3 });
    expect(output).toBe(' four five six');
    expect(probe.workers.length).toBe(2);
    await hub.clearFaults();
    const large = await client.load('sentiment-analysis', models.sentimentLarge, { dtype: 'fp32' });
    const [top] = await large.run(texts.negative);
    expect(top?.label).toBe('NEGATIVE');
  });

  it('detects a silently dead idle worker by its liveness lock', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory, heartbeatMs: 200 });
    const model = await client.load('sentiment-analysis', models.sentiment);
    const dead = probe.current();
    probe.trigger('test:close');
    // The dead worker is replaced before anyone calls: the next call does not wait for it.
    for (let i = 0; i < 50 && probe.workers.length === 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await client.capabilities();
    }
    const [top] = await model.run(texts.positive);
    expect(top?.label).toBe('POSITIVE');
    expect(probe.workers.length).toBe(2);
    expect(probe.current()).not.toBe(dead);
  });

  it('does not take a long session creation for a dead worker', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory, heartbeatMs: 50 });
    // Loads and runs keep the worker's thread busy well beyond 50 ms at a time.
    const translator = await client.load('translation', models.translator);
    const ner = await client.load('token-classification', models.ner);
    expect(await translator.run(texts.longFrench)).toBe(texts.longFrenchOutput);
    expect((await ner.run('Alice lives in Paris')).map((entity) => (entity as TokenEntity).entity)).toEqual(['B-PER', 'B-LOC']);
    expect(probe.workers.length).toBe(1);
  });
});
