/**
 * The download → verify → store pipeline against plain `fetch` reads of the same file (the cold
 * load's weights: one that keeps nothing, one into a buffer of the file's size), each repetition
 * in a new browser profile, the order alternated; over loopback, or paced by the local Hub's
 * throttle. See bench/page/pipeline-profile.ts for what is timed.
 *
 * @module
 */
import { weightsOf } from '../page/protocol.ts';
import type { LoadSpec, PipelineProfile } from '../page/protocol.ts';
import type { BenchConfig } from './config.ts';
import { specFor } from './loads.ts';
import { callBench, launchProfile, openBenchPage } from './servers.ts';
import type { BenchEnvironment } from './servers.ts';
import { median, round } from './stats.ts';

/**
 * Runs the profile `repetitions` times, over loopback, or with the weights sent at `pace` bytes/s
 * (the local Hub's throttle: the body leaves in 20 pieces a second, each when the pace allows).
 */
export async function pipelineProfiles(
  env: BenchEnvironment,
  config: BenchConfig,
  { pace, repetitions = config.repetitions }: { pace?: number; repetitions?: number } = {},
): Promise<PipelineProfile[]> {
  const results: PipelineProfile[] = [];
  const spec = specFor(env, config.loadModel);
  const throttle = pace === undefined ? undefined : env.hub.faults.add({ file: weightsOf(spec), bytesPerSecond: pace });
  try {
    for (let rep = 0; rep < repetitions; rep++) results.push(await pipelineProfile(env, spec, rep));
  } finally {
    throttle?.remove();
  }
  return results;
}

/** One repetition, in a new browser profile; odd ones run the pipeline before the plain reads. */
async function pipelineProfile(env: BenchEnvironment, spec: LoadSpec, rep: number): Promise<PipelineProfile> {
  const profile = await launchProfile();
  try {
    const page = await openBenchPage(profile.context, env.url);
    const result = await callBench(page, 'pipeline', spec, rep % 2 === 1);
    await page.close();
    const mbps = (ms: number): string => `${(result.bytes / 2 ** 20 / (ms / 1000)).toFixed(0)} MiB/s`;
    console.log(
      `  pipeline #${rep + 1}: verified ${mbps(result.verifiedMs)}, stored ${mbps(result.pipelineMs)} vs plain fetch ${mbps(result.fetchMs)}, into one buffer ${mbps(result.bufferMs)} (hash ${result.hashMs.toFixed(0)} ms, IndexedDB puts ${result.putMs.toFixed(0)} ms)`,
    );
    return result;
  } finally {
    await profile.close();
  }
}

/** Medians of the profile: throughputs (MiB/s), the pipeline's share of the plain read's, and each stage's ms. */
export interface PipelineSummary {
  file: string;
  bytes: number;
  fetchMiBps: number | null;
  /** The read into one buffer, as transformers.js reads a model file. */
  bufferMiBps: number | null;
  /** Until the bytes are verified and held (a load's session starts then). */
  verifiedMiBps: number | null;
  /** Until every chunk is stored. */
  pipelineMiBps: number | null;
  /** Throughput until verified over the plain read's (median of the per-run ratios): a load's critical path. */
  ratio: number | null;
  /** Throughput until stored over the plain read's. */
  storedRatio: number | null;
  /** Throughput until verified over the read into one buffer's (the bytes in hand, both ways). */
  bufferRatio: number | null;
  stagesMs: {
    fetch: number | null;
    buffer: number | null;
    hash: number | null;
    put: number | null;
    verified: number | null;
    pipeline: number | null;
  };
}

/** Summarizes the runs (null when none). */
export function summarizePipeline(runs: readonly PipelineProfile[] | undefined): PipelineSummary | null {
  const first = runs?.[0];
  if (!runs || !first) return null;
  const mibps = (ms: number): number => first.bytes / 2 ** 20 / (ms / 1000);
  const med = (pick: (run: PipelineProfile) => number, digits = 0): number | null => round(median(runs.map(pick)), digits);
  return {
    file: first.file,
    bytes: first.bytes,
    fetchMiBps: med((run) => mibps(run.fetchMs)),
    bufferMiBps: med((run) => mibps(run.bufferMs)),
    verifiedMiBps: med((run) => mibps(run.verifiedMs)),
    pipelineMiBps: med((run) => mibps(run.pipelineMs)),
    ratio: med((run) => run.fetchMs / run.verifiedMs, 2),
    storedRatio: med((run) => run.fetchMs / run.pipelineMs, 2),
    bufferRatio: med((run) => run.bufferMs / run.verifiedMs, 2),
    stagesMs: {
      fetch: med((run) => run.fetchMs),
      buffer: med((run) => run.bufferMs),
      hash: med((run) => run.hashMs),
      put: med((run) => run.putMs),
      verified: med((run) => run.verifiedMs),
      pipeline: med((run) => run.pipelineMs),
    },
  };
}
