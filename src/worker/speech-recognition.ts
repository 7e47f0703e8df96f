/**
 * automatic-speech-recognition in the worker. Whisper runs inpage's own window loop (the one of
 * transformers.js's pipeline: windows of `chunkLengthS` overlapping by `strideLengthS`, merged by
 * the tokenizer's `_decode_asr`) so that the text can stream: token by token for one window, and
 * window by window otherwise (only the part the next window can no longer change). Other models
 * (CTC) go through the pipeline and give their text as one piece. With `returnTimestamps`, each
 * window's timestamp tokens become segments (`_decode_asr` of that window alone), placed in the
 * whole audio by `speech-segments.ts`; the text streams segment by segment.
 * @module
 */
import { InterruptableStoppingCriteria, TextStreamer } from '@huggingface/transformers';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { InpageError, abortError } from '../errors.ts';
import type { AudioSamples } from '../tasks/audio-input.ts';
import { automaticSpeechRecognitionPipeline, chunkWindow, whisperKwargs } from '../tasks/automatic-speech-recognition.ts';
import type {
  AutomaticSpeechRecognitionOptions,
  AutomaticSpeechRecognitionOutput,
  SpeechSegment,
} from '../tasks/automatic-speech-recognition.ts';
import type { LoadedPipeline } from './loaded-pipelines.ts';
import { resample } from './resample.ts';
import { placeSegments, segmentWindow } from './speech-segments.ts';

/** The feature extractor settings the window loop reads (`preprocessor_config.json`). */
interface FeatureConfig {
  sampling_rate: number;
  hop_length: number;
  chunk_length: number;
}

interface Disposable {
  dispose?(): void;
}

/** One decoded window, as `_decode_asr` takes it (stride in seconds: length, left, right). */
interface DecodedWindow {
  tokens: bigint[];
  stride: number[];
}

/** The parts of a Whisper pipeline the loop uses. */
interface WhisperParts {
  processor: (audio: Float32Array) => Promise<{ input_features: Disposable }>;
  model: {
    config: { model_type: string; max_source_positions: number };
    generate(options: Record<string, unknown>): Promise<{ 0: { tolist(): bigint[] } } & Disposable>;
  };
  tokenizer: PreTrainedTokenizer & {
    _decode_asr(windows: DecodedWindow[], options: Record<string, unknown>): [string, { chunks?: SpeechSegment[] }];
  };
  features: FeatureConfig;
}

/** The feature extractor's settings, when the pipeline has one. */
function featureConfig(pipe: LoadedPipeline): Partial<FeatureConfig> | undefined {
  const processor = (pipe as { processor?: { feature_extractor?: { config?: Partial<FeatureConfig> } } }).processor;
  return processor?.feature_extractor?.config;
}

/**
 * Audio samples at the rate of the pipeline's feature extractor (resampled when they differ);
 * any other input is returned as it is.
 * @example
 * const input = atModelRate(pipe, { samples, samplingRate: 44100 }); // 16 kHz for Whisper
 */
export function atModelRate(pipe: LoadedPipeline, input: unknown): unknown {
  const audio = input as Partial<AudioSamples> | null;
  const rate = featureConfig(pipe)?.sampling_rate;
  if (!(audio?.samples instanceof Float32Array) || typeof audio.samplingRate !== 'number' || typeof rate !== 'number') return input;
  return { samples: resample(audio.samples, audio.samplingRate, rate), samplingRate: rate };
}

function whisperParts(pipe: LoadedPipeline): WhisperParts | null {
  const parts = pipe as unknown as Partial<WhisperParts>;
  const features = featureConfig(pipe);
  const type = parts.model?.config.model_type;
  if ((type !== 'whisper' && type !== 'lite-whisper') || !parts.processor || !parts.tokenizer || !features) return null;
  return { ...(parts as WhisperParts), features: features as FeatureConfig };
}

/** The windows of transformers.js's loop, in samples: `[from, to)` and stride `[length, left, right]`. */
function windowsOf(
  length: number,
  rate: number,
  options: AutomaticSpeechRecognitionOptions | undefined,
): { from: number; to: number; stride: number[] }[] {
  const window = chunkWindow(options);
  if (!window) return [{ from: 0, to: length, stride: [length, 0, 0] }];
  const size = Math.round(window.chunk * rate);
  const stride = Math.round(window.stride * rate);
  const windows = [];
  for (let from = 0; ; from += size - 2 * stride) {
    const to = Math.min(length, from + size);
    const last = from + size >= length;
    windows.push({ from, to, stride: [to - from, from === 0 ? 0 : stride, last ? 0 : stride] });
    if (last) return windows;
  }
}

/** The longest common prefix of two texts, cut back to its last space (a whole word). */
function settledPrefix(a: string, b: string): string {
  let end = 0;
  while (end < a.length && a[end] === b[end]) end++;
  if (end === a.length && end === b.length) return a;
  return a.slice(0, Math.max(0, a.lastIndexOf(' ', end)));
}

/**
 * Transcribes an audio input (samples at the model's rate, see {@link atModelRate}); with `onPiece`,
 * streams the text, whose pieces joined equal the returned text.
 * @throws InpageError `ABORTED`, and the failures of the inference.
 * @example
 * const { text } = await transcribe(pipe, { samples, samplingRate: 16000 }, { chunkLengthS: 30 }, signal, send);
 */
export async function transcribe(
  pipe: LoadedPipeline,
  input: AudioSamples,
  options: AutomaticSpeechRecognitionOptions | undefined,
  signal: AbortSignal,
  onPiece?: (piece: string) => void,
): Promise<AutomaticSpeechRecognitionOutput> {
  const whisper = whisperParts(pipe);
  const timestamps = options?.returnTimestamps === true;
  if (!whisper && timestamps)
    throw new InpageError('INVALID_INPUT', 'automatic-speech-recognition: option "returnTimestamps" needs a Whisper model.');
  if (!whisper) {
    const { toPipelineArgs, fromPipelineOutput } = automaticSpeechRecognitionPipeline;
    const output = fromPipelineOutput(await pipe(...toPipelineArgs(input, options)), input, options);
    if (output.text) onPiece?.(output.text);
    return output;
  }
  const { processor, model, tokenizer, features } = whisper;
  const asr = (windows: DecodedWindow[], withTimestamps: boolean): ReturnType<typeof tokenizer._decode_asr> =>
    tokenizer._decode_asr(windows, {
      time_precision: features.chunk_length / model.config.max_source_positions,
      return_timestamps: withTimestamps,
      force_full_sequences: false,
    });
  const decode = (windows: DecodedWindow[]): string => asr(windows, false)[0];
  const segments: SpeechSegment[] = [];
  const criteria = new InterruptableStoppingCriteria();
  signal.addEventListener('abort', () => criteria.interrupt(), { once: true });
  const windows = windowsOf(input.samples.length, features.sampling_rate, options);
  let sent = '';
  const send = (piece: string): void => {
    if (!piece) return;
    sent += piece;
    onPiece?.(piece);
  };
  const streamer =
    onPiece && windows.length === 1 && !timestamps
      ? new TextStreamer(tokenizer, { skip_prompt: true, skip_special_tokens: true, callback_function: send })
      : undefined;
  const decoded: DecodedWindow[] = [];
  let previous = '';
  for (const window of windows) {
    if (signal.aborted) throw abortError(signal);
    const audio = input.samples.subarray(window.from, window.to);
    const { input_features: inputs } = await processor(audio);
    const sequences = await model.generate({
      inputs,
      ...whisperKwargs(options),
      ...(timestamps ? { return_timestamps: true } : {}),
      num_frames: Math.floor(audio.length / features.hop_length),
      stopping_criteria: criteria,
      ...(streamer ? { streamer } : {}),
    });
    decoded.push({ tokens: sequences[0].tolist(), stride: window.stride.map((samples) => samples / features.sampling_rate) });
    inputs.dispose?.();
    sequences.dispose?.();
    if (timestamps) {
      const own = asr([{ tokens: decoded.at(-1)?.tokens ?? [], stride: [audio.length / features.sampling_rate, 0, 0] }], true)[1];
      const [length, left, right] = decoded.at(-1)?.stride ?? [0, 0, 0];
      const from = window.from / features.sampling_rate;
      const placed = placeSegments(
        (own.chunks ?? []).map(({ text, timestamp }) => ({ text, timestamp })),
        segmentWindow(from, from + (length ?? 0), left ?? 0, right ?? 0, window === windows.at(-1)),
      );
      segments.push(...placed);
      placed.forEach(({ text }) => send(text));
      continue;
    }
    if (onPiece && !streamer && decoded.length < windows.length) {
      const text = decode(decoded);
      const settled = settledPrefix(text, previous);
      if (settled.startsWith(sent)) send(settled.slice(sent.length));
      previous = text;
    }
  }
  if (signal.aborted) throw abortError(signal);
  if (timestamps) return { text: segments.map((segment) => segment.text).join(''), chunks: segments };
  const text = decode(decoded);
  if (onPiece && !streamer) {
    if (!text.startsWith(sent))
      throw new InpageError('RUNTIME', 'automatic-speech-recognition: the merged windows changed text already streamed.');
    send(text.slice(sent.length));
  }
  return { text };
}
