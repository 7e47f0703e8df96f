/**
 * The download pipeline's stages on this machine, each alone and combined, in a dedicated worker
 * reading the bench's 86 MiB weights file over loopback (see "Where the download pipeline's time
 * goes" in bench/README.md). Each stage runs in a fresh worker after one untimed read; the stages
 * take turns, `--rounds` times (default 5), and the medians are printed.
 *
 *   npx tsx bench/pipeline-stages/run.ts [--rounds 5]
 *
 * @module
 */
import { createReadStream, statSync } from 'node:fs';
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
// `stage(name)`: the stage in a fresh worker, after an untimed read. `plainBesideSha256`: a plain read
// while another worker hashes as many bytes from memory (the read's time).
const page = `<!doctype html><script>
const ask = (worker, message) => new Promise((resolve, reject) => {
  worker.onmessage = (event) => resolve(event.data);
  worker.onerror = (event) => reject(new Error(event.message));
  worker.postMessage(message);
});
window.stage = async (name) => {
  const reader = new Worker('/worker.js');
  await ask(reader, 'warm');
  if (name !== 'plainBesideSha256') return ask(reader, name).finally(() => reader.terminate());
  const hasher = new Worker('/worker.js');
  await ask(hasher, 'fill');
  const [ms] = await Promise.all([ask(reader, 'plain'), ask(hasher, 'sha256Alone')]);
  reader.terminate();
  hasher.terminate();
  return ms;
};
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
];

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
  const times = new Map<string, number[]>(stages.map((stage) => [stage, []]));
  for (let round = 0; round < rounds; round++) {
    for (const stage of round % 2 ? [...stages].reverse() : stages) {
      times
        .get(stage)
        ?.push(await tab.evaluate((name) => (window as unknown as { stage(name: string): Promise<number> }).stage(name), stage));
    }
  }
  const plain = median(times.get('plain') ?? []);
  for (const [stage, ms] of times) {
    const p50 = median(ms);
    console.log(
      `${stage.padEnd(18)} ${p50.toFixed(0).padStart(5)} ms  ${(plain / p50).toFixed(2)}× the plain read  (${ms.map((m) => m.toFixed(0)).join(', ')})`,
    );
  }
} finally {
  await browser.close();
  server.close();
}
