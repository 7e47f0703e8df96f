import { describe, expect, it } from 'vitest';
import { automaticSpeechRecognitionTask } from '../../../src/tasks/automatic-speech-recognition.ts';
import { audioTransfer, checkAudioInput, prepareAudio } from '../../../src/tasks/audio-input.ts';
import { resample } from '../../../src/worker/resample.ts';
import { expectInpageError, expectRangeError, expectTypeError } from './helpers.ts';

const task = 'automatic-speech-recognition';
const tone = (rate: number, frequency: number, seconds = 1): Float32Array =>
  Float32Array.from({ length: rate * seconds }, (_, n) => 0.5 * Math.sin((2 * Math.PI * frequency * n) / rate));

/** The amplitude of `frequency` in `samples` (a single-bin DFT). */
function amplitude(samples: Float32Array, rate: number, frequency: number): number {
  let re = 0;
  let im = 0;
  samples.forEach((x, n) => {
    re += x * Math.cos((2 * Math.PI * frequency * n) / rate);
    im += x * Math.sin((2 * Math.PI * frequency * n) / rate);
  });
  return (2 * Math.hypot(re, im)) / samples.length;
}

describe('audio inputs', () => {
  it('accepts samples with a rate and a non-empty Blob', () => {
    expect(() => checkAudioInput(task, { samples: tone(16000, 440), samplingRate: 16000 })).not.toThrow();
    expect(() => checkAudioInput(task, new Blob([new Uint8Array(4)]))).not.toThrow();
  });

  it('refuses unusable audio with INVALID_INPUT, wrong types with TypeError', () => {
    expectInpageError(() => checkAudioInput(task, { samples: new Float32Array(0), samplingRate: 16000 }), 'INVALID_INPUT', 'empty');
    expectInpageError(() => checkAudioInput(task, { samples: new Float32Array(100), samplingRate: 16000 }), 'INVALID_INPUT', 'silent');
    expectInpageError(() => checkAudioInput(task, { samples: tone(16000, 440) }), 'INVALID_INPUT', 'samplingRate is missing');
    expectInpageError(() => checkAudioInput(task, { samples: tone(16000, 440), samplingRate: 1e6 }), 'INVALID_INPUT', '3000 to 768000');
    expectInpageError(
      () => checkAudioInput(task, { samples: Float32Array.of(0.1, Number.NaN), samplingRate: 16000 }),
      'INVALID_INPUT',
      'NaN',
    );
    expectInpageError(() => checkAudioInput(task, new Blob([])), 'INVALID_INPUT', 'empty');
    const samples = tone(16000, 440);
    structuredClone(samples.buffer, { transfer: [samples.buffer] });
    expectInpageError(() => checkAudioInput(task, { samples, samplingRate: 16000 }), 'INVALID_INPUT', 'detached');
    expectTypeError(() => checkAudioInput(task, 'speech.wav'), 'input must be');
    expectTypeError(() => checkAudioInput(task, { samples: [0.1], samplingRate: 16000 }), 'Float32Array');
  });

  it("moves the caller's samples only with { transfer: true }", async () => {
    const input = { samples: tone(16000, 440), samplingRate: 16000 };
    expect(audioTransfer(await prepareAudio(task, input, undefined))).toEqual([]);
    expect(audioTransfer(await prepareAudio(task, input, { transfer: true }))).toEqual([input.samples.buffer]);
  });

  it('checks the chunking options', () => {
    const input = { samples: tone(16000, 440), samplingRate: 16000 };
    expectRangeError(() => automaticSpeechRecognitionTask.validate(input, { chunkLengthS: 31 }), 'chunkLengthS');
    expectRangeError(() => automaticSpeechRecognitionTask.validate(input, { chunkLengthS: 10, strideLengthS: 5 }), 'strideLengthS');
    expectRangeError(() => automaticSpeechRecognitionTask.validate(input, { strideLengthS: 1 }), 'needs "chunkLengthS"');
    expect(() => automaticSpeechRecognitionTask.validate(input, { chunkLengthS: 30, strideLengthS: 5, transfer: true })).not.toThrow();
  });

  it('checks returnTimestamps: a boolean (word-level timestamps are not supported)', () => {
    const input = { samples: tone(16000, 440), samplingRate: 16000 };
    expectTypeError(() => automaticSpeechRecognitionTask.validate(input, { returnTimestamps: 'word' }), 'returnTimestamps');
    expect(() => automaticSpeechRecognitionTask.validate(input, { returnTimestamps: true, chunkLengthS: 6 })).not.toThrow();
  });
});

describe('resample', () => {
  it("keeps a tone's frequency and amplitude, up and down", () => {
    const down = resample(tone(48000, 1000), 48000, 16000);
    expect(down).toHaveLength(16000);
    expect(amplitude(down, 16000, 1000)).toBeCloseTo(0.5, 2);
    const up = resample(tone(8000, 440), 8000, 22050);
    expect(up).toHaveLength(22050);
    expect(amplitude(up, 22050, 440)).toBeCloseTo(0.5, 2);
  });

  it('removes what the lower rate cannot hold (no aliasing)', () => {
    // 7 kHz at 48 kHz would alias to 1 kHz at 8 kHz.
    const down = resample(tone(48000, 7000), 48000, 8000);
    expect(amplitude(down, 8000, 1000)).toBeLessThan(0.01);
  });

  it('returns the same samples when the rates are equal', () => {
    const samples = tone(16000, 440);
    expect(resample(samples, 16000, 16000)).toBe(samples);
  });
});
