/**
 * The transformers.js contender, used the documented way: `pipeline()` with the default Cache
 * API caching, `env.remoteHost` pointed at the local Hub and `env.backends.onnx.wasm.wasmPaths`
 * at the same-origin runtime (so nothing goes to a CDN). Runs in tfjs-worker.ts, or on the main
 * thread for the frame-gap benchmark.
 *
 * @module
 */
import { AutoTokenizer, env, pipeline } from '@huggingface/transformers';
import type { ProgressInfo } from '@huggingface/transformers';
import * as ort from 'onnxruntime-web/webgpu';
import type { FloorResult, LoadResult, LoadSpec, Milestone } from './protocol.ts';

/** A loaded pipeline, called with one text (or a batch). */
export type Pipe = (input: string | string[], options?: Readonly<Record<string, unknown>>) => Promise<unknown>;

/** transformers.js's own runtime build (asyncify, which its `onnxruntime-web/webgpu` import names), served by Vite from node_modules. */
export const runtimeUrls = {
  wasm: new URL('../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url).href,
  mjs: new URL('../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.mjs', import.meta.url).href,
};

/** onnxruntime-web's plain CPU build (the one inpage's WASM workers load), for bench/ab-calls.ts. */
export const plainRuntimeUrls = {
  wasm: new URL('../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm', import.meta.url).href,
  mjs: new URL('../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs', import.meta.url).href,
};

function configure(spec: LoadSpec): void {
  env.allowLocalModels = false;
  env.remoteHost = `${spec.hubUrl}/`;
  const wasm = env.backends.onnx.wasm;
  if (!wasm) throw new Error('onnxruntime-web has no wasm backend');
  wasm.wasmPaths = { ...(spec.build === 'plain' ? plainRuntimeUrls : runtimeUrls) };
  if (spec.threads !== undefined) wasm.numThreads = spec.threads;
}

/** Per-task call options matching inpage's defaults (mean pooling + normalize for embeddings). */
export function callOptions(spec: LoadSpec): Readonly<Record<string, unknown>> {
  return spec.task === 'feature-extraction' ? { pooling: 'mean', normalize: true } : {};
}

/** Loads a pipeline; `start` is the time origin of the milestones. */
export async function loadPipeline(spec: LoadSpec, start: number): Promise<{ pipe: Pipe; result: LoadResult }> {
  configure(spec);
  const milestones: Milestone[] = [{ label: 'configured', ms: performance.now() - start }];
  const progress_callback = (info: ProgressInfo): void => {
    if (info.status === 'done' && 'file' in info) milestones.push({ label: `done ${info.file}`, ms: performance.now() - start });
  };
  const pipe = (await pipeline(spec.task, spec.model, {
    dtype: spec.dtype,
    device: spec.device ?? 'wasm',
    progress_callback,
  })) as unknown as Pipe;
  const readyMs = performance.now() - start;
  milestones.push({ label: 'ready', ms: readyMs });
  return { pipe, result: { readyMs, milestones } };
}

/** Runs a pipeline once; returns the pipeline time and a short description of the output. */
export async function runOnce(pipe: Pipe, spec: LoadSpec, text: string): Promise<{ ms: number; sample: string }> {
  const start = performance.now();
  const output = await pipe(text, callOptions(spec));
  return { ms: performance.now() - start, sample: describe(output) };
}

/** A short, comparable description of a pipeline output (top label, or the first values). */
export function describe(output: unknown): string {
  const text = JSON.stringify(output, (_, value: unknown) => (typeof value === 'number' ? Number(value.toFixed(3)) : value)) ?? '';
  return text.slice(0, 120);
}

/**
 * The floor of a warm load: `InferenceSession.create` from in-memory bytes (first one includes
 * starting the runtime) plus the tokenizer, in this (fresh) worker.
 */
export async function measureFloor(spec: LoadSpec): Promise<FloorResult> {
  configure(spec);
  const suffix = spec.dtype === 'q8' ? '_quantized' : '';
  const readStart = performance.now();
  const response = await fetch(`${spec.hubUrl}/${spec.model}/resolve/main/onnx/model${suffix}.onnx`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const readMs = performance.now() - readStart;
  ort.env.wasm.wasmPaths = { ...runtimeUrls };
  if (spec.threads !== undefined) ort.env.wasm.numThreads = spec.threads;
  const options = { executionProviders: ['wasm'] };
  let start = performance.now();
  const first = await ort.InferenceSession.create(bytes, options);
  const firstSessionMs = performance.now() - start;
  start = performance.now();
  const second = await ort.InferenceSession.create(bytes, options);
  const sessionMs = performance.now() - start;
  await Promise.all([first.release(), second.release()]);
  start = performance.now();
  await AutoTokenizer.from_pretrained(spec.model);
  const tokenizerMs = performance.now() - start;
  return { readMs, firstSessionMs, sessionMs, tokenizerMs, floorMs: firstSessionMs + tokenizerMs };
}
