/**
 * `translation`: a translated text for each text. Multilingual models (NLLB, M2M100, mBART) need
 * `tgtLang` (and usually `srcLang`) as language codes of their tokenizer; single-pair models
 * (Opus-MT) need neither.
 * @module
 */
import type { GenerationOptions } from './generation-options.ts';
import { createTextToTextPipeline, createTextToTextTask } from './seq2seq.ts';
import type { TextToTextInput, TextToTextOutput } from './seq2seq.ts';
import { describeValue } from './validate.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

/**
 * A text, or several texts translated in one call.
 * @example
 * const input: TranslationInput = ['Hello', 'How are you?'];
 */
export type TranslationInput = TextToTextInput;

/**
 * Options of translation: the generation options and the language pair.
 * @example
 * const options: TranslationOptions = { srcLang: 'eng_Latn', tgtLang: 'fra_Latn', maxNewTokens: 100 };
 */
export interface TranslationOptions extends GenerationOptions {
  /** Source language code of a multilingual model, e.g. `'eng_Latn'` (NLLB) or `'en'` (M2M100). */
  srcLang?: string;
  /** Target language code of a multilingual model, e.g. `'fra_Latn'` (NLLB) or `'fr'` (M2M100). */
  tgtLang?: string;
}

/**
 * The translation for a string input, one per text for an array.
 * @example
 * type Out = TranslationOutput<string>; // string
 */
export type TranslationOutput<I = TranslationInput> = TextToTextOutput<I>;

const id = 'translation';

function checkLanguage(record: Readonly<Record<string, unknown>>, name: 'srcLang' | 'tgtLang'): void {
  const value = record[name];
  if (value === undefined) return;
  if (typeof value !== 'string')
    throw new TypeError(`${id}: option "${name}" must be a language code string, got ${describeValue(value)}.`);
  if (value.trim() === '') throw new RangeError(`${id}: option "${name}" must be a non-empty language code.`);
}

/**
 * Translation, e.g. with `Xenova/nllb-200-distilled-600M` or `Xenova/opus-mt-en-de`.
 * Streamable (a single string).
 * @example
 * const translator = await client.load('translation', 'Xenova/nllb-200-distilled-600M');
 * await translator.run('Life is like a box of chocolates.', { srcLang: 'eng_Latn', tgtLang: 'fra_Latn' });
 * // 'La vie est comme une boîte à chocolat.'
 */
export const translationTask = /* @__PURE__ */ createTextToTextTask<TranslationOptions>({
  id,
  extraOptionKeys: ['srcLang', 'tgtLang'],
  checkExtraOptions(record) {
    checkLanguage(record, 'srcLang');
    checkLanguage(record, 'tgtLang');
  },
});

/**
 * The worker half of translation: transformers.js call (`src_lang` / `tgt_lang`) and output conversion.
 * @example
 * translationPipeline.toPipelineArgs('Hello', { tgtLang: 'fra_Latn' }); // ['Hello', { tgt_lang: 'fra_Latn' }]
 */
export const translationPipeline = /* @__PURE__ */ createTextToTextPipeline<TranslationOptions>({
  id,
  outputKey: 'translation_text',
  extraKwargs(options) {
    const kwargs: Record<string, string> = {};
    if (options?.srcLang !== undefined) kwargs['src_lang'] = options.srcLang;
    if (options?.tgtLang !== undefined) kwargs['tgt_lang'] = options.tgtLang;
    return kwargs;
  },
});

/**
 * The types of translation, for the task table: input, options, and the output a call's input and
 * options give.
 */
export interface TranslationTypes extends TaskTypeSpec {
  readonly input: TranslationInput;
  readonly options: TranslationOptions;
  readonly output: TranslationOutput<this['callInput']>;
}

/** translation in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as TranslationTypes,
  definition: translationTask,
  pipeline: translationPipeline,
});
