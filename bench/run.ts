/**
 * `npm run bench` (≈ 12 min, size-realistic models) and `npm run bench -- --quick` (≈ 1.5 min,
 * tiny fixtures, one repetition; for CI). Builds bench/page for production, serves it, drives
 * headless Chromium (persistent profiles) against it and the local Hub, then writes bench/results/latest.json, bench/RESULTS.md and
 * bench/results/chart.svg. Exits non-zero only when the harness itself breaks.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFixtures } from '../tests/fixtures/generate.ts';
import { fixtureAliases } from '../tests/fixtures/aliases.ts';
import { realisticAliases, writeRealistic } from '../tests/fixtures/realistic/generate.ts';
import { bundleSizes } from './lib/bundle.ts';
import { callBenchmarks, frameBenchmarks, threadBenchmarks, webGpuCheck } from './lib/calls.ts';
import { benchConfig } from './lib/config.ts';
import type { BenchConfig } from './lib/config.ts';
import type { Contender } from './page/protocol.ts';
import { coldLoads, floors, resumeWaste, warmLoads, warmProfiles } from './lib/loads.ts';
import { pipelineProfiles } from './lib/pipeline.ts';
import { renderChart, renderMarkdown } from './lib/report.ts';
import type { ResultsDocument } from './lib/report.ts';
import { startEnvironment } from './lib/servers.ts';
import type { Profile } from './lib/servers.ts';
import { summarize } from './lib/summary.ts';
import { returningVisits } from './lib/visits.ts';
import type { RawResults } from './lib/summary.ts';

const benchDir = fileURLToPath(new URL('./', import.meta.url));

/** Where a mode writes: the full run to bench/RESULTS.md + bench/results/, `--quick` to bench/results/quick/ (never over the full results). */
interface Outputs {
  json: URL;
  svg: URL;
  markdown: URL;
  /** The chart as linked from the Markdown file. */
  chartLink: string;
}

function outputsFor(quick: boolean, partial = false): Outputs {
  if (quick || partial) {
    const folder = quick ? 'quick' : 'partial';
    return {
      json: new URL(`./results/${folder}/latest.json`, import.meta.url),
      svg: new URL(`./results/${folder}/chart.svg`, import.meta.url),
      markdown: new URL(`./results/${folder}/RESULTS.md`, import.meta.url),
      chartLink: 'chart.svg',
    };
  }
  return {
    json: new URL('./results/latest.json', import.meta.url),
    svg: new URL('./results/chart.svg', import.meta.url),
    markdown: new URL('./RESULTS.md', import.meta.url),
    chartLink: 'results/chart.svg',
  };
}

/** The chat benchmark's table (`npx tsx bench/chat.ts` writes it), kept in the full report. */
const chatResults = new URL('./results/chat.md', import.meta.url);

async function writeOutputs(outputs: Outputs, doc: ResultsDocument, raw: RawResults): Promise<void> {
  await mkdir(new URL('./', outputs.json), { recursive: true });
  await writeFile(outputs.json, `${JSON.stringify({ ...doc, raw }, null, 2)}\n`);
  await writeFile(outputs.svg, renderChart(doc));
  const chat = doc.mode === 'full' && existsSync(chatResults) ? `\n${await readFile(chatResults, 'utf8')}` : '';
  await writeFile(outputs.markdown, `${renderMarkdown(doc, outputs.chartLink)}${chat}`);
}

async function ensureModels(quick: boolean, root: string): Promise<void> {
  if (existsSync(root)) return;
  console.log(`generating models into ${root} …`);
  if (quick) await writeFixtures(root);
  else await writeRealistic(root, ['minilm', 'distilbert']);
}

/** The steps `--only` can name. */
const stepNames = ['bundles', 'cold', 'pipeline', 'warm', 'calls', 'floor', 'frames', 'resume', 'threads', 'visits', 'webgpu'] as const;
type StepName = (typeof stepNames)[number];

/** `--only cold,calls`: the steps to run (all when absent). A partial run's report shows only what it measured. */
function parseOnly(value: string | undefined): ReadonlySet<StepName> | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(stepNames as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`--only: unknown step ${unknown.join(', ')} (one of ${stepNames.join(', ')})`);
  return new Set(names as StepName[]);
}

/** Runs `step`, recording (not throwing) its failure so the other measurements still report. */
async function step<T>(raw: RawResults, name: string, work: () => Promise<T>): Promise<T | undefined> {
  console.log(`${name} …`);
  const start = performance.now();
  try {
    const result = await work();
    console.log(`  (${((performance.now() - start) / 1000).toFixed(1)} s)`);
    return result;
  } catch (error) {
    const message = `${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    console.error(`  failed: ${message}`);
    raw.errors.push(message);
    return undefined;
  }
}

/** Writes latest.json, RESULTS.md and chart.svg from what has been measured so far. */
async function writeReport(
  raw: RawResults,
  config: BenchConfig,
  started: number,
  browserVersion: string,
  partial: boolean,
): Promise<ResultsDocument> {
  const { summary, targets } = summarize(raw);
  const doc: ResultsDocument = {
    mode: config.mode,
    date: new Date().toISOString(),
    durationS: (performance.now() - started) / 1000,
    environment: {
      node: process.version,
      chromium: browserVersion,
      cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
      loadAverage: os.loadavg().map((v) => Number(v.toFixed(1))),
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
      hub: 'local (loopback), tests/hub/server.ts',
      page: 'production build of bench/page (vite build), static server with COOP/COEP, hashed assets immutable; persistent Chromium profiles',
      models: `${config.loadModel.model} ${config.loadModel.dtype} (loads), ${config.sentimentModel.model} ${config.sentimentModel.dtype} (calls)`,
      repetitions: config.repetitions,
    },
    summary,
    targets,
    errors: raw.errors,
  };
  await writeOutputs(outputsFor(config.mode === 'quick', partial), doc, raw);
  return doc;
}

/** `--render`: recomputes the summary and rewrites the report from the raw samples in latest.json. */
async function rerender(quick: boolean): Promise<void> {
  const outputs = outputsFor(quick);
  const saved = JSON.parse(await readFile(outputs.json, 'utf8')) as ResultsDocument & { raw: RawResults };
  const { summary, targets } = summarize(saved.raw);
  const { raw, ...rest } = saved;
  await writeOutputs(outputs, { ...rest, summary, targets }, raw);
  console.log(`re-rendered ${fileURLToPath(outputs.markdown)} from ${fileURLToPath(outputs.json)}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      webgpu: { type: 'boolean' },
      render: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
    strict: true,
  });
  if (values.render) return rerender(values.quick ?? false);
  const quick = values.quick ?? false;
  const only = parseOnly(values.only);
  const runs = (name: StepName): boolean => only === undefined || only.has(name);
  const config = benchConfig(quick);
  const started = performance.now();
  await ensureModels(quick, config.modelsRoot);
  const aliases = quick ? fixtureAliases : realisticAliases;
  const env = await startEnvironment(config.modelsRoot, aliases);
  const raw: RawResults = { errors: [] };
  const { browserVersion } = env;
  let profiles: Record<Contender, Profile> | undefined;
  let coldProfiles: Partial<Record<Contender, Profile>> = {};
  // The report is rewritten after every step, so an interrupted run still leaves its numbers.
  const save = (): Promise<unknown> => writeReport(raw, config, started, browserVersion, only !== undefined);
  try {
    if (runs('bundles')) raw.bundles = await step(raw, 'bundle sizes', bundleSizes);
    if (runs('cold')) {
      const cold = await step(raw, 'cold loads', () => coldLoads(env, config));
      raw.cold = cold?.samples;
      coldProfiles = cold?.profiles ?? {};
      await save();
    }
    if (runs('pipeline')) {
      raw.pipeline = await step(raw, 'download pipeline vs plain fetch', () => pipelineProfiles(env, config));
      const pace = config.pipelinePace;
      if (pace !== null) {
        const name = `download pipeline vs plain fetch, sent at ${pace / 2 ** 20} MiB/s`;
        raw.pipelinePaced = await step(raw, name, () => pipelineProfiles(env, config, { pace, repetitions: 3 }));
      }
    }
    await save();
    const needsWarm = (['warm', 'calls', 'floor', 'frames', 'threads'] as const).some(runs);
    if (needsWarm) profiles = await step(raw, 'priming warm profiles', () => warmProfiles(env, config, coldProfiles));
    const warm = profiles;
    if (warm) {
      if (runs('warm')) raw.warm = await step(raw, 'warm loads', () => warmLoads(env, config, warm));
      await save();
      if (runs('calls')) raw.calls = await step(raw, 'latency + throughput', () => callBenchmarks(env, config, warm));
      await save();
      if (config.floor && runs('floor')) raw.floor = await step(raw, 'warm-load floor', () => floors(env, config, warm['transformers.js']));
      if (runs('frames')) raw.frames = await step(raw, 'main-thread frames', () => frameBenchmarks(env, config, warm));
      await save();
    }
    if (runs('resume')) raw.resume = await step(raw, 'resume after a cut', () => resumeWaste(env, config, aliases, warm ?? {}));
    await save();
    if (warm && config.threadSettings.length > 0 && runs('threads'))
      raw.threads = await step(raw, 'WASM threads', () => threadBenchmarks(env, config, warm));
    await save();
    if (runs('visits')) raw.visits = await step(raw, 'returning visits', () => returningVisits(env, config));
    await save();
    if ((values.webgpu ?? config.webgpu) && (only === undefined || only.has('webgpu')))
      raw.webgpu = await step(raw, 'WebGPU correctness', () => webGpuCheck(env, config));
  } finally {
    await Promise.all(Object.values({ ...coldProfiles, ...profiles }).map((profile) => profile.close()));
    await env.close();
  }
  const doc = await writeReport(raw, config, started, browserVersion, only !== undefined);
  const { targets } = doc;
  console.log(
    `\n${targets.map((t) => `${t.met === null ? '?' : t.met ? '✓' : '✗'} ${t.name}: ${t.value} (target ${t.target})`).join('\n')}`,
  );
  const outputs = outputsFor(quick, only !== undefined);
  console.log(
    `\nwrote ${[outputs.markdown, outputs.json, outputs.svg].map((u) => fileURLToPath(u).replace(benchDir, 'bench/')).join(', ')} in ${doc.durationS.toFixed(0)} s`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
