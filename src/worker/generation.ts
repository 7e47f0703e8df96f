import { InterruptableStoppingCriteria, TextStreamer } from '@huggingface/transformers';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { StreamerOptions } from '../tasks/task.ts';
import type { LoadedPipeline } from './loaded-pipelines.ts';

/** Generation hooks added to a streamable task's pipeline call. */
export interface GenerationControl {
  /** Extra pipeline options: the stopping criteria, and the streamer when streaming. */
  options: Record<string, unknown>;
  /** Stops generation after the current token. */
  interrupt(): void;
}

/** Where streamed text goes, and how the streamer decodes it. */
export interface StreamTarget extends StreamerOptions {
  onPiece: (piece: string) => void;
}

/**
 * Builds the stopping criteria (so an abort stops generation at the next token) and, when
 * `onPiece` is given, a streamer that sends each decoded piece of new text.
 * @example
 * const control = generationControl(pipe, { onPiece: send, skip_prompt: true, skip_special_tokens: true });
 * signal.addEventListener('abort', control.interrupt);
 */
export function generationControl(pipe: LoadedPipeline, stream?: StreamTarget): GenerationControl {
  const criteria = new InterruptableStoppingCriteria();
  const options: Record<string, unknown> = { stopping_criteria: criteria };
  if (stream) {
    const { onPiece, ...streamerOptions } = stream;
    options.streamer = new TextStreamer(pipe.tokenizer as PreTrainedTokenizer, {
      ...streamerOptions,
      callback_function: (text: string) => {
        if (text) onPiece(text);
      },
    });
  }
  return { options, interrupt: () => criteria.interrupt() };
}

/**
 * Adds options to a pipeline call's arguments: the last argument is the options object.
 * @example
 * withOptions(['Hello', { max_new_tokens: 8 }], { streamer }); // ['Hello', { max_new_tokens: 8, streamer }]
 */
export function withOptions(args: unknown[], extra: Record<string, unknown>): unknown[] {
  const last = args.at(-1);
  if (args.length > 1 && typeof last === 'object' && last !== null && !Array.isArray(last)) {
    return [...args.slice(0, -1), { ...(last as Record<string, unknown>), ...extra }];
  }
  return [...args, extra];
}
