/**
 * The download pipeline's stages on this machine, each alone and combined, in a dedicated worker
 * reading the bench's 86 MiB weights file over loopback (see "Where the download pipeline's time
 * goes" in bench/README.md). Each stage runs in a fresh worker after one untimed read; the stages
 * take turns, `--rounds` times (default 5), and the medians are printed: the stage's time, its
 * throughput against the plain read's, and the CPU time the whole machine spent meanwhile (every
 * process and core: the browser's, and this script's server; from /proc/stat, so Linux only).
 *
 *   npx tsx bench/pipeline-stages/run.ts [--rounds 5]
 *
 * @module
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { chromiumArgs, findChromium } from '../../tests/setup/chromium.ts';
import { median } from '../lib/stats.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const model = fileURLToPath(new URL('../models/inpage-realistic/all-MiniLM-L6-v2/onnx/model.onnx', import.meta.url));
const files: Record<string, string> = {
  '/worker.js': `${here}worker.js`,
  '/sha256.umd.min.js': fileURLToPath(new URL('../../node_modules/hash-wasm/dist/sha256.umd.min.js', import.meta.url)),
};
// `ready(name)` readies fresh workers for the stage (an untimed read, and what the stage needs);
// `stage()` then runs it. `plainBesideSha256`: a plain read while another worker hashes as many
// bytes from memory.
const page = `<!doctype html><script>
const ask = (worker, message) => new Promise((resolve, reject) => {
  worker.onmessage = (event) => resolve(event.data);
  worker.onerror = (event) => reject(new Error(event.message));
  worker.postMessage(message);
});
let run;
window.ready = async (name) => {
  const reader = new Worker('/worker.js');
  await ask(reader, 'warm');
  if (name.endsWith('InWriter')) await ask(reader, 'writer');
  if (name.endsWith('Alone')) await ask(reader, 'fill');
  const hasher = name === 'plainBesideSha256' ? new Worker('/worker.js') : undefined;
  if (hasher) await ask(hasher, 'fill');
  run = async () => {
    try {
      if (!hasher) return await ask(reader, name);
      const [ms] = await Promise.all([ask(reader, 'plain'), ask(hasher, 'sha256Alone')]);
      return ms;
    } finally {
      reader.terminate();
      hasher?.terminate();
    }
  };
};
window.stage = () => run();
</script>`;
const stages = [
  'plain',
  'intoBuffer',
  'byob',
  'sha256',
  'intoBufferSha256',
  'byobSha256',
  'byobSha256Blobs',
  'byobSubtleDigest',
  'plainBesideSha256',
  'byobSha256InWriter',
  'byobSha256BlobsInWriter',
  'sha256Alone',
  'subtleAlone',
  'touchAlone',
];
interface StagePage {
  ready(name: string): Promise<void>;
  stage(): Promise<number>;
}

/** The machine's busy CPU time so far, all cores, in ms; NaN without /proc/stat. */
function busyMs(): number {
  if (!existsSync('/proc/stat')) return NaN;
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) * 10; // USER_HZ is 100 on Linux
}

const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  response.setHeader('Cache-Control', 'no-store');
  if (path === '/model.onnx') {
    response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(model).size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(model, { highWaterMark: 1 << 20 }).pipe(response);
  } else if (files[path]) {
    response.writeHead(200, { 'Content-Type': 'text/javascript' });
    createReadStream(files[path]).pipe(response);
  } else response.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const browser = await chromium.launch({ executablePath: findChromium() ?? '/usr/bin/chromium', args: [...chromiumArgs] });
try {
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const runs = new Map(stages.map((stage) => [stage, { ms: [] as number[], cpuMs: [] as number[] }]));
  for (let round = 0; round < rounds; round++) {
    for (const stage of round % 2 ? [...stages].reverse() : stages) {
      await tab.evaluate((name) => (window as unknown as StagePage).ready(name), stage);
      const busy = busyMs();
      runs.get(stage)?.ms.push(await tab.evaluate(() => (window as unknown as StagePage).stage()));
      runs.get(stage)?.cpuMs.push(busyMs() - busy);
    }
  }
  const plain = median(runs.get('plain')?.ms ?? []);
  console.log(`${'stage'.padEnd(24)} ${'ms'.padStart(5)}  × plain  CPU ms  (each run's ms)`);
  for (const [stage, { ms, cpuMs }] of runs) {
    const p50 = median(ms);
    const columns = [p50.toFixed(0).padStart(5), `${(plain / p50).toFixed(2).padStart(6)}×`, median(cpuMs).toFixed(0).padStart(6)];
    console.log(`${stage.padEnd(24)} ${columns.join('  ')}  (${ms.map((m) => m.toFixed(0)).join(', ')})`);
  }
} finally {
  await browser.close();
  server.close();
}
