import { InpageError } from '../errors.ts';
import type { ConcreteDtype, Device, Dtype, ResolvedDevice, SessionDtypes, SessionDtypesKey } from '../types.ts';
import { dtypes } from '../types.ts';

/** The device inpage falls back to when WebGPU fails. */
export const fallbackDevice: ResolvedDevice = 'wasm';

/**
 * Picks the device of a load: an explicit device is honoured (or refused), `auto` means WebGPU
 * when an adapter exists, otherwise WASM. A software adapter (`isFallbackAdapter`, e.g.
 * SwiftShader) is far slower than WASM: `auto` skips it when `avoidSoftware` says so.
 * @throws InpageError `DEVICE_UNAVAILABLE` for `webgpu` without an adapter.
 * @example
 * chooseDevice('auto', { hasAdapter: false }); // 'wasm'
 * chooseDevice('auto', { hasAdapter: true, avoidSoftware: true }); // 'wasm' (the adapter is a software one)
 */
export function chooseDevice(requested: Device, capabilities: { hasAdapter: boolean; avoidSoftware?: boolean }): ResolvedDevice {
  if (requested === 'wasm') return 'wasm';
  if (requested === 'webgpu' && !capabilities.hasAdapter) {
    throw new InpageError(
      'DEVICE_UNAVAILABLE',
      'device "webgpu" was requested, but this browser has no WebGPU adapter. Use device "auto" to fall back to WASM.',
    );
  }
  if (requested === 'webgpu') return 'webgpu';
  return capabilities.hasAdapter && !capabilities.avoidSoftware ? 'webgpu' : 'wasm';
}

/** Dtypes whose graphs compute in fp16: on WebGPU they need `shader-f16`. */
const halfPrecision: ReadonlySet<ConcreteDtype> = new Set(['fp16', 'q4f16', 'q2f16', 'q1f16']);

/**
 * What each device can run. fp16 graphs on WebGPU need `shader-f16`; ORT's CPU kernels run fp16
 * graphs by inserting casts, and its `MatMulNBits` CPU kernel runs q4 and q4f16 (the q4 fixture
 * test runs both on WASM).
 */
function canRun(device: ResolvedDevice, dtype: ConcreteDtype, shaderF16: boolean): boolean {
  return device === 'webgpu' && halfPrecision.has(dtype) ? shaderF16 : true;
}

/** The order `auto` tries dtypes in, per device and kind of model. */
const preference: Readonly<Record<'generation' | 'encoder', Readonly<Record<ResolvedDevice, readonly ConcreteDtype[]>>>> = {
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
  available: readonly ConcreteDtype[],
  shaderF16: boolean,
  generation = false,
): ConcreteDtype[] {
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
  available: readonly ConcreteDtype[],
  shaderF16: boolean,
  generation = false,
): ConcreteDtype {
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

/** The dtype transformers.js gives a session a per-session map leaves out (its `DEFAULT_DEVICE_DTYPE_MAPPING`). */
export const sessionDefaultDtype: Readonly<Record<ResolvedDevice, ConcreteDtype>> = { wasm: 'q8', webgpu: 'fp32' };

/**
 * Checks the shape of a `dtype` option on the main thread: a dtype, or a non-empty map of session
 * names to concrete dtypes (the session names are checked in the worker, against the model).
 * @throws TypeError for anything else.
 * @example
 * assertDtypeOption({ encoder_model: 'q8', decoder_model_merged: 'fp32' });
 */
export function assertDtypeOption(value: unknown): asserts value is Dtype | SessionDtypes {
  if (typeof value === 'string' && (dtypes as readonly string[]).includes(value)) return;
  const concrete = dtypes.filter((dtype) => dtype !== 'auto');
  const names = `one of ${dtypes.map((v) => `"${v}"`).join(', ')}, or a map of session names to one of ${concrete.map((v) => `"${v}"`).join(', ')}`;
  const entries = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : undefined;
  if (!entries || entries.length === 0 || entries.some(([, dtype]) => !(concrete as readonly unknown[]).includes(dtype))) {
    throw new TypeError(`inpage: dtype must be ${names}, got ${JSON.stringify(value)}.`);
  }
}

/**
 * The canonical key of a complete per-session map (every session of the model): the single dtype
 * when all sessions share it, else `session=dtype` pairs sorted by session name.
 * @example
 * dtypeKey({ embed_tokens: 'q4', decoder_model_merged: 'q4f16' }); // 'decoder_model_merged=q4f16,embed_tokens=q4'
 * dtypeKey({ model: 'q8' }); // 'q8'
 */
export function dtypeKey(map: SessionDtypes): ConcreteDtype | SessionDtypesKey {
  const entries = Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const [first] = entries;
  if (first && entries.every(([, dtype]) => dtype === first[1])) return first[1];
  return entries.map(([session, dtype]) => `${session}=${dtype}`).join(',') as SessionDtypesKey;
}

/**
 * The dtype transformers.js is given for a resolved dtype: the dtype itself, or the map a
 * {@link dtypeKey} stands for.
 * @example
 * dtypeOfKey('decoder_model_merged=q4f16,embed_tokens=q4'); // { decoder_model_merged: 'q4f16', embed_tokens: 'q4' }
 */
export function dtypeOfKey(key: ConcreteDtype | SessionDtypesKey): ConcreteDtype | SessionDtypes {
  if (!key.includes('=')) return key as ConcreteDtype;
  return Object.fromEntries(key.split(',').map((pair) => pair.split('=') as [string, ConcreteDtype]));
}

/**
 * Whether a requested dtype is the key of a per-session map (a reopened model sends its key).
 * @example
 * isSessionDtypesKey('encoder_model=q8,decoder_model_merged=fp32'); // true
 */
export function isSessionDtypesKey(dtype: unknown): dtype is SessionDtypesKey {
  return typeof dtype === 'string' && dtype.includes('=');
}

/**
 * Refuses, before any download, a dtype (or any dtype of a per-session map) the device cannot run.
 * @throws InpageError `DEVICE_UNAVAILABLE` (fp16-computing dtypes on WebGPU without `shader-f16`).
 * @example
 * assertRunnable({ embed_tokens: 'q4', decoder_model_merged: 'q4f16' }, 'webgpu', true);
 */
export function assertRunnable(dtype: Dtype | SessionDtypes, device: ResolvedDevice, shaderF16: boolean): void {
  const requested = typeof dtype === 'string' ? [dtype] : Object.values(dtype);
  for (const single of requested) if (single !== 'auto') chooseDtype(single, device, [], shaderF16);
}
