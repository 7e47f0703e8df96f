/**
 * `tsx bench/code-cache.ts [--visits 8] [--calls 100] [--builds plain,asyncify,jspi]
 * [--modes url,bytes,response] [--threads 2] [--settle 3000] [--out code-cache]`: does Chromium's wasm code cache slow
 * ONNX Runtime down on returning visits? A minimal page (onnxruntime-web alone, see
 * bench/code-cache/page.ts), served cross-origin isolated with immutable caching, is visited
 * `--visits` times on one new persistent profile per (build × load mode × threads), the browser
 * restarted before each visit and the page kept open `--settle` ms after the calls. The
 * combinations take turns on every visit, so a busy moment of the machine hits them all.
 * Mode `url-nocache` is `url` with the profile's `Code Cache/wasm` deleted before each visit.
 *
 * Writes bench/results/<out>.json and bench/results/<out>.md.
 * @module
 */
import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pageSource, workerSource } from './code-cache/page.ts';
import { chromiumVersion, launchProfile, startStaticServer } from './lib/servers.ts';
import type { ByteCounter, Profile } from './lib/servers.ts';
import { percentile, round } from './lib/stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    visits: { type: 'string', default: '8' },
    calls: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '10' },
    builds: { type: 'string', default: 'plain,asyncify,jspi' },
    modes: { type: 'string', default: 'url,bytes,response' },
    threads: { type: 'string', default: '2' },
    settle: { type: 'string', default: '3000' },
    model: { type: 'string', default: 'bench/models/inpage-realistic/all-MiniLM-L6-v2/onnx/model_quantized.onnx' },
    'js-flags': { type: 'string' },
    out: { type: 'string', default: 'code-cache' },
  },
});

const buildFiles = { plain: 'ort-wasm-simd-threaded', asyncify: 'ort-wasm-simd-threaded.asyncify', jspi: 'ort-wasm-simd-threaded.jspi' };
type Build = keyof typeof buildFiles;
const modes = ['url', 'bytes', 'response', 'url-nocache'] as const;
type Mode = (typeof modes)[number];
const list = <T extends string>(text: string, allowed: readonly T[]): T[] =>
  text.split(',').map((item) => {
    if (!allowed.includes(item as T)) throw new Error(`unknown value ${item}; one of ${allowed.join(', ')}`);
    return item as T;
  });

/** What the worker reports for one visit (see page.ts). */
interface WorkerReport {
  calls: { api: string; ms: number }[];
  fetchMs: number;
  runtimeReadyMs: number;
  firstCreateMs: number;
  createMs: number;
  times: number[];
  error?: string;
}

/** One visit of one combination. */
interface Visit {
  build: Build;
  mode: Mode;
  threads: number;
  visit: number;
  /** Size of the profile's `Code Cache/wasm` folder when the visit starts and after it. */
  codeCacheBytesBefore: number;
  codeCacheBytesAfter: number;
  runtimeBytesSent: number;
  wasmApis: string;
  runtimeReadyMs: number | null;
  firstCreateMs: number | null;
  createMs: number | null;
  p50: number | null;
  p95: number | null;
  loadAverage: number;
  error?: string;
}

async function folderBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(full) : ((await stat(full).catch(() => undefined))?.size ?? 0);
  }
  return total;
}

/** The served folder: the page, the worker, onnxruntime-web's files and the model under assets/. */
async function servedFolder(model: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inpage-code-cache-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), pageSource);
  await writeFile(path.join(dir, 'worker.mjs'), workerSource);
  const dist = path.join(root, 'node_modules/onnxruntime-web/dist');
  const files = ['ort.webgpu.min.mjs', ...Object.values(buildFiles).flatMap((name) => [`${name}.wasm`, `${name}.mjs`])];
  for (const file of files) await symlink(path.join(dist, file), path.join(dir, 'assets', file));
  await symlink(path.resolve(root, model), path.join(dir, 'assets', 'model.onnx'));
  return dir;
}

const visits = Number(values.visits);
const builds = list(values.builds, Object.keys(buildFiles) as Build[]);
const chosenModes = list(values.modes, modes);
const threadCounts = values.threads.split(',').map(Number);
const jsFlags = values['js-flags'] ? [`--js-flags=${values['js-flags']}`] : [];
const combos = builds.flatMap((build) => chosenModes.flatMap((mode) => threadCounts.map((threads) => ({ build, mode, threads }))));
const keyOf = (combo: { build: Build; mode: Mode; threads: number }): string => `${combo.build}|${combo.mode}|${combo.threads}`;

const served = await servedFolder(values.model);
const counter: ByteCounter = { bytes: 0 };
const server = await startStaticServer(served, counter);
const profiles = new Map<string, Profile>();
const results: Visit[] = [];
const loadBefore = os.loadavg();
const began = performance.now();
console.log(
  `${combos.length} profiles × ${visits} visits, ${values.calls} calls each; load average ${loadBefore.map((v) => v.toFixed(2)).join(' ')}`,
);
try {
  for (let visit = 1; visit <= visits; visit++) {
    const order = visit % 2 === 1 ? combos : [...combos].reverse();
    for (const combo of order) {
      const key = keyOf(combo);
      const existing = profiles.get(key);
      if (existing) await existing.restart();
      const profile = existing ?? (await launchProfile(jsFlags));
      profiles.set(key, profile);
      const cacheDir = path.join(profile.dir, 'Default', 'Code Cache', 'wasm');
      if (combo.mode === 'url-nocache') await rm(cacheDir, { recursive: true, force: true });
      const codeCacheBytesBefore = await folderBytes(cacheDir);
      counter.bytes = 0;
      const page = await profile.context.newPage();
      let report: WorkerReport;
      try {
        await page.goto(server.url);
        report = await page.evaluate((options) => (window as unknown as { measure(o: unknown): Promise<WorkerReport> }).measure(options), {
          build: buildFiles[combo.build],
          mode: combo.mode === 'url-nocache' ? 'url' : combo.mode,
          threads: combo.threads,
          warmup: Number(values.warmup),
          runs: Number(values.calls),
        });
      } catch (error) {
        report = { calls: [], fetchMs: 0, runtimeReadyMs: NaN, firstCreateMs: NaN, createMs: NaN, times: [], error: String(error) };
      }
      // Kept open, as a user's page would be, so V8 can write its code cache.
      await new Promise((resolve) => setTimeout(resolve, Number(values.settle)));
      await page.close();
      const sample: Visit = {
        ...combo,
        visit,
        codeCacheBytesBefore,
        codeCacheBytesAfter: await folderBytes(cacheDir),
        runtimeBytesSent: counter.bytes,
        wasmApis: report.calls.map((call) => call.api).join('+'),
        runtimeReadyMs: round(report.runtimeReadyMs),
        firstCreateMs: round(report.firstCreateMs),
        createMs: round(report.createMs),
        p50: round(percentile(report.times, 50), 2),
        p95: round(percentile(report.times, 95), 2),
        loadAverage: round(os.loadavg()[0] ?? NaN, 2) ?? 0,
        ...(report.error ? { error: report.error.slice(0, 400) } : {}),
      };
      results.push(sample);
      console.log(
        `visit ${visit} ${key}: cache ${(codeCacheBytesBefore / 2 ** 20).toFixed(1)}→${(sample.codeCacheBytesAfter / 2 ** 20).toFixed(1)} MiB, ${sample.wasmApis}, runtime ${sample.runtimeReadyMs} ms, create ${sample.createMs} ms, p50 ${sample.p50} p95 ${sample.p95} ms (load ${sample.loadAverage})${sample.error ? ` ERROR ${sample.error}` : ''}`,
      );
    }
  }
} finally {
  for (const profile of profiles.values()) await profile.close();
  await server.close();
  await rm(served, { recursive: true, force: true });
}

const loadAfter = os.loadavg();
const minutes = (performance.now() - began) / 60_000;
const fmt = (value: number | null, digits = 1): string => (value === null ? '–' : value.toFixed(digits));
const median = (items: (number | null)[]): number =>
  percentile(
    items.filter((v): v is number => v !== null),
    50,
  );
const lines = [
  `# Returning visits and the wasm code cache (bench/code-cache.ts)`,
  '',
  `Chromium ${chromiumVersion()}, onnxruntime-web alone (${path.basename(values.model)}, 1 × 16 tokens, CPU EP), ${visits} visits per profile, ${values.calls} timed calls after ${values.warmup} warm-up, page kept open ${values.settle} ms. ` +
    `Load average ${loadBefore.map((v) => v.toFixed(2)).join(' ')} before, ${loadAfter.map((v) => v.toFixed(2)).join(' ')} after; ${minutes.toFixed(1)} min.${jsFlags.length ? ` Flags: ${jsFlags.join(' ')}.` : ''}`,
  '',
  '### Run p50 (ms) per visit',
  '',
  `| build | mode | threads | ${Array.from({ length: visits }, (_, i) => `v${i + 1}`).join(' | ')} | median v1–v${visits} | median v3–v${visits} |`,
  `|---|---|---|${'---|'.repeat(visits + 2)}`,
  ...combos.map((combo) => {
    const rows = results.filter((r) => keyOf(r) === keyOf(combo));
    const p50s = rows.map((r) => r.p50);
    return `| ${combo.build} | ${combo.mode} | ${combo.threads} | ${p50s.map((v) => fmt(v)).join(' | ')} | ${fmt(median(p50s))} | ${fmt(median(p50s.slice(2)))} |`;
  }),
  '',
  '### Per visit: code cache, runtime start, session create, run p50/p95',
  '',
  '| build | mode | threads | visit | Code Cache/wasm before → after (MiB) | wasm APIs | runtime ready ms | first create ms | 2nd create ms | p50 ms | p95 ms | load |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.build} | ${r.mode} | ${r.threads} | ${r.visit} | ${(r.codeCacheBytesBefore / 2 ** 20).toFixed(1)} → ${(r.codeCacheBytesAfter / 2 ** 20).toFixed(1)} | ${r.wasmApis} | ${fmt(r.runtimeReadyMs, 0)} | ${fmt(r.firstCreateMs, 0)} | ${fmt(r.createMs, 0)} | ${fmt(r.p50, 2)} | ${fmt(r.p95, 2)} | ${r.loadAverage} |`,
  ),
  '',
];
const results_dir = path.join(root, 'bench/results');
await writeFile(
  path.join(results_dir, `${values.out}.json`),
  JSON.stringify(
    { chromium: chromiumVersion(), options: values, loadAverage: { before: loadBefore, after: loadAfter }, minutes, results },
    null,
    2,
  ) + '\n',
);
await writeFile(path.join(results_dir, `${values.out}.md`), lines.join('\n'));
console.log(lines.join('\n'));
