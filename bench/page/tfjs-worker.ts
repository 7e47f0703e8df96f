/**
 * A hand-written transformers.js worker, as its docs suggest: messages in, results out.
 *
 * @module
 */
import { loadPipeline, measureFloor, runOnce } from './tfjs-ops.ts';
import type { Pipe } from './tfjs-ops.ts';
import type { LoadSpec } from './protocol.ts';

/** A request from tfjs-runner.ts. */
export type WorkerRequest =
  | { id: number; op: 'load'; spec: LoadSpec; start: number }
  | { id: number; op: 'run'; text: string }
  | { id: number; op: 'floor'; spec: LoadSpec };

/** A reply: the op's result, or an error message. */
export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

let loaded: { pipe: Pipe; spec: LoadSpec } | undefined;

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'load': {
      // `start` is the page's clock; the worker's performance.now() has another origin.
      const origin = performance.timeOrigin;
      const { pipe, result } = await loadPipeline(request.spec, request.start - origin);
      loaded = { pipe, spec: request.spec };
      return result;
    }
    case 'run': {
      if (!loaded) throw new Error('no pipeline loaded');
      return runOnce(loaded.pipe, loaded.spec, request.text);
    }
    case 'floor':
      return measureFloor(request.spec);
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  handle(request).then(
    (value) => self.postMessage({ id: request.id, ok: true, value } satisfies WorkerReply),
    (error: unknown) =>
      self.postMessage({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
  );
};
