/**
 * A test-only worker entry: inpage's worker whose next ONNX Runtime session runs or creates reject,
 * inside ORT as a real failure would (patched before inpage's own session patches wrap them).
 * `{ type: 'test:reject-ort', runs, creates }` sets how many of each reject next.
 * @module
 */
import { InferenceSession } from 'onnxruntime-web/webgpu';
// Static: the worker must expose its API before the first message arrives.
import '../../../src/worker.ts';

type Method = (...args: unknown[]) => Promise<unknown>;

let rejectRuns = 0;
let rejectCreates = 0;

const patched = InferenceSession as unknown as { create: Method; prototype: { run: Method } };
const run = patched.prototype.run;
patched.prototype.run = function (this: unknown, ...args: unknown[]): Promise<unknown> {
  if (rejectRuns === 0) return run.apply(this, args);
  rejectRuns -= 1;
  return Promise.reject(new Error('failed to call OrtRun(). ERROR_CODE: 2, ERROR_MESSAGE: test: run rejected on purpose'));
};
const create = patched.create;
patched.create = function (this: unknown, ...args: unknown[]): Promise<unknown> {
  if (rejectCreates === 0) return create.apply(this, args);
  rejectCreates -= 1;
  return Promise.reject(new Error("Can't create a session. ERROR_CODE: 1, ERROR_MESSAGE: test: create rejected on purpose"));
};

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data as { type?: unknown; runs?: unknown; creates?: unknown } | null;
  if (data?.type !== 'test:reject-ort') return;
  rejectRuns = Number(data.runs) || 0;
  rejectCreates = Number(data.creates) || 0;
  self.postMessage({ type: 'test:reject-ort-set' });
});
