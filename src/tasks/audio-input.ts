/**
 * Audio inputs of the audio tasks (automatic-speech-recognition, audio-classification), on the
 * main thread: mono samples with their rate, or an audio file (`Blob`/`File`) that is decoded and
 * resampled here with `OfflineAudioContext` (workers have no audio context), in a module loaded
 * only when a file is passed. Samples at another rate than the model's are resampled in the worker.
 * @module
 */
import { InpageError } from '../errors.ts';
import { describeValue } from './describe-value.ts';

/**
 * Mono audio samples in [-1, 1] and their sampling rate in Hz.
 * @example
 * const audio: AudioSamples = { samples: new Float32Array(16000), samplingRate: 16000 }; // 1 s
 */
export interface AudioSamples {
  readonly samples: Float32Array;
  readonly samplingRate: number;
}

/**
 * An audio input: samples with their rate, or an audio file the browser can decode (WAV, MP3,
 * Ogg, WebM/Opus, …), whose channels are mixed down to mono.
 * @example
 * const input: AudioInput = fileInput.files[0]; // a File
 */
export type AudioInput = AudioSamples | Blob;

/**
 * The option every audio task takes: move the samples' buffer to the worker instead of copying it
 * (the caller's `Float32Array` is detached afterwards).
 * @example
 * const options: AudioCallOptions = { transfer: true };
 */
export interface AudioCallOptions {
  /** @default false */
  transfer?: boolean;
}

/** Sampling rates `OfflineAudioContext` accepts, and so inpage. */
export const samplingRateRange = Object.freeze({ min: 3000, max: 768_000 });

/** Rate at which audio files are decoded (that of Whisper, wav2vec2, AST…); the worker resamples for a model that differs. */
export const fileDecodingRate = 16_000;

/** Samples longer than this many seconds are refused (a mistake would stall the worker). */
export const maxAudioSeconds = 4 * 60 * 60;

/** Peak amplitude at or below which a buffer counts as silent (−100 dBFS). */
const silencePeak = 1e-5;

/** Samples that move to the worker: decoded files (ours) and the caller's with `{ transfer: true }`. */
const moving = new WeakSet<Float32Array>();

function invalid(task: string, message: string): InpageError {
  return new InpageError('INVALID_INPUT', `${task}: ${message}`);
}

/** `ArrayBuffer.prototype.detached` where the engine has it; else a view on a detached buffer throws. */
function isDetached(buffer: ArrayBufferLike): boolean {
  const detached = (buffer as { detached?: boolean }).detached;
  if (detached !== undefined) return detached;
  try {
    void new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/**
 * Checks an audio input: a `Blob`, or samples with a valid rate that are neither empty, detached,
 * silent nor non-finite.
 * @throws TypeError for a value of the wrong type; InpageError `INVALID_INPUT` for an empty, silent
 *   or detached buffer, a non-finite sample, or an unknown or invalid rate.
 * @example
 * checkAudioInput('automatic-speech-recognition', { samples, samplingRate: 44100 });
 */
export function checkAudioInput(task: string, input: unknown): asserts input is AudioInput {
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    if (input.size === 0) throw invalid(task, 'the audio file is empty (0 bytes).');
    return;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(
      `${task}: input must be { samples: Float32Array, samplingRate } or an audio Blob/File, got ${describeValue(input)}.`,
    );
  }
  const { samples, samplingRate } = input as Partial<Record<keyof AudioSamples, unknown>>;
  if (!(samples instanceof Float32Array))
    throw new TypeError(`${task}: input.samples must be a Float32Array, got ${describeValue(samples)}.`);
  if (samplingRate === undefined) throw invalid(task, "input.samplingRate is missing: give the samples' rate in Hz (e.g. 16000).");
  const { min, max } = samplingRateRange;
  if (typeof samplingRate !== 'number' || !Number.isFinite(samplingRate) || samplingRate < min || samplingRate > max) {
    throw invalid(task, `input.samplingRate must be a rate in Hz from ${min} to ${max}, got ${describeValue(samplingRate)}.`);
  }
  if (samples.length === 0) {
    throw invalid(
      task,
      isDetached(samples.buffer) ? 'input.samples is detached (its buffer was transferred); pass a fresh copy.' : 'input.samples is empty.',
    );
  }
  if (samples.length > maxAudioSeconds * samplingRate) throw invalid(task, `the audio is longer than ${maxAudioSeconds / 3600} hours.`);
  let peak = 0;
  for (const sample of samples) {
    if (!Number.isFinite(sample)) throw invalid(task, 'input.samples holds a NaN or infinite sample.');
    peak = Math.max(peak, Math.abs(sample));
  }
  if (peak <= silencePeak) throw invalid(task, 'the audio is silent (no sample above -100 dBFS).');
}

/**
 * The buffers of an audio input as sent that move to the worker: decoded files always, the
 * caller's samples only with `{ transfer: true }` (see {@link prepareAudio}).
 * @example
 * audioTransfer(await prepareAudio(task, { samples, samplingRate: 16000 }, { transfer: true })); // [samples.buffer]
 */
export function audioTransfer(sent: unknown): Transferable[] {
  const samples = (sent as Partial<AudioSamples> | null)?.samples;
  return samples instanceof Float32Array && moving.has(samples) && samples.buffer instanceof ArrayBuffer ? [samples.buffer] : [];
}

/**
 * The `prepare` hook of the audio tasks, called at call time: a file is decoded (the decoder is
 * loaded on demand) and its samples will move; samples pass through, and move with
 * `{ transfer: true }`. The promise is marked handled (a call aborted before it runs never awaits it).
 * @throws (through the promise) InpageError `INVALID_INPUT` when the browser cannot decode the
 *   file, or it is silent.
 * @example
 * const sent = await prepareAudio('automatic-speech-recognition', file, undefined);
 */
export function prepareAudio(task: string, input: AudioInput, options: AudioCallOptions | undefined): Promise<AudioSamples> {
  const sent = (async (): Promise<AudioSamples> => {
    if (!(input instanceof Blob)) {
      if (options?.transfer === true) moving.add(input.samples);
      return input;
    }
    const { decodeAudioFile } = await import('./audio-decode.ts');
    const audio = await decodeAudioFile(task, input, fileDecodingRate);
    checkAudioInput(task, audio);
    moving.add(audio.samples);
    return audio;
  })();
  sent.catch(() => undefined);
  return sent;
}
