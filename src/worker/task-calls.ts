/**
 * A task's calls on a loaded pipeline, dispatched through its module from the task table: `run`
 * converts options and output with the task's pipeline half; `stream` also sets up the streamer.
 * @module
 */
import { InpageError, abortError } from '../errors.ts';
import type { Timed } from '../rpc/contract.ts';
import type { LoadedTask } from '../tasks/task-table.ts';
import { isStreamingPipeline } from '../tasks/task.ts';
import { needsOwnGeneration } from '../tasks/text-generation.ts';
import type { TextGenerationInput, TextGenerationOptions } from '../tasks/text-generation.ts';
import { classifyError } from './classify-error.ts';
import { decodeImages } from './image-decoding.ts';
import { generationControl, withOptions } from './generation.ts';
import type { LoadedPipeline } from './loaded-pipelines.ts';
import { runOwnGeneration } from './own-generation.ts';
import { atModelRate, transcribe } from './speech-recognition.ts';
import type { AutomaticSpeechRecognitionOptions } from '../tasks/automatic-speech-recognition.ts';
import type { AudioSamples } from '../tasks/audio-input.ts';

/** text-generation with messages or stop sequences runs inpage's own generation loop (own-generation.ts). */
function ownGeneration(task: LoadedTask, input: unknown, options: unknown): input is TextGenerationInput {
  return (
    task.definition.id === 'text-generation' &&
    needsOwnGeneration(input as TextGenerationInput, options as TextGenerationOptions | undefined)
  );
}

/** automatic-speech-recognition runs inpage's window loop (speech-recognition.ts), which streams. */
function speechRecognition(task: LoadedTask): boolean {
  return task.definition.id === 'automatic-speech-recognition';
}

/**
 * Runs a task on its loaded pipeline: the task's own `run`, or `pipe(...toPipelineArgs())` then
 * `fromPipelineOutput()`. A streamable task can be interrupted by `signal` between tokens.
 * @throws InpageError `ABORTED`; the classified failures of the inference (see classify-error.ts).
 * @example
 * const output = await runTask(await loadTask(taskId), pipe, input, options, signal);
 */
export async function runTask(
  task: LoadedTask,
  pipe: LoadedPipeline,
  input: unknown,
  options: unknown,
  signal: AbortSignal,
): Promise<unknown> {
  const { definition, pipeline } = task;
  // Audio samples at another rate than the model's are resampled here, in the worker.
  input = atModelRate(pipe, input);
  if (speechRecognition(task))
    return guarded(() => transcribe(pipe, input as AudioSamples, options as AutomaticSpeechRecognitionOptions, signal), signal);
  if (ownGeneration(task, input, options))
    return guarded(() => runOwnGeneration(pipe, input, options as TextGenerationOptions, signal), signal);
  // Vision tasks: the images sent become RawImages here (fetched, decoded), before the pipeline sees them.
  const taken = pipeline.inputKind === 'image' ? await decodeImages(input, signal) : input;
  // A task with its own `run` calls the tokenizer and model itself (e.g. for token positions).
  if (pipeline.run) return guarded(() => pipeline.run?.(pipe, taken, options, signal), signal);
  let args = pipeline.toPipelineArgs(taken, options);
  if (definition.streamable) {
    const control = generationControl(pipe);
    signal.addEventListener('abort', control.interrupt, { once: true });
    args = withOptions(args, control.options);
  }
  return pipeline.fromPipelineOutput(await guarded(() => pipe(...args), signal), taken, options);
}

/**
 * Streams a task's generated text to `onPiece`; resolves once every piece was handed over.
 * @throws InpageError `UNSUPPORTED_TASK` for a task that does not stream, and the errors of {@link runTask}.
 * @example
 * await streamTask(await loadTask(taskId), pipe, input, options, signal, send);
 */
export async function streamTask(
  task: LoadedTask,
  pipe: LoadedPipeline,
  input: unknown,
  options: unknown,
  signal: AbortSignal,
  onPiece: (piece: string) => unknown,
): Promise<void> {
  const { definition, pipeline } = task;
  if (!isStreamingPipeline(pipeline)) throw new InpageError('UNSUPPORTED_TASK', `Task "${definition.id}" does not stream; use run().`);
  // Pieces travel on the callback's own port, which is not ordered with this call's reply:
  // wait until every piece was delivered, or the client would finish the stream without the last ones.
  const deliveries: Promise<unknown>[] = [];
  const send = (piece: string): void => void deliveries.push(Promise.resolve(onPiece(piece)).catch(() => undefined));
  input = atModelRate(pipe, input);
  if (speechRecognition(task)) {
    await guarded(() => transcribe(pipe, input as AudioSamples, options as AutomaticSpeechRecognitionOptions, signal, send), signal);
    await Promise.all(deliveries);
    return;
  }
  if (ownGeneration(task, input, options)) {
    await guarded(() => runOwnGeneration(pipe, input, options as TextGenerationOptions, signal, send), signal);
    await Promise.all(deliveries);
    return;
  }
  const control = generationControl(pipe, { onPiece: send, ...pipeline.streamerOptions(input, options) });
  signal.addEventListener('abort', control.interrupt, { once: true });
  await guarded(() => pipe(...withOptions(pipeline.toPipelineArgs(input, options), control.options)), signal);
  await Promise.all(deliveries);
}

/**
 * Runs `work`, timing it on this thread (the in-worker execution time routing judges by).
 * @example
 * const { output, ms } = await timed(() => runTask(task, pipe, input, options, signal));
 */
export async function timed<R>(work: () => Promise<R>): Promise<Timed<R>> {
  const started = performance.now();
  const output = await work();
  return { output, ms: performance.now() - started };
}

/**
 * Runs an inference, reporting its ORT and transformers.js failures classified.
 * @example
 * const result = await guarded(() => conversations.turn(pipelineId, pipe, request, signal, send), signal);
 */
export async function guarded(inference: () => Promise<unknown> | undefined, signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) throw abortError(signal);
  try {
    return await inference();
  } catch (error) {
    throw classifyError(error, 'Inference failed', 'run');
  }
}

/**
 * The large typed arrays of an output, to move to the main thread instead of copying. Deep enough
 * for a segmentation of several images (`output[image][segment].mask.data`).
 * @example
 * return withTransfer(output, transferablesOf(output));
 */
export function transferablesOf(output: unknown): Transferable[] {
  const found: Transferable[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer && !found.includes(value.buffer)) found.push(value.buffer);
    else if (depth < 4 && typeof value === 'object' && value !== null) for (const item of Object.values(value)) visit(item, depth + 1);
  };
  visit(output, 0);
  return found;
}
