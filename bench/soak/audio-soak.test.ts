/**
 * Speech recognition soak: one chunked transcription of 30 windows (≈ 2 minutes of tones, windows
 * of 10 s every 4 s; `VITE_SOAK_WINDOWS` changes the count) on the Whisper fixture, streamed, with
 * the worker's WebAssembly memory and JS heap and the page's JS heap measured after each piece. Asserts only the exact transcript; the memory figures
 * are printed and written to bench/results/audio-soak.json.
 */
import { afterAll, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { createClient } from 'inpage';
import { fixtureModels } from '../../tests/fixtures/expectations.ts';
import { toneSequence, toneWords } from '../../tests/fixtures/audio/tones.ts';
import { hubUrl, uniqueNamespace } from '../../tests/browser/support/hub.ts';

const WINDOWS = Number(import.meta.env['VITE_SOAK_WINDOWS'] ?? 30);
const CHUNK_S = 10;
const STRIDE_S = 3;
/** Windows start every CHUNK_S - 2 * STRIDE_S seconds; the last one ends with the audio. */
const seconds = (WINDOWS - 1) * (CHUNK_S - 2 * STRIDE_S) + CHUNK_S;
/**
 * Pseudo-random words (a fixed LCG), one silent second in 11: a periodic sequence would let the
 * merge of overlapping windows align on the wrong period.
 */
let seed = 7;
const words = Array.from({ length: seconds }, (_, i) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return i % 11 === 5 ? null : (toneWords[seed % toneWords.length] ?? null);
});
const expected = words
  .filter((word) => word !== null)
  .map((word) => ` ${word}`)
  .join('');

interface WorkerMemory {
  wasmBytes: number;
  workerHeapBytes: number | null;
}

let worker: Worker | undefined;
const soakWorker = (): Worker => (worker = new Worker(new URL('./soak-worker.ts', import.meta.url), { type: 'module' }));

/** The worker's memory (its WebAssembly memories, its JS heap where exposed) and the page's JS heap. */
async function measure(): Promise<WorkerMemory & { pageHeapBytes: number | null }> {
  const channel = new MessageChannel();
  const answer = new Promise<WorkerMemory>(
    (resolve) => (channel.port1.onmessage = (event: MessageEvent<WorkerMemory>) => resolve(event.data)),
  );
  worker?.postMessage({ type: 'soak:memory' }, [channel.port2]);
  const page = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null;
  return { ...(await answer), pageHeapBytes: page };
}

const client = createClient({
  hub: { endpoint: hubUrl },
  storage: { namespace: uniqueNamespace('soak') },
  device: 'wasm',
  worker: soakWorker,
});
afterAll(() => client.dispose());

it(`transcribes ${seconds} s in ${WINDOWS} windows exactly; memory per window reported`, async () => {
  const asr = await client.load('automatic-speech-recognition', fixtureModels.whisper);
  const samples = { samples: toneSequence(words, 16000), samplingRate: 16000 };
  const before = await measure();
  const rows: (Awaited<ReturnType<typeof measure>> & { piece: number; ms: number })[] = [];
  const start = performance.now();
  let text = '';
  for await (const piece of asr.stream(samples, { chunkLengthS: CHUNK_S, strideLengthS: STRIDE_S, transfer: true })) {
    text += piece;
    rows.push({ piece: rows.length + 1, ...(await measure()), ms: Math.round(performance.now() - start) });
  }
  expect(text).toBe(expected);
  const mib = (bytes: number | null): string => (bytes === null ? 'n/a' : (bytes / 2 ** 20).toFixed(1));
  const report = { seconds, windows: WINDOWS, before, rows };
  const line = (m: Awaited<ReturnType<typeof measure>>): string =>
    `worker wasm ${mib(m.wasmBytes)} MiB, worker heap ${mib(m.workerHeapBytes)} MiB, page heap ${mib(m.pageHeapBytes)} MiB`;
  console.log(`before: ${line(before)}`);
  for (const row of rows) console.log(`piece ${row.piece} at ${row.ms} ms: ${line(row)}`);
  await commands.writeFile('bench/results/audio-soak.json', `${JSON.stringify(report, null, 2)}\n`);
});
