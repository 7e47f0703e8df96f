/**
 * `automatic-speech-recognition`: the text spoken in an audio input (Whisper and other
 * encoder-decoder speech models; CTC models such as wav2vec2 too, without streaming by token).
 * Long audio is cut into windows of `chunkLengthS` seconds overlapping by `strideLengthS` on each
 * side, and the windows' texts are merged where they overlap. With `returnTimestamps`, Whisper also
 * gives its segments with their start and end in seconds of the whole audio.
 * @module
 */
import { audioTransfer, checkAudioInput, prepareAudio } from './audio-input.ts';
import type { AudioCallOptions, AudioInput, AudioSamples } from './audio-input.ts';
import { checkGenerationOptions, generationOptionKeys, toGenerationKwargs } from './generation-options.ts';
import type { GenerationOptions } from './generation-options.ts';
import { readRecord, readString } from './raw-output.ts';
import type { OptionValue, StreamableTask, StreamingPipeline } from './task.ts';
import { checkBoolean, checkNumber, checkOneOf, checkOptions, checkText } from './validate.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

/**
 * Audio samples with their rate, or an audio file.
 * @example
 * const input: AutomaticSpeechRecognitionInput = { samples, samplingRate: 48000 };
 */
export type AutomaticSpeechRecognitionInput = AudioInput;

/**
 * Options of automatic-speech-recognition: chunking, Whisper's language and task, generation options.
 * @example
 * const options: AutomaticSpeechRecognitionOptions = { chunkLengthS: 30, strideLengthS: 5, language: 'french' };
 */
export interface AutomaticSpeechRecognitionOptions extends GenerationOptions, AudioCallOptions {
  /**
   * Cut the audio into windows of this many seconds (at most 30, Whisper's window); needed for
   * audio longer than the model's window. @default no chunking
   */
  chunkLengthS?: number;
  /** Seconds of overlap on each side of a window (less than half of `chunkLengthS`). @default chunkLengthS / 6 */
  strideLengthS?: number;
  /** Spoken language of a multilingual Whisper model, e.g. `'english'` or `'en'`. @default detected as English */
  language?: string;
  /** Whisper's task: transcribe, or translate into English. @default 'transcribe' */
  task?: 'transcribe' | 'translate';
  /**
   * Also return Whisper's segments (`chunks`) with their start and end in seconds (Whisper models
   * only; word-level timestamps are not supported). `stream()` still streams the text only, segment
   * by segment as each window ends. @default false
   */
  returnTimestamps?: boolean;
}

/**
 * One segment of Whisper's timestamped output: its text and `[start, end]` in seconds of the whole
 * audio (`end` is `null` when the audio cuts the segment off).
 * @example
 * const segment: SpeechSegment = { text: ' do', timestamp: [0, 1] };
 */
export interface SpeechSegment {
  text: string;
  timestamp: [start: number, end: number | null];
}

/**
 * The transcribed text (Whisper's text starts with a space, as the model writes it).
 * @example
 * const { text } = await asr.run(file); // ' do re mi'
 */
export interface AutomaticSpeechRecognitionOutput {
  text: string;
  /** The segments, with `returnTimestamps: true` (their texts joined are `text`). */
  chunks?: SpeechSegment[];
}

/**
 * The output for options `O`: `{ text, chunks }` with `returnTimestamps: true`, `{ text }` without.
 * @example
 * type Timed = AutomaticSpeechRecognitionResult<{ returnTimestamps: true }>; // { text; chunks: SpeechSegment[] }
 */
export type AutomaticSpeechRecognitionResult<O = AutomaticSpeechRecognitionOptions> = [OptionValue<O, 'returnTimestamps'>] extends [true]
  ? { text: string; chunks: SpeechSegment[] }
  : [OptionValue<O, 'returnTimestamps'>] extends [false | undefined]
    ? { text: string }
    : AutomaticSpeechRecognitionOutput;

const id = 'automatic-speech-recognition';
const optionKeys = [...generationOptionKeys, 'chunkLengthS', 'strideLengthS', 'language', 'task', 'returnTimestamps', 'transfer'];

/** Longest window: Whisper's 30 s. */
export const maxChunkSeconds = 30;

/**
 * The window of a chunked call in seconds (`null` without chunking) and its stride.
 * @example
 * chunkWindow({ chunkLengthS: 30 }); // { chunk: 30, stride: 5 }
 */
export function chunkWindow(options: AutomaticSpeechRecognitionOptions | undefined): { chunk: number; stride: number } | null {
  const chunk = options?.chunkLengthS;
  if (chunk === undefined) return null;
  return { chunk, stride: options?.strideLengthS ?? chunk / 6 };
}

/**
 * The snake_case kwargs of Whisper's `generate()`: generation options, language and task.
 * @example
 * whisperKwargs({ language: 'french', maxNewTokens: 64 }); // { max_new_tokens: 64, language: 'french' }
 */
export function whisperKwargs(options: AutomaticSpeechRecognitionOptions | undefined): Record<string, unknown> {
  const kwargs: Record<string, unknown> = { ...toGenerationKwargs(options) };
  if (options?.language !== undefined) kwargs['language'] = options.language;
  if (options?.task !== undefined) kwargs['task'] = options.task;
  return kwargs;
}

/**
 * Speech recognition, e.g. with `Xenova/whisper-tiny.en` or `onnx-community/whisper-base`.
 * Streamable: without chunking, the text arrives token by token; with chunking, window by window
 * (the part the next window can no longer change).
 * @example
 * const asr = await client.load('automatic-speech-recognition', 'Xenova/whisper-tiny.en');
 * await asr.run(file, { chunkLengthS: 30 }); // { text: ' And so my fellow Americans…' }
 */
export const automaticSpeechRecognitionTask: StreamableTask<
  AutomaticSpeechRecognitionInput,
  AutomaticSpeechRecognitionOptions,
  AutomaticSpeechRecognitionOutput
> = Object.freeze({
  id,
  pipelineTask: id,
  batchable: false,
  streamable: true,
  validate(input: unknown, options: unknown): asserts input is AutomaticSpeechRecognitionInput {
    checkAudioInput(id, input);
    const record = checkOptions(id, options, optionKeys);
    checkGenerationOptions(id, record);
    checkNumber(id, 'chunkLengthS', record['chunkLengthS'], { min: 0, minExclusive: true, max: maxChunkSeconds });
    const chunk = record['chunkLengthS'] as number | undefined;
    if (chunk === undefined && record['strideLengthS'] !== undefined)
      throw new RangeError(`${id}: option "strideLengthS" needs "chunkLengthS".`);
    checkNumber(id, 'strideLengthS', record['strideLengthS'], { min: 0, max: (chunk ?? 0) / 2, maxExclusive: true });
    if (record['language'] !== undefined) checkText(id, record['language'], 'option "language"');
    checkOneOf(id, 'task', record['task'], ['transcribe', 'translate']);
    checkBoolean(id, 'returnTimestamps', record['returnTimestamps']);
    checkBoolean(id, 'transfer', record['transfer']);
  },
  transfer: audioTransfer,
  prepare: (input: AutomaticSpeechRecognitionInput, options: AutomaticSpeechRecognitionOptions | undefined) =>
    prepareAudio(id, input, options),
});

/**
 * The worker half of automatic-speech-recognition for models transformers.js chunks itself (CTC);
 * Whisper runs inpage's window loop (`src/worker/speech-recognition.ts`), which streams.
 * @example
 * automaticSpeechRecognitionPipeline.toPipelineArgs({ samples, samplingRate: 16000 }, { chunkLengthS: 20 });
 * // [samples, { chunk_length_s: 20, stride_length_s: 3.33… }]
 */
export const automaticSpeechRecognitionPipeline: StreamingPipeline<
  AutomaticSpeechRecognitionInput,
  AutomaticSpeechRecognitionOptions,
  AutomaticSpeechRecognitionOutput
> = Object.freeze({
  toPipelineArgs(input: AutomaticSpeechRecognitionInput, options?: AutomaticSpeechRecognitionOptions): unknown[] {
    const window = chunkWindow(options);
    const chunking = window ? { chunk_length_s: window.chunk, stride_length_s: window.stride } : {};
    return [(input as AudioSamples).samples, { ...whisperKwargs(options), ...chunking }];
  },
  fromPipelineOutput(raw: unknown): AutomaticSpeechRecognitionOutput {
    return { text: readString(id, readRecord(id, raw, 'the transcription'), 'text') };
  },
  streamerOptions: () => ({ skip_prompt: true, skip_special_tokens: true }),
});

/** The types of automatic-speech-recognition, for the task table. */
export interface AutomaticSpeechRecognitionTypes extends TaskTypeSpec {
  readonly input: AutomaticSpeechRecognitionInput;
  readonly options: AutomaticSpeechRecognitionOptions;
  readonly output: AutomaticSpeechRecognitionResult<this['callOptions']>;
}

/** automatic-speech-recognition in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as AutomaticSpeechRecognitionTypes,
  definition: automaticSpeechRecognitionTask,
  pipeline: automaticSpeechRecognitionPipeline,
});
