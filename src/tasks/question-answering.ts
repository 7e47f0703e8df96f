/**
 * `question-answering` (extractive): the span of a context that answers a question, with its
 * character offsets in the context.
 * @module
 */
import { InpageError } from '../errors.ts';
import { bestSpans } from './answer-spans.ts';
import { locateText } from './entity-offsets.ts';
import type { Span } from './entity-offsets.ts';
import { readArray, readNumber, readRecord, readString } from './raw-output.ts';
import type { LoadedParts, OptionValue, TaskDefinition, TaskPipeline } from './task.ts';
import { tensorRow } from './tensors.ts';
import { checkInteger, checkOptions, checkText, describeValue } from './validate.ts';
import { wordPieceTokenizerOf } from './wordpiece-tokenizer.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

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
   * written. For WordPiece tokenizers (BERT, DistilBERT), the characters of the tokens the model
   * chose, even when the same text appears earlier. For other tokenizers, the first occurrence of
   * the decoded answer, and `start === end === 0` when it cannot be located.
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
 * Offsets are computed by inpage (transformers.js 4.3.1 has none): at the model's token span for
 * WordPiece tokenizers. The context is cut at the model's maximum length (no document stride),
 * as in transformers.js.
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

/** The loaded tokenizer's parts that answering uses (transformers.js's PreTrainedTokenizer). */
interface QaTokenizer {
  (text: string, options: Record<string, unknown>): Record<string, unknown>;
  decode(ids: readonly number[], options: Record<string, unknown>): string;
  all_special_ids: readonly number[];
  sep_token_id: number;
}

function qaParts(pipe: LoadedParts): { tokenizer: QaTokenizer; model: (inputs: unknown) => Promise<Record<string, unknown>> } {
  const { tokenizer, model } = pipe;
  const parts = tokenizer as { decode?: unknown; all_special_ids?: unknown } | undefined;
  if (typeof tokenizer !== 'function' || typeof parts?.decode !== 'function' || !Array.isArray(parts.all_special_ids)) {
    throw new InpageError('RUNTIME', `${id}: the loaded pipeline has no usable tokenizer.`);
  }
  if (typeof model !== 'function') throw new InpageError('RUNTIME', `${id}: the loaded pipeline has no callable model.`);
  return { tokenizer: tokenizer as QaTokenizer, model: model as (inputs: unknown) => Promise<Record<string, unknown>> };
}

/**
 * Character spans of the context's tokens by input position, when the tracked tokenizer gives the
 * ids the model saw (question, then context after the first separator); else `null`.
 */
function contextSpans(pipe: LoadedParts, input: QuestionAnsweringInput, ids: readonly number[], sepId: number): Map<number, Span> | null {
  const tracker = wordPieceTokenizerOf(pipe.tokenizer);
  const question = tracker?.tokenize(input.question);
  const context = tracker?.tokenize(input.context);
  if (!tracker || !question || !context) return null;
  const sepIndex = ids.indexOf(sepId);
  const questionAt = tracker.leadingSpecialTokens;
  if (sepIndex !== questionAt + question.length || question.some((token, k) => ids[questionAt + k] !== token.id)) return null;
  const spans = new Map<number, Span>();
  for (let position = sepIndex + 1, k = 0; position < ids.length && k < context.length; position++, k++) {
    const token = context[k];
    if (token === undefined || ids[position] !== token.id) return ids[position] === sepId ? spans : null;
    spans.set(position, { start: token.start, end: token.end });
  }
  return spans;
}

/** The characters of a token span: from the first context token's start to the last one's end. */
function toCharacters(spans: ReadonlyMap<number, Span>, start: number, end: number): Span {
  let first: Span | undefined;
  let last: Span | undefined;
  for (let position = start; position <= end; position++) {
    const span = spans.get(position);
    if (span === undefined) continue;
    first ??= span;
    last = span;
  }
  return first && last ? { start: first.start, end: last.end } : { start: 0, end: 0 };
}

/**
 * Tokenizer, model and span choice as transformers.js's pipeline does them, keeping each answer's
 * token positions: they map to characters through the tracked tokenizer (WordPiece), or the
 * decoded answer is searched in the context (other tokenizers).
 */
async function answer(pipe: LoadedParts, input: QuestionAnsweringInput, topK: number): Promise<QuestionAnswer[]> {
  const { tokenizer, model } = qaParts(pipe);
  const inputs = tokenizer(input.question, { text_pair: input.context, padding: true, truncation: true });
  const outputs = await model(inputs);
  const ids = tensorRow(inputs['input_ids'], 0, 'input_ids');
  const logits = {
    ids,
    mask: tensorRow(inputs['attention_mask'], 0, 'attention_mask'),
    startLogits: tensorRow(outputs['start_logits'], 0, 'start_logits'),
    endLogits: tensorRow(outputs['end_logits'], 0, 'end_logits'),
    specialIds: tokenizer.all_special_ids.map(Number),
    sepId: Number(tokenizer.sep_token_id),
  };
  const spans = contextSpans(pipe, input, ids, logits.sepId);
  return bestSpans(logits, topK).map(({ start, end, score }) => {
    const text = tokenizer.decode(ids.slice(start, end + 1), { skip_special_tokens: true });
    const { start: from, end: to } = spans ? toCharacters(spans, start, end) : (locateText(input.context, text) ?? { start: 0, end: 0 });
    return { answer: text, score, start: from, end: to };
  });
}

/**
 * The worker half of question-answering. `run` calls the tokenizer and model itself, so that each
 * answer is placed at the tokens the model chose (exactly, for WordPiece tokenizers); the pipeline
 * call with `fromPipelineOutput` can only search the context for the answer's text.
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
    async run(pipe: LoadedParts, input: QuestionAnsweringInput, options?: QuestionAnsweringOptions): Promise<QuestionAnsweringOutput> {
      const topK = options?.topK ?? 1;
      const answers = await answer(pipe, input, topK);
      if (topK !== 1) return answers;
      const [best] = answers;
      if (best === undefined) throw new InpageError('RUNTIME', `${id}: the model gave no answer span.`);
      return best;
    },
  });

/**
 * The types of question-answering, for the task table: input, options, and the output a call's input and
 * options give.
 */
export interface QuestionAnsweringTypes extends TaskTypeSpec {
  readonly input: QuestionAnsweringInput;
  readonly options: QuestionAnsweringOptions;
  readonly output: QuestionAnsweringOutput<this['callOptions']>;
}

/** question-answering in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as QuestionAnsweringTypes,
  definition: questionAnsweringTask,
  pipeline: questionAnsweringPipeline,
});
