/**
 * Load benchmarks: cold (empty browser profile), warm (fresh page and worker, stored files),
 * the warm-load floor, and the bytes wasted when a download is cut at 50%.
 *
 * @module
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright';
import type { Contender, FloorResult, LoadResult, LoadSpec } from '../page/protocol.ts';
import type { BenchConfig, ModelSpec } from './config.ts';
import { callBench, openBenchPage } from './servers.ts';
import type { BenchEnvironment } from './servers.ts';

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

async function measuredLoad(env: BenchEnvironment, context: BrowserContext, contender: Contender, spec: LoadSpec): Promise<{ sample: LoadSample; page: Page }> {
  const page = await openBenchPage(context, env.url);
  env.hub.clearRequests();
  env.runtime.bytes = 0;
  const result = await callBench(page, 'load', contender, spec);
  const modelBytes = env.hub.requests.reduce((sum, r) => sum + r.bytesSent, 0);
  return { sample: { ...result, contender, modelBytes, runtimeBytes: env.runtime.bytes }, page };
}

/** Cold loads: a new browser context (empty storage and HTTP cache) per load, contenders alternating. */
export async function coldLoads(env: BenchEnvironment, config: BenchConfig): Promise<{ samples: LoadSample[]; contexts: Partial<Record<Contender, BrowserContext>> }> {
  const samples: LoadSample[] = [];
  const contexts: Partial<Record<Contender, BrowserContext>> = {};
  for (let rep = 0; rep < config.repetitions; rep++) {
    for (const contender of alternate(rep)) {
      const context = await env.browser.newContext();
      const { sample, page } = await measuredLoad(env, context, contender, specFor(env, config.loadModel));
      await page.close();
      samples.push(sample);
      console.log(`  cold ${contender} #${rep + 1}: ${sample.readyMs.toFixed(0)} ms${sample.error ? ` (${sample.error})` : ''}`);
      // The last repetition's contexts become the warm ones.
      await contexts[contender]?.close();
      contexts[contender] = sample.error ? undefined : context;
      if (sample.error) await context.close();
    }
  }
  return { samples, contexts };
}

/** The warm contexts: one per contender (from the cold loads when given), primed with both models. */
export async function warmContexts(env: BenchEnvironment, config: BenchConfig, fromCold: Partial<Record<Contender, BrowserContext>> = {}): Promise<Record<Contender, BrowserContext>> {
  const contexts = {} as Record<Contender, BrowserContext>;
  for (const contender of ['inpage', 'transformers.js'] as const) {
    const reused = fromCold[contender];
    const context = reused ?? (await env.browser.newContext());
    const models = reused ? [config.sentimentModel] : [config.loadModel, config.sentimentModel];
    const pending = models.filter((m) => !(reused && m.model === config.loadModel.model && m.dtype === config.loadModel.dtype));
    if (pending.length > 0) {
      const page = await openBenchPage(context, env.url);
      for (const model of pending) {
        const primed = await callBench(page, 'load', contender, specFor(env, model));
        if (primed.error) throw new Error(`priming ${contender} ${model.model}: ${primed.error}`);
      }
      await page.close();
    }
    contexts[contender] = context;
  }
  return contexts;
}

/** Warm loads: a fresh page (fresh worker, runtime and session) per load, files already stored. */
export async function warmLoads(env: BenchEnvironment, config: BenchConfig, contexts: Record<Contender, BrowserContext>): Promise<LoadSample[]> {
  const samples: LoadSample[] = [];
  for (let rep = 0; rep < config.repetitions; rep++) {
    for (const contender of alternate(rep)) {
      const { sample, page } = await measuredLoad(env, contexts[contender], contender, specFor(env, config.loadModel));
      await page.close();
      samples.push(sample);
      console.log(`  warm ${contender} #${rep + 1}: ${sample.readyMs.toFixed(0)} ms`);
    }
  }
  return samples;
}

/** The floor, measured in the transformers.js context (its Cache API holds the tokenizer). */
export async function floors(env: BenchEnvironment, config: BenchConfig, context: BrowserContext): Promise<FloorResult[]> {
  const results: FloorResult[] = [];
  for (let rep = 0; rep < config.repetitions; rep++) {
    const page = await openBenchPage(context, env.url);
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
export async function resumeWaste(env: BenchEnvironment, config: BenchConfig, aliases: Record<string, string>, contexts: Partial<Record<Contender, BrowserContext>>): Promise<ResumeSample[]> {
  const { model, file, chunkSize } = config.resume;
  const folder = aliases[model.model] ?? model.model;
  const fileBytes = statSync(path.join(config.modelsRoot, folder, file)).size;
  const samples: ResumeSample[] = [];
  for (const contender of ['inpage', 'transformers.js'] as const) {
    const reused = contexts[contender];
    const context = reused ?? (await env.browser.newContext());
    const page = await openBenchPage(context, env.url);
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
      if (!reused) await context.close();
    }
  }
  return samples;
}

/** Contender order of repetition `rep`: alternating which goes first. */
export function alternate(rep: number): readonly Contender[] {
  return rep % 2 === 0 ? ['inpage', 'transformers.js'] : ['transformers.js', 'inpage'];
}
