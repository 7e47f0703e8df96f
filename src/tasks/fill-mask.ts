/**
 * `fill-mask`: the most likely tokens for the mask token of each text (`[MASK]` for BERT,
 * `<mask>` for RoBERTa: use the model's own mask token, exactly once per text).
 * @module
 */
import { readArray, readArrayOf, readNumber, readRecord, readString } from './raw-output.ts';
import type { PerText, TaskDefinition, TaskPipeline } from './task.ts';
import { checkInteger, checkOptions, checkTexts } from './validate.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

/**
 * A text containing the mask token, or several such texts.
 * @example
 * const input: FillMaskInput = 'The goal of life is [MASK].';
 */
export type FillMaskInput = string | readonly string[];

/**
 * Options of fill-mask.
 * @example
 * const options: FillMaskOptions = { topK: 3 };
 */
export interface FillMaskOptions {
  /**
   * How many candidates to return per text, best first (integer ≥ 1).
   * @default 5
   */
  topK?: number;
}

/**
 * One candidate for the mask.
 * @example
 * const candidate: FillMaskCandidate = { score: 0.109, token: 2166, tokenStr: 'survival', sequence: 'the goal of life is survival.' };
 */
export interface FillMaskCandidate {
  /** Probability of this token at the mask. */
  score: number;
  /** The token id. */
  token: number;
  /** The decoded token. */
  tokenStr: string;
  /** The whole text with the mask replaced, decoded (so lowercased by uncased models). */
  sequence: string;
}

/**
 * For a string: its candidates, best first. For an array: one list per text.
 * @example
 * type Out = FillMaskOutput<string[]>; // FillMaskCandidate[][]
 */
export type FillMaskOutput<I = FillMaskInput> = PerText<I, FillMaskCandidate[]>;

const id = 'fill-mask';
const optionKeys = ['topK'] as const;

/**
 * Masked language modelling, e.g. with `Xenova/bert-base-uncased`.
 * @example
 * const unmasker = await client.load('fill-mask', 'Xenova/bert-base-uncased');
 * await unmasker.run('The goal of life is [MASK].', { topK: 2 });
 * // [{ score: 0.1092, token: 2166, tokenStr: 'survival', sequence: 'the goal of life is survival.' },
 * //  { score: 0.0394, token: 3402, tokenStr: 'happiness', sequence: 'the goal of life is happiness.' }]
 */
export const fillMaskTask: TaskDefinition<FillMaskInput, FillMaskOptions, FillMaskOutput> = /* @__PURE__ */ Object.freeze({
  id,
  pipelineTask: 'fill-mask',
  batchable: false,
  streamable: false,
  validate(input: unknown, options: unknown): asserts input is FillMaskInput {
    checkTexts(id, input);
    const record = checkOptions(id, options, optionKeys);
    checkInteger(id, 'topK', record['topK'], 1, Number.MAX_SAFE_INTEGER);
  },
});

function readCandidates(raw: unknown): FillMaskCandidate[] {
  return readArray(id, raw, 'the candidates of a text').map((item) => {
    const record = readRecord(id, item, 'a candidate');
    return {
      score: readNumber(id, record, 'score'),
      token: readNumber(id, record, 'token'),
      tokenStr: readString(id, record, 'token_str'),
      sequence: readString(id, record, 'sequence'),
    };
  });
}

/**
 * The worker half of fill-mask: transformers.js call and output conversion.
 * @example
 * fillMaskPipeline.toPipelineArgs('The goal of life is [MASK].'); // ['The goal of life is [MASK].', { top_k: 5 }]
 */
export const fillMaskPipeline: TaskPipeline<FillMaskInput, FillMaskOptions, FillMaskOutput> = /* @__PURE__ */ Object.freeze({
  toPipelineArgs(input: FillMaskInput, options?: FillMaskOptions): unknown[] {
    return [typeof input === 'string' ? input : [...input], { top_k: options?.topK ?? 5 }];
  },
  fromPipelineOutput(raw: unknown, input: FillMaskInput): FillMaskOutput {
    if (typeof input === 'string') return readCandidates(raw);
    return readArrayOf(id, raw, input.length, 'one list per text').map(readCandidates);
  },
});

/**
 * The types of fill-mask, for the task table: input, options, and the output a call's input and
 * options give.
 */
export interface FillMaskTypes extends TaskTypeSpec {
  readonly input: FillMaskInput;
  readonly options: FillMaskOptions;
  readonly output: FillMaskOutput<this['callInput']>;
}

/** fill-mask in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as FillMaskTypes,
  definition: fillMaskTask,
  pipeline: fillMaskPipeline,
});
