/**
 * Limits that bound the work of one inference, whatever the caller sends. Exported from the main
 * entry so apps can size their batches and prompts.
 *
 * Lengths in tokens follow the model:
 * - texts for classification, embeddings, NER, question answering and zero-shot classification
 *   are truncated to the model's positions: `model_max_length` in `tokenizer_config.json`, and
 *   never beyond `max_position_embeddings` / `n_positions` in `config.json` (minus
 *   `padding_idx + 1` for RoBERTa-family models), also when `model_max_length` is missing;
 * - a generation prompt (or the text to translate or summarize) is never cut: one that does not
 *   fit with `maxNewTokens` is refused with `INVALID_INPUT`, which states both token counts;
 * - `maxLength` and `minLength` are at most the model's positions.
 * @module
 */

/** At most this many items (texts, pairs) go into one inference; a longer array or a coalesced batch is split. */
export const MAX_ITEMS_PER_INFERENCE = 256;

/** At most this many characters (summed over the items) go into one inference; beyond it the batch is split. */
export const MAX_CHARS_PER_INFERENCE = 262_144;

/**
 * At most this many tokens are generated per text (`maxNewTokens`, `minNewTokens`). For a model
 * whose config names no position limit, `maxLength` may add at most this many tokens to the
 * prompt, so generation always ends.
 */
export const MAX_NEW_TOKENS = 4096;
