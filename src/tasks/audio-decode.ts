/**
 * Audio file decoding on the main thread (workers have no audio context): `decodeAudioData` on an
 * `OfflineAudioContext` resamples to the context's rate; the channels are averaged to mono.
 * Loaded only when a call passes a `Blob`/`File`.
 * @module
 */
import { InpageError } from '../errors.ts';
import type { AudioSamples } from './audio-input.ts';

/**
 * Decodes an audio file to mono samples at `samplingRate`.
 * @throws InpageError `INVALID_INPUT` when the browser cannot decode it (not audio, a codec it
 *   lacks, a truncated file) or has no `OfflineAudioContext` (a worker).
 * @example
 * const { samples } = await decodeAudioFile('automatic-speech-recognition', file, 16000);
 */
export async function decodeAudioFile(task: string, file: Blob, samplingRate: number): Promise<AudioSamples> {
  if (typeof OfflineAudioContext === 'undefined') {
    throw new InpageError(
      'INVALID_INPUT',
      `${task}: audio files are decoded with OfflineAudioContext, which this context lacks; pass { samples, samplingRate }.`,
    );
  }
  const bytes = await file.arrayBuffer();
  let buffer: AudioBuffer;
  try {
    buffer = await new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate: samplingRate }).decodeAudioData(bytes);
  } catch (error) {
    const type = file.type ? ` (${file.type})` : '';
    throw new InpageError(
      'INVALID_INPUT',
      `${task}: the audio file${type} could not be decoded; use a format this browser plays (WAV, MP3, Ogg, WebM).`,
      {
        cause: error,
      },
    );
  }
  const samples = new Float32Array(buffer.length);
  for (let channel = 0; channel < buffer.numberOfChannels; channel++) {
    const data = buffer.getChannelData(channel);
    for (let i = 0; i < data.length; i++) samples[i] = (samples[i] ?? 0) + (data[i] ?? 0) / buffer.numberOfChannels;
  }
  return { samples, samplingRate };
}
