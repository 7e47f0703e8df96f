/**
 * The two contenders behind one small interface, so every benchmark drives them the same way.
 *
 * @module
 */
import { createClient } from 'inpage';
import type { InpageClient, LoadProgressEvent } from 'inpage';
import type { FloorResult, LoadResult, LoadSpec, Milestone } from './protocol.ts';
import type * as TfjsOps from './tfjs-ops.ts';
import type { Pipe } from './tfjs-ops.ts';
import type { WorkerReply, WorkerRequest } from './tfjs-worker.ts';

/** One call's result. */
export interface CallResult {
  /** Time inside the worker, when the contender reports it. */
  inner?: number;
  sample: string;
}

/** A loaded contender. */
export interface Runner {
  load(spec: LoadSpec): Promise<LoadResult>;
  run(text: string): Promise<CallResult>;
  dispose(): Promise<void>;
}

const shortText = (output: unknown): string => (JSON.stringify(output) ?? '').slice(0, 120);

/** transformers.js's runtime build, for inpage in bench/ab-calls.ts (its WASM workers load the plain build). */
const asyncifyRuntime = {
  wasm: new URL('../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url).href,
  mjs: new URL('../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.mjs', import.meta.url).href,
};

/** inpage: `createClient()` + `load()` + `run()`. */
export function inpageRunner(): Runner {
  let client: InpageClient | undefined;
  let call: ((text: string) => Promise<CallResult>) | undefined;
  return {
    async load(spec) {
      const start = performance.now();
      const milestones: Milestone[] = [];
      const mark = (label: string): void => void milestones.push({ label, ms: performance.now() - start });
      client = createClient({
        hub: { endpoint: spec.hubUrl },
        device: spec.device ?? 'wasm',
        ...(spec.threads === undefined ? {} : { threads: spec.threads }),
        ...(spec.build === 'asyncify' ? { runtime: asyncifyRuntime } : {}),
        storage: { namespace: spec.namespace ?? 'bench', ...(spec.chunkSize ? { chunkSize: spec.chunkSize } : {}) },
      });
      const onProgress = (event: LoadProgressEvent): void => {
        if (event.phase === 'cached') mark(`cached ${event.file}`);
        else if (event.phase === 'download' && event.loaded >= event.total) mark(`downloaded ${event.file}`);
        else if (event.phase === 'compile' || event.phase === 'ready' || event.phase === 'resolve') mark(event.phase);
      };
      const options = { dtype: spec.dtype, onProgress };
      // `callMs`: the call's time inside the worker, around the pipeline call (what routing judges by).
      if (spec.task === 'feature-extraction') {
        const model = await client.load('feature-extraction', spec.model, options);
        call = async (text) => ({ sample: shortText(await model.run(text)), inner: model.callMs });
      } else {
        const model = await client.load('text-classification', spec.model, options);
        call = async (text) => ({ sample: shortText(await model.run(text)), inner: model.callMs });
      }
      const readyMs = performance.now() - start;
      mark('loaded');
      return { readyMs, milestones };
    },
    async run(text) {
      if (!call) throw new Error('inpage: nothing loaded');
      return call(text);
    },
    async dispose() {
      await client?.dispose();
      client = undefined;
      call = undefined;
    },
  };
}

/** transformers.js in a hand-written worker (tfjs-worker.ts). */
export function tfjsWorkerRunner(): Runner & { floor(spec: LoadSpec): Promise<FloorResult> } {
  let worker: Worker | undefined;
  let ids = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const ensure = (): Worker => {
    if (worker) return worker;
    worker = new Worker(new URL('./tfjs-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(new Error(reply.error));
    };
    return worker;
  };
  const send = <T>(request: WorkerRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      pending.set(request.id, { resolve: (value) => resolve(value as T), reject });
      ensure().postMessage(request);
    });
  return {
    load: (spec) => send<LoadResult>({ id: ++ids, op: 'load', spec, start: performance.timeOrigin + performance.now() }),
    async run(text) {
      const { ms, sample } = await send<{ ms: number; sample: string }>({ id: ++ids, op: 'run', text });
      return { inner: ms, sample };
    },
    floor: (spec) => send<FloorResult>({ id: ++ids, op: 'floor', spec }),
    async dispose() {
      worker?.terminate();
      worker = undefined;
    },
  };
}

/** transformers.js on the page's main thread (imported only when this runner loads). */
export function tfjsMainRunner(): Runner {
  let loaded: { pipe: Pipe; spec: LoadSpec; ops: typeof TfjsOps } | undefined;
  return {
    async load(spec) {
      const start = performance.now();
      const ops = await import('./tfjs-ops.ts');
      const { pipe, result } = await ops.loadPipeline(spec, start);
      loaded = { pipe, spec, ops };
      return result;
    },
    async run(text) {
      if (!loaded) throw new Error('transformers.js: nothing loaded');
      const { ms, sample } = await loaded.ops.runOnce(loaded.pipe, loaded.spec, text);
      return { inner: ms, sample };
    },
    async dispose() {
      loaded = undefined;
    },
  };
}
