import { InferenceSession } from 'onnxruntime-web/webgpu';

/**
 * Resolves after one macrotask, without the 4 ms clamp of nested `setTimeout`s.
 * @example
 * await nextTask(); // pending messages (an abort, a heartbeat) are handled before this resolves
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

let installed = false;

/**
 * Makes every ONNX Runtime session run start in a new macrotask. transformers.js generates text
 * in a loop of promise continuations (microtasks only, on WASM), so without this the worker
 * would not see an abort or a heartbeat until generation ends: a `break` out of `stream()` or an
 * `AbortSignal` could not stop it at the next token.
 * @example
 * yieldBetweenRuns(); // once, at worker start-up
 */
export function yieldBetweenRuns(): void {
  if (installed) return;
  installed = true;
  const { prototype } = InferenceSession as unknown as { prototype: { run: (...args: unknown[]) => Promise<unknown> } };
  const run = prototype.run;
  prototype.run = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    await nextTask();
    return run.apply(this, args);
  };
}
