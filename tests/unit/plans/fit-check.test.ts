/**
 * The fit check's decisions (src/fit/), on figures: real sizes from the tree listing of
 * onnx-community/Qwen2.5-Coder-3B-Instruct (tests/data/hub-listings), and made-up limits.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import { checkFit, defaultPlatformLimits, largestTensorBytes, refuses } from '../../../src/fit/fit-check.ts';
import type { FitFacts } from '../../../src/fit/fit-check.ts';
import { pickFitting } from '../../../src/fit/fit-planner.ts';
import type { FitContext } from '../../../src/fit/fit-planner.ts';
import type { RepoFile } from '../../../src/hub/hub-client.ts';
import type { FilePlan } from '../../../src/store/prepare-model.ts';
import type { ConcreteDtype } from '../../../src/types.ts';

interface Listing {
  repo: string;
  config: Record<string, unknown>;
  files: RepoFile[];
}
const qwen = JSON.parse(
  readFileSync(new URL('../../data/hub-listings/qwen2.5-coder-3b-external-data.json', import.meta.url), 'utf8'),
) as Listing;
const suffix = (dtype: ConcreteDtype): string => ({ fp32: '', q8: '_quantized' })[dtype as string] ?? `_${dtype}`;

/** Qwen's plan for a dtype: its config, tokenizer and the session with its external data. */
function qwenPlan(dtype: ConcreteDtype): FilePlan {
  const weights = `onnx/model${suffix(dtype)}.onnx`;
  const shared = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];
  return {
    dtype,
    files: qwen.files.filter((file) => shared.includes(file.path) || file.path === weights || file.path === `${weights}_data`),
  };
}

function facts(dtype: ConcreteDtype, extra: Partial<FitFacts> = {}): FitFacts {
  const { files } = qwenPlan(dtype);
  return { device: 'wasm', dtype, files, config: qwen.config, limits: defaultPlatformLimits, ...extra };
}
const failing = (report: ReturnType<typeof checkFit>): string[] =>
  report.findings.filter((finding) => !finding.fits).map((finding) => `${finding.limit}: ${finding.subject}`);
const gpu1GiB = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 };

describe('checkFit on Qwen2.5-Coder-3B (real sizes)', () => {
  it('fp32 on WASM: its 13.6 GB external data exceeds the per-file limit and the wasm heap', () => {
    const report = checkFit(facts('fp32'));
    expect(report.verdict).toBe('too-large');
    expect(failing(report)).toEqual(['file-buffer: onnx/model.onnx_data', 'wasm-heap: the session files']);
    expect(report.sessionBytes).toBe(679_976 + 13_605_192_044);
    expect(report.reasons[0]).toContain('onnx/model.onnx_data (13605192044 bytes, 12.67 GiB) exceed');
  });

  it('fp32 on WebGPU: only the .onnx file goes through the heap, but the data file is still one ArrayBuffer', () => {
    const report = checkFit(facts('fp32', { device: 'webgpu', gpu: gpu1GiB }));
    expect(failing(report)).toEqual(['file-buffer: onnx/model.onnx_data', 'gpu-buffer: the largest tensor']);
    // vocab 151936 × hidden 2048 × 4 bytes.
    expect(report.largestTensorBytes).toBe(151_936 * 2048 * 4);
  });

  it("q8's 3.4 GB data file exceeds the per-file limit (the README's example)", () => {
    expect(checkFit(facts('q8')).reasons).toEqual([
      "onnx/model_quantized.onnx_data (3414605824 bytes, 3.18 GiB) exceed the browser's per-file ArrayBuffer limit of 2147483648 bytes (2.00 GiB)",
    ]);
  });

  it('q4 on WASM fits: 1.10 GB + 2.09 GB in the 4 GiB heap, each file under 2 GiB', () => {
    const report = checkFit(facts('q4'));
    expect(report.verdict).toBe('fits');
    expect(report.sessionBytes).toBe(1_098_040_858 + 2_093_154_304);
    expect(refuses(report)).toBe(false);
  });

  it('q4f16 on WebGPU: its fp16 embedding (622 MB) fits a 1 GiB binding, not a 128 MiB one', () => {
    expect(checkFit(facts('q4f16', { device: 'webgpu', gpu: gpu1GiB })).verdict).toBe('fits');
    const small = checkFit(facts('q4f16', { device: 'webgpu', gpu: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27 } }));
    expect(failing(small)).toEqual(['gpu-buffer: the largest tensor']);
    expect(small.largestTensorBytes).toBe(151_936 * 2048 * 2);
  });

  it('device memory below the weights is a warning (risky), never a refusal', () => {
    const report = checkFit(facts('q4', { deviceMemoryGiB: 2 }));
    expect(report.verdict).toBe('risky');
    expect(refuses(report)).toBe(false);
    expect(report.reasons).toHaveLength(1);
  });

  it('storage below the bytes to download is too-large for fit(), but load() leaves it to QUOTA_EXCEEDED', () => {
    const report = checkFit(facts('q4', { storage: { needed: 3_200_000_000, room: 1_000_000_000 } }));
    expect(report.verdict).toBe('too-large');
    expect(failing(report)).toEqual(['storage: the bytes to download']);
    expect(refuses(report)).toBe(false);
  });
});

describe('largestTensorBytes', () => {
  it('reads text_config and d_model, takes the widest dtype of a map, and never exceeds the largest weight file', () => {
    const files = [{ path: 'onnx/decoder_model_merged.onnx', size: 10_000_000 }];
    expect(largestTensorBytes({ text_config: { vocab_size: 1000, hidden_size: 100 } }, 'q8', files)).toBe(100_000);
    expect(largestTensorBytes({ vocab_size: 1000, d_model: 100 }, 'decoder_model_merged=fp32,encoder_model=q8', files)).toBe(400_000);
    expect(largestTensorBytes({ vocab_size: 100_000, n_embd: 1000 }, 'fp32', files)).toBe(10_000_000);
    expect(largestTensorBytes({ model_type: 'bert' }, 'fp32', files)).toBeNull();
  });
});

describe('pickFitting', () => {
  const context = (dtype: FitContext['dtype'], limits = defaultPlatformLimits): FitContext => ({
    model: qwen.repo,
    device: 'wasm',
    dtype,
    limits,
  });

  it('auto steps down to the next plan that fits (q8 too: its 3.4 GB data file), and says from what and why', () => {
    const picked = pickFitting([qwenPlan('fp32'), qwenPlan('q8'), qwenPlan('q4')], qwen.config, context('auto'));
    expect(picked.plan.dtype).toBe('q4');
    expect(picked.steppedDown?.from.dtype).toBe('fp32');
    expect(picked.steppedDown?.from.reasons).toHaveLength(2);
  });

  it('an explicit dtype that cannot fit is MODEL_TOO_LARGE with the figures', () => {
    let error: unknown;
    try {
      pickFitting([qwenPlan('fp32')], qwen.config, context('fp32'));
    } catch (caught) {
      error = caught;
    }
    expect(isInpageError(error, 'MODEL_TOO_LARGE'), String(error)).toBe(true);
    expect((error as Error).message).toContain('onnx/model.onnx_data (13605192044 bytes, 12.67 GiB) exceed');
    expect((error as Error).message).toContain('the wasm32 heap (4.00 GiB)');
  });

  it('auto with no plan that fits is refused with the first choice', () => {
    const tiny = { maxFileBytes: 1000, wasmHeapBytes: 1000 };
    expect(() => pickFitting([qwenPlan('q8'), qwenPlan('q4')], qwen.config, context('auto', tiny))).toThrow(/\(q8\) cannot run on wasm/);
  });
});
