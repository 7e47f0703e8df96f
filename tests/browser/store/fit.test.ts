/**
 * The fit check end to end: `client.cache.fit()` reports the plan `load()` would use, and `load()`
 * refuses a model over a (lowered) limit with `MODEL_TOO_LARGE` and the figures, before any weight
 * byte: the local Hub's request log shows no request for a weight file.
 */
import { describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import type { InpageClient, LoadProgressEvent } from 'inpage';
import type { PlatformLimits } from '../../../src/fit/fit-check.ts';
import { testClient } from '../support/client.ts';
import { project } from '../support/hub.ts';
import { largeModelSize, largeRepo, largeSharedSize, now, requestsOf } from './support.ts';

const device = project === 'webgpu' ? 'webgpu' : 'wasm';

/** A client whose worker's platform limits are lowered (tests/browser/workers/fit-limits.ts). */
function limitedClient(limits: Partial<PlatformLimits>): InpageClient {
  // Inline `new Worker(new URL(…))`: Vite serves it as a worker only in that form.
  return testClient({
    worker: () => new Worker(new URL('../workers/fit-limits.ts', import.meta.url), { type: 'module', name: JSON.stringify(limits) }),
  });
}

/** Weight files of the large fixture requested since `since` (any origin). */
async function weightRequests(since: number): Promise<string[]> {
  return (await requestsOf(largeRepo, since)).map((record) => record.file ?? '').filter((file) => file.startsWith('onnx/'));
}

async function refusal(loading: Promise<unknown>): Promise<Error> {
  const error = await loading.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isInpageError(error, 'MODEL_TOO_LARGE'), String(error)).toBe(true);
  return error as Error;
}

describe(`fit check on ${device}`, () => {
  it('fit() reports the plan load() uses, with its figures, and downloads no weight', async () => {
    const since = now();
    const report = await testClient().cache.fit('sentiment-analysis', largeRepo, { dtype: 'fp32', device });
    expect(report).toMatchObject({
      verdict: 'fits',
      device,
      dtype: 'fp32',
      bytes: largeModelSize + largeSharedSize,
      sessionBytes: largeModelSize,
    });
    expect(report.findings.map((finding) => finding.limit)).toContain('wasm-heap');
    expect(await weightRequests(since)).toEqual([]);
  });

  it('a file over the per-file buffer limit is refused before any weight byte, with the figures', async () => {
    const since = now();
    const client = limitedClient({ maxFileBytes: 3_000_000 });
    const error = await refusal(client.load('sentiment-analysis', largeRepo, { dtype: 'fp32', device }));
    expect(error.message).toContain(
      `onnx/model.onnx (${largeModelSize} bytes, 0.00 GiB) exceed the browser's per-file ArrayBuffer limit of 3000000 bytes`,
    );
    const report = await client.cache.fit('sentiment-analysis', largeRepo, { dtype: 'fp32', device });
    expect([report.verdict, report.reasons.length]).toEqual(['too-large', 1]);
    expect(await weightRequests(since)).toEqual([]);
  });

  it('session files over the wasm heap are refused before any weight byte; skipFitCheck loads anyway', async () => {
    const since = now();
    const client = limitedClient({ wasmHeapBytes: 3_000_000 });
    const error = await refusal(client.load('sentiment-analysis', largeRepo, { dtype: 'fp32', device: 'wasm' }));
    expect(error.message).toContain(
      `the session files (${largeModelSize} bytes, 0.00 GiB) exceed the wasm32 heap (0.00 GiB) of 3000000 bytes`,
    );
    expect(await weightRequests(since)).toEqual([]);
    const model = await client.load('sentiment-analysis', largeRepo, { dtype: 'fp32', device: 'wasm', skipFitCheck: true });
    expect((await model.run('I love this wonderful movie'))[0]?.label).toBe('POSITIVE');
  });

  it.skipIf(device !== 'webgpu')('a tensor over the adapter buffer binding is refused before any weight byte', async () => {
    const since = now();
    const client = limitedClient({ gpuBufferBytes: 100_000 });
    const error = await refusal(client.load('sentiment-analysis', largeRepo, { dtype: 'fp32', device: 'webgpu' }));
    expect(error.message).toContain('the largest tensor');
    expect(error.message).toContain("exceed the WebGPU adapter's largest buffer binding of 100000 bytes");
    expect(await weightRequests(since)).toEqual([]);
  });

  it.skipIf(device !== 'webgpu')(
    'auto steps down from fp32 to q8 when fp32 cannot fit, and fit(), the model and ready say why',
    async () => {
      const client = limitedClient({ maxFileBytes: 3_000_000 });
      const report = await client.cache.fit('sentiment-analysis', largeRepo);
      expect([report.verdict, report.dtype, report.steppedDownFrom?.dtype]).toEqual(['fits', 'q8', 'fp32']);
      const events: LoadProgressEvent[] = [];
      const model = await client.load('sentiment-analysis', largeRepo, { onProgress: (event) => events.push(event) });
      expect([model.dtype, model.device]).toEqual(['q8', 'webgpu']);
      const why = {
        from: 'fp32',
        reason: `fp32 cannot fit on webgpu: onnx/model.onnx (${largeModelSize} bytes, 0.00 GiB) exceed the browser's per-file ArrayBuffer limit of 3000000 bytes (0.00 GiB)`,
      };
      expect(model.dtypeFallback).toEqual(why);
      expect(events.at(-1)).toMatchObject({ phase: 'ready', dtype: 'q8', dtypeFallback: why });
      // A dtype that fits as asked has no fallback.
      expect((await client.load('sentiment-analysis', largeRepo, { dtype: 'q8' })).dtypeFallback).toBeNull();
    },
  );
});
