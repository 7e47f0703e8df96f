/**
 * Limits that bound the work of one inference, whatever the caller sends. Exported from the main
 * entry so apps can size their batches.
 * @module
 */

/** At most this many items (texts, pairs) go into one inference; a longer array or a coalesced batch is split. */
export const MAX_ITEMS_PER_INFERENCE = 256;

/** At most this many characters (summed over the items) go into one inference; beyond it the batch is split. */
export const MAX_CHARS_PER_INFERENCE = 262_144;
