/**
 * Real ONNX Runtime rejections, from onnxruntime-web's WASM backend running in Node: a session
 * that cannot be created, and runs that fail on their input.
 * @module
 */
import { InferenceSession, Tensor, env } from 'onnxruntime-web';

/** A 70-byte ONNX model: one Identity node, float input `x` of shape [1] → `y` (as in worker/warmup.ts). */
export const identityModel = new Uint8Array([
  8, 8, 58, 60, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 6, 119, 97, 114, 109, 117, 112, 90, 15,
  10, 1, 120, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 4, 10, 0, 16, 13,
]);

env.wasm.numThreads = 1;

/** A valid feed of {@link identityModel}. */
export const goodFeed = (): Record<string, Tensor> => ({ x: new Tensor('float32', new Float32Array([7]), [1]) });

/** A feed of the wrong shape: ORT's run rejects ("Got invalid dimensions for input: x"). */
export const badFeed = (): Record<string, Tensor> => ({ x: new Tensor('float32', new Float32Array([1, 2, 3]), [3]) });

/** What `promise` rejected with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The real errors: a create from bytes that are not a model, a run with a feed of the wrong shape, a run without its input. */
export async function realOrtErrors(): Promise<{ create: unknown; runShape: unknown; runMissing: unknown }> {
  const create = await rejection(InferenceSession.create(new Uint8Array([1, 2, 3, 4]), { executionProviders: ['wasm'] }));
  const session = await InferenceSession.create(identityModel, { executionProviders: ['wasm'] });
  const runShape = await rejection(session.run(badFeed()));
  const runMissing = await rejection(session.run({ z: new Tensor('float32', new Float32Array([1]), [1]) }));
  await session.release();
  return { create, runShape, runMissing };
}
