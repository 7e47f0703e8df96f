import { InpageError, isInpageError } from '../errors.ts';
import { pieceStream } from '../client/piece-stream.ts';
import { checkMessages, plainMessages } from './chat-messages.ts';
import type { AssistantMessage, ChatMessage } from './chat-messages.ts';
import type { ChatOptions, ChatTurnRequest, ChatTurnResult, ChatTurnStats } from './chat-turn.ts';

/**
 * Options of `model.chat()`.
 * @example
 * const chat = model.chat({ messages: [{ role: 'system', content: 'Answer in one sentence.' }] });
 */
export interface ConversationOptions {
  /** The history the conversation starts from (a system prompt, earlier turns). */
  messages?: readonly ChatMessage[];
}

/**
 * Options of one turn: the generation options, `stop`, and `signal`.
 * @example
 * await chat.send('Hi!', { maxNewTokens: 64, stop: ['\n\n'], signal: AbortSignal.timeout(10_000) });
 */
export interface ChatCallOptions extends ChatOptions {
  /** Aborts this turn: it rejects with `ABORTED`, and the conversation keeps the reply streamed so far. */
  signal?: AbortSignal;
}

/** What a conversation needs from its model (see `ModelHandle.chat`). */
export interface ConversationHost {
  /** Runs one turn in the model's call queue; `onPiece` receives the reply as it is generated. */
  turn(request: ChatTurnRequest, onPiece: (piece: string) => void, signal?: AbortSignal): Promise<ChatTurnResult>;
  /** Frees the conversation's KV cache in the worker. */
  release(conversationId: string): Promise<void>;
  /** Checks a turn's input and options as `run()` does (the task's own validation). */
  validate(input: ChatMessage[], options: ChatCallOptions): void;
}

let conversations = 0;

/**
 * A conversation with a text-generation model: it keeps the messages, and the worker keeps the KV
 * cache of the last turn, so that a turn prefills only its new tokens. The cache is reused only
 * when it holds a prefix of the new prompt's tokens (an edited history, a restarted worker or a
 * fallback to WASM prefill the whole conversation again, with the same answer). Turns run one at
 * a time, in the order they were sent, and are never batched.
 * @example
 * const chat = model.chat({ messages: [{ role: 'system', content: 'You are terse.' }] });
 * const reply = await chat.send('What is the capital of France?'); // { role: 'assistant', content: 'Paris.' }
 * for await (const piece of chat.stream('And of Italy?')) output.textContent += piece;
 * chat.lastTurn; // { promptTokens: 52, cachedTokens: 38, prefilledTokens: 14, generatedTokens: 4 }
 * await chat.dispose();
 */
export class Conversation {
  readonly #host: ConversationHost;
  readonly #id = `conversation-${Date.now().toString(36)}-${(conversations += 1)}`;
  #messages: ChatMessage[];
  #lastTurn: ChatTurnStats | null = null;
  #previous: Promise<unknown> = Promise.resolve();
  #disposed = false;

  /** @internal Created by `model.chat()`. */
  constructor(host: ConversationHost, options: ConversationOptions = {}) {
    const messages = options.messages ?? [];
    if (messages.length > 0) checkMessages('chat', messages);
    this.#host = host;
    this.#messages = plainMessages(messages);
  }

  /** The messages so far (a copy), replies included. */
  get messages(): ChatMessage[] {
    return plainMessages(this.#messages);
  }

  /** The token counts of the last completed turn, `null` before the first. */
  get lastTurn(): ChatTurnStats | null {
    return this.#lastTurn === null ? null : { ...this.#lastTurn };
  }

  /**
   * Replaces the history (to edit or drop earlier messages). The next turn reuses the KV cache only
   * as far as the new history's tokens match it.
   * @throws TypeError for a malformed message; InpageError `DISPOSED`.
   * @example
   * chat.setMessages(chat.messages.slice(0, -2)); // forget the last exchange
   */
  setMessages(messages: readonly ChatMessage[]): void {
    this.#checkOpen();
    if (messages.length > 0) checkMessages('chat', messages);
    this.#messages = plainMessages(messages);
  }

  /**
   * Sends a user message and resolves with the assistant's reply, which joins the history.
   * @throws InpageError `INVALID_INPUT` (the conversation does not fit the model's positions, with
   *   the token counts), `ABORTED`, `DISPOSED`, `WORKER_CRASHED`, `RUNTIME`; TypeError / RangeError
   *   for wrong options.
   * @example
   * const { content } = await chat.send('Hi!', { maxNewTokens: 32 });
   */
  send(content: string, options?: ChatCallOptions): Promise<AssistantMessage> {
    let streamed = '';
    return this.#turn(
      content,
      options,
      options?.signal,
      (piece) => (streamed += piece),
      () => streamed,
    );
  }

  /**
   * Sends a user message and streams the reply. The pieces joined equal the reply that joins the
   * history; breaking out of the loop stops generation, and the history keeps the pieces received.
   * @throws The errors of {@link Conversation.send}.
   * @example
   * for await (const piece of chat.stream('Tell me a story', { stop: ['THE END'] })) output.textContent += piece;
   */
  async *stream(content: string, options?: ChatCallOptions): AsyncGenerator<string> {
    let received = '';
    yield* pieceStream(
      (onPiece, signal) => this.#turn(content, options, signal, onPiece, () => received),
      options?.signal,
      (piece) => (received += piece),
    );
  }

  /**
   * Frees the conversation's KV cache in the worker (it may hold GPU buffers). Later turns reject
   * with `DISPOSED`; the model stays loaded.
   * @example
   * await chat.dispose();
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#previous.catch(() => undefined);
    await this.#host.release(this.#id);
  }

  #turn(
    content: string,
    options: ChatCallOptions | undefined,
    signal: AbortSignal | undefined,
    onPiece: (piece: string) => void,
    streamed: () => string,
  ): Promise<AssistantMessage> {
    this.#checkOpen();
    if (typeof content !== 'string') throw new TypeError(`chat: the message must be a string, got ${typeof content}.`);
    const turnOptions: ChatCallOptions = { ...options };
    delete turnOptions.signal;
    if ('returnFullText' in turnOptions) throw new TypeError('chat: option "returnFullText" is not a chat option.');
    this.#host.validate([{ role: 'user', content }], turnOptions);
    const run = async (): Promise<AssistantMessage> => {
      await this.#previous.catch(() => undefined);
      this.#checkOpen();
      const user: ChatMessage = { role: 'user', content };
      this.#messages.push(user);
      const request = { conversationId: this.#id, messages: plainMessages(this.#messages), options: turnOptions };
      try {
        const { message, stats } = await this.#host.turn(request, onPiece, signal);
        this.#messages.push(message);
        this.#lastTurn = stats;
        return { ...message };
      } catch (error) {
        // An aborted reply stays as far as it was streamed; a failed turn leaves no trace.
        if (isInpageError(error, 'ABORTED')) this.#messages.push({ role: 'assistant', content: streamed() });
        else if (this.#messages.at(-1) === user) this.#messages.pop();
        throw error;
      }
    };
    const turn = run();
    this.#previous = turn;
    return turn;
  }

  #checkOpen(): void {
    if (this.#disposed) throw new InpageError('DISPOSED', 'This conversation was disposed; start a new one with model.chat().');
  }
}
