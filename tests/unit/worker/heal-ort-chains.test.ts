/**
 * The session patches of worker/yield-between-runs.ts against transformers.js 4.3.1's chains of
 * session creates and runs (`webInitChain = webInitChain.then(load)` in `backends/onnx.js`, which
 * only chains in a browser: the chain is rebuilt here exactly as written there), on real ONNX
 * Runtime WASM sessions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { InferenceSession, Tensor, env } from 'onnxruntime-web/webgpu';
import { ortFailureOf } from '../../../src/worker/classify-error.ts';
import { yieldBetweenRuns } from '../../../src/worker/yield-between-runs.ts';
import { identityModel, rejection } from './ort-errors.ts';

env.wasm.numThreads = 1;

const wasm = { executionProviders: ['wasm'] };
const feed = (values: number[]): Record<string, Tensor> => ({ x: new Tensor('float32', new Float32Array(values), [values.length]) });

/** transformers.js's createInferenceSession and runInferenceSession, as in backends/onnx.js (web branch). */
function transformersChains(): {
  create: (bytes: Uint8Array) => Promise<InferenceSession & { config: unknown }>;
  run: (session: InferenceSession, ortFeed: Record<string, Tensor>) => Promise<Record<string, Tensor>>;
} {
  let webInitChain: Promise<unknown> = Promise.resolve();
  let webInferenceChain: Promise<unknown> = Promise.resolve();
  return {
    async create(bytes) {
      const load = (): Promise<InferenceSession> => InferenceSession.create(bytes, wasm);
      const session = (await (webInitChain = webInitChain.then(load))) as InferenceSession & { config: unknown };
      session.config = { dtype: 'fp32' };
      return session;
    },
    async run(session, ortFeed) {
      const run = (): Promise<InferenceSession.OnnxValueMapType> => session.run(ortFeed);
      const output = (await (webInferenceChain = webInferenceChain.then(run))) as Record<string, Tensor>;
      // transformers.js's sessionRun then walks the output (replaceTensors): that is where an error surfaces.
      for (const key in output) void output[key];
      return output;
    },
  };
}

describe('ORT session patches keep transformers.js chains alive', () => {
  // The first session compiles the runtime (seconds on a busy machine).
  beforeAll(async () => void (await (await InferenceSession.create(identityModel, wasm)).release()), 60_000);

  it('without the patches, one rejected run poisons every later run of the chain (the bug being fixed)', async () => {
    const chains = transformersChains();
    const session = await InferenceSession.create(identityModel, wasm);
    await rejection(chains.run(session, feed([1, 2, 3])));
    const later = await rejection(chains.run(session, feed([5])));
    expect(String(later)).toContain('Got invalid dimensions');
    await session.release();
  });

  it('a rejected run surfaces its own error, recorded as an ORT run failure; the next run on the same chain succeeds', async () => {
    yieldBetweenRuns();
    const chains = transformersChains();
    const session = await chains.create(identityModel);
    const failure = await rejection(chains.run(session, feed([1, 2, 3])));
    expect(String(failure)).toContain('Got invalid dimensions for input: x');
    expect(ortFailureOf(failure)).toEqual({ call: 'run', providers: ['wasm'] });
    const output = await chains.run(session, feed([5]));
    expect(Array.from(output['y']?.data as Float32Array)).toEqual([5]);
    await session.release();
  });

  it('a rejected create surfaces its own error, recorded as an ORT create failure; the next create succeeds', async () => {
    yieldBetweenRuns();
    const chains = transformersChains();
    const failure = await rejection(chains.create(new Uint8Array([1, 2, 3, 4])));
    expect(String(failure)).toContain("Can't create a session");
    expect(ortFailureOf(failure)).toEqual({ call: 'create', providers: ['wasm'] });
    const session = await chains.create(identityModel);
    const output = await chains.run(session, feed([9]));
    expect(Array.from(output['y']?.data as Float32Array)).toEqual([9]);
    await session.release();
  });
});
