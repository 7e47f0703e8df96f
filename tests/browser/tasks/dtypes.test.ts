/**
 * Every dtype of the 4-bit counter fixture runs through the public API on the project's device
 * and counts exactly as fp32 does; `auto` picks q4 on SwiftShader (no shader-f16) and q8 on WASM;
 * after a WebGPU failure, WASM runs the stored q4 bytes. Per-session dtype maps run on the
 * encoder-decoder translation fixture.
 */
import { describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import type { Dtype, SessionDtypes } from 'inpage';
import { counter4bitFixture, counterConfigDtypeFixture, counterExternalDataFixture } from '../../fixtures/defs/counter-4bit.ts';
import { countFrom } from '../../fixtures/defs/text-generation.ts';
import { fixtureModels } from '../../fixtures/expectations.ts';
import { testClient } from '../support/client.ts';
import { hub, project } from '../support/hub.ts';
import { workerProbe } from '../core/worker-probe.ts';
import { fileClient } from './task-support.ts';

const repo = counter4bitFixture.id;
const device = project === 'webgpu' ? 'webgpu' : 'wasm';
const expected = countFrom('three');
/** One client (one worker, one runtime start) for the loads of every dtype. */
const client = fileClient();

/** Weight files of the fixture the CDN served since the last clear. */
async function weightDownloads(): Promise<string[]> {
  const served = await hub.requests({ origin: 'cdn' });
  return served.filter((request) => request.repo === repo && request.file?.startsWith('onnx/')).map((request) => request.file ?? '');
}

describe(`dtypes on ${device}`, () => {
  it.each(['fp32', 'fp16', 'q8', 'q4', 'q4f16'] as const)('%s counts exactly as fp32 (or is refused without shader-f16)', async (dtype) => {
    const loading = client.load('text-generation', repo, { dtype, device });
    if (device === 'webgpu' && (dtype === 'fp16' || dtype === 'q4f16')) {
      const error = await loading.catch((caught: unknown) => caught);
      expect(isInpageError(error, 'DEVICE_UNAVAILABLE'), String(error)).toBe(true);
      return;
    }
    const model = await loading;
    expect([model.dtype, model.device]).toEqual([dtype, device]);
    expect(await model.run('one two three', { maxNewTokens: 30 })).toBe(expected);
  });

  it(`auto picks ${device === 'webgpu' ? 'q4 (no shader-f16 on SwiftShader)' : 'q8'} for a generation model`, async () => {
    const model = await client.load('text-generation', repo, { dtype: 'auto' as Dtype });
    expect([model.dtype, model.device]).toEqual([device === 'webgpu' ? 'q4' : 'q8', device]);
    expect(await model.run('one two three', { maxNewTokens: 30 })).toBe(expected);
  });

  it("auto takes the model's transformers.js_config.dtype (q4) over inpage's choice", async () => {
    const model = await client.load('text-generation', counterConfigDtypeFixture.id, { device });
    expect([model.dtype, model.device]).toEqual(['q4', device]);
    expect(await model.run('one two three', { maxNewTokens: 30 })).toBe(expected);
  });

  it.each(['fp32', 'q4'] as const)('%s runs from weights in two .onnx_data chunks', async (dtype) => {
    const model = await client.load('text-generation', counterExternalDataFixture.id, { dtype, device });
    expect(await model.run('one two three', { maxNewTokens: 30 })).toBe(expected);
  });

  it.skipIf(project !== 'webgpu')('after a WebGPU failure, WASM runs the stored q4 bytes (no other download)', async () => {
    const probe = workerProbe('fail-webgpu');
    const failing = testClient({ worker: probe.factory });
    await hub.clearRequests();
    const model = await failing.load('text-generation', repo);
    expect([model.dtype, model.device, model.fallback?.from]).toEqual(['q4', 'wasm', 'webgpu']);
    expect(await model.run('one two three', { maxNewTokens: 30 })).toBe(expected);
    expect(await weightDownloads()).toEqual(['onnx/model_q4.onnx']);
  });
});

describe(`per-session dtype maps on ${device}`, () => {
  const translator = fixtureModels.translationEnFr;
  const french = 'le chat mange le poisson';
  const mixed: SessionDtypes = { encoder_model: 'q8', decoder_model_merged: 'fp32' };

  it('a q8 encoder with an fp32 decoder translates exactly, stored and listed apart from fp32', async () => {
    const model = await client.load('translation', translator, { dtype: mixed, device });
    expect([model.dtype, model.device]).toEqual(['decoder_model_merged=fp32,encoder_model=q8', device]);
    expect(await model.run('the cat eats the fish')).toBe(french);
    const plain = await client.load('translation', translator, { dtype: 'fp32', device });
    expect(await plain.run('the cat eats the fish')).toBe(french);
    const listed = (await client.cache.list()).filter((entry) => entry.model === translator);
    expect(listed.map((entry) => [entry.dtype, entry.files, entry.complete]).sort()).toEqual(
      [
        ['decoder_model_merged=fp32,encoder_model=q8', 6, true],
        ['fp32', 6, true],
      ].sort(),
    );
  });

  it('a session the model does not have is INVALID_INPUT naming its sessions', async () => {
    const error = await client.load('translation', translator, { dtype: { decoder: 'q8' }, device }).catch((caught: unknown) => caught);
    expect(isInpageError(error, 'INVALID_INPUT'), String(error)).toBe(true);
    expect((error as Error).message).toContain('"encoder_model", "decoder_model_merged"');
  });

  it('a malformed map is a TypeError before anything reaches the worker', async () => {
    const dtype = { encoder_model: 'q3' } as unknown as SessionDtypes;
    await expect(client.load('translation', translator, { dtype })).rejects.toThrow(TypeError);
  });

  it('a map on a one-session model is its single dtype', async () => {
    const model = await client.load('text-generation', repo, { dtype: { model: 'q4' }, device });
    expect(model.dtype).toBe('q4');
    expect(await model.run('one two three', { maxNewTokens: 30 })).toBe(expected);
  });

  it(`an fp16 session ${device === 'webgpu' ? 'is DEVICE_UNAVAILABLE without shader-f16' : 'runs on WASM'}`, async () => {
    const loading = client.load('translation', translator, { dtype: { encoder_model: 'fp16', decoder_model_merged: 'q8' }, device });
    if (device === 'webgpu') {
      const error = await loading.catch((caught: unknown) => caught);
      expect(isInpageError(error, 'DEVICE_UNAVAILABLE'), String(error)).toBe(true);
      return;
    }
    expect(await (await loading).run('the cat eats the fish')).toBe(french);
  });

  it.skipIf(project !== 'webgpu')('after a WebGPU failure, WASM runs the same map from the stored bytes', async () => {
    const probe = workerProbe('fail-webgpu');
    const failing = testClient({ worker: probe.factory });
    // Left out, the decoder gets WebGPU's default (fp32), kept on WASM so the stored bytes are reused.
    const model = await failing.load('translation', translator, { dtype: { encoder_model: 'q8' } });
    expect([model.dtype, model.device, model.fallback?.from]).toEqual(['decoder_model_merged=fp32,encoder_model=q8', 'wasm', 'webgpu']);
    expect(await model.run('the cat eats the fish')).toBe(french);
  });
});
