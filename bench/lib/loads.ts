/**
 * Load benchmarks: cold (a new, empty persistent browser profile), warm (the browser restarted on
 * a used profile: fresh page, worker and runtime, stored files, the browser's disk caches), the
 * warm-load floor, and the bytes wasted when a download is cut at 50%.
 *
 * @module
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright';
import type { Contender, FloorResult, LoadResult, LoadSpec } from '../page/protocol.ts';
import type { BenchConfig, ModelSpec } from './config.ts';
import { sentences } from './config.ts';
import { callBench, launchProfile, openBenchPage } from './servers.ts';
import type { BenchEnvironment, Profile } from './servers.ts';

/** One measured load. */
export interface LoadSample extends LoadResult {
  contender: Contender;
  /** Bytes the local Hub sent (model files, both origins). */
  modelBytes: number;
  /** Bytes of the ONNX Runtime files the browser received from the page server. */
  runtimeBytes: number;
}

/** The full spec of a model on this environment's Hub. */
export function specFor(env: BenchEnvironment, model: ModelSpec, extra: Partial<LoadSpec> = {}): LoadSpec {
  return { ...model, hubUrl: env.hub.url, ...extra };
}

async function measuredLoad(
  env: BenchEnvironment,
  context: BrowserContext,
  contender: Contender,
  spec: LoadSpec,
): Promise<{ sample: LoadSample; page: Page }> {
  const page = await openBenchPage(context, env.url);
  env.hub.clearRequests();
  env.runtime.bytes = 0;
  const result = await callBench(page, 'load', contender, spec);
  const modelBytes = env.hub.requests.reduce((sum, r) => sum + r.bytesSent, 0);
  return { sample: { ...result, contender, modelBytes, runtimeBytes: env.runtime.bytes }, page };
}

/** Cold loads: a new persistent profile (empty storage, HTTP and code caches) per load, contenders alternating. */
export async function coldLoads(
  env: BenchEnvironment,
  config: BenchConfig,
): Promise<{ samples: LoadSample[]; profiles: Partial<Record<Contender, Profile>> }> {
  const samples: LoadSample[] = [];
  const profiles: Partial<Record<Contender, Profile>> = {};
  try {
    for (let rep = 0; rep < config.repetitions; rep++) {
      for (const contender of alternate(rep)) {
        const profile = await launchProfile();
        let sample: LoadSample;
        try {
          const measured = await measuredLoad(env, profile.context, contender, specFor(env, config.loadModel));
          await measured.page.close();
          sample = measured.sample;
        } catch (error) {
          await profile.close();
          throw error;
        }
        samples.push(sample);
        console.log(`  cold ${contender} #${rep + 1}: ${sample.readyMs.toFixed(0)} ms${sample.error ? ` (${sample.error})` : ''}`);
        // The last repetition's profiles become the warm ones.
        await profiles[contender]?.close();
        profiles[contender] = sample.error ? undefined : profile;
        if (sample.error) await profile.close();
      }
    }
  } catch (error) {
    await Promise.all(Object.values(profiles).map((profile) => profile.close()));
    throw error;
  }
  return { samples, profiles };
}

/**
 * The warm profiles: one per contender (from the cold loads when given), used the way an app is
 * used: both models loaded and called a few times, the page kept open a moment (the browser writes
 * compiled wasm code to its code cache once it has optimised enough of it). The same for both
 * contenders; every later warm measurement restarts the browser first.
 */
export async function warmProfiles(
  env: BenchEnvironment,
  config: BenchConfig,
  fromCold: Partial<Record<Contender, Profile>> = {},
): Promise<Record<Contender, Profile>> {
  const profiles: Partial<Record<Contender, Profile>> = { ...fromCold };
  try {
    for (const contender of ['inpage', 'transformers.js'] as const) {
      const profile = (profiles[contender] ??= await launchProfile());
      const page = await openBenchPage(profile.context, env.url);
      for (const model of [config.loadModel, config.sentimentModel]) {
        const primed = await callBench(page, 'load', contender, specFor(env, model));
        if (primed.error) throw new Error(`priming ${contender} ${model.model}: ${primed.error}`);
        await callBench(page, 'throughput', contender, sentences(config.primeCalls), 1);
      }
      await new Promise((resolve) => setTimeout(resolve, config.settleMs));
      await page.close();
    }
  } catch (error) {
    await Promise.all(Object.values(profiles).map((profile) => profile.close()));
    throw error;
  }
  return profiles as Record<Contender, Profile>;
}

/**
 * Warm loads: the browser restarted on the contender's used profile before each load (a returning
 * visit: fresh page, worker and runtime; only what the browser keeps on disk survives).
 */
export async function warmLoads(env: BenchEnvironment, config: BenchConfig, profiles: Record<Contender, Profile>): Promise<LoadSample[]> {
  const samples: LoadSample[] = [];
  for (let rep = 0; rep < config.repetitions; rep++) {
    for (const contender of alternate(rep)) {
      const profile = profiles[contender];
      await profile.restart();
      const { sample, page } = await measuredLoad(env, profile.context, contender, specFor(env, config.loadModel));
      await page.close();
      samples.push(sample);
      console.log(
        `  warm ${contender} #${rep + 1}: ${sample.readyMs.toFixed(0)} ms${sample.runtimeBytes ? `, runtime ${(sample.runtimeBytes / 2 ** 20).toFixed(1)} MiB sent` : ''}${sample.error ? ` (${sample.error})` : ''}`,
      );
    }
  }
  return samples;
}

/** The floor, measured in the transformers.js context (its Cache API holds the tokenizer). */
export async function floors(env: BenchEnvironment, config: BenchConfig, profile: Profile): Promise<FloorResult[]> {
  const results: FloorResult[] = [];
  for (let rep = 0; rep < config.repetitions; rep++) {
    await profile.restart();
    const page = await openBenchPage(profile.context, env.url);
    results.push(await callBench(page, 'floor', specFor(env, config.loadModel)));
    await page.close();
  }
  return results;
}

/** Bytes downloaded beyond the file size when the first download of the file is cut at 50%. */
export interface ResumeSample {
  contender: Contender;
  fileBytes: number;
  sentBytes: number;
  wasteBytes: number;
  chunkSize: number;
  /** Loads it took (transformers.js has no resume: the app retries). */
  attempts: number;
  /** The CDN requests of the file: status, range and bytes sent. */
  requests: { status: number; range: string | null; bytesSent: number }[];
  error?: string;
}

/** Cuts the first CDN download of the file at 50% and lets each contender recover. */
export async function resumeWaste(
  env: BenchEnvironment,
  config: BenchConfig,
  aliases: Record<string, string>,
  profiles: Partial<Record<Contender, Profile>>,
): Promise<ResumeSample[]> {
  const { model, file, chunkSize } = config.resume;
  const folder = aliases[model.model] ?? model.model;
  const fileBytes = statSync(path.join(config.modelsRoot, folder, file)).size;
  const samples: ResumeSample[] = [];
  for (const contender of ['inpage', 'transformers.js'] as const) {
    const reused = profiles[contender];
    const profile = reused ?? (await launchProfile());
    const page = await openBenchPage(profile.context, env.url);
    try {
      env.hub.reset();
      // The rule stays until it has cut one response: a contender may first probe with `Range: bytes=0-0`.
      const cutAt = Math.floor(fileBytes / 2);
      const fault = env.hub.faults.add({ origin: 'cdn', file, cutAfterBytes: cutAt });
      const watch = setInterval(() => {
        if (env.hub.requestsFor(file, 'cdn').some((r) => r.bytesSent >= cutAt)) fault.remove();
      }, 2);
      const spec = specFor(env, model, { namespace: `resume-${Date.now()}`, chunkSize });
      let attempts = 0;
      let result: LoadResult | undefined;
      try {
        while (attempts < 3 && (!result || result.error)) {
          attempts += 1;
          result = await callBench(page, 'load', contender, spec);
        }
      } finally {
        clearInterval(watch);
        fault.remove();
      }
      const requests = env.hub.requestsFor(file, 'cdn').map((r) => ({ status: r.status, range: r.range ?? null, bytesSent: r.bytesSent }));
      const sentBytes = requests.reduce((sum, r) => sum + r.bytesSent, 0);
      const sample: ResumeSample = { contender, fileBytes, sentBytes, wasteBytes: sentBytes - fileBytes, chunkSize, attempts, requests };
      if (result?.error) sample.error = result.error;
      samples.push(sample);
      console.log(`  resume ${contender}: ${sentBytes} bytes sent for ${fileBytes} (${attempts} load${attempts > 1 ? 's' : ''})`);
    } finally {
      env.hub.reset();
      await page.close();
      if (!reused) await profile.close();
    }
  }
  return samples;
}

/** Contender order of repetition `rep`: alternating which goes first. */
export function alternate(rep: number): readonly Contender[] {
  return rep % 2 === 0 ? ['inpage', 'transformers.js'] : ['transformers.js', 'inpage'];
}
