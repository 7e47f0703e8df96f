/**
 * The worker's conversations: each keeps the KV cache of its last turn and the token ids that
 * cache holds, so that the next turn prefills only its new tokens. A cache is reused only on the
 * pipeline that made it, and only when it holds a prefix of the new prompt (see chat-generation.ts).
 * @module
 */
import { stopList } from '../tasks/chat-messages.ts';
import type { ChatTurnRequest, ChatTurnResult } from '../tasks/chat-turn.ts';
import { toGenerationKwargs } from '../tasks/generation-options.ts';
import { disposeCache, generate, promptIds } from './chat-generation.ts';
import type { CachedPrefix } from './chat-generation.ts';
import type { LoadedPipeline } from './loaded-pipelines.ts';

interface Entry {
  pipelineId: string;
  prefix: CachedPrefix;
}

/**
 * The KV caches of the worker's conversations, by conversation id.
 * @example
 * const conversations = new ConversationCaches();
 * const { message, stats } = await conversations.turn(pipelineId, pipe, request, signal, send);
 * await conversations.drop(request.conversationId);
 */
export class ConversationCaches {
  readonly #entries = new Map<string, Entry>();

  /**
   * Runs one turn: templates the messages, reuses the conversation's cache when it holds a prefix
   * of their tokens (else prefills them all), and keeps the new cache.
   * @throws InpageError `INVALID_INPUT` when the conversation does not fit the model's positions,
   *   `UNSUPPORTED_MODEL` without a chat template, `RUNTIME` for a failed inference.
   */
  async turn(
    pipelineId: string,
    pipe: LoadedPipeline,
    request: ChatTurnRequest,
    signal: AbortSignal,
    onPiece?: (piece: string) => void,
  ): Promise<ChatTurnResult> {
    const ids = promptIds(pipe, request.messages);
    const entry = this.#take(request.conversationId);
    // A cache of another pipeline (a worker restart, a fallback to WASM) is never reused.
    const cached = entry?.pipelineId === pipelineId ? entry.prefix : undefined;
    if (entry && !cached) await disposeCache(entry.prefix.cache);
    const { options } = request;
    const result = await generate(
      pipe,
      { promptIds: ids, kwargs: toGenerationKwargs(options), stops: stopList(options.stop), cached, keepCache: true, onPiece },
      signal,
    );
    if (result.cached) {
      // A turn of a conversation disposed meanwhile keeps nothing.
      await disposeCache(this.#take(request.conversationId)?.prefix.cache);
      this.#entries.set(request.conversationId, { pipelineId, prefix: result.cached });
    }
    return { message: { role: 'assistant', content: result.text }, stats: result.stats };
  }

  /** Frees a conversation's cache; unknown ids are ignored. */
  async drop(conversationId: string): Promise<void> {
    await disposeCache(this.#take(conversationId)?.prefix.cache);
  }

  /** Frees the caches made on a pipeline (once it is disposed). */
  async dropPipeline(pipelineId: string): Promise<void> {
    const ids = [...this.#entries].filter(([, entry]) => entry.pipelineId === pipelineId).map(([id]) => id);
    await Promise.all(ids.map((id) => this.drop(id)));
  }

  #take(conversationId: string): Entry | undefined {
    const entry = this.#entries.get(conversationId);
    this.#entries.delete(conversationId);
    return entry;
  }
}
