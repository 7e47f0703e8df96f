/**
 * inpage's own generation loop for decoder-only models: the prompt as token ids (a chat template
 * applied, or a plain prompt), stop sequences, streaming that never takes text back, and a KV
 * cache that is reused only when it covers a prefix of the prompt's tokens.
 *
 * transformers.js 4.3.1 reuses a `past_key_values` by slicing the prompt at the cache's length,
 * without checking that the cache holds those tokens; a cache of another history then gives
 * silently wrong output. `DynamicCache` cannot be cropped either, so a cache that is not a
 * prefix is dropped and the whole prompt prefilled.
 * @module
 */
import { InterruptableStoppingCriteria, StoppingCriteria, Tensor } from '@huggingface/transformers';
import type { DynamicCache } from '@huggingface/transformers';
import { InpageError } from '../errors.ts';
import type { ChatMessage } from '../tasks/chat-messages.ts';
import type { ChatTurnStats } from '../tasks/chat-turn.ts';
import type { GenerationKwargs } from '../tasks/generation-options.ts';
import type { LoadedPipeline } from './loaded-pipelines.ts';
import { StopText } from './stop-sequences.ts';

/** The tokenizer calls this module makes. */
interface ChatTokenizer {
  apply_chat_template(messages: ChatMessage[], options: Record<string, unknown>): unknown;
  encode(text: string, options: { add_special_tokens: boolean }): number[];
  decode(ids: number[], options: { skip_special_tokens: boolean }): string;
  readonly add_bos_token?: boolean;
  readonly add_eos_token?: boolean;
}

/** The model call this module makes. */
interface GeneratingModel {
  generate(kwargs: Record<string, unknown>): Promise<unknown>;
}

/** A KV cache and the token ids it holds, in order. */
export interface CachedPrefix {
  ids: number[];
  cache: DynamicCache;
}

/** What {@link generate} needs. */
export interface GenerateRequest {
  promptIds: number[];
  /** transformers.js generation kwargs (`toGenerationKwargs`). */
  kwargs: GenerationKwargs;
  stops: readonly string[];
  /** A cache from an earlier call: reused when it covers a prefix of `promptIds`, else disposed. */
  cached?: CachedPrefix | undefined;
  /** Keep the cache for a later call (it is disposed otherwise). */
  keepCache: boolean;
  onPiece?: ((piece: string) => void) | undefined;
}

/** The result of {@link generate}. */
export interface Generated {
  /** The generated text, cut before a stop sequence, special tokens left out. */
  text: string;
  stats: ChatTurnStats;
  /** The cache after this call and the ids it holds (when `keepCache`). */
  cached?: CachedPrefix;
}

/** Stops at a stop sequence and streams the final text after each token. */
class StopCriterion extends StoppingCriteria {
  constructor(
    private readonly decode: (ids: number[]) => string,
    private readonly promptLength: number,
    private readonly text: StopText,
    private readonly onPiece: ((piece: string) => void) | undefined,
  ) {
    super();
  }

  override _call(inputIds: (number | bigint)[][]): boolean[] {
    return inputIds.map((ids) => {
      const update = this.text.update(this.decode(ids.slice(this.promptLength).map(Number)));
      if (update.piece) this.onPiece?.(update.piece);
      return update.stopped;
    });
  }
}

function partsOf(pipe: LoadedPipeline): { tokenizer: ChatTokenizer; model: GeneratingModel } {
  const { tokenizer, model } = pipe as unknown as { tokenizer?: ChatTokenizer; model?: GeneratingModel };
  if (typeof tokenizer?.apply_chat_template !== 'function' || typeof model?.generate !== 'function') {
    throw new InpageError('RUNTIME', 'text-generation: this pipeline has no tokenizer or generate().');
  }
  return { tokenizer, model };
}

/**
 * The prompt's token ids: the chat template applied with the assistant's turn opened, or the
 * prompt text tokenized as transformers.js's text-generation pipeline does.
 * @throws InpageError `UNSUPPORTED_MODEL` when messages are given and the model has no chat template.
 * @example
 * promptIds(pipe, [{ role: 'user', content: 'Hi' }]); // [27, 91, 882, …]
 */
export function promptIds(pipe: LoadedPipeline, prompt: string | readonly ChatMessage[]): number[] {
  const { tokenizer } = partsOf(pipe);
  if (typeof prompt === 'string') {
    return tokenizer.encode(prompt, { add_special_tokens: Boolean(tokenizer.add_bos_token || tokenizer.add_eos_token) });
  }
  try {
    const options = { add_generation_prompt: true, tokenize: true, return_tensor: false, return_dict: false };
    return tokenizer.apply_chat_template([...prompt], options) as number[];
  } catch (error) {
    throw new InpageError('UNSUPPORTED_MODEL', `text-generation: could not apply the chat template: ${String(error)}`, { cause: error });
  }
}

/**
 * Frees a cache's GPU tensors. Never throws: a cache whose device was lost, or whose session is
 * gone, has nothing left to free.
 * @example
 * await disposeCache(entry.cache);
 */
export async function disposeCache(cache: DynamicCache | undefined): Promise<void> {
  await cache?.dispose().catch(() => undefined);
}

/** `true` when `prefix` holds fewer tokens than `ids` and equals their start. */
export function isStrictPrefix(prefix: readonly number[], ids: readonly number[]): boolean {
  return prefix.length < ids.length && prefix.every((id, index) => ids[index] === id);
}

/**
 * Generates from `promptIds`, reusing `cached` only when it holds a prefix of them.
 * @throws InpageError `INVALID_INPUT` when the prompt and `maxNewTokens` do not fit the model's
 *   positions (stating the token counts), `RUNTIME` for a failed inference.
 * @example
 * const { text, stats } = await generate(pipe, { promptIds: ids, kwargs: { max_new_tokens: 64 }, stops: ['\n'], keepCache: false }, signal);
 */
export async function generate(pipe: LoadedPipeline, request: GenerateRequest, signal: AbortSignal): Promise<Generated> {
  const { tokenizer, model } = partsOf(pipe);
  const { promptIds: ids, cached } = request;
  const reuse = cached !== undefined && isStrictPrefix(cached.ids, ids);
  if (cached && !reuse) await disposeCache(cached.cache);
  const decode = (tokens: number[]): string => tokenizer.decode(tokens, { skip_special_tokens: true });
  const text = new StopText(request.stops);
  const interrupt = new InterruptableStoppingCriteria();
  const onAbort = (): void => interrupt.interrupt();
  signal.addEventListener('abort', onAbort, { once: true });
  let past: DynamicCache | undefined = reuse ? cached.cache : undefined;
  try {
    const kwargs = { max_new_tokens: 256, ...request.kwargs };
    const output = (await model.generate({
      input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      ...kwargs,
      ...(past ? { past_key_values: past } : {}),
      return_dict_in_generate: true,
      stopping_criteria: [interrupt, new StopCriterion(decode, ids.length, text, request.onPiece)],
    })) as { sequences: Tensor; past_key_values: DynamicCache };
    past = output.past_key_values;
    const all = ((output.sequences.tolist() as (number | bigint)[][])[0] ?? []).map(Number);
    const generated = all.slice(ids.length);
    const rest = text.finish(decode(generated));
    if (rest) request.onPiece?.(rest);
    const cachedTokens = reuse ? cached.ids.length : 0;
    const stats = { promptTokens: ids.length, cachedTokens, prefilledTokens: ids.length - cachedTokens, generatedTokens: generated.length };
    const result: Generated = { text: text.output ?? '', stats };
    if (request.keepCache) {
      result.cached = { ids: all.slice(0, past.get_seq_length()), cache: past };
      past = undefined;
    }
    return result;
  } finally {
    signal.removeEventListener('abort', onAbort);
    // A cache a failed generation may have half updated is never reused.
    await disposeCache(past);
  }
}
