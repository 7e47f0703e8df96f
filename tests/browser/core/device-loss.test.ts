import { describe, expect, it } from 'vitest';
import { project } from '../support/hub.ts';
import { testClient } from '../support/client.ts';
import { models, texts } from './models.ts';
import { workerProbe } from './worker-probe.ts';

describe.skipIf(project !== 'webgpu')('WebGPU device loss', () => {
  it('finishes the request on WASM when the device is lost between runs', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const sentiment = await client.load('sentiment-analysis', models.sentiment);
    expect(sentiment.device).toBe('webgpu');
    expect((await sentiment.run(texts.positive))[0]?.label).toBe('POSITIVE');

    expect(await probe.loseDevice()).toBe(true);
    const [top] = await sentiment.run(texts.negative);
    expect(top?.label).toBe('NEGATIVE');
    expect(top?.score).toBeCloseTo(0.9598, 3);
    expect(sentiment.device).toBe('wasm');
    expect(sentiment.fallback?.from).toBe('webgpu');
    expect(probe.workers.length).toBe(2);
  });

  it('finishes a generation on WASM when the device is lost mid-run', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const translator = await client.load('translation', models.translator);
    expect(translator.device).toBe('webgpu');
    const run = translator.run(texts.longFrench);
    probe.trigger('test:lose-device');
    expect(await run).toBe(texts.longFrenchOutput);
    expect(translator.device).toBe('wasm');
    expect(translator.fallback?.reason).toBeTruthy();
  });
});
