/**
 * text-generation calls that transformers.js's pipeline cannot serve: a message list (the reply
 * is the assistant's message) and stop sequences. Stateless: no cache is kept.
 * @module
 */
import { InpageError } from '../errors.ts';
import type { ChatMessage } from '../tasks/chat-messages.ts';
import { isMessageList, stopList } from '../tasks/chat-messages.ts';
import { toGenerationKwargs } from '../tasks/generation-options.ts';
import type { TextGenerationInput, TextGenerationOptions, TextGenerationOutput } from '../tasks/text-generation.ts';
import { generate, promptIds } from './chat-generation.ts';
import type { LoadedPipeline } from './loaded-pipelines.ts';

/**
 * Runs text-generation with inpage's generation loop; with `onPiece`, streams (one prompt only).
 * @throws InpageError `INVALID_INPUT` for a stream of several prompts or a prompt that does not
 *   fit, `UNSUPPORTED_MODEL` for messages without a chat template, `RUNTIME` for a failed inference.
 * @example
 * await runOwnGeneration(pipe, [{ role: 'user', content: 'Hi' }], { stop: ['\n'] }, signal);
 * // { role: 'assistant', content: 'Hello!' }
 */
export async function runOwnGeneration(
  pipe: LoadedPipeline,
  input: TextGenerationInput,
  options: TextGenerationOptions | undefined,
  signal: AbortSignal,
  onPiece?: (piece: string) => void,
): Promise<TextGenerationOutput> {
  const kwargs = toGenerationKwargs(options);
  const stops = stopList(options?.stop);
  const one = async (prompt: string | readonly ChatMessage[], send?: (piece: string) => void): Promise<string> => {
    const request = { promptIds: promptIds(pipe, prompt), kwargs, stops, keepCache: false, onPiece: send };
    return (await generate(pipe, request, signal)).text;
  };
  if (isMessageList(input)) return { role: 'assistant', content: await one(input, onPiece) };
  if (typeof input === 'string') {
    const full = options?.returnFullText === true;
    if (full) onPiece?.(input);
    const text = await one(input, onPiece);
    return full ? input + text : text;
  }
  if (onPiece) throw new InpageError('INVALID_INPUT', 'text-generation: stream() takes a single prompt; use run() for several.');
  const outputs: string[] = [];
  for (const prompt of input as readonly string[]) outputs.push(await one(prompt));
  return outputs;
}
