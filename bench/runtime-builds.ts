/**
 * `tsx bench/runtime-builds.ts [--model path/to/model.onnx] [--rounds 3] [--runs 40]`: the ONNX
 * Runtime builds side by side on WASM sessions, in headless system Chromium (cross-origin
 * isolated, so threads work). Each measurement is a fresh worker that imports onnxruntime-web's
 * `webgpu` JS layer (the one transformers.js uses), points `wasmPaths` at one build, creates a
 * CPU session from the model's bytes and times `session.run`. Builds alternate order each round.
 * Prints per-build medians and the plain/asyncify ratios. Timings are noisy on a shared machine:
 * read them with the load average printed next to them.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { chromiumArgs, findChromium } from '../tests/setup/chromium.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const ortDist = path.join(root, 'node_modules/onnxruntime-web/dist');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: path.join(root, 'bench/models/inpage-realistic/all-MiniLM-L6-v2/onnx/model_quantized.onnx') },
    rounds: { type: 'string', default: '2' },
    runs: { type: 'string', default: '15' },
    threads: { type: 'string', default: '1,2' },
  },
});

const builds = { plain: 'ort-wasm-simd-threaded', asyncify: 'ort-wasm-simd-threaded.asyncify', jspi: 'ort-wasm-simd-threaded.jspi' };
type Build = keyof typeof builds;

/** One fresh worker: one build, one thread count, one shape. */
const workerSource = `
import * as ort from '/ort/ort.webgpu.min.mjs';
onmessage = async ({ data: { file, threads, runs, batch, length } }) => {
  ort.env.wasm.wasmPaths = { wasm: '/ort/' + file + '.wasm', mjs: '/ort/' + file + '.mjs' };
  ort.env.wasm.numThreads = threads;
  const bytes = new Uint8Array(await (await fetch('/model.onnx')).arrayBuffer());
  const begin = performance.now();
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const create = performance.now() - begin;
  const ids = BigInt64Array.from({ length: batch * length }, (_, i) => BigInt(100 + ((i * 7919) % 20000)));
  const feeds = {};
  for (const name of session.inputNames)
    feeds[name] = new ort.Tensor('int64', name === 'input_ids' ? ids : name === 'attention_mask' ? ids.map(() => 1n) : ids.map(() => 0n), [batch, length]);
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await session.run(feeds);
    times.push(performance.now() - start);
  }
  await session.release();
  postMessage({ create, times });
};`;

const page = `<!doctype html><script type="module">
window.measure = (options) => new Promise((resolve, reject) => {
  const worker = new Worker('/worker.mjs', { type: 'module' });
  worker.onmessage = ({ data }) => { worker.terminate(); resolve(data); };
  worker.onerror = (event) => { worker.terminate(); reject(new Error(event.message || 'worker failed')); };
  worker.postMessage(options);
});
</script>`;

const server = createServer((req, res) => {
  void (async () => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    if (url.pathname === '/') return res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
    if (url.pathname === '/worker.mjs') return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(workerSource);
    if (url.pathname === '/model.onnx') {
      const model = await readFile(values.model);
      return res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(model);
    }
    const name = path.basename(url.pathname);
    const bytes = await readFile(path.join(ortDist, name));
    return res.writeHead(200, { 'Content-Type': name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' }).end(bytes);
  })().catch(() => (res.headersSent ? res.end() : res.writeHead(404).end()));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const load = (): string =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

const browser = await chromium.launch({ executablePath: findChromium() ?? '/usr/bin/chromium', headless: true, args: [...chromiumArgs] });
const tab = await browser.newPage();
await tab.goto(`${origin}/`);
const shapes = [
  { name: '1 × 16 tokens', batch: 1, length: 16 },
  { name: '4 × 32 tokens', batch: 4, length: 32 },
];
const compared: Build[] = ['plain', 'asyncify', 'jspi'];
const threadCounts = values.threads.split(',').map(Number);
const results = new Map<string, { create: number[]; run: number[] }>();
console.log(`model ${path.relative(root, values.model)}; load average before: ${load()}`);
for (let round = 0; round < Number(values.rounds); round++) {
  const order = round % 2 === 0 ? compared : [...compared].reverse();
  for (const threads of threadCounts)
    for (const shape of shapes)
      for (const build of order) {
        const { create, times } = await tab.evaluate(
          (options) => (window as unknown as { measure(o: unknown): Promise<{ create: number; times: number[] }> }).measure(options),
          { file: builds[build], threads, runs: Number(values.runs), batch: shape.batch, length: shape.length },
        );
        const key = `${threads}|${shape.name}|${build}`;
        const entry = results.get(key) ?? { create: [], run: [] };
        entry.create.push(create);
        entry.run.push(median(times));
        results.set(key, entry);
        console.log(`round ${round + 1}: ${key} create ${create.toFixed(0)} ms, run p50 ${median(times).toFixed(2)} ms (load ${load()})`);
      }
}
console.log(`load average after: ${load()}`);
console.log('| threads | input | build | session create (first, incl. runtime start) ms | run p50 ms | run p50 ÷ asyncify |');
console.log('|---|---|---|---|---|---|');
for (const threads of threadCounts)
  for (const shape of shapes)
    for (const build of compared) {
      const entry = results.get(`${threads}|${shape.name}|${build}`);
      const base = results.get(`${threads}|${shape.name}|asyncify`);
      if (!entry || !base) continue;
      const ratio = median(entry.run) / median(base.run);
      console.log(
        `| ${threads} | ${shape.name} | ${build} | ${median(entry.create).toFixed(0)} | ${median(entry.run).toFixed(2)} | ${ratio.toFixed(3)} |`,
      );
    }
await browser.close();
server.close();
