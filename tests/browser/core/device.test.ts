import { describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import { project } from '../support/hub.ts';
import { testClient } from '../support/client.ts';
import { models, texts } from './models.ts';
import { workerProbe } from './worker-probe.ts';

describe('device selection', () => {
  it('reports the capabilities of the project', async () => {
    const caps = await testClient({ lazy: true }).capabilities();
    if (project === 'wasm-only') {
      expect(caps.webgpu).toEqual({ adapter: null, shaderF16: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0 });
    } else {
      expect(JSON.stringify(caps.webgpu.adapter)).toMatch(/swiftshader/i);
      expect(caps.webgpu.shaderF16).toBe(false);
      expect(caps.webgpu.maxBufferSize).toBeGreaterThan(0);
    }
    expect(caps.wasm.simd).toBe(true);
    expect(caps.wasm.numThreads).toBeGreaterThanOrEqual(1);
  });

  it('auto picks WebGPU when there is an adapter and passes ORT the probed device, never auto', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const model = await client.load('sentiment-analysis', models.sentiment);
    const expected = project === 'webgpu' ? 'webgpu' : 'wasm';
    expect(model.device).toBe(expected);
    expect(model.fallback).toBeNull();
    // Without shader-f16 (SwiftShader) auto never picks fp16; on WASM it picks q8.
    expect(model.dtype).toBe(project === 'webgpu' ? 'fp32' : 'q8');
    const [top] = await model.run(texts.positive);
    expect(top?.label).toBe('POSITIVE');
    expect(top?.score).toBeCloseTo(0.9727, 3);
    const { sessions } = await probe.stats();
    // First the WASM warm-up, then the model's session on exactly the probed device; transformers.js's
    // own small op sessions (softmax, top-k) name no provider.
    expect(sessions[0]).toEqual(['wasm']);
    expect(sessions.slice(1).filter((providers) => providers.length > 0)).toEqual([[expected]]);
  });

  it.skipIf(project !== 'wasm-only')('refuses an explicit webgpu without an adapter, then keeps working', async () => {
    const client = testClient();
    const error: unknown = await client.load('sentiment-analysis', models.sentiment, { device: 'webgpu' }).catch((e: unknown) => e);
    expect(isInpageError(error, 'DEVICE_UNAVAILABLE')).toBe(true);
    const clientWide = testClient({ device: 'webgpu' });
    expect(
      isInpageError(await clientWide.load('sentiment-analysis', models.sentiment).catch((e: unknown) => e), 'DEVICE_UNAVAILABLE'),
    ).toBe(true);
    const model = await client.load('sentiment-analysis', models.sentiment, { device: 'wasm' });
    expect(model.device).toBe('wasm');
  });

  it.skipIf(project !== 'webgpu')('refuses fp16 on an adapter without shader-f16', async () => {
    const client = testClient();
    const error: unknown = await client
      .load('sentiment-analysis', models.sentiment, { device: 'webgpu', dtype: 'fp16' })
      .catch((e: unknown) => e);
    expect(isInpageError(error, 'DEVICE_UNAVAILABLE')).toBe(true);
    const model = await client.load('sentiment-analysis', models.sentiment, { device: 'wasm' });
    expect(model.device).toBe('wasm');
    expect(model.dtype).toBe('q8');
  });
});
