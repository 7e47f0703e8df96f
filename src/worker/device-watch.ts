import { env } from '@huggingface/transformers';
import { InpageError } from '../errors.ts';

let lost: Promise<never> | undefined;

/**
 * Starts watching ORT's WebGPU device (call once a WebGPU session exists). A lost device can
 * leave a session run pending forever, and transformers.js runs every session in one chain, so
 * the whole worker would stall: {@link deviceLost} lets calls fail with `RUNTIME` instead, and the
 * client then starts a fresh worker and falls back to WASM.
 * @example
 * if (device === 'webgpu') await watchWebgpuDevice();
 */
export async function watchWebgpuDevice(): Promise<void> {
  if (lost) return;
  const webgpu = env.backends.onnx.webgpu as { device?: Promise<GPUDevice> | GPUDevice } | undefined;
  const device = await webgpu?.device;
  if (!device || lost) return;
  lost = device.lost.then((info) => {
    throw new InpageError('RUNTIME', `The WebGPU device was lost (${info.reason || 'unknown'}): ${info.message || 'no details'}`);
  });
  lost.catch(() => undefined);
}

/** Rejects when the watched WebGPU device is lost; `undefined` while none is watched. */
export function deviceLost(): Promise<never> | undefined {
  return lost;
}
