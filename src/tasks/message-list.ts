/**
 * Tells a message list from a list of prompts; its own module, so that the main entry (which
 * checks `stream()`'s input with it) does not carry the message checks.
 * @module
 */
import type { ChatMessage } from './chat-messages.ts';

/**
 * `true` for a non-empty array whose items are all objects: a message list (checked by
 * `checkMessages`), not a list of prompts.
 * @example
 * isMessageList([{ role: 'user', content: 'Hi' }]); // true
 * isMessageList(['Hi']); // false
 */
export function isMessageList(input: unknown): input is readonly ChatMessage[] {
  if (!Array.isArray(input) || input.length === 0) return false;
  // An index loop, not `every`: a hole of a sparse array is not a message.
  for (let index = 0; index < input.length; index++) {
    const item: unknown = input[index];
    if (typeof item !== 'object' || item === null) return false;
  }
  return true;
}
