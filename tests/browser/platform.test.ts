import { describe, expect, inject, it } from 'vitest';

describe('browser test rig', () => {
  it('serves the page cross-origin isolated, so WASM can use threads', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    expect(typeof SharedArrayBuffer).toBe('function');
  });

  it('has a WebGPU adapter exactly in the webgpu project', async () => {
    const adapter = await navigator.gpu?.requestAdapter();
    if (inject('project') === 'webgpu') {
      expect(adapter).toBeTruthy();
      expect(adapter?.features.has('shader-f16')).toBe(false);
    } else {
      expect(adapter ?? null).toBeNull();
    }
  });
});
