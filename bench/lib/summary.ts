/**
 * Turns raw samples into the medians, ratios and target checks of `bench/results/latest.json`.
 *
 * @module
 */
import type { Contender, FloorResult, PipelineProfile } from '../page/protocol.ts';
import type { BundleSize } from './bundle.ts';
import type { CallSample, FrameSample, ThreadSample, WebGpuCheck } from './calls.ts';
import type { LoadSample, ResumeSample } from './loads.ts';
import { summarizePipeline } from './pipeline.ts';
import { callPercentiles } from './visits.ts';
import type { VisitSample } from './visits.ts';
import { median, percentile, ratio, round } from './stats.ts';

/** Raw samples of one run (any part may be missing when it failed or was skipped). */
export interface RawResults {
  cold?: LoadSample[];
  warm?: LoadSample[];
  floor?: FloorResult[];
  calls?: CallSample[];
  threads?: ThreadSample[];
  frames?: FrameSample[];
  resume?: ResumeSample[];
  pipeline?: PipelineProfile[];
  /** The same with the weights sent at `config.pipelinePace`. */
  pipelinePaced?: PipelineProfile[];
  bundles?: BundleSize[];
  webgpu?: WebGpuCheck[];
  visits?: VisitSample[];
  errors: string[];
}

/** One target line of RESULTS.md. */
export interface TargetCheck {
  name: string;
  target: string;
  value: string;
  met: boolean | null;
}

/** Median ready time, bytes and milestone medians of one contender's loads. */
export interface LoadSummary {
  readyMs: number | null;
  modelBytes: number | null;
  runtimeBytes: number | null;
  milestones: Record<string, number | null>;
  errors: number;
}

function summarizeLoads(samples: readonly LoadSample[] | undefined, contender: Contender): LoadSummary | null {
  const mine = (samples ?? []).filter((s) => s.contender === contender);
  if (mine.length === 0) return null;
  const labels = [...new Set(mine.flatMap((s) => s.milestones.map((m) => m.label)))];
  return {
    readyMs: round(median(mine.map((s) => s.readyMs)), 0),
    modelBytes: round(median(mine.map((s) => s.modelBytes)), 0),
    runtimeBytes: round(median(mine.map((s) => s.runtimeBytes)), 0),
    milestones: Object.fromEntries(
      labels.map((label) => [label, round(median(mine.flatMap((s) => s.milestones.filter((m) => m.label === label).map((m) => m.ms))), 0)]),
    ),
    errors: mine.filter((s) => s.error).length,
  };
}

/** One contender's visit: load, call round trips, and the pipeline call inside the worker (p50). */
export interface VisitSide {
  loadMs: number | null;
  p50: number | null;
  p95: number | null;
  /** The pipeline call timed inside the worker: a visit-dependent slowdown of the runtime shows here, not in the transport. */
  innerP50: number | null;
}

/** One returning visit, both contenders side by side. */
export interface VisitSummary {
  visit: number;
  inpage: VisitSide | null;
  tfjs: VisitSide | null;
  loadRatio: number | null;
  p50Ratio: number | null;
}

function summarizeVisits(samples: readonly VisitSample[] | undefined): VisitSummary[] {
  const visits = [...new Set((samples ?? []).map((s) => s.visit))].sort((a, b) => a - b);
  const side = (visit: number, contender: Contender): VisitSummary['inpage'] => {
    const sample = samples?.find((s) => s.visit === visit && s.contender === contender && !s.error);
    if (!sample) return null;
    const { p50, p95 } = callPercentiles(sample);
    return { loadMs: round(sample.loadMs, 0), p50: round(p50, 2), p95: round(p95, 2), innerP50: round(percentile(sample.inner, 50), 2) };
  };
  return visits.map((visit) => {
    const inpage = side(visit, 'inpage');
    const tfjs = side(visit, 'transformers.js');
    return {
      visit,
      inpage,
      tfjs,
      loadRatio: round(ratio(inpage?.loadMs ?? NaN, tfjs?.loadMs ?? NaN), 2),
      p50Ratio: round(ratio(inpage?.p50 ?? NaN, tfjs?.p50 ?? NaN), 2),
    };
  });
}

const perSecond = (sentences: number, ms: number): number => (sentences / ms) * 1000;

/** The summary written to latest.json and rendered by report.ts. */
export function summarize(raw: RawResults): { summary: Record<string, unknown>; targets: TargetCheck[] } {
  const cold = { inpage: summarizeLoads(raw.cold, 'inpage'), tfjs: summarizeLoads(raw.cold, 'transformers.js') };
  const warm = { inpage: summarizeLoads(raw.warm, 'inpage'), tfjs: summarizeLoads(raw.warm, 'transformers.js') };
  const ratioOf = (s: { inpage: LoadSummary | null; tfjs: LoadSummary | null }): number =>
    ratio(s.inpage?.readyMs ?? NaN, s.tfjs?.readyMs ?? NaN);
  const floor = raw.floor?.length
    ? Object.fromEntries(
        (['readMs', 'firstSessionMs', 'sessionMs', 'tokenizerMs', 'floorMs'] as const).map((k) => [
          k,
          round(median(raw.floor?.map((f) => f[k]) ?? []), 0),
        ]),
      )
    : null;
  const call = (c: Contender): CallSample | undefined => raw.calls?.find((s) => s.contender === c);
  const latency = Object.fromEntries(
    (['inpage', 'transformers.js'] as const).map((c) => {
      const s = call(c);
      return [
        c,
        s
          ? {
              p50: round(percentile(s.latency.calls, 50), 2),
              p95: round(percentile(s.latency.calls, 95), 2),
              innerP50: round(percentile(s.latency.inner, 50), 2),
              sample: s.latency.sample,
            }
          : null,
      ];
    }),
  );
  const inpageP50 = percentile(call('inpage')?.latency.calls ?? [], 50);
  const tfjsP50 = percentile(call('transformers.js')?.latency.calls ?? [], 50);
  const tfjsInner = percentile(call('transformers.js')?.latency.inner ?? [], 50);
  const inpageInner = percentile(call('inpage')?.latency.inner ?? [], 50);
  const overheadVsTfjsWorker = inpageP50 - tfjsP50;
  const overheadVsTfjsPipeline = inpageP50 - tfjsInner;
  // inpage's own overhead: its run() round trip minus its own pipeline call in the worker (the same
  // call's `callMs`), as the hand-written worker's hop is its round trip minus its pipeline call.
  const inpageOverhead = inpageP50 - inpageInner;
  const throughput = (call('inpage')?.throughput ?? []).map((t) => {
    const peer = call('transformers.js')?.throughput.find((p) => p.callers === t.callers);
    const mine = perSecond(t.sentences, t.ms);
    const theirs = peer ? perSecond(peer.sentences, peer.ms) : NaN;
    return {
      callers: t.callers,
      inpagePerS: round(mine, 1),
      tfjsPerS: round(theirs, 1),
      ratio: round(ratio(mine, theirs), 2),
      inpageErrors: t.errors,
      tfjsErrors: peer?.errors ?? null,
    };
  });
  const seq = throughput.find((t) => t.callers === 1)?.inpagePerS ?? NaN;
  const most = throughput.at(-1);
  const scaling = ratio(most?.inpagePerS ?? NaN, seq ?? NaN);
  const framesInpage = raw.frames?.find((f) => f.contender === 'inpage');
  const resumeInpage = raw.resume?.find((r) => r.contender === 'inpage');
  const mainEntry = raw.bundles?.[0];
  const coldRatio = ratioOf(cold);
  const warmRatio = ratioOf(warm);
  const check = (name: string, target: string, value: number, shown: string, met: (v: number) => boolean): TargetCheck => ({
    name,
    target,
    value: Number.isFinite(value) ? shown : 'n/a',
    met: Number.isFinite(value) ? met(value) : null,
  });
  const visits = summarizeVisits(raw.visits);
  const worstVisitP50 = Math.max(...visits.map((v) => v.p50Ratio ?? NaN));
  const pipeline = summarizePipeline(raw.pipeline);
  const warmVsFloor = ratio(warm.inpage?.readyMs ?? NaN, floor?.floorMs ?? NaN);
  const hop = tfjsP50 - tfjsInner;
  const latencyRatio = ratio(inpageP50, tfjsP50);
  const throughputAt = (callers: number | undefined): number => throughput.find((t) => t.callers === callers)?.ratio ?? NaN;
  const targets: TargetCheck[] = [
    check('warm load vs the floor measured in the same run', '≤ 1.10×', warmVsFloor, `${warmVsFloor.toFixed(2)}×`, (v) => v <= 1.1),
    check('cold load vs transformers.js', '≤ 0.85×', coldRatio, `${coldRatio.toFixed(2)}×`, (v) => v <= 0.85),
    check(
      'download → verify pipeline (chunks stored behind it) vs a plain fetch read of the same file',
      '≥ 0.90×',
      pipeline?.ratio ?? NaN,
      `${(pipeline?.ratio ?? 0).toFixed(2)}× (${pipeline?.verifiedMiBps ?? '?'} vs ${pipeline?.fetchMiBps ?? '?'} MiB/s; stored at ${(pipeline?.storedRatio ?? 0).toFixed(2)}×)`,
      (v) => v >= 0.9,
    ),
    check(
      `call p50 vs transformers.js, worst of ${visits.length} returning visits`,
      '≤ 1.05×',
      worstVisitP50,
      `${worstVisitP50.toFixed(2)}×`,
      (v) => v <= 1.05,
    ),
    check(
      'call p50 vs transformers.js, latency step (warm page, after warm-up)',
      '≤ 1.05×',
      latencyRatio,
      `${latencyRatio.toFixed(2)}×`,
      (v) => v <= 1.05,
    ),
    check(
      "call overhead p50 (inpage run() − its pipeline call inside the worker) vs the hand-written worker's hop",
      '≤ hop + 0.3 ms',
      inpageOverhead - hop,
      `${inpageOverhead.toFixed(2)} ms (hop ${hop.toFixed(2)} ms)`,
      (v) => v <= 0.3,
    ),
    check('throughput vs transformers.js, 1 caller', '≥ 0.95×', throughputAt(1), `${throughputAt(1).toFixed(2)}×`, (v) => v >= 0.95),
    check(
      `throughput vs transformers.js, ${most?.callers ?? '?'} callers`,
      '≥ 1.5×',
      throughputAt(most?.callers),
      `${throughputAt(most?.callers).toFixed(2)}×`,
      (v) => v >= 1.5,
    ),
    check(
      'longest frame gap, inpage load + calls',
      '≤ 50 ms',
      framesInpage?.longestGapMs ?? NaN,
      `${(framesInpage?.longestGapMs ?? 0).toFixed(0)} ms`,
      (v) => v <= 50,
    ),
    check(
      'resume waste after a 50% cut (inpage)',
      '≤ 1 chunk',
      resumeInpage ? resumeInpage.wasteBytes / resumeInpage.chunkSize : NaN,
      `${((resumeInpage?.wasteBytes ?? 0) / 2 ** 20).toFixed(2)} MiB = ${((resumeInpage?.wasteBytes ?? 0) / (resumeInpage?.chunkSize ?? 1)).toFixed(2)} chunks`,
      (v) => v <= 1,
    ),
    check(
      'main entry, gzipped',
      '< 10 KB',
      mainEntry?.gzipBytes ?? NaN,
      `${((mainEntry?.gzipBytes ?? 0) / 1000).toFixed(1)} KB`,
      (v) => v < 10_000,
    ),
  ];
  const threads = (raw.threads ?? []).map((t) => ({
    contender: t.contender,
    threads: t.threads ?? 'default',
    p50: round(percentile(t.latency, 50), 2),
    sequentialPerS: round(perSecond(t.sequential.sentences, t.sequential.ms), 1),
    eightCallersPerS: round(perSecond(t.batched.sentences, t.batched.ms), 1),
  }));
  const summary = {
    cold: { ...cold, ratio: round(coldRatio, 2) },
    warm: { ...warm, ratio: round(warmRatio, 2) },
    floor,
    pipeline,
    pipelinePaced: summarizePipeline(raw.pipelinePaced),
    latency: {
      ...latency,
      threads: call('inpage')?.threads ?? null,
      overheadVsTfjsWorkerP50: round(overheadVsTfjsWorker, 2),
      tfjsHopP50: round(hop, 2),
      inpageOverheadP50: round(inpageOverhead, 2),
      inpageMinusTfjsPipelineP50: round(overheadVsTfjsPipeline, 2),
      /** inpage's pipeline call over transformers.js's, both timed inside their workers (the runtime, not the transport). */
      pipelineRatio: round(ratio(inpageInner, tfjsInner), 2),
    },
    throughput,
    /** inpage's most-callers throughput over its own sequential one. */
    scalingVsSequential: round(scaling, 2),
    threads,
    frames: raw.frames ?? [],
    resume: raw.resume ?? [],
    bundles: raw.bundles ?? [],
    webgpu: raw.webgpu ?? [],
    visits,
  };
  return { summary, targets };
}
