/**
 * What the benchmark page exposes to the Node driver (bench/run.ts) as `window.bench`, and the
 * plain-data results it returns. Shared by both sides; types only.
 *
 * @module
 */

/** The two contenders. */
export type Contender = 'inpage' | 'transformers.js';

/** Where transformers.js runs: a hand-written worker, or the page's main thread. */
export type Placement = 'worker' | 'main';

/** One model load. */
export interface LoadSpec {
  hubUrl: string;
  task: 'feature-extraction' | 'text-classification';
  model: string;
  dtype: 'fp32' | 'q8';
  /** WASM threads; `undefined` = the contender's default. */
  threads?: number;
  /** inpage storage namespace (a new one means an empty store). */
  namespace?: string;
  /** inpage chunk size in bytes. */
  chunkSize?: number;
  device?: 'wasm' | 'webgpu';
  placement?: Placement;
  /** The ONNX Runtime build (bench/ab-calls.ts); `undefined` = the contender's own (inpage: plain, transformers.js: asyncify). */
  build?: 'plain' | 'asyncify';
}

/** A progress milestone, ms since the load started. */
export interface Milestone {
  label: string;
  ms: number;
}

/** What a load took. */
export interface LoadResult {
  /** Time to ready: from creating the client / importing transformers.js to a usable model. */
  readyMs: number;
  milestones: Milestone[];
  /** Set when the load failed. */
  error?: string;
}

/** The floor of a warm load: runtime + session from in-memory bytes, + tokenizer. */
export interface FloorResult {
  /** Fetching the cached model bytes into memory (not part of the floor). */
  readMs: number;
  /** First `InferenceSession.create(bytes)` in a fresh worker (includes starting the runtime). */
  firstSessionMs: number;
  /** A second `InferenceSession.create(bytes)` (runtime already started). */
  sessionMs: number;
  tokenizerMs: number;
  /** firstSessionMs + tokenizerMs. */
  floorMs: number;
}

/** The weights file a load of `spec` reads (as the floor does). */
export function weightsOf(spec: LoadSpec): string {
  return `onnx/model${spec.dtype === 'q8' ? '_quantized' : ''}.onnx`;
}

/** One run of the download → verify → store pipeline beside plain `fetch` reads of the same file (see bench/page/pipeline-profile.ts). */
export interface PipelineProfile {
  file: string;
  bytes: number;
  /** A plain `fetch` reading the whole body (nothing kept but the parts). */
  fetchMs: number;
  /** A `fetch` read into one buffer of the file's size, as transformers.js reads a model file (its `readResponse`). */
  bufferMs: number;
  /**
   * inpage's `downloadFile` until the bytes are verified and held for the session (`onHeld`): what
   * a load waits for before its session starts. The chunk writes may still be running.
   */
  verifiedMs: number;
  /** inpage's `downloadFile` until it returns: every chunk put into IndexedDB and the file marked verified. */
  pipelineMs: number;
  /** sha256 (hash-wasm) of the same bytes, alone. */
  hashMs: number;
  /** Time spent in the pipeline's IndexedDB writes (`putChunk` + `putFile`, awaited one after the other). */
  putMs: number;
  /** Whether the pipeline ran before the plain read (alternated between repetitions). */
  pipelineFirst: boolean;
}

/** Per-call latencies, ms. */
export interface LatencyResult {
  /** Round trips seen by the caller. */
  calls: number[];
  /** Pipeline time inside the worker (transformers.js only; inpage reports none). */
  inner: number[];
  /** A sample output, to check both contenders ran the same model. */
  sample: string;
}

/** One throughput run. */
export interface ThroughputResult {
  callers: number;
  sentences: number;
  ms: number;
  errors: number;
}

/** Frame gaps during a load + N inferences. */
export interface FrameResult {
  longestGapMs: number;
  /** Σ max(0, gap − 50 ms) over the frames (Lighthouse's long-task convention). */
  blockedMs: number;
  frames: number;
  totalMs: number;
}

/** `window.bench`. Only one contender instance is live per page. */
export interface BenchApi {
  load(contender: Contender, spec: LoadSpec): Promise<LoadResult>;
  latency(contender: Contender, text: string, warmup: number, calls: number): Promise<LatencyResult>;
  throughput(contender: Contender, texts: readonly string[], callers: number): Promise<ThroughputResult>;
  /** Load + `calls` inferences while watching requestAnimationFrame. */
  frames(contender: Contender, spec: LoadSpec, text: string, calls: number): Promise<FrameResult>;
  floor(spec: LoadSpec): Promise<FloorResult>;
  /** The download pipeline against a plain `fetch` of the load's weights (see pipeline-profile.ts). */
  pipeline(spec: LoadSpec, pipelineFirst: boolean): Promise<PipelineProfile>;
  dispose(): Promise<void>;
}

declare global {
  interface Window {
    bench?: BenchApi;
  }
}
