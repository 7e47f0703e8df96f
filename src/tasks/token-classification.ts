/**
 * `token-classification` (alias `ner`): a label for each token, or entities grouped from BIO/BIOES
 * tags, with character offsets into the original text.
 * @module
 */
import { joinPerText, splitPerText, textItems } from './batching.ts';
import { locateTokens } from './entity-offsets.ts';
import type { Span } from './entity-offsets.ts';
import { readArray, readArrayOf, readNumber, readRecord, readString } from './raw-output.ts';
import type { BatchableTask, LoadedParts, OptionValue, PerText, TaskPipeline } from './task.ts';
import { checkOneOf, checkOptions, checkTexts, describeValue, stableKey } from './validate.ts';
import { labelTokens } from './token-labels.ts';
import { wordPieceTokenizerOf } from './wordpiece-tokenizer.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

/**
 * A text, or several texts labelled in one call.
 * @example
 * const input: TokenClassificationInput = 'Sarah lives in London';
 */
export type TokenClassificationInput = string | readonly string[];

/**
 * `'none'`: one result per token. `'simple'`: adjacent tokens with the same entity (B-/I-/E-/S-
 * prefixes understood) are merged into one group, scored by the mean of their scores.
 * @example
 * const strategy: AggregationStrategy = 'simple';
 */
export type AggregationStrategy = 'none' | 'simple';

/**
 * Options of token-classification.
 * @example
 * const options: TokenClassificationOptions = { aggregationStrategy: 'simple', ignoreLabels: ['O', 'MISC'] };
 */
export interface TokenClassificationOptions {
  /**
   * Labels to leave out of the result (compared with the token's label, e.g. `'B-MISC'`, before grouping).
   * @default ['O']
   */
  ignoreLabels?: readonly string[];
  /** @default 'none' */
  aggregationStrategy?: AggregationStrategy;
}

/**
 * One labelled token (`aggregationStrategy: 'none'`).
 * @example
 * const token: TokenEntity = { entity: 'B-PER', score: 0.998, index: 1, word: 'Sarah', start: 0, end: 5 };
 */
export interface TokenEntity {
  /** The label, e.g. `'B-PER'`. */
  entity: string;
  score: number;
  /** Position of the token in the model input (`[CLS]` is 0). */
  index: number;
  /**
   * The decoded token; WordPiece continuations keep their `##` (`'##ra'`). WordPiece models also
   * report each `[UNK]` token (an unknown word, which transformers.js leaves out) as `'[UNK]'`.
   */
  word: string;
  /**
   * UTF-16 offset of the token in the original text; `text.slice(start, end)` is the token as
   * written. Exact for WordPiece tokenizers (BERT and its kin: found by token position); found by
   * searching the text for other tokenizers, where `start === end` when the token could not be
   * located (a rare tokenizer normalization).
   */
  start: number;
  end: number;
}

/**
 * A group of adjacent tokens with the same entity (`aggregationStrategy: 'simple'`).
 * @example
 * const group: EntityGroup = { entityGroup: 'LOC', score: 0.999, word: 'New York', start: 15, end: 23 };
 */
export interface EntityGroup {
  /** The entity without its B-/I-/E-/S- prefix, e.g. `'PER'`. */
  entityGroup: string;
  /** Mean of the tokens' scores. */
  score: number;
  /**
   * The group as written in the original text (`text.slice(start, end)`). transformers.js gives
   * the decoded tokens instead, which uncased models lowercase.
   */
  word: string;
  /** From the first token's start to the last token's end. */
  start: number;
  end: number;
}

/**
 * The results for one text: tokens, or groups with `aggregationStrategy: 'simple'`.
 * @example
 * type Groups = TokenClassificationEntities<{ aggregationStrategy: 'simple' }>; // EntityGroup[]
 */
export type TokenClassificationEntities<O = TokenClassificationOptions> = [OptionValue<O, 'aggregationStrategy'>] extends ['simple']
  ? EntityGroup[]
  : [OptionValue<O, 'aggregationStrategy'>] extends ['none' | undefined]
    ? TokenEntity[]
    : TokenEntity[] | EntityGroup[];

/**
 * For a string: its entities. For an array: one list per text.
 * @example
 * type Out = TokenClassificationOutput<string[], { aggregationStrategy: 'simple' }>; // EntityGroup[][]
 */
export type TokenClassificationOutput<I = TokenClassificationInput, O = TokenClassificationOptions> = PerText<
  I,
  TokenClassificationEntities<O>
>;

const id = 'token-classification';
const optionKeys = ['ignoreLabels', 'aggregationStrategy'] as const;
const strategies: readonly AggregationStrategy[] = ['none', 'simple'];
const defaultIgnoreLabels: readonly string[] = ['O'];

function resolve(options: TokenClassificationOptions | undefined): Required<TokenClassificationOptions> {
  return {
    ignoreLabels: options?.ignoreLabels ?? defaultIgnoreLabels,
    aggregationStrategy: options?.aggregationStrategy ?? 'none',
  };
}

/**
 * Token classification, e.g. named-entity recognition with `Xenova/bert-base-NER`. Offsets are
 * computed by inpage (transformers.js 4.3.1 has none): exact for WordPiece tokenizers, by search
 * for others. Tokens past the model's maximum length are not classified. Batchable.
 * @example
 * const ner = await client.load('ner', 'Xenova/bert-base-NER');
 * await ner.run('My name is Sarah and I live in London');
 * // [{ entity: 'B-PER', score: 0.998, index: 4, word: 'Sarah', start: 11, end: 16 },
 * //  { entity: 'B-LOC', score: 0.999, index: 9, word: 'London', start: 31, end: 37 }]
 * await ner.run('I met Amara in New York', { aggregationStrategy: 'simple' });
 * // [{ entityGroup: 'PER', score: 0.997, word: 'Amara', start: 6, end: 11 },
 * //  { entityGroup: 'LOC', score: 0.999, word: 'New York', start: 15, end: 23 }]
 */
export const tokenClassificationTask: BatchableTask<
  TokenClassificationInput,
  TokenClassificationOptions,
  TokenClassificationOutput,
  TokenEntity[] | EntityGroup[]
> = /* @__PURE__ */ Object.freeze({
  id,
  pipelineTask: 'token-classification',
  batchable: true,
  streamable: false,
  validate(input: unknown, options: unknown): asserts input is TokenClassificationInput {
    checkTexts(id, input);
    const record = checkOptions(id, options, optionKeys);
    const ignoreLabels = record['ignoreLabels'];
    if (ignoreLabels !== undefined && (!Array.isArray(ignoreLabels) || !ignoreLabels.every((label) => typeof label === 'string'))) {
      throw new TypeError(`${id}: option "ignoreLabels" must be an array of strings, got ${describeValue(ignoreLabels)}.`);
    }
    checkOneOf(id, 'aggregationStrategy', record['aggregationStrategy'], strategies);
  },
  canBatch: () => true,
  batchKey: (options?: TokenClassificationOptions) => stableKey(resolve(options)),
  toItems: textItems,
  batchInput: (items: readonly string[]) => [...items],
  splitOutput: (output: TokenClassificationOutput, count: number) => splitPerText<TokenEntity[] | EntityGroup[]>(id, output, count),
  joinItems: (items: readonly (TokenEntity[] | EntityGroup[])[], input: TokenClassificationInput) =>
    joinPerText<TokenEntity[] | EntityGroup[]>(id, items, input),
});

/** transformers.js's tag parsing: `B-PER` → `['B', 'PER']`, an unprefixed `PER` → `['I', 'PER']`. */
function splitTag(entity: string): [prefix: string, tag: string] {
  const prefix = entity[0] ?? '';
  return entity[1] === '-' && 'BIES'.includes(prefix) && prefix !== '' ? [prefix, entity.slice(2)] : ['I', entity];
}

/**
 * Groups tokens like transformers.js's `aggregation_strategy: 'simple'`: a token extends the open
 * group when it has the same tag and is not a B- or S- token; an E- or S- token closes its group.
 */
function groupEntities(tokens: readonly TokenEntity[], text: string): EntityGroup[] {
  const runs: { tag: string; members: TokenEntity[] }[] = [];
  let openTag: string | null = null;
  for (const token of tokens) {
    const [prefix, tag] = splitTag(token.entity);
    const open = runs.at(-1);
    if (open !== undefined && openTag === tag && prefix !== 'B' && prefix !== 'S') {
      open.members.push(token);
      if (prefix === 'E') openTag = null;
    } else {
      runs.push({ tag, members: [token] });
      openTag = prefix === 'S' ? null : tag;
    }
  }
  return runs.map(({ tag, members }) => {
    const start = members[0]?.start ?? 0;
    const end = Math.max(start, members.at(-1)?.end ?? start);
    const score = members.reduce((sum, token) => sum + token.score, 0) / members.length;
    return { entityGroup: tag, score, word: text.slice(start, end), start, end };
  });
}

/**
 * One text's raw tokens (all labels) → located, filtered and possibly grouped entities. `tracked`:
 * the tokens' spans from the tracked tokenizer; without them, the text is searched.
 */
function readEntities(
  raw: unknown,
  text: string,
  options: Required<TokenClassificationOptions>,
  tracked: readonly Span[] | null = null,
): TokenEntity[] | EntityGroup[] {
  const rawTokens = readArray(id, raw, 'the tokens of a text').map((item) => readRecord(id, item, 'a token'));
  const words = rawTokens.map((token) => readString(id, token, 'word'));
  const indices = rawTokens.map((token) => readNumber(id, token, 'index'));
  // Locate every token, ignored ones included, so that a repeated word is matched in order.
  const spans = tracked ?? locateTokens(text, words, indices);
  const tokens: TokenEntity[] = [];
  rawTokens.forEach((token, position) => {
    const entity = readString(id, token, 'entity');
    if (options.ignoreLabels.includes(entity)) return;
    const { start, end } = spans[position] ?? { start: 0, end: 0 };
    const word = words[position] ?? '';
    tokens.push({ entity, score: readNumber(id, token, 'score'), index: indices[position] ?? 0, word, start, end });
  });
  return options.aggregationStrategy === 'simple' ? groupEntities(tokens, text) : tokens;
}

function readOutput(
  raw: unknown,
  input: TokenClassificationInput,
  options: TokenClassificationOptions | undefined,
): TokenClassificationOutput {
  const resolved = resolve(options);
  if (typeof input === 'string') return readEntities(raw, input, resolved);
  const perText = readArrayOf(id, raw, input.length, 'one list per text');
  return perText.map((tokens, index) => readEntities(tokens, input[index] ?? '', resolved));
}

/**
 * The worker half of token-classification: transformers.js call (every token, ungrouped), and output
 * conversion that locates, filters and groups the tokens. `run` gives WordPiece models (BERT and
 * its kin) exact offsets from a tracked tokenization; `fromPipelineOutput` alone searches the text.
 * @example
 * tokenClassificationPipeline.toPipelineArgs('Sarah lives in London');
 * // ['Sarah lives in London', { ignore_labels: [], aggregation_strategy: 'none' }]
 */
export const tokenClassificationPipeline: TaskPipeline<TokenClassificationInput, TokenClassificationOptions, TokenClassificationOutput> =
  /* @__PURE__ */ Object.freeze({
    toPipelineArgs(input: TokenClassificationInput): unknown[] {
      // Ask for every token, ungrouped: offsets are found by walking all tokens in order, and
      // inpage filters and groups afterwards (groups need their tokens' offsets).
      return [typeof input === 'string' ? input : [...input], { ignore_labels: [], aggregation_strategy: 'none' }];
    },
    fromPipelineOutput(raw: unknown, input: TokenClassificationInput, options?: TokenClassificationOptions): TokenClassificationOutput {
      return readOutput(raw, input, options);
    },
    async run(
      pipe: LoadedParts,
      input: TokenClassificationInput,
      options?: TokenClassificationOptions,
    ): Promise<TokenClassificationOutput> {
      const tracker = wordPieceTokenizerOf(pipe.tokenizer);
      const texts = typeof input === 'string' ? [input] : input;
      const labelled = tracker ? await labelTokens(pipe, texts, tracker) : null;
      if (labelled === null) return readOutput(await pipe(...tokenClassificationPipeline.toPipelineArgs(input, options)), input, options);
      const resolved = resolve(options);
      const perText = labelled.map(({ tokens, spans }, index) => readEntities(tokens, texts[index] ?? '', resolved, spans));
      return typeof input === 'string' ? (perText[0] ?? []) : perText;
    },
  });

/**
 * The types of token-classification, for the task table: input, options, and the output a call's input and
 * options give.
 */
export interface TokenClassificationTypes extends TaskTypeSpec {
  readonly input: TokenClassificationInput;
  readonly options: TokenClassificationOptions;
  readonly output: TokenClassificationOutput<this['callInput'], this['callOptions']>;
}

/** token-classification in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as TokenClassificationTypes,
  definition: tokenClassificationTask,
  pipeline: tokenClassificationPipeline,
});
