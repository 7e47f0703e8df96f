/**
 * `text-generation`: a continuation of each prompt, or the assistant's reply to a list of chat
 * messages formatted with the model's chat template (decoder-only models such as GPT-2, Llama,
 * Qwen). Stop sequences end the output early.
 * @module
 */
import { checkMessages, checkStop, isMessageList } from './chat-messages.ts';
import type { AssistantMessage, ChatMessage } from './chat-messages.ts';
import { checkGenerationOptions, generationOptionKeys, toGenerationKwargs } from './generation-options.ts';
import type { GenerationOptions } from './generation-options.ts';
import { readArray, readArrayOf, readRecord, readString } from './raw-output.ts';
import { singleTextStreamer } from './seq2seq.ts';
import type { StreamableTask, StreamingPipeline } from './task.ts';
import { checkBoolean, checkOptions, checkTexts, unexpectedOutput } from './validate.ts';
import { Conversation } from './chat-conversation.ts';
import type { ConversationHost, ConversationOptions } from './chat-conversation.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

/**
 * A prompt, several prompts completed in one call, or the messages of a chat (formatted with the
 * model's chat template, the assistant's turn opened).
 * @example
 * const input: TextGenerationInput = 'Once upon a time,';
 * const chat: TextGenerationInput = [{ role: 'user', content: 'Hi!' }];
 */
export type TextGenerationInput = string | readonly string[] | readonly ChatMessage[];

/**
 * Options of text-generation: the generation options, `stop` and `returnFullText`.
 * @example
 * const options: TextGenerationOptions = { maxNewTokens: 50, doSample: true, temperature: 0.8, stop: ['\n\n'] };
 */
export interface TextGenerationOptions extends GenerationOptions {
  /**
   * Return the prompt followed by the generated text, instead of the generated text only.
   * Unlike transformers.js (whose default is `true`), inpage defaults to `false`, so that the
   * pieces of `stream()` joined equal the output of `run()`. Not used for messages.
   * @default false
   */
  returnFullText?: boolean;
  /**
   * Stop sequences (up to 16 non-empty strings): generation stops once the generated text holds
   * one of them, and the output ends just before it. `stream()` never sends text that a stop
   * sequence takes back.
   * @example
   * await generator.run(messages, { stop: ['\n\n', 'User:'] });
   */
  stop?: string | readonly string[];
}

/**
 * The generated text for a string input, one per prompt for an array of strings, the
 * assistant's message for a message list.
 * @example
 * type A = TextGenerationOutput<string>; // string
 * type B = TextGenerationOutput<ChatMessage[]>; // AssistantMessage
 */
export type TextGenerationOutput<I = TextGenerationInput> = [I] extends [string]
  ? string
  : [I] extends [readonly string[]]
    ? string[]
    : [I] extends [readonly ChatMessage[]]
      ? AssistantMessage
      : string | string[] | AssistantMessage;

const id = 'text-generation';
const optionKeys = [...generationOptionKeys, 'returnFullText', 'stop'] as const;

/**
 * `true` when the worker generates with inpage's own loop (chat-generation.ts): for messages,
 * and for stop sequences, which transformers.js's pipeline does not have.
 * @example
 * needsOwnGeneration('Hello', { stop: ['.'] }); // true
 */
export function needsOwnGeneration(input: TextGenerationInput, options?: TextGenerationOptions): boolean {
  return isMessageList(input) || options?.stop !== undefined;
}

/**
 * Text generation, e.g. with `onnx-community/Qwen2.5-0.5B-Instruct` or `Xenova/gpt2`.
 * Streamable (a single string).
 * @example
 * const generator = await client.load('text-generation', 'Xenova/gpt2');
 * await generator.run('Once upon a time,', { maxNewTokens: 8 });
 * // ' there was a little girl who lived in'
 * await generator.run('Once upon a time,', { maxNewTokens: 8, returnFullText: true });
 * // 'Once upon a time, there was a little girl who lived in'
 * await chat.run([{ role: 'user', content: 'What is the capital of France?' }], { stop: ['\n'] });
 * // { role: 'assistant', content: 'The capital of France is Paris.' }
 */
export const textGenerationTask: StreamableTask<TextGenerationInput, TextGenerationOptions, TextGenerationOutput> =
  /* @__PURE__ */ Object.freeze({
    id,
    pipelineTask: 'text-generation',
    batchable: false,
    streamable: true,
    validate(input: unknown, options: unknown): asserts input is TextGenerationInput {
      if (isMessageList(input)) checkMessages(id, input);
      else checkTexts(id, input);
      const record = checkOptions(id, options, optionKeys);
      checkGenerationOptions(id, record);
      checkBoolean(id, 'returnFullText', record['returnFullText']);
      checkStop(id, record['stop']);
    },
    startConversation: (host: ConversationHost, options?: ConversationOptions) => new Conversation(host, options),
  });

/** The first generated text of one prompt's `[{ generated_text }, …]`. */
function readFirst(raw: unknown): string {
  const [first] = readArray(id, raw, "one prompt's results");
  if (first === undefined) throw unexpectedOutput(id, 'no result for a prompt', raw);
  return readString(id, readRecord(id, first, 'a result'), 'generated_text');
}

/**
 * The worker half of text-generation: transformers.js call, output conversion and streamer setup.
 * @example
 * textGenerationPipeline.toPipelineArgs('Once upon a time,', { maxNewTokens: 8 });
 * // ['Once upon a time,', { max_new_tokens: 8, return_full_text: false }]
 */
export const textGenerationPipeline: StreamingPipeline<TextGenerationInput, TextGenerationOptions, TextGenerationOutput> =
  /* @__PURE__ */ Object.freeze({
    // Messages and stop sequences go through the worker's own loop (needsOwnGeneration), never here.
    toPipelineArgs(input: TextGenerationInput, options?: TextGenerationOptions): unknown[] {
      const kwargs = { ...toGenerationKwargs(options), return_full_text: options?.returnFullText ?? false };
      return [typeof input === 'string' ? input : [...input], kwargs];
    },
    fromPipelineOutput(raw: unknown, input: TextGenerationInput): TextGenerationOutput {
      // transformers.js: `[{ generated_text }]` for a string, one such list per prompt for an array.
      if (typeof input === 'string') return readFirst(raw);
      return readArrayOf(id, raw, input.length, 'one list per prompt').map(readFirst);
    },
    streamerOptions: (input: TextGenerationInput, options?: TextGenerationOptions) =>
      singleTextStreamer(id, input as string | readonly string[], options?.returnFullText !== true),
  });

/**
 * The types of text-generation, for the task table: input, options, and the output a call's input and
 * options give.
 */
export interface TextGenerationTypes extends TaskTypeSpec {
  readonly input: TextGenerationInput;
  readonly options: TextGenerationOptions;
  readonly output: TextGenerationOutput<this['callInput']>;
}

/** text-generation in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as TextGenerationTypes,
  definition: textGenerationTask,
  pipeline: textGenerationPipeline,
});
