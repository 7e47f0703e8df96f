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

/** Dtypes whose graphs compute in fp16: on WebGPU they need `shader-f16`. */
const halfPrecision: ReadonlySet<ResolvedDtype> = new Set(['fp16', 'q4f16', 'q2f16', 'q1f16']);

/**
 * What each device can run. fp16 graphs on WebGPU need `shader-f16`; ORT's CPU kernels run fp16
 * graphs by inserting casts, and its `MatMulNBits` CPU kernel runs q4 and q4f16 (the q4 fixture
 * test runs both on WASM).
 */
function canRun(device: ResolvedDevice, dtype: ResolvedDtype, shaderF16: boolean): boolean {
  return device === 'webgpu' && halfPrecision.has(dtype) ? shaderF16 : true;
}

/** The order `auto` tries dtypes in, per device and kind of model. */
const preference: Readonly<Record<'generation' | 'encoder', Readonly<Record<ResolvedDevice, readonly ResolvedDtype[]>>>> = {
  // Generation is memory-bound: 4-bit weights first on WebGPU, q8 on WASM (its fastest CPU kernels).
  generation: { webgpu: ['q4f16', 'q4', 'fp16', 'fp32', 'q8'], wasm: ['q8', 'q4', 'fp32', 'fp16'] },
  encoder: { webgpu: ['fp16', 'fp32', 'q8'], wasm: ['q8', 'fp32', 'fp16'] },
};

/**
 * The dtypes `auto` may pick, best first: the device's preferred dtypes that the repo has and
 * that both the device and its fallback can run, so a fallback reuses the stored bytes and works
 * offline. Generation models prefer q4f16 on WebGPU with `shader-f16` (q4 without), q8 on WASM.
 *
 * @param device - the chosen device.
 * @param available - dtypes the repo has.
 * @param shaderF16 - whether the adapter supports fp16 shaders.
 * @param generation - whether the model generates (decoder-only or encoder-decoder).
 * @example
 * autoDtypes('webgpu', ['fp32', 'q4', 'q4f16'], false, true); // ['q4', 'fp32']
 */
export function autoDtypes(
  device: ResolvedDevice,
  available: readonly ResolvedDtype[],
  shaderF16: boolean,
  generation = false,
): ResolvedDtype[] {
  return preference[generation ? 'generation' : 'encoder'][device].filter(
    (dtype) => available.includes(dtype) && canRun(device, dtype, shaderF16) && canRun(fallbackDevice, dtype, shaderF16),
  );
}

/**
 * Picks the dtype of a load: an explicit dtype is honoured if the device can run it, `auto`
 * takes the first of {@link autoDtypes}.
 *
 * @param requested - the caller's dtype.
 * @param device - the chosen device.
 * @param available - dtypes the repo has.
 * @param shaderF16 - whether the adapter supports fp16 shaders.
 * @param generation - whether the model generates (decoder-only or encoder-decoder).
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
  generation = false,
): ResolvedDtype {
  if (requested !== 'auto') {
    if (!canRun(device, requested, shaderF16)) {
      throw new InpageError(
        'DEVICE_UNAVAILABLE',
        `dtype "${requested}" cannot run on ${device}: the adapter has no shader-f16 support. Use "auto" or a dtype without f16.`,
      );
    }
    return requested;
  }
  const [first] = autoDtypes(device, available, shaderF16, generation);
  if (!first)
    throw new InpageError('FILE_NOT_FOUND', `The model has no weights ${device} can run (it has: ${available.join(', ') || 'none'}).`);
  return first;
}
