/**
 * Token classification run on the loaded tokenizer and model, as transformers.js 4.3.1's
 * TokenClassificationPipeline does it (same inputs, labels and float32 scores), but keeping the
 * `[UNK]` tokens (transformers.js drops them: they decode to nothing) and giving every token its
 * characters from the tracked WordPiece tokenizer. Pure code: the tokenizer and model are the
 * pipeline's, typed `unknown` and checked.
 * @module
 */
import { InpageError } from '../errors.ts';
import type { Span } from './entity-offsets.ts';
import type { LoadedParts } from './task.ts';
import { tensorRow, tensorRows } from './tensors.ts';
import type { WordPieceTokenizer } from './wordpiece-tokenizer.ts';

/** One labelled token, as transformers.js reports it. */
export interface LabelledToken {
  entity: string;
  score: number;
  index: number;
  word: string;
}

/**
 * One text's tokens, and their spans when the tracked tokenizer gave the model's ids (`null`
 * otherwise: then the `[UNK]` tokens are left out, as transformers.js does, and the caller
 * searches the text).
 */
export interface LabelledText {
  tokens: LabelledToken[];
  spans: Span[] | null;
}

interface Parts {
  tokenizer: ((texts: string[], options: Record<string, unknown>) => Record<string, unknown>) & {
    decode(ids: number[], options: Record<string, unknown>): string;
    all_special_ids: readonly number[];
  };
  model: ((inputs: unknown) => Promise<Record<string, unknown>>) & { config?: { id2label?: Record<string, string> } };
}

/** The tokenizer and model of a loaded pipeline, or `null` when they are not what this needs. */
function partsOf(pipe: LoadedParts): Parts | null {
  const { tokenizer, model } = pipe;
  const methods = tokenizer as { decode?: unknown; all_special_ids?: unknown } | undefined;
  const usable = typeof tokenizer === 'function' && typeof methods?.decode === 'function' && Array.isArray(methods.all_special_ids);
  return usable && typeof model === 'function' ? ({ tokenizer, model } as unknown as Parts) : null;
}

/** The label and float32 score of one token's logits, computed as transformers.js does. */
function topLabel(logits: Float32Array, id2label: Readonly<Record<string, string>> | undefined): { entity: string; score: number } {
  let best = 0;
  for (let k = 1; k < logits.length; k++) if ((logits[k] ?? 0) > (logits[best] ?? 0)) best = k;
  const top = logits[best] ?? 0;
  const exps = logits.map((logit) => Math.exp(logit - top));
  const sum = exps.reduce((total, value) => total + value, 0);
  return { entity: id2label?.[best] ?? `LABEL_${best}`, score: Math.fround((exps[best] ?? 0) / sum) };
}

/**
 * Labels every token of each text with the loaded model.
 *
 * @param pipe - the loaded token-classification pipeline.
 * @param texts - the texts, labelled in one batch.
 * @param tracker - the tracked tokenizer built from the pipeline's tokenizer.
 * @returns one {@link LabelledText} per text, or `null` when the pipeline's tokenizer or model
 *   cannot be called this way (then call the pipeline instead).
 * @throws InpageError `RUNTIME` when the model's outputs do not have the expected shape.
 * @example
 * const [labelled] = (await labelTokens(pipe, ['Zürich😍 Zürich'], tracker)) ?? [];
 * // labelled.tokens: [{ entity: 'O', word: '[UNK]', index: 1, … }, { entity: 'B-LOC', word: 'zurich', index: 2, … }]
 * // labelled.spans:  [{ start: 0, end: 8 }, { start: 9, end: 15 }]
 */
export async function labelTokens(
  pipe: LoadedParts,
  texts: readonly string[],
  tracker: WordPieceTokenizer,
): Promise<LabelledText[] | null> {
  const parts = partsOf(pipe);
  if (parts === null) return null;
  const { tokenizer, model } = parts;
  const inputs = tokenizer([...texts], { padding: true, truncation: true });
  const outputs = await model(inputs);
  if (typeof outputs !== 'object' || outputs === null) throw new InpageError('RUNTIME', 'token-classification: the model gave no outputs.');
  const specialIds = new Set(tokenizer.all_special_ids.map(Number));
  return texts.map((text, row) => {
    const ids = tensorRow(inputs['input_ids'], row, 'input_ids');
    const mask = tensorRow(inputs['attention_mask'], row, 'attention_mask');
    const logits = tensorRows(outputs['logits'], row, 'logits');
    const tracked = tracker.tokenize(text);
    const offset = tracker.leadingSpecialTokens;
    // Positions holding the text's tokens: after the leading special tokens, before padding and the final [SEP].
    const seen = ids.map((_, position) => position).filter((position) => mask[position] === 1 && position >= offset);
    const matches =
      tracked !== null &&
      seen.every((position) => {
        const token = tracked[position - offset];
        return token === undefined ? specialIds.has(ids[position] ?? -1) : token.id === ids[position];
      });
    const tokens: LabelledToken[] = [];
    const spans: Span[] = [];
    ids.forEach((id, position) => {
      if (mask[position] !== 1) return;
      const unknown = id === tracker.unkId && matches;
      const word = unknown ? (tracked?.[position - offset]?.token ?? '') : tokenizer.decode([id], { skip_special_tokens: true });
      if (word === '') return; // a special token ([CLS], [SEP]; [UNK] when not tracked)
      const label = topLabel(logits[position] ?? new Float32Array(0), model.config?.id2label);
      tokens.push({ ...label, index: position, word });
      const token = tracked?.[position - offset];
      if (token) spans.push({ start: token.start, end: token.end });
    });
    return { tokens, spans: matches ? spans : null };
  });
}
