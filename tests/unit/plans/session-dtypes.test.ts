/** Per-session dtype maps: the option's shape (checked on the main thread), the canonical key and its round trip. */
import { describe, expect, it } from 'vitest';
import { assertDtypeOption, assertRunnable, dtypeKey, dtypeOfKey, isSessionDtypesKey } from '../../../src/runtime/device-plan.ts';
import { isInpageError } from '../../../src/errors.ts';

describe('assertDtypeOption', () => {
  it('accepts a dtype or a non-empty map of sessions to concrete dtypes', () => {
    expect(() => assertDtypeOption('auto')).not.toThrow();
    expect(() => assertDtypeOption({ embed_tokens: 'q4', decoder_model_merged: 'q4f16' })).not.toThrow();
  });

  it.each([['q3'], [{}], [{ model: 'auto' }], [{ model: 'q3' }], [['q4']], [null], [4]])('refuses %j with a TypeError', (value) => {
    expect(() => assertDtypeOption(value)).toThrow(TypeError);
  });
});

describe('dtypeKey', () => {
  it('sorts sessions, and a map with one dtype for every session is that dtype', () => {
    expect(dtypeKey({ embed_tokens: 'q4', decoder_model_merged: 'q4f16' })).toBe('decoder_model_merged=q4f16,embed_tokens=q4');
    expect(dtypeKey({ model: 'q8' })).toBe('q8');
    expect(dtypeKey({ encoder_model: 'fp32', decoder_model_merged: 'fp32' })).toBe('fp32');
  });

  it('round-trips through dtypeOfKey', () => {
    const key = dtypeKey({ encoder_model: 'q8', decoder_model_merged: 'fp32' });
    expect(isSessionDtypesKey(key)).toBe(true);
    expect(dtypeOfKey(key)).toEqual({ decoder_model_merged: 'fp32', encoder_model: 'q8' });
    expect(dtypeOfKey('q4')).toBe('q4');
    expect(isSessionDtypesKey('q4')).toBe(false);
  });
});

describe('assertRunnable', () => {
  it('refuses any half-precision session on WebGPU without shader-f16', () => {
    const map = { embed_tokens: 'q4', decoder_model_merged: 'q4f16' } as const;
    const refused = (() => {
      try {
        assertRunnable(map, 'webgpu', false);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(isInpageError(refused, 'DEVICE_UNAVAILABLE')).toBe(true);
    expect(() => assertRunnable(map, 'webgpu', true)).not.toThrow();
    expect(() => assertRunnable(map, 'wasm', false)).not.toThrow();
  });
});
