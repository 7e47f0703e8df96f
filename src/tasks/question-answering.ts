/**
 * `question-answering` (extractive): the span of a context that answers a question, with its
 * character offsets in the context.
 * @module
 */
import { InpageError } from '../errors.ts';
import { locateText } from './entity-offsets.ts';
import { readArray, readNumber, readRecord, readString } from './raw-output.ts';
import type { OptionValue, TaskDefinition, TaskPipeline } from './task.ts';
import { checkInteger, checkOptions, checkText, describeValue } from './validate.ts';

/**
 * A question and the text that contains its answer.
 * @example
 * const input: QuestionAnsweringInput = { question: 'Who was Jim Henson?', context: 'Jim Henson was a nice puppet.' };
 */
export interface QuestionAnsweringInput {
  question: string;
  context: string;
}

/**
 * Options of question-answering.
 * @example
 * const options: QuestionAnsweringOptions = { topK: 3 };
 */
export interface QuestionAnsweringOptions {
  /**
   * How many answers to return, best first (integer ≥ 1). With `topK` above 1 the output is an array.
   * @default 1
   */
  topK?: number;
}

/**
 * One answer.
 * @example
 * const answer: QuestionAnswer = { answer: 'a nice puppet', score: 0.987, start: 15, end: 28 };
 */
export interface QuestionAnswer {
  /** The answer as decoded by the tokenizer (lowercased by uncased models). */
  answer: string;
  score: number;
  /**
   * UTF-16 offsets of the answer in `context`: `context.slice(start, end)` is the answer as
   * written. The first occurrence is taken when the answer appears several times. `start === end
   * === 0` when the answer cannot be located (a rare tokenizer normalization).
   */
  start: number;
  end: number;
}

/**
 * One answer by default or with `topK: 1`; an array of answers for another `topK`.
 * @example
 * type One = QuestionAnsweringOutput<{}>;             // QuestionAnswer
 * type Many = QuestionAnsweringOutput<{ topK: 3 }>;   // QuestionAnswer[]
 */
export type QuestionAnsweringOutput<O = QuestionAnsweringOptions> = AnswersFor<OptionValue<O, 'topK'>>;

/**
 * The output for a `topK` type: one answer for `1` or `undefined`, an array for another literal,
 * either for a plain `number`.
 * @example
 * type Many = AnswersFor<5>; // QuestionAnswer[]
 */
export type AnswersFor<K> = [K] extends [1 | undefined]
  ? QuestionAnswer
  : [K] extends [number]
    ? number extends K
      ? QuestionAnswer | QuestionAnswer[]
      : 1 extends K
        ? QuestionAnswer | QuestionAnswer[]
        : QuestionAnswer[]
    : QuestionAnswer | QuestionAnswer[];

const id = 'question-answering';
const optionKeys = ['topK'] as const;

/**
 * Extractive question answering, e.g. with `Xenova/distilbert-base-cased-distilled-squad`.
 * Offsets are computed by inpage (transformers.js 4.3.1 has none).
 * @example
 * const qa = await client.load('question-answering', 'Xenova/distilbert-base-cased-distilled-squad');
 * await qa.run({ question: 'Who was Jim Henson?', context: 'Jim Henson was a nice puppet.' });
 * // { answer: 'a nice puppet', score: 0.5768, start: 15, end: 28 }
 */
export const questionAnsweringTask: TaskDefinition<QuestionAnsweringInput, QuestionAnsweringOptions, QuestionAnsweringOutput> =
  /* @__PURE__ */ Object.freeze({
    id,
    pipelineTask: 'question-answering',
    batchable: false,
    streamable: false,
    validate(input: unknown, options: unknown): asserts input is QuestionAnsweringInput {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new TypeError(`${id}: input must be an object { question, context }, got ${describeValue(input)}.`);
      }
      const record = input as Readonly<Record<string, unknown>>;
      const extra = Object.keys(record).find((key) => key !== 'question' && key !== 'context');
      if (extra !== undefined) throw new TypeError(`${id}: unknown input field "${extra}"; the input is { question, context }.`);
      for (const field of ['question', 'context'] as const) {
        const text = record[field];
        checkText(id, text, `input.${field}`);
        if (text.trim() === '') throw new InpageError('INVALID_INPUT', `${id}: input.${field} is empty.`);
      }
      const recordOptions = checkOptions(id, options, optionKeys);
      checkInteger(id, 'topK', recordOptions['topK'], 1, Number.MAX_SAFE_INTEGER);
    },
  });

function readAnswer(raw: unknown, context: string): QuestionAnswer {
  const record = readRecord(id, raw, 'an answer');
  const answer = readString(id, record, 'answer');
  const span = locateText(context, answer) ?? { start: 0, end: 0 };
  return { answer, score: readNumber(id, record, 'score'), start: span.start, end: span.end };
}

/**
 * The worker half of question-answering: transformers.js call, and output conversion that locates each
 * answer in the context.
 * @example
 * questionAnsweringPipeline.toPipelineArgs({ question: 'Who?', context: 'Jim.' }); // ['Who?', 'Jim.', { top_k: 1 }]
 */
export const questionAnsweringPipeline: TaskPipeline<QuestionAnsweringInput, QuestionAnsweringOptions, QuestionAnsweringOutput> =
  /* @__PURE__ */ Object.freeze({
    toPipelineArgs(input: QuestionAnsweringInput, options?: QuestionAnsweringOptions): unknown[] {
      return [input.question, input.context, { top_k: options?.topK ?? 1 }];
    },
    fromPipelineOutput(raw: unknown, input: QuestionAnsweringInput, options?: QuestionAnsweringOptions): QuestionAnsweringOutput {
      // transformers.js: one `{ answer, score }` when top_k is 1, else a list of them.
      if ((options?.topK ?? 1) === 1) return readAnswer(raw, input.context);
      return readArray(id, raw, 'the answers').map((answer) => readAnswer(answer, input.context));
    },
  });
