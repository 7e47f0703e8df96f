/**
 * Chat messages and stop sequences of text-generation: their public types and input checks.
 * @module
 */
import { InpageError } from '../errors.ts';
import { describeValue } from './describe-value.ts';

export { isMessageList } from './message-list.ts';

/**
 * Who wrote a message.
 * @example
 * const role: ChatRole = 'system';
 */
export type ChatRole = 'system' | 'user' | 'assistant';

/**
 * One message of a conversation, formatted with the model's chat template.
 * @example
 * const message: ChatMessage = { role: 'user', content: 'What is the capital of France?' };
 */
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/**
 * The model's reply: `run()`'s output for a message list, and a conversation's `send()`.
 * @example
 * const reply: AssistantMessage = { role: 'assistant', content: 'Paris.' };
 */
export interface AssistantMessage extends ChatMessage {
  role: 'assistant';
}

/** Most stop sequences per call. */
const MAX_STOP_SEQUENCES = 16;
const roles: ReadonlySet<string> = new Set<ChatRole>(['system', 'user', 'assistant']);

/**
 * Checks a message list.
 * @throws TypeError for a message that is not `{ role, content }` with a known role and string
 *   content; InpageError `INVALID_INPUT` for an empty list.
 * @example
 * checkMessages('text-generation', [{ role: 'bot', content: 'Hi' }]);
 * // TypeError: text-generation: message 0 has role a string ("bot"); use 'system', 'user' or 'assistant'.
 */
export function checkMessages(task: string, input: unknown): asserts input is readonly ChatMessage[] {
  if (!Array.isArray(input)) throw new TypeError(`${task}: messages must be an array, got ${describeValue(input)}.`);
  if (input.length === 0) throw new InpageError('INVALID_INPUT', `${task}: the message list is empty.`);
  input.forEach((message: unknown, index) => {
    if (typeof message !== 'object' || message === null) {
      throw new TypeError(`${task}: message ${index} must be an object { role, content }, got ${describeValue(message)}.`);
    }
    const { role, content } = message as Record<string, unknown>;
    if (typeof role !== 'string' || !roles.has(role)) {
      throw new TypeError(`${task}: message ${index} has role ${describeValue(role)}; use 'system', 'user' or 'assistant'.`);
    }
    if (typeof content !== 'string') {
      throw new TypeError(`${task}: message ${index} must have string content, got ${describeValue(content)}.`);
    }
  });
}

/**
 * Copies the `role` and `content` of each message (plain data, nothing else crosses to the worker).
 * @example
 * plainMessages([{ role: 'user', content: 'Hi', id: 7 } as ChatMessage]); // [{ role: 'user', content: 'Hi' }]
 */
export function plainMessages(messages: readonly ChatMessage[]): ChatMessage[] {
  return messages.map(({ role, content }) => ({ role, content }));
}

/**
 * Checks the `stop` option: one non-empty string, or up to 16 of them.
 * @throws TypeError for a wrong type; RangeError for an empty string or too many sequences.
 * @example
 * checkStop('text-generation', ['']); // RangeError: text-generation: option "stop" must not contain an empty string.
 */
export function checkStop(task: string, value: unknown): void {
  if (value === undefined) return;
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.some((item) => typeof item !== 'string')) {
    throw new TypeError(`${task}: option "stop" must be a string or an array of strings, got ${describeValue(value)}.`);
  }
  if (list.includes('')) throw new RangeError(`${task}: option "stop" must not contain an empty string.`);
  if (list.length > MAX_STOP_SEQUENCES) {
    throw new RangeError(`${task}: option "stop" takes at most ${MAX_STOP_SEQUENCES} sequences, got ${list.length}.`);
  }
}

/**
 * The stop sequences of an option value, as a list.
 * @example
 * stopList('\n'); // ['\n']
 */
export function stopList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}
