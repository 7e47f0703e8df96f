/**
 * Call benchmarks on warm contexts: per-call latency, throughput with concurrent callers, WASM
 * threads, main-thread frame gaps; and the WebGPU correctness line (never timed).
 *
 * @module
 */
import type { Contender, FrameResult, LatencyResult, ThroughputResult } from '../page/protocol.ts';
import { sentences } from './config.ts';
import type { BenchConfig } from './config.ts';
import { alternate, specFor } from './loads.ts';
import { callBench, launchProfile, openBenchPage } from './servers.ts';
import type { BenchEnvironment, Profile } from './servers.ts';
import type { Page } from 'playwright';

/** Latency and throughput of one contender. */
export interface CallSample {
  contender: Contender;
  /** WASM threads (the same for both contenders). */
  threads: number;
  latency: LatencyResult;
  throughput: ThroughputResult[];
}

/** Rounds of the calls step: the timed calls and each throughput measure are split over them. */
const callRounds = 4;

/**
 * Warm-up calls on each page, then `calls` timed calls per contender in {@link callRounds} rounds
 * whose order alternates, so that a change in the machine's load falls on both.
 * @returns each contender's timed calls (and in-worker times), in order.
 */
export async function alternatingLatency(
  pages: Partial<Record<Contender, Page>>,
  text: string,
  warmup: number,
  calls: number,
): Promise<Map<Contender, LatencyResult>> {
  const contenders = alternate(0).filter((contender) => pages[contender]);
  const latency = new Map<Contender, LatencyResult>();
  for (const contender of contenders)
    latency.set(contender, await callBench(pages[contender] as Page, 'latency', contender, text, warmup, 0));
  const perRound = Math.ceil(calls / callRounds);
  for (let round = 0; round < callRounds; round++) {
    for (const contender of alternate(round).filter((each) => contenders.includes(each))) {
      const timed = await callBench(pages[contender] as Page, 'latency', contender, text, 0, perRound);
      const sum = latency.get(contender) as LatencyResult;
      latency.set(contender, { calls: [...sum.calls, ...timed.calls], inner: [...sum.inner, ...timed.inner], sample: timed.sample });
    }
  }
  return latency;
}

/**
 * Latency (after warm-up) then throughput with each caller count. Both contenders stay loaded, each
 * in its own browser, and take turns: the timed calls and the throughput runs are split into
 * {@link callRounds} rounds whose order alternates, so that a change in the machine's load (a
 * shared machine) falls on both instead of on whichever ran second.
 */
export async function callBenchmarks(
  env: BenchEnvironment,
  config: BenchConfig,
  profiles: Record<Contender, Profile>,
): Promise<CallSample[]> {
  const texts = sentences(config.throughputSentences);
  const pages: Partial<Record<Contender, Page>> = {};
  try {
    for (const contender of alternate(0)) {
      const page = (pages[contender] = await openBenchPage(profiles[contender].context, env.url));
      const loaded = await callBench(page, 'load', contender, specFor(env, config.sentimentModel, { threads: config.callThreads }));
      if (loaded.error) throw new Error(`${contender}: ${loaded.error}`);
    }
    const pageOf = (contender: Contender): Page => pages[contender] as Page;
    const latency = await alternatingLatency(pages as Record<Contender, Page>, config.text, config.warmupCalls, config.latencyCalls);
    const throughput = new Map<Contender, ThroughputResult[]>(alternate(0).map((contender) => [contender, []]));
    for (const callers of config.callerCounts) {
      for (const contender of alternate(0)) await callBench(pageOf(contender), 'throughput', contender, texts.slice(0, 8), callers); // settle the batch shapes
      const sums = new Map<Contender, ThroughputResult>();
      for (let round = 0; round < callRounds; round++) {
        for (const contender of alternate(round)) {
          const run = await callBench(pageOf(contender), 'throughput', contender, texts, callers);
          const sum = sums.get(contender);
          sums.set(
            contender,
            sum ? { callers, sentences: sum.sentences + run.sentences, ms: sum.ms + run.ms, errors: sum.errors + run.errors } : run,
          );
        }
      }
      for (const [contender, sum] of sums) throughput.get(contender)?.push(sum);
    }
    return alternate(0).map((contender) => {
      const runs = throughput.get(contender) ?? [];
      console.log(`  calls ${contender}: ${runs.map((t) => `${t.callers}→${((t.sentences / t.ms) * 1000).toFixed(0)}/s`).join(' ')}`);
      return { contender, threads: config.callThreads, latency: latency.get(contender) as LatencyResult, throughput: runs };
    });
  } finally {
    await Promise.all(Object.values(pages).map((page) => page.close()));
  }
}

/** One threads setting of one contender. */
export interface ThreadSample {
  contender: Contender;
  /** `null` = the contender's default. */
  threads: number | null;
  latency: number[];
  sequential: ThroughputResult;
  batched: ThroughputResult;
}

/** WASM with 1 thread, 2 threads and the default, for both contenders. */
export async function threadBenchmarks(
  env: BenchEnvironment,
  config: BenchConfig,
  profiles: Record<Contender, Profile>,
): Promise<ThreadSample[]> {
  const samples: ThreadSample[] = [];
  const texts = sentences(config.throughputSentences);
  for (const threads of config.threadSettings) {
    for (const contender of alternate(0)) {
      const page = await openBenchPage(profiles[contender].context, env.url);
      const spec = specFor(env, config.sentimentModel, threads === null ? {} : { threads });
      const loaded = await callBench(page, 'load', contender, spec);
      if (loaded.error) throw new Error(`${contender}: ${loaded.error}`);
      const latency = await callBench(page, 'latency', contender, config.text, config.threadCalls, config.threadCalls);
      const sequential = await callBench(page, 'throughput', contender, texts, 1);
      const batched = await callBench(page, 'throughput', contender, texts, 8);
      await page.close();
      samples.push({ contender, threads, latency: latency.calls, sequential, batched });
    }
  }
  return samples;
}

/** Frame gaps of one contender (transformers.js on the main thread, as many apps use it). */
export interface FrameSample extends FrameResult {
  contender: Contender;
  placement: 'worker' | 'main';
}

/** requestAnimationFrame gaps during a (warm) load + N inferences. */
export async function frameBenchmarks(
  env: BenchEnvironment,
  config: BenchConfig,
  profiles: Record<Contender, Profile>,
): Promise<FrameSample[]> {
  const samples: FrameSample[] = [];
  const variants: (readonly [Contender, 'worker' | 'main'])[] = [
    ['inpage', 'worker'],
    ['transformers.js', 'main'],
  ];
  if (config.framesTfjsWorker) variants.push(['transformers.js', 'worker']);
  for (const [contender, placement] of variants) {
    await profiles[contender].restart(); // a warm load, as in warmLoads()
    const page = await openBenchPage(profiles[contender].context, env.url);
    const spec = specFor(env, config.sentimentModel, { placement });
    const result = await callBench(page, 'frames', contender, spec, config.text, config.frameCalls);
    await page.close();
    samples.push({ ...result, contender, placement });
    console.log(`  frames ${contender} (${placement}): longest gap ${result.longestGapMs.toFixed(0)} ms`);
  }
  return samples;
}

/** The WebGPU correctness line: same output as WASM? (software adapter; never timed). */
export interface WebGpuCheck {
  contender: Contender;
  ok: boolean;
  sample: string;
  wasmSample: string;
  error?: string;
}

/** Loads the load-benchmark model (fp32) on WASM then WebGPU (SwiftShader) in a separate browser and compares one output. */
export async function webGpuCheck(env: BenchEnvironment, config: BenchConfig): Promise<WebGpuCheck[]> {
  const checks: WebGpuCheck[] = [];
  for (const contender of alternate(0)) {
    const profile = await launchProfile(['--enable-unsafe-webgpu']);
    let wasmSample = '';
    try {
      const page = await openBenchPage(profile.context, env.url);
      const run = async (device: 'wasm' | 'webgpu'): Promise<string> => {
        const loaded = await callBench(page, 'load', contender, specFor(env, config.loadModel, { device, namespace: 'webgpu' }));
        if (loaded.error) throw new Error(`${device}: ${loaded.error}`);
        return (await callBench(page, 'latency', contender, config.text, 0, 1)).sample;
      };
      wasmSample = await run('wasm');
      const sample = await withTimeout(run('webgpu'), WEBGPU_TIMEOUT_MS, 'WebGPU load + call');
      checks.push({ contender, ok: agree(sample, wasmSample), sample, wasmSample });
    } catch (error) {
      checks.push({
        contender,
        ok: false,
        sample: '',
        wasmSample,
        error: error instanceof Error ? error.message.slice(0, 200) : String(error),
      });
    } finally {
      await profile.close();
    }
  }
  return checks;
}

/** SwiftShader compiles shaders slowly; a correctness line must not hold the run up forever. */
const WEBGPU_TIMEOUT_MS = 180_000;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms)),
  );
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Same labels and every number within 0.01 (fp32 on a software GPU vs WASM). */
export function agree(a: string, b: string): boolean {
  const labels = (s: string): string => [...s.matchAll(/"label":"([^"]+)"/g)].map((m) => m[1]).join();
  const numbers = (s: string): number[] => [...s.matchAll(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g)].map((m) => Number(m[0]));
  const x = numbers(a);
  const y = numbers(b);
  return a !== '' && labels(a) === labels(b) && x.length === y.length && x.every((v, i) => Math.abs(v - (y[i] ?? NaN)) <= 0.01);
}
