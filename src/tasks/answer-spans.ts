/**
 * Extractive question answering's span choice, as transformers.js 4.3.1's
 * QuestionAnsweringPipeline makes it (same masking, softmax, scores and order), but keeping the
 * token positions of each answer so that inpage can map them to characters. Pure code.
 * @module
 */
/** One candidate answer: its first and last token positions in the model input, and its score. */
export interface TokenSpan {
  start: number;
  end: number;
  score: number;
}

/** What the span choice needs from one model input. */
export interface AnswerLogits {
  /** The model input's token ids. */
  ids: readonly number[];
  /** Its attention mask (0 for padding). */
  mask: readonly number[];
  startLogits: readonly number[];
  endLogits: readonly number[];
  /** The ids of every special token (`[CLS]`, `[SEP]`, `[UNK]`, …). */
  specialIds: readonly number[];
  /** The id of the separator between question and context. */
  sepId: number;
}

function softmax(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((value) => Math.exp(value - max));
  const sum = exps.reduce((total, value) => total + value, 0);
  return exps.map((value) => value / sum);
}

/**
 * The `topK` best answer spans. A token can start or end an answer only when it is after the first
 * separator, not padding and not a special token; `[CLS]`'s probability is then zeroed. Spans with
 * start ≤ end are ranked by `p_start · p_end`, ties in start-then-end order.
 * @example
 * bestSpans({ ids: [2, 5, 3, 7, 8, 3], mask: [1, 1, 1, 1, 1, 1], startLogits: [0, 0, 0, 5, 0, 0],
 *   endLogits: [0, 0, 0, 0, 5, 0], specialIds: [0, 1, 2, 3, 4], sepId: 3 }, 1);
 * // [{ start: 3, end: 4, score: 0.98… }]
 */
export function bestSpans(logits: AnswerLogits, topK: number): TokenSpan[] {
  const { ids, mask, specialIds, sepId } = logits;
  const sepIndex = ids.indexOf(sepId);
  const masked = (values: readonly number[]): number[] =>
    values.map((value, i) => (i >= 1 && (mask[i] === 0 || i <= sepIndex || specialIds.includes(ids[i] ?? -1)) ? -Infinity : value));
  const startScores = softmax(masked(logits.startLogits));
  const endScores = softmax(masked(logits.endLogits));
  startScores[0] = 0;
  endScores[0] = 0;
  // Positive-score spans, sorted (stable, so ties keep start-then-end order); transformers.js then
  // lists the zero-score spans in that order too, which only a large topK reaches.
  const positive: TokenSpan[] = [];
  for (let start = 0; start < startScores.length; start++) {
    if ((startScores[start] ?? 0) === 0) continue;
    for (let end = start; end < endScores.length; end++) {
      const score = (startScores[start] ?? 0) * (endScores[end] ?? 0);
      if (score > 0) positive.push({ start, end, score });
    }
  }
  positive.sort((a, b) => b.score - a.score);
  const spans = positive.slice(0, topK);
  for (let start = 0; start < startScores.length && spans.length < topK; start++) {
    for (let end = start; end < endScores.length && spans.length < topK; end++) {
      if ((startScores[start] ?? 0) * (endScores[end] ?? 0) === 0) spans.push({ start, end, score: 0 });
    }
  }
  return spans;
}
