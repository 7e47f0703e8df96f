/**
 * The input calibration measures a model with: about 128 tokens of text for every task, shaped as
 * the task takes it. Data, kept apart from the routing logic.
 * @module
 */
import type { TaskId } from '../tasks/registry.ts';

/** Common English words (one WordPiece or BPE token each in most vocabularies). */
const words = 'the quick brown fox jumps over a lazy dog and then runs into the green field where many small birds sing'.split(' ');

/** Words in the representative text: with the special tokens, about 128 tokens. */
export const representativeWords = 126;

/** New tokens a generation model makes per measured run. */
export const representativeNewTokens = 8;

/**
 * About 128 tokens of text.
 * @example
 * representativeText().split(' ').length; // 126
 */
export function representativeText(count = representativeWords): string {
  return Array.from({ length: count }, (_, i) => words[i % words.length]).join(' ');
}

/**
 * A call that stands for the task's real calls: its input and options.
 * @example
 * const { input, options } = representativeCall('question-answering');
 * await model.run(input, options);
 */
export function representativeCall(task: TaskId): { input: unknown; options: Record<string, unknown> } {
  const text = representativeText();
  switch (task) {
    case 'question-answering':
      return { input: { question: 'Where do the birds sing?', context: text }, options: {} };
    case 'zero-shot-classification':
      return { input: text, options: { candidateLabels: ['nature', 'sport'] } };
    case 'fill-mask':
      return { input: `${representativeText(representativeWords - 2)} [MASK] .`, options: {} };
    case 'translation':
    case 'summarization':
    case 'text2text-generation':
    case 'text-generation':
      return { input: text, options: { maxNewTokens: representativeNewTokens } };
    default:
      return { input: text, options: {} };
  }
}
