/**
 * Speech recognition soak: one chunked transcription of 30 windows (≈ 4 minutes of tones, windows
 * of 10 s every 8 s) on the Whisper fixture, streamed, with the memory of the page and its worker
 * measured after each window's text arrives. Asserts only the exact transcript; the memory figures
 * are printed and written to bench/results/audio-soak.json.
 */
import { afterAll, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { createClient } from 'inpage';
import { fixtureModels } from '../../tests/fixtures/expectations.ts';
import { toneSequence, toneWords } from '../../tests/fixtures/audio/tones.ts';
import { hubUrl, uniqueNamespace } from '../../tests/browser/support/hub.ts';

const WINDOWS = 30;
const CHUNK_S = 10;
const STRIDE_S = 1;
/** Windows start every CHUNK_S - 2 * STRIDE_S seconds; the last one ends with the audio. */
const seconds = (WINDOWS - 1) * (CHUNK_S - 2 * STRIDE_S) + CHUNK_S;
const words = Array.from({ length: seconds }, (_, i) => (i % 11 === 5 ? null : (toneWords[i % toneWords.length] ?? null)));
const expected = words
  .filter((word) => word !== null)
  .map((word) => ` ${word}`)
  .join('');

interface MemoryPerformance {
  measureUserAgentSpecificMemory?(): Promise<{ bytes: number }>;
  memory?: { usedJSHeapSize: number };
}

/** Bytes of the page and its workers (`measureUserAgentSpecificMemory`), else the page's JS heap. */
async function measure(): Promise<{ agentBytes: number | null; pageHeapBytes: number | null }> {
  const perf = performance as unknown as MemoryPerformance;
  const agent = perf.measureUserAgentSpecificMemory && crossOriginIsolated ? (await perf.measureUserAgentSpecificMemory()).bytes : null;
  return { agentBytes: agent, pageHeapBytes: perf.memory?.usedJSHeapSize ?? null };
}

const client = createClient({ hub: { endpoint: hubUrl }, storage: { namespace: uniqueNamespace('soak') }, device: 'wasm' });
afterAll(() => client.dispose());

it(`transcribes ${seconds} s in ${WINDOWS} windows exactly; memory per window reported`, async () => {
  const asr = await client.load('automatic-speech-recognition', fixtureModels.whisper);
  const samples = { samples: toneSequence(words, 16000), samplingRate: 16000 };
  const before = await measure();
  const rows: { piece: number; agentBytes: number | null; pageHeapBytes: number | null; ms: number }[] = [];
  const start = performance.now();
  let text = '';
  for await (const piece of asr.stream(samples, { chunkLengthS: CHUNK_S, strideLengthS: STRIDE_S, transfer: true })) {
    text += piece;
    rows.push({ piece: rows.length + 1, ...(await measure()), ms: Math.round(performance.now() - start) });
  }
  expect(text).toBe(expected);
  const mib = (bytes: number | null): string => (bytes === null ? 'n/a' : (bytes / 2 ** 20).toFixed(1));
  const report = { seconds, windows: WINDOWS, before, rows };
  console.log(`before: agent ${mib(before.agentBytes)} MiB, page heap ${mib(before.pageHeapBytes)} MiB`);
  for (const row of rows) console.log(`piece ${row.piece} at ${row.ms} ms: agent ${mib(row.agentBytes)} MiB, page heap ${mib(row.pageHeapBytes)} MiB`);
  await commands.writeFile('../results/audio-soak.json', `${JSON.stringify(report, null, 2)}\n`);
});
