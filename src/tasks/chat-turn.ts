/**
 * The types of one conversation turn, shared by the client's `Conversation` and the worker.
 * @module
 */
import type { AssistantMessage, ChatMessage } from './chat-messages.ts';
import type { TextGenerationOptions } from './text-generation.ts';

/**
 * Options of a conversation turn: the text-generation options except `returnFullText`.
 * @example
 * const options: ChatOptions = { maxNewTokens: 128, stop: ['\n\n'] };
 */
export type ChatOptions = Omit<TextGenerationOptions, 'returnFullText'>;

/**
 * Token counts of one turn. `prefilledTokens` is what the model processed before its first new
 * token: `promptTokens - cachedTokens`.
 * @example
 * const stats: ChatTurnStats = { promptTokens: 40, cachedTokens: 31, prefilledTokens: 9, generatedTokens: 12 };
 */
export interface ChatTurnStats {
  /** Tokens of the whole prompt: every message so far, templated. */
  promptTokens: number;
  /** Prompt tokens whose keys and values came from the previous turn's cache (0: full prefill). */
  cachedTokens: number;
  /** Prompt tokens run through the model in this turn. */
  prefilledTokens: number;
  /** Tokens generated (a stop sequence's and the end-of-sequence token included). */
  generatedTokens: number;
}

/** One turn as the client sends it: the whole history, the user's message last. */
export interface ChatTurnRequest {
  /** The client's id of the conversation (unique per client). */
  conversationId: string;
  messages: ChatMessage[];
  options: ChatOptions;
}

/** A turn's reply and its token counts. */
export interface ChatTurnResult {
  message: AssistantMessage;
  stats: ChatTurnStats;
}
