import { describe, expect, it } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import { chooseDevice, chooseDtype } from '../../../src/runtime/device-plan.ts';
import type { ResolvedDtype } from '../../../src/types.ts';

const all: ResolvedDtype[] = ['fp32', 'fp16', 'q8'];

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
