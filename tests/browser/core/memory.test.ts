import { describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import { testClient } from '../support/client.ts';
import { models, texts } from './models.ts';
import { workerProbe } from './worker-probe.ts';

/** Sessions of models (the warm-up and transformers.js's own op sessions name no model provider twice). */
const modelSessions = (sessions: string[][]): number => sessions.slice(1).filter((providers) => providers.length > 0).length;

describe('memory', () => {
  it('shares one pipeline between identical loads and frees its session when the last handle is disposed', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const first = await client.load('sentiment-analysis', models.sentiment);
    const second = await client.load('sentiment-analysis', models.sentiment);
    let stats = await probe.stats();
    expect(modelSessions(stats.sessions)).toBe(1);
    const released = stats.released;

    await first.dispose();
    expect(
      isInpageError(
        await Promise.resolve()
          .then(() => first.run(texts.positive))
          .catch((e: unknown) => e),
        'DISPOSED',
      ),
    ).toBe(true);
    expect((await second.run(texts.positive))[0]?.label).toBe('POSITIVE');
    expect((await probe.stats()).released).toBe(released);

    await second.dispose();
    await second.dispose();
    stats = await probe.stats();
    expect(stats.released).toBe(released + 1);

    const third = await client.load('sentiment-analysis', models.sentiment);
    expect((await third.run(texts.negative))[0]?.label).toBe('NEGATIVE');
    expect(modelSessions((await probe.stats()).sessions)).toBe(2);
  });

  it('disposing during a running generation stops it and never disturbs the other models', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const sentiment = await client.load('sentiment-analysis', models.sentiment);
    const translator = await client.load('translation', models.translator);
    const { released } = await probe.stats();
    const running = translator.run(texts.longFrench).catch((e: unknown) => e);
    const queued = translator.run(texts.french).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await translator.dispose();
    const [first, second] = await Promise.all([running, queued]);
    expect(isInpageError(first, 'DISPOSED')).toBe(true);
    expect(isInpageError(second, 'DISPOSED')).toBe(true);
    // Released after the generation stopped: no RUNTIME failure, no worker restart.
    expect((await probe.stats()).released).toBeGreaterThan(released);
    expect((await sentiment.run(texts.positive))[0]?.label).toBe('POSITIVE');
    expect(probe.workers.length).toBe(1);
  });

  it('keeps different dtypes apart', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const q8 = await client.load('sentiment-analysis', models.sentiment, { device: 'wasm', dtype: 'q8' });
    const fp32 = await client.load('sentiment-analysis', models.sentiment, { device: 'wasm', dtype: 'fp32' });
    expect(modelSessions((await probe.stats()).sessions)).toBe(2);
    const [a] = await q8.run(texts.positive);
    const [b] = await fp32.run(texts.positive);
    expect([a?.label, b?.label]).toEqual(['POSITIVE', 'POSITIVE']);
    await client.dispose();
    expect(
      isInpageError(
        await Promise.resolve()
          .then(() => fp32.run(texts.positive))
          .catch((e: unknown) => e),
        'DISPOSED',
      ),
    ).toBe(true);
  });
});
