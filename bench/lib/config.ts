/**
 * What a benchmark run measures: the full run on the size-realistic models, or `--quick` on the
 * tiny test fixtures (one repetition, a few calls; for CI).
 *
 * @module
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { LoadSpec } from '../page/protocol.ts';

/** The model of a benchmark, without the Hub URL (added at run time). */
export type ModelSpec = Omit<LoadSpec, 'hubUrl'>;

/** One run's settings. */
export interface BenchConfig {
  mode: 'full' | 'quick';
  /** Folder served by the local Hub. */
  modelsRoot: string;
  repetitions: number;
  /**
   * The pipeline step also runs with the weights sent at this pace (bytes/s; `null`: not), so
   * that it is measured where the network, not this machine's CPU, sets the pace.
   */
  pipelinePace: number | null;
  /** Cold and warm loads. */
  loadModel: ModelSpec;
  /** Latency, throughput, frames, threads. */
  sentimentModel: ModelSpec;
  /** The download cut at 50% (its file and the inpage chunk size). */
  resume: { model: ModelSpec; file: string; chunkSize: number };
  text: string;
  /** Calls per model when the warm profiles are primed (the app in use before the browser restarts). */
  primeCalls: number;
  /** How long a primed page stays open after its calls, so the browser writes its wasm code cache. */
  settleMs: number;
  warmupCalls: number;
  latencyCalls: number;
  throughputSentences: number;
  callerCounts: readonly number[];
  frameCalls: number;
  threadCalls: number;
  /** Returning visits per contender (the browser restarted before each), and timed calls per visit. */
  visits: number;
  visitCalls: number;
  /**
   * WASM threads of both contenders in the call benchmarks and the returning visits: their defaults
   * differ (inpage: up to 4 cores; ONNX Runtime's, which transformers.js keeps: half the cores), and
   * calls are compared at the same thread count. The threads table shows each default too.
   */
  callThreads: number;
  /** WASM thread counts to compare (`null` = the contender's default). */
  threadSettings: readonly (number | null)[];
  /** Whether to run the WebGPU correctness line. */
  webgpu: boolean;
  /** Whether to measure the warm-load floor. */
  floor: boolean;
  /** Also measure transformers.js in its worker in the frame-gap benchmark. */
  framesTfjsWorker: boolean;
}

const words = ['the', 'movie', 'was', 'great', 'and', 'the', 'actors', 'were', 'wonderful', 'but', 'the', 'ending', 'felt', 'slow'];
/** Words of one token (in the real vocabulary and the realistic fixtures'): each sentence's second word, so sentences differ. */
const variants = ['film', 'films', 'movies', 'story', 'plot', 'scene', 'music', 'song', 'songs', 'cinema'];
variants.push('band', 'concert', 'melody', 'piano', 'guitar', 'drums', 'actor', 'game', 'match', 'team');

/**
 * `count` short sentences, distinct for the first 100: five lengths (5–9 words) in turn, the same
 * lengths whatever `count`, so inferences pad alike from run to run.
 */
export function sentences(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const sentence = words.slice(i % 5, (i % 5) + 5 + (i % 5));
    sentence[1] = variants[Math.floor(i / 5) % variants.length] ?? '';
    return sentence.join(' ');
  });
}

/** inpage's default thread count on this machine (see `defaultThreads` in src/runtime/capabilities.ts). */
const inpageDefaultThreads = Math.max(1, Math.min(4, os.availableParallelism()));

/** The settings of `npm run bench` (`quick: false`) and `npm run bench -- --quick`. */
export function benchConfig(quick: boolean): BenchConfig {
  const sentiment: ModelSpec = {
    task: 'text-classification',
    model: 'Xenova/distilbert-base-uncased-finetuned-sst-2-english',
    dtype: 'q8',
  };
  const minilm: ModelSpec = { task: 'feature-extraction', model: 'Xenova/all-MiniLM-L6-v2', dtype: 'fp32' };
  if (quick) {
    return {
      mode: 'quick',
      modelsRoot: fileURLToPath(new URL('../../tests/fixtures/models/', import.meta.url)),
      repetitions: 1,
      pipelinePace: null,
      loadModel: sentiment,
      sentimentModel: sentiment,
      resume: {
        model: { task: 'text-classification', model: 'inpage-fixtures/sentiment-large', dtype: 'fp32' },
        file: 'onnx/model.onnx',
        chunkSize: 64 * 1024,
      },
      text: 'I love this wonderful movie',
      primeCalls: 4,
      settleMs: 1000,
      warmupCalls: 5,
      latencyCalls: 10,
      throughputSentences: 16,
      callerCounts: [1, 8],
      frameCalls: 10,
      threadCalls: 5,
      callThreads: inpageDefaultThreads,
      visits: 2,
      visitCalls: 10,
      threadSettings: [],
      webgpu: false,
      floor: false,
      framesTfjsWorker: false,
    };
  }
  return {
    mode: 'full',
    modelsRoot: fileURLToPath(new URL('../models/', import.meta.url)),
    repetitions: 5,
    pipelinePace: 40 * 2 ** 20, // 40 MiB/s, 335 Mbit/s: a fast fibre line
    loadModel: minilm,
    sentimentModel: sentiment,
    // A file no other benchmark stores (the warm contexts are reused).
    resume: { model: { ...minilm, dtype: 'q8' }, file: 'onnx/model_quantized.onnx', chunkSize: 8 * 1024 * 1024 },
    text: 'I love this wonderful movie',
    primeCalls: 16,
    settleMs: 3000,
    warmupCalls: 100,
    latencyCalls: 200,
    throughputSentences: 64,
    callerCounts: [1, 8, 64],
    frameCalls: 100,
    threadCalls: 30,
    callThreads: inpageDefaultThreads,
    visits: 8,
    visitCalls: 100,
    threadSettings: [1, 2, null],
    webgpu: true,
    floor: true,
    framesTfjsWorker: true,
  };
}
