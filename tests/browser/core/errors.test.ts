import { describe, expect, it } from 'vitest';
import { InpageError, isInpageError } from 'inpage';
import { project } from '../support/hub.ts';
import { testClient } from '../support/client.ts';
import { models } from './models.ts';
import { workerProbe } from './worker-probe.ts';

describe('errors from a real worker', () => {
  it('keep their class, code and message', async () => {
    const client = testClient();
    const error: unknown = await client.load('sentiment-analysis', 'inpage-fixtures/does-not-exist').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InpageError);
    expect(isInpageError(error, 'MODEL_NOT_FOUND')).toBe(true);
    expect((error as InpageError).name).toBe('InpageError');
    expect((error as InpageError).message).toContain('inpage-fixtures/does-not-exist');
    // The client keeps working.
    const model = await client.load('sentiment-analysis', models.sentiment);
    expect((await model.run('I love this wonderful movie'))[0]?.label).toBe('POSITIVE');
  });

  it.skipIf(project !== 'webgpu')('keep their cause chain (a DEVICE_FAILED failure without fallback)', async () => {
    const probe = workerProbe('fail-webgpu');
    const client = testClient({ worker: probe.factory });
    const error: unknown = await client.load('sentiment-analysis', models.sentiment, { device: 'webgpu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InpageError);
    expect(isInpageError(error, 'DEVICE_FAILED')).toBe(true);
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(Error);
    expect((cause as Error).message).toContain('WebGPU session creation failed on purpose');
    const model = await client.load('sentiment-analysis', models.sentiment, { device: 'wasm' });
    expect(model.fallback).toBeNull();
    expect((await model.run('this is a terrible, awful film'))[0]?.label).toBe('NEGATIVE');
  });
});
