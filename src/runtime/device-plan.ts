import { InpageError } from '../errors.ts';
import type { Device, Dtype, ResolvedDevice, ResolvedDtype } from '../types.ts';

/** The device inpage falls back to when WebGPU fails. */
export const fallbackDevice: ResolvedDevice = 'wasm';

/**
 * Picks the device of a load: an explicit device is honoured (or refused), `auto` means WebGPU
 * when an adapter exists, otherwise WASM.
 * @throws InpageError `DEVICE_UNAVAILABLE` for `webgpu` without an adapter.
 * @example
 * chooseDevice('auto', { hasAdapter: false }); // 'wasm'
 */
export function chooseDevice(requested: Device, capabilities: { hasAdapter: boolean }): ResolvedDevice {
  if (requested === 'wasm') return 'wasm';
  if (requested === 'webgpu' && !capabilities.hasAdapter) {
    throw new InpageError(
      'DEVICE_UNAVAILABLE',
      'device "webgpu" was requested, but this browser has no WebGPU adapter. Use device "auto" to fall back to WASM.',
    );
  }
  return capabilities.hasAdapter ? 'webgpu' : 'wasm';
}

/** What each device can run. fp16 on WebGPU needs `shader-f16`; ORT's CPU kernels run fp16 graphs by inserting casts. */
function canRun(device: ResolvedDevice, dtype: ResolvedDtype, shaderF16: boolean): boolean {
  return device === 'webgpu' && dtype === 'fp16' ? shaderF16 : true;
}

const preference: Readonly<Record<ResolvedDevice, readonly ResolvedDtype[]>> = {
  webgpu: ['fp16', 'fp32', 'q8'],
  wasm: ['q8', 'fp32', 'fp16'],
};

/**
 * Picks the dtype of a load. With `auto` it takes the device's preferred dtype that the repo has
 * and that both the device and its fallback can run, so a fallback reuses the stored bytes and
 * works offline. fp16 is chosen only when the adapter has `shader-f16`.
 *
 * @param requested - the caller's dtype.
 * @param device - the chosen device.
 * @param available - dtypes the repo has.
 * @param shaderF16 - whether the adapter supports fp16 shaders.
 * @throws InpageError `DEVICE_UNAVAILABLE` when an explicit dtype cannot run on the device;
 *   `FILE_NOT_FOUND` when the repo has no dtype the device can run.
 * @example
 * chooseDtype('auto', 'webgpu', ['fp32', 'fp16', 'q8'], false); // 'fp32'
 */
export function chooseDtype(
  requested: Dtype,
  device: ResolvedDevice,
  available: readonly ResolvedDtype[],
  shaderF16: boolean,
): ResolvedDtype {
  if (requested !== 'auto') {
    if (!canRun(device, requested, shaderF16)) {
      throw new InpageError(
        'DEVICE_UNAVAILABLE',
        `dtype "${requested}" cannot run on ${device}: the adapter has no shader-f16 support. Use "fp32" or "auto".`,
      );
    }
    return requested;
  }
  const runnable = preference[device].filter(
    (dtype) => available.includes(dtype) && canRun(device, dtype, shaderF16) && canRun(fallbackDevice, dtype, shaderF16),
  );
  const [first] = runnable;
  if (!first)
    throw new InpageError('FILE_NOT_FOUND', `The model has no weights ${device} can run (it has: ${available.join(', ') || 'none'}).`);
  return first;
}
