import { describe, expect, it } from 'vitest';
import { featureExtractionPipeline as pipeline, featureExtractionTask as task } from '../../../src/tasks/feature-extraction.ts';
import type { FeatureExtractionInput, FeatureExtractionOptions, FeatureExtractionTensor } from '../../../src/tasks/feature-extraction.ts';
import { expectBatchRoundTrip, expectInpageError, expectRangeError, expectTypeError } from './helpers.ts';

/** Stands in for a transformers.js Tensor: `type`, `data`, `dims`, and methods that must not leak. */
class FakeTensor {
  constructor(
    readonly type: string,
    readonly data: ArrayLike<number> & ArrayBufferView,
    readonly dims: number[],
  ) {}
  tolist(): never {
    throw new Error('not used');
  }
}

const dim = 8;
/** A deterministic embedding of one text. */
function embed(text: string): number[] {
  return Array.from({ length: dim }, (_, k) => Math.sin(text.length * (k + 1)) + (text.charCodeAt(k % text.length) % 7) / 7 - 0.5);
}

/** A fake of transformers.js 4.3.1 FeatureExtractionPipeline._call for pooled outputs. */
function pipe(...args: unknown[]): unknown {
  const [texts, { pooling = 'none', normalize = false, quantize = false, precision = 'binary' } = {}] = args as [
    string | string[],
    { pooling?: string; normalize?: boolean; quantize?: boolean; precision?: string }?,
  ];
  const list = Array.isArray(texts) ? texts : [texts];
  if (pooling === 'none') {
    const seq = Math.max(...list.map((text) => text.length));
    const data = new Float32Array(list.length * seq * dim).map((_, i) => i / 100);
    return new FakeTensor('float32', data, [list.length, seq, dim]);
  }
  let rows = list.map(embed);
  if (normalize) rows = rows.map((row) => row.map((value) => value / Math.hypot(...row)));
  const flat = new Float32Array(rows.flat());
  if (!quantize) return new FakeTensor('float32', flat, [list.length, dim]);
  const signed = precision === 'binary';
  const out = signed ? new Int8Array(flat.length / 8) : new Uint8Array(flat.length / 8);
  flat.forEach((value, i) => {
    out[Math.floor(i / 8)]! |= (value > 0 ? 1 : 0) << (7 - (i % 8));
    if (signed && i % 8 === 0) out[Math.floor(i / 8)]! -= 128;
  });
  return new FakeTensor(signed ? 'int8' : 'uint8', out, [list.length, dim / 8]);
}

function run(input: FeatureExtractionInput, options?: FeatureExtractionOptions): FeatureExtractionTensor {
  task.validate(input, options);
  return pipeline.fromPipelineOutput(pipe(...pipeline.toPipelineArgs(input, options)), input, options);
}

describe('feature-extraction', () => {
  it('maps options with transformers.js defaults filled in', () => {
    expect(pipeline.toPipelineArgs('x')).toEqual(['x', { pooling: 'none', normalize: false, quantize: false, precision: 'binary' }]);
    expect(pipeline.toPipelineArgs(['a'], { pooling: 'mean', normalize: true, quantize: true, precision: 'ubinary' })).toEqual([
      ['a'],
      { pooling: 'mean', normalize: true, quantize: true, precision: 'ubinary' },
    ]);
  });

  it('returns a plain tensor: [1, d] for a string, [n, d] for an array, [1, seq, d] without pooling', () => {
    const one = run('hello', { pooling: 'mean', normalize: true });
    expect(one.dims).toEqual([1, dim]);
    expect(one.data).toBeInstanceOf(Float32Array);
    expect(Math.hypot(...one.data)).toBeCloseTo(1, 5);
    expect(Object.keys(one)).toEqual(['data', 'dims']);
    expect(run(['a', 'bb', 'ccc'], { pooling: 'cls' }).dims).toEqual([3, dim]);
    expect(run('hello').dims).toEqual([1, 5, dim]);
    const clone = structuredClone(one);
    expect(clone).toEqual(one);
  });

  it('hands back data that owns its buffer (transferable), copying views', () => {
    const whole = new Float32Array([1, 2, 3, 4]);
    const kept = pipeline.fromPipelineOutput(new FakeTensor('float32', whole, [1, 4]), 'x');
    expect(kept.data).toBe(whole);
    const view = new Float32Array([9, 1, 2, 3, 4]).subarray(1);
    const copied = pipeline.fromPipelineOutput(new FakeTensor('float32', view, [1, 4]), 'x');
    expect(copied.data).not.toBe(view);
    expect(copied.data.byteOffset).toBe(0);
    expect(copied.data.buffer.byteLength).toBe(16);
    expect(Array.from(copied.data)).toEqual([1, 2, 3, 4]);
  });

  it('converts float16 (Uint16Array) and float64 data to float32', () => {
    const half = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x0000, 0x8000, 0x7c00, 0x0001, 0x7bff]);
    const output = pipeline.fromPipelineOutput(new FakeTensor('float16', half, [1, 8]), 'x');
    expect(output.data).toBeInstanceOf(Float32Array);
    const values = Array.from(output.data);
    expect(values.slice(0, 2)).toEqual([1, -2]);
    expect(values[2]).toBeCloseTo(1 / 3, 3);
    expect(Object.is(values[4], -0)).toBe(true);
    expect(values.slice(5)).toEqual([Infinity, 2 ** -24, 65504]);
    const double = pipeline.fromPipelineOutput(new FakeTensor('float64', new Float64Array([0.5, 0.25]), [1, 2]), 'x');
    expect(double.data).toEqual(new Float32Array([0.5, 0.25]));
  });

  it('keeps quantized data as Int8Array (binary) or Uint8Array (ubinary)', () => {
    const bits = run(['a', 'b'], { pooling: 'mean', quantize: true });
    expect(bits.data).toBeInstanceOf(Int8Array);
    expect(bits.dims).toEqual([2, 1]);
    expect(run('a', { pooling: 'mean', quantize: true, precision: 'ubinary' }).data).toBeInstanceOf(Uint8Array);
  });

  it('reports malformed raw output as UNSUPPORTED_MODEL', () => {
    expectInpageError(() => pipeline.fromPipelineOutput({ data: [1, 2], dims: [1, 2] }, 'x'), 'UNSUPPORTED_MODEL', 'typed array');
    expectInpageError(
      () => pipeline.fromPipelineOutput(new FakeTensor('float32', new Float32Array(3), [1, 2]), 'x'),
      'UNSUPPORTED_MODEL',
      'do not match',
    );
    expectInpageError(
      () => pipeline.fromPipelineOutput(new FakeTensor('float32', new Float32Array(4), [2, 2]), 'x'),
      'UNSUPPORTED_MODEL',
      'expected 1 rows',
    );
    expectInpageError(
      () => pipeline.fromPipelineOutput(new FakeTensor('int64', new BigInt64Array(2) as unknown as Float32Array, [1, 2]), 'x'),
      'UNSUPPORTED_MODEL',
    );
    expectInpageError(() => pipeline.fromPipelineOutput(null, 'x'), 'UNSUPPORTED_MODEL');
  });

  it('validates input and options', () => {
    expectTypeError(() => task.validate('x', { pooling: 'max' }), "option \"pooling\" must be one of 'none', 'mean', 'cls'");
    expectTypeError(() => task.validate('x', { normalize: 1 }), 'option "normalize" must be a boolean');
    expectTypeError(() => task.validate('x', { pooling: 'mean', quantize: true, precision: 'int8' }), 'precision');
    expectTypeError(
      () => task.validate('x', { normalise: true }),
      'unknown option "normalise"',
      'Valid options: pooling, normalize, quantize, precision',
    );
    expectRangeError(() => task.validate('x', { quantize: true }), 'quantize', 'pooling');
    expectRangeError(() => task.validate('x', { quantize: true, pooling: 'none' }), 'quantize');
    expectInpageError(() => task.validate([], undefined), 'INVALID_INPUT');
    expect(() => task.validate(['x'], { pooling: 'eos', normalize: true })).not.toThrow();
  });

  it('batches only when pooling makes rows independent of padding', () => {
    expect(task.canBatch(undefined)).toBe(false);
    expect(task.canBatch({ pooling: 'none' })).toBe(false);
    expect(task.canBatch({ pooling: 'last_token' })).toBe(false);
    expect(task.canBatch({ pooling: 'eos' })).toBe(false);
    expect(task.canBatch({ pooling: 'mean' })).toBe(true);
    expect(task.canBatch({ pooling: 'cls' })).toBe(true);
    expect(task.canBatch({ pooling: 'first_token' })).toBe(true);
  });

  it('batches: each caller gets its unbatched tensor', () => {
    const callers: FeatureExtractionInput[] = ['one', ['two', 'three'], 'four', ['five', 'six', 'seven']];
    expectBatchRoundTrip(task, pipeline, callers, { pooling: 'mean' }, pipe);
    expectBatchRoundTrip(task, pipeline, callers, { pooling: 'cls', normalize: true }, pipe);
    expectBatchRoundTrip(task, pipeline, callers, { pooling: 'mean', quantize: true }, pipe);
    expectBatchRoundTrip(task, pipeline, callers, { pooling: 'mean', quantize: true, precision: 'ubinary' }, pipe);
  });

  it('split rows own their buffers; batch keys fill in defaults', () => {
    const batch = run(['a', 'b'], { pooling: 'mean' });
    const [first] = task.splitOutput(batch, 2);
    expect(first?.data.buffer.byteLength).toBe(dim * 4);
    expect(task.batchKey({ pooling: 'mean' })).toBe(
      task.batchKey({ normalize: false, pooling: 'mean', precision: 'binary', quantize: false }),
    );
    expectInpageError(() => task.splitOutput(batch, 3), 'UNSUPPORTED_MODEL');
  });
});
