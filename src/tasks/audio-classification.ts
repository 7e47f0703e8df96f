/**
 * `audio-classification`: labels and scores for an audio input (sound events, keyword spotting,
 * speaker or language identification), best first.
 * @module
 */
import { audioTransfer, checkAudioInput, prepareAudio } from './audio-input.ts';
import type { AudioCallOptions, AudioInput, AudioSamples } from './audio-input.ts';
import { readArray, readNumber, readRecord, readString } from './raw-output.ts';
import type { TaskDefinition, TaskPipeline } from './task.ts';
import { checkBoolean, checkInteger, checkOptions } from './validate.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

/**
 * Audio samples with their rate, or an audio file.
 * @example
 * const input: AudioClassificationInput = new File([bytes], 'dog.wav', { type: 'audio/wav' });
 */
export type AudioClassificationInput = AudioInput;

/**
 * Options of audio-classification.
 * @example
 * const options: AudioClassificationOptions = { topK: 3 };
 */
export interface AudioClassificationOptions extends AudioCallOptions {
  /** How many labels to return, best first. @default 5 */
  topK?: number;
}

/**
 * One label and its probability.
 * @example
 * const best: AudioClassificationLabel = { label: 'dog', score: 0.97 };
 */
export interface AudioClassificationLabel {
  label: string;
  /** Probability in [0, 1] (softmax over the model's labels). */
  score: number;
}

/**
 * The labels sorted by score, at most `topK`.
 * @example
 * const [top]: AudioClassificationOutput = await classifier.run(file);
 */
export type AudioClassificationOutput = AudioClassificationLabel[];

const id = 'audio-classification';

/**
 * Audio classification, e.g. with `Xenova/ast-finetuned-audioset-10-10-0.4593` or
 * `Xenova/wav2vec2-base-superb-ks`.
 * @example
 * const classifier = await client.load('audio-classification', 'Xenova/wav2vec2-base-superb-ks');
 * await classifier.run({ samples, samplingRate: 16000 }, { topK: 1 }); // [{ label: 'yes', score: 0.99 }]
 */
export const audioClassificationTask: TaskDefinition<AudioClassificationInput, AudioClassificationOptions, AudioClassificationOutput> =
  Object.freeze({
    id,
    pipelineTask: id,
    batchable: false,
    streamable: false,
    validate(input: unknown, options: unknown): asserts input is AudioClassificationInput {
      checkAudioInput(id, input);
      const record = checkOptions(id, options, ['topK', 'transfer']);
      checkInteger(id, 'topK', record['topK'], 1, 1_000_000);
      checkBoolean(id, 'transfer', record['transfer']);
    },
    transfer: audioTransfer,
    prepare: (input: AudioClassificationInput, options: AudioClassificationOptions | undefined) => prepareAudio(id, input, options),
  });

/**
 * The worker half of audio-classification: transformers.js call (samples already at the model's
 * rate) and output conversion.
 * @example
 * audioClassificationPipeline.toPipelineArgs({ samples, samplingRate: 16000 }, { topK: 2 }); // [samples, { top_k: 2 }]
 */
export const audioClassificationPipeline: TaskPipeline<AudioClassificationInput, AudioClassificationOptions, AudioClassificationOutput> =
  Object.freeze({
    toPipelineArgs(input: AudioClassificationInput, options?: AudioClassificationOptions): unknown[] {
      return [(input as AudioSamples).samples, options?.topK === undefined ? {} : { top_k: options.topK }];
    },
    fromPipelineOutput(raw: unknown): AudioClassificationOutput {
      return readArray(id, raw, 'the labels').map((item) => {
        const record = readRecord(id, item, 'a label');
        return { label: readString(id, record, 'label'), score: readNumber(id, record, 'score') };
      });
    },
  });

/** The types of audio-classification, for the task table. */
export interface AudioClassificationTypes extends TaskTypeSpec {
  readonly input: AudioClassificationInput;
  readonly options: AudioClassificationOptions;
  readonly output: AudioClassificationOutput;
}

/** audio-classification in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as AudioClassificationTypes,
  definition: audioClassificationTask,
  pipeline: audioClassificationPipeline,
});
