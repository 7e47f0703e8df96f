import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from 'inpage';
import { fixtureModels, speechExample } from '../../fixtures/expectations.ts';
import { toneSequence, toneWords, wavBytes } from '../../fixtures/audio/tones.ts';
import { collect, fileClient, itOnWasm } from './task-support.ts';

const client = fileClient();
let asr: Model<'automatic-speech-recognition'>;

const { words, text } = speechExample;
const at = (rate: number): { samples: Float32Array; samplingRate: number } => ({ samples: toneSequence(words, rate), samplingRate: rate });
/** 32 s: longer than Whisper's 30 s window, so only a chunked run reads it all (4 windows of 12 s). */
const longWords = Array.from({ length: 32 }, (_, i) => (i % 9 === 4 ? null : (toneWords[i % toneWords.length] ?? null)));
const longText = longWords
  .filter((word) => word !== null)
  .map((word) => ` ${word}`)
  .join('');
const chunking = { chunkLengthS: 6, strideLengthS: 1 };
/** With returnTimestamps: one segment per word, spanning its 1 s slot of the whole audio. */
const segments = words.flatMap((word, slot) => (word === null ? [] : [{ text: ` ${word}`, timestamp: [slot, slot + 1] }]));

beforeAll(async () => {
  asr = await client.load('automatic-speech-recognition', fixtureModels.whisper);
});

describe('automatic-speech-recognition', () => {
  it('transcribes samples at the model rate exactly, and leaves them intact (copied)', async () => {
    const input = at(16000);
    expect(await asr.run(input)).toEqual({ text });
    expect(input.samples.length).toBe(words.length * 16000);
  });

  // Device-independent (main thread and worker JS): WASM only.
  itOnWasm('resamples samples at another rate in the worker (44.1 kHz)', async () => {
    expect(await asr.run(at(44100))).toEqual({ text });
  });

  // Device-independent (main thread and worker JS): WASM only.
  itOnWasm('decodes and resamples a WAV File on the main thread (22.05 kHz)', async () => {
    const file = new File([wavBytes(toneSequence(words, 22050), 22050)], 'tones.wav', { type: 'audio/wav' });
    expect(await asr.run(file)).toEqual({ text });
  });

  it('chunked equals unchunked (3 windows of 6 s)', async () => {
    expect(await asr.run(at(16000), chunking)).toEqual({ text });
  });

  it('reads audio longer than one window when chunked', async () => {
    const long = { samples: toneSequence(longWords, 16000), samplingRate: 16000 };
    expect(await asr.run(long, { chunkLengthS: 12, strideLengthS: 2 })).toEqual({ text: longText });
  });

  it('stream() pieces joined equal run(): by token unchunked, by window chunked', async () => {
    const pieces = await collect(asr.stream(at(16000)));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(text);
    const windows = await collect(asr.stream(at(16000), chunking));
    expect(windows.length).toBeGreaterThan(1);
    expect(windows.join('')).toBe(text);
  });

  it('returnTimestamps: one segment per word at its exact seconds, chunked equals unchunked', async () => {
    const timed = await asr.run(at(16000), { returnTimestamps: true });
    expect(timed).toEqual({ text, chunks: segments });
    expect(await asr.run(at(16000), { ...chunking, returnTimestamps: true })).toEqual({ text, chunks: segments });
  });

  // Device-independent (main thread and worker JS): WASM only.
  itOnWasm('returnTimestamps: stream() gives the text segment by segment; a non-boolean is a TypeError', async () => {
    const pieces = await collect(asr.stream(at(16000), { ...chunking, returnTimestamps: true }));
    expect(pieces).toEqual(segments.map((segment) => segment.text));
    expect(() => asr.run(at(16000), { returnTimestamps: 'word' } as never)).toThrow(TypeError);
  });

  // Device-independent (main thread and worker JS): WASM only.
  itOnWasm('{ transfer: true } moves the samples: the caller is left with a detached buffer', async () => {
    const input = at(16000);
    expect(await asr.run(input, { transfer: true })).toEqual({ text });
    expect(input.samples.length).toBe(0);
    await expect(Promise.resolve().then(() => asr.run(input))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('detached'),
    });
  });

  itOnWasm.each([
    ['an empty buffer', { samples: new Float32Array(0), samplingRate: 16000 }, 'empty'],
    ['a silent buffer', { samples: new Float32Array(16000), samplingRate: 16000 }, 'silent'],
    ['a missing rate', { samples: toneSequence(['do'], 16000) }, 'samplingRate is missing'],
    ['an invalid rate', { samples: toneSequence(['do'], 16000), samplingRate: 0 }, 'samplingRate must be'],
    ['an undecodable file', new File([new Uint8Array(64).fill(7)], 'noise.wav', { type: 'audio/wav' }), 'could not be decoded'],
  ])('%s is INVALID_INPUT', async (_name, input, message) => {
    await expect(Promise.resolve().then(() => asr.run(input as never))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(message),
    });
  });
});
