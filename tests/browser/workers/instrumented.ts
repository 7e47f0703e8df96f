/**
 * A test-only worker entry: inpage's worker with probes and fault triggers. It counts the `run`
 * calls it receives and the ORT sessions it creates and releases, and obeys `test:*` messages:
 * `stats` (answers with {@link WorkerStats}), `crash` (throws asynchronously: an `error` event),
 * `close` (dies silently), `close-in-next-call` (dies silently `ms` after the next run or stream
 * starts), `block` (blocks its thread `ms` synchronously) and `lose-device` (destroys ORT's WebGPU
 * device). It also counts the engine calls it receives and the stored files it reads.
 * When `globalThis.inpageTestFailWebgpu` is set (see fail-webgpu.ts), every session creation that
 * asks for WebGPU rejects.
 * @module
 */
import { InferenceSession, env as ortEnv } from 'onnxruntime-web/webgpu';
// Static: the worker must expose its API before the first message arrives (a message that comes
// during a top-level await finds no comlink listener). Patching after it is soon enough: the body
// below runs before any message or session creation.
import '../../../src/worker.ts';
import { ModelStore } from '../../../src/store/idb-store.ts';

/** What the probe saw, as answered to `{ type: 'test:stats' }`. */
export interface WorkerStats {
  /** `run` calls received through comlink. */
  runs: number;
  /** `stream` calls received through comlink. */
  streams: number;
  /** Execution providers of each created session, in order. */
  sessions: string[][];
  /** Sessions released. */
  released: number;
  /** `InferenceSession.run` calls (one per generated token for a decoder). */
  sessionRuns: number;
  /** Engine calls received through comlink, by method (`init`, `load`, `run`, …; pings left out). */
  calls: Record<string, number>;
  /** Stored files read from IndexedDB, by path. */
  reads: Record<string, number>;
  /** ONNX Runtime files this worker fetched (from its resource timing), by file name without hash or query, sorted. */
  runtimeFiles: string[];
  /**
   * WebAssembly compilations this worker started, in order: the API (`instantiateStreaming`,
   * `compileStreaming`, `instantiate`, `compile`) and the size of a byte source (0 for a streamed
   * Response or an already compiled module).
   */
  wasmCompiles: { api: string; bytes: number }[];
}

const stats: WorkerStats = {
  runs: 0,
  streams: 0,
  sessions: [],
  released: 0,
  sessionRuns: 0,
  calls: {},
  reads: {},
  runtimeFiles: [],
  wasmCompiles: [],
};

// The dev server serves hundreds of modules: keep every entry, and watch from the start.
performance.setResourceTimingBufferSize(100_000);
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const name = /(ort-wasm-simd-threaded[\w.]*?)(?:-[\w-]{8,})?\.(wasm|mjs)(?:$|\?)/.exec(new URL(entry.name).pathname);
    if (name && !stats.runtimeFiles.includes(`${name[1]}.${name[2]}`))
      stats.runtimeFiles = [...stats.runtimeFiles, `${name[1]}.${name[2]}`].sort();
  }
}).observe({ type: 'resource', buffered: true });

type WasmApi = 'instantiateStreaming' | 'compileStreaming' | 'instantiate' | 'compile';
for (const api of ['instantiateStreaming', 'compileStreaming', 'instantiate', 'compile'] as const satisfies readonly WasmApi[]) {
  const original = (WebAssembly[api] as (...args: unknown[]) => Promise<unknown>).bind(WebAssembly);
  (WebAssembly as unknown as Record<WasmApi, (...args: unknown[]) => Promise<unknown>>)[api] = (...args: unknown[]) => {
    const [source] = args;
    const bytes = source instanceof ArrayBuffer || ArrayBuffer.isView(source) ? source.byteLength : 0;
    stats.wasmCompiles.push({ api, bytes });
    return original(...args);
  };
}

const readFile = ModelStore.prototype.readFile;
ModelStore.prototype.readFile = function (this: ModelStore, ...args: Parameters<typeof readFile>) {
  const [record] = args;
  stats.reads[record.path] = (stats.reads[record.path] ?? 0) + 1;
  return readFile.apply(this, args);
};
/** Set by `close-in-next-call`: the worker closes itself this long after the next run or stream starts. */
let closeInNextCallMs: number | undefined;
/** Set by `{ type: 'test:slow-runs', ms }`: each session run waits this long first (a slow device). */
let runDelayMs = 0;
const failWebgpu = (): boolean => (globalThis as { inpageTestFailWebgpu?: boolean }).inpageTestFailWebgpu === true;

function providersOf(options: unknown): string[] {
  const providers = (options as { executionProviders?: unknown[] } | undefined)?.executionProviders ?? [];
  return providers.map((provider) => (typeof provider === 'string' ? provider : String((provider as { name?: unknown }).name)));
}

type Create = (...args: unknown[]) => Promise<InferenceSession>;
const create = (InferenceSession.create as Create).bind(InferenceSession);
(InferenceSession as unknown as { create: Create }).create = async (...args: unknown[]) => {
  const providers = providersOf(args.at(-1));
  // A plain rejection, as ONNX Runtime gives: the worker's classifier must call it DEVICE_FAILED.
  if (failWebgpu() && providers.includes('webgpu')) throw new Error('test: WebGPU session creation failed on purpose');
  const session = await create(...args);
  stats.sessions.push(providers);
  const run = session.run.bind(session) as (...runArgs: unknown[]) => ReturnType<InferenceSession['run']>;
  (session as unknown as { run: typeof run }).run = async (...runArgs: unknown[]) => {
    stats.sessionRuns += 1;
    if (runDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, runDelayMs));
    return run(...runArgs);
  };
  const release = session.release.bind(session);
  session.release = async () => {
    stats.released += 1;
    await release();
  };
  return session;
};

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data as { type?: unknown; path?: unknown } | null;
  if (!data || typeof data !== 'object') return;
  const method = data.type === 'APPLY' && Array.isArray(data.path) ? String(data.path[0]) : undefined;
  if (method === 'run') stats.runs += 1;
  if (method === 'stream') stats.streams += 1;
  if (method !== undefined && method !== 'ping') stats.calls[method] = (stats.calls[method] ?? 0) + 1;
  if ((method === 'run' || method === 'stream') && closeInNextCallMs !== undefined) setTimeout(() => self.close(), closeInNextCallMs);
  if (data.type === 'test:close-in-next-call') closeInNextCallMs = Number((data as { ms?: unknown }).ms) || 0;
  if (data.type === 'test:block') {
    const until = performance.now() + (Number((data as { ms?: unknown }).ms) || 0);
    while (performance.now() < until);
  }
  if (data.type === 'test:stats') self.postMessage({ type: 'test:stats', stats });
  if (data.type === 'test:slow-runs') runDelayMs = Number((data as { ms?: unknown }).ms) || 0;
  if (data.type === 'test:crash')
    setTimeout(() => {
      throw new Error('test: crash on purpose');
    });
  if (data.type === 'test:close') self.close();
  if (data.type === 'test:lose-device') {
    // Typed as a promise by onnxruntime-common, set to the device itself by the WebGPU backend.
    void Promise.resolve(ortEnv.webgpu.device as unknown as GPUDevice | undefined).then((device) => {
      device?.destroy();
      self.postMessage({ type: 'test:device-lost', hadDevice: device !== undefined });
    });
  }
});
