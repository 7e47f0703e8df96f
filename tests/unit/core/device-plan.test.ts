import { describe, expect, it } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import { autoDtypes, chooseDevice, chooseDtype } from '../../../src/runtime/device-plan.ts';
import type { ConcreteDtype } from '../../../src/types.ts';

const all: ConcreteDtype[] = ['fp32', 'fp16', 'q8'];

function codeOf(call: () => unknown): string | undefined {
  try {
    call();
  } catch (error) {
    return isInpageError(error) ? error.code : (error as Error).name;
  }
  return undefined;
}

describe('chooseDevice', () => {
  it('maps auto to webgpu only with an adapter', () => {
    expect(chooseDevice('auto', { hasAdapter: true })).toBe('webgpu');
    expect(chooseDevice('auto', { hasAdapter: false })).toBe('wasm');
  });
  it('honours an explicit device, or refuses webgpu without an adapter', () => {
    expect(chooseDevice('wasm', { hasAdapter: true })).toBe('wasm');
    expect(chooseDevice('webgpu', { hasAdapter: true })).toBe('webgpu');
    expect(codeOf(() => chooseDevice('webgpu', { hasAdapter: false }))).toBe('DEVICE_UNAVAILABLE');
  });
  it('keeps auto off a software adapter when asked to, but not an explicit webgpu', () => {
    expect(chooseDevice('auto', { hasAdapter: true, avoidSoftware: true })).toBe('wasm');
    expect(chooseDevice('webgpu', { hasAdapter: true, avoidSoftware: true })).toBe('webgpu');
    expect(chooseDevice('auto', { hasAdapter: true, avoidSoftware: false })).toBe('webgpu');
  });
});

describe('chooseDtype', () => {
  it('auto prefers fp16 on WebGPU only with shader-f16, else fp32', () => {
    expect(chooseDtype('auto', 'webgpu', all, true)).toBe('fp16');
    expect(chooseDtype('auto', 'webgpu', all, false)).toBe('fp32');
  });
  it('auto prefers q8 on WASM', () => {
    expect(chooseDtype('auto', 'wasm', all, false)).toBe('q8');
    expect(chooseDtype('auto', 'wasm', all, true)).toBe('q8');
    expect(chooseDtype('auto', 'wasm', ['fp32', 'fp16'], false)).toBe('fp32');
    expect(chooseDtype('auto', 'wasm', ['fp16'], false)).toBe('fp16');
  });
  it('auto falls back to what the repo has', () => {
    expect(chooseDtype('auto', 'webgpu', ['q8'], false)).toBe('q8');
    expect(chooseDtype('auto', 'webgpu', ['fp16', 'q8'], false)).toBe('q8');
    expect(chooseDtype('auto', 'webgpu', ['fp16'], true)).toBe('fp16');
  });
  it('refuses when nothing runnable is available', () => {
    expect(codeOf(() => chooseDtype('auto', 'webgpu', ['fp16'], false))).toBe('FILE_NOT_FOUND');
    expect(codeOf(() => chooseDtype('auto', 'wasm', [], false))).toBe('FILE_NOT_FOUND');
  });
  it('honours an explicit dtype, refusing fp16 on WebGPU without shader-f16', () => {
    expect(chooseDtype('fp32', 'webgpu', [], false)).toBe('fp32');
    expect(chooseDtype('q8', 'webgpu', [], false)).toBe('q8');
    expect(chooseDtype('fp16', 'webgpu', [], true)).toBe('fp16');
    expect(chooseDtype('fp16', 'wasm', [], false)).toBe('fp16');
    expect(codeOf(() => chooseDtype('fp16', 'webgpu', [], false))).toBe('DEVICE_UNAVAILABLE');
  });
});

describe('autoDtypes for generation models', () => {
  const repo: ConcreteDtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];
  it('prefers q4f16 on WebGPU with shader-f16, q4 without, q8 on WASM', () => {
    expect(autoDtypes('webgpu', repo, true, true)).toEqual(['q4f16', 'q4', 'fp16', 'fp32', 'q8']);
    expect(autoDtypes('webgpu', repo, false, true)).toEqual(['q4', 'fp32', 'q8']);
    expect(autoDtypes('wasm', repo, false, true)).toEqual(['q8', 'q4', 'fp32', 'fp16']);
    expect(chooseDtype('auto', 'webgpu', repo, false, true)).toBe('q4');
  });
  it('takes what the repo has, and keeps the encoder order for other models', () => {
    expect(autoDtypes('webgpu', ['fp32', 'q4'], true, true)).toEqual(['q4', 'fp32']);
    expect(autoDtypes('webgpu', ['fp32', 'fp16', 'q8'], true, true)).toEqual(['fp16', 'fp32', 'q8']);
    expect(autoDtypes('webgpu', repo, true)).toEqual(['fp16', 'fp32', 'q8']);
  });
  it('refuses every f16 dtype on WebGPU without shader-f16 when asked for explicitly', () => {
    for (const dtype of ['fp16', 'q4f16', 'q2f16', 'q1f16'] as const) {
      expect(codeOf(() => chooseDtype(dtype, 'webgpu', [], false))).toBe('DEVICE_UNAVAILABLE');
      expect(chooseDtype(dtype, 'wasm', [], false)).toBe(dtype);
    }
  });
});
