import { InpageError, abortError, isInpageError } from '../errors.ts';
import type { RemoteWorkerApi } from '../rpc/comlink.ts';
import { remoteCallback } from '../rpc/comlink.ts';
import type { StreamableTaskId, TaskId, TaskInput, TaskOptions, TaskOutput } from '../tasks/registry.ts';
import { getTask } from '../tasks/registry.ts';
import type { AnyTaskDefinition } from '../tasks/task.ts';
import { isBatchable } from '../tasks/task.ts';
import type { Device, ResolvedDevice, ResolvedDtype } from '../types.ts';
import { CallQueue } from './call-queue.ts';
import type { QueuedCall } from './call-queue.ts';
import type { WorkerHost } from './worker-host.ts';
import type { DeviceHealth } from './model-request.ts';

/** Why a model runs on WASM although WebGPU was planned. */
export interface Fallback {
  from: 'webgpu';
  reason: string;
}

/** Per-call options common to every task. */
export interface CallOptions {
  /** Aborts this call: it rejects with `ABORTED`; other calls are not affected. */
  signal?: AbortSignal;
}

/** What a handle needs to (re)start its pipeline in a worker. */
export interface ModelSpec {
  task: TaskId;
  model: string;
  revision: string;
  commit: string;
  dtype: ResolvedDtype;
  device: ResolvedDevice;
  /** The device the caller asked for (`auto` allows a fallback). */
  requestedDevice: Device;
}

/** The client services a handle uses. */
export interface HandleServices {
  host: WorkerHost;
  nextCallId(): number;
  /** Shared with the client's loads: a WebGPU failure here sends later `auto` loads to WASM. */
  health: DeviceHealth;
  /** Called once the handle is disposed (the client stops tracking it). */
  forget?(handle: ModelHandle<TaskId>): void;
}

type OptionsWithSignal = Record<string, unknown> & CallOptions;

/**
 * A call's options: the task's options (an unknown key fails to compile, as with the registry's
 * `ExactOptions`) plus the {@link CallOptions} every call takes.
 */
/**
 * `run()`'s options argument: optional, or required for a task with a required option
 * (zero-shot-classification's `candidateLabels`).
 */
type RunOptionsArgs<T extends TaskId, O> =
  Record<never, never> extends TaskOptions<T> ? [options?: WithCallOptions<T, O>] : [options: WithCallOptions<T, O>];

type WithCallOptions<T extends TaskId, O> = O & CallOptions & { [K in Exclude<keyof O, keyof TaskOptions<T> | keyof CallOptions>]: never };

type Job =
  | { kind: 'run'; input: unknown; options: Record<string, unknown> }
  | { kind: 'stream'; input: unknown; options: Record<string, unknown>; onPiece: (piece: string) => void };

/**
 * A loaded model. `run()` calls are serialized, and coalesced into batches when they queue
 * behind a running inference; `stream()` yields generated text as it is produced.
 */
export class ModelHandle<T extends TaskId> {
  readonly #services: HandleServices;
  readonly #spec: ModelSpec;
  readonly #task: AnyTaskDefinition;
  readonly #queue: CallQueue<Job, Record<string, unknown>, unknown>;
  #pipeline: { id: string; generation: number } | undefined;
  #fallback: Fallback | null;
  #disposed = false;

  /** @internal Created by `client.load()`. */
  constructor(services: HandleServices, spec: ModelSpec, pipeline: { id: string; generation: number }, fallback: Fallback | null) {
    this.#services = services;
    this.#spec = { ...spec };
    this.#task = getTask(spec.task) as AnyTaskDefinition;
    this.#pipeline = pipeline;
    this.#fallback = fallback;
    this.#queue = new CallQueue((calls, signal) => this.#execute(calls, signal));
  }

  /** The task this model was loaded for. */
  get task(): T {
    return this.#spec.task as T;
  }
  /** The Hub id of the model. */
  get model(): string {
    return this.#spec.model;
  }
  /** The exact commit the model's files come from. */
  get commit(): string {
    return this.#spec.commit;
  }
  /** The device that really runs the model. */
  get device(): ResolvedDevice {
    return this.#spec.device;
  }
  /** The weights' precision. */
  get dtype(): ResolvedDtype {
    return this.#spec.dtype;
  }
  /** `null`, or why the model runs on WASM although WebGPU was planned. */
  get fallback(): Fallback | null {
    return this.#fallback;
  }

  /**
   * Runs the model on one input (or an array of inputs).
   * @throws InpageError `INVALID_INPUT`, `ABORTED`, `DISPOSED`, `WORKER_CRASHED`, `RUNTIME`;
   *   TypeError / RangeError for wrong argument types or impossible option values.
   * @example
   * const [top] = await sentiment.run('I love it'); // { label: 'POSITIVE', score: 0.99 }
   */
  run<const I extends TaskInput<T>, const O extends TaskOptions<T> = Record<never, never>>(
    input: I,
    ...[options]: RunOptionsArgs<T, O>
  ): Promise<TaskOutput<T, I, O>> {
    const { signal, taskOptions } = this.#split(options as OptionsWithSignal);
    this.#task.validate(input, taskOptions);
    const task = this.#task;
    const batchKey = isBatchable(task) && task.canBatch(taskOptions) ? task.batchKey(taskOptions) : null;
    return this.#queue.push({
      input: { kind: 'run', input, options: taskOptions },
      options: taskOptions,
      batchKey,
      ...(signal ? { signal } : {}),
    }) as Promise<TaskOutput<T, I, O>>;
  }

  /**
   * Streams generated text piece by piece (text generation tasks). The pieces joined equal what
   * `run()` returns for the same input; breaking out of the loop stops generation.
   * @throws InpageError `INVALID_INPUT` for an array input (the streamer handles one text),
   *   `UNSUPPORTED_TASK` for a task that does not generate text, and the errors of `run()`.
   * @example
   * for await (const piece of translator.stream('the cat eats the fish')) output.textContent += piece;
   */
  stream<const O extends TaskOptions<T> = TaskOptions<T>>(
    this: ModelHandle<T & StreamableTaskId>,
    input: TaskInput<T> & string,
    options?: WithCallOptions<T, O>,
  ): AsyncIterable<string> {
    return this.#streamPieces(input, options as OptionsWithSignal);
  }

  /**
   * Releases the model: its ORT sessions are freed once no other handle shares them. Later calls
   * reject with `DISPOSED`.
   * @example
   * await sentiment.dispose();
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    // The running inference is aborted too, and the pipeline released only once it stopped: freeing
    // sessions under a running inference would fail it as RUNTIME and restart the worker.
    await this.#queue.rejectAll(new InpageError('DISPOSED', 'This model was disposed.'));
    this.#services.forget?.(this);
    const pipeline = this.#pipeline;
    this.#pipeline = undefined;
    if (pipeline && pipeline.generation === this.#services.host.generation) {
      await this.#services.host.call((remote) => remote.release(pipeline.id)).catch(() => undefined);
    }
  }

  async *#streamPieces(input: unknown, options?: OptionsWithSignal): AsyncGenerator<string> {
    if (!this.#task.streamable) throw new InpageError('UNSUPPORTED_TASK', `Task "${this.#spec.task}" does not stream text; use run().`);
    if (Array.isArray(input))
      throw new InpageError('INVALID_INPUT', 'stream() takes a single text: the streamer handles a batch of one. Use run() for arrays.');
    const { signal, taskOptions } = this.#split(options);
    this.#task.validate(input, taskOptions);
    const pieces: string[] = [];
    let wake: (() => void) | undefined;
    const notify = (): void => {
      wake?.();
      wake = undefined;
    };
    const stop = new AbortController();
    const stopSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    let finished = false;
    let failure: unknown;
    const job: Job = { kind: 'stream', input, options: taskOptions, onPiece: (piece) => (pieces.push(piece), notify()) };
    this.#queue
      .push({ input: job, options: taskOptions, batchKey: null, signal: stopSignal })
      .catch((error: unknown) => (failure = error))
      .finally(() => ((finished = true), notify()));
    try {
      for (;;) {
        if (pieces.length > 0) {
          yield pieces.shift() as string;
          continue;
        }
        if (finished) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (failure !== undefined) throw failure;
    } finally {
      if (!finished) stop.abort(new InpageError('ABORTED', 'The stream was closed early.'));
    }
  }

  #split(options?: OptionsWithSignal): { signal: AbortSignal | undefined; taskOptions: Record<string, unknown> } {
    if (this.#disposed) throw new InpageError('DISPOSED', 'This model was disposed; load it again.');
    if (options !== undefined && (typeof options !== 'object' || options === null))
      throw new TypeError('inpage: options must be an object.');
    const { signal, ...taskOptions } = options ?? {};
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('inpage: options.signal must be an AbortSignal.');
    return { signal, taskOptions };
  }

  async #execute(calls: QueuedCall<Job, Record<string, unknown>, unknown>[], signal: AbortSignal): Promise<unknown[]> {
    const task = this.#task;
    const [first] = calls;
    if (!first) return [];
    const job = first.input;
    if (job.kind === 'stream') {
      let streamed = false;
      const onPiece = remoteCallback((piece: string) => ((streamed = true), job.onPiece(piece)));
      await this.#invoke(
        signal,
        () => !streamed,
        (remote, id, callId) => remote.stream(callId, id, this.#spec.task, job.input, job.options, onPiece),
      );
      return [undefined];
    }
    if (calls.length === 1 || !isBatchable(task)) {
      return [
        await this.#invoke(
          signal,
          () => true,
          (remote, id, callId) => remote.run(callId, id, this.#spec.task, job.input, job.options),
        ),
      ];
    }
    const itemsPerCall = calls.map((call) => task.toItems(call.input.input));
    const batch = task.batchInput(itemsPerCall.flat());
    const output = await this.#invoke(
      signal,
      () => true,
      (remote, id, callId) => remote.run(callId, id, this.#spec.task, batch, job.options),
    );
    const items = task.splitOutput(output, itemsPerCall.flat().length);
    let offset = 0;
    return calls.map((call, i) => {
      const count = itemsPerCall[i]?.length ?? 0;
      const mine = items.slice(offset, offset + count);
      offset += count;
      return task.joinItems(mine, call.input.input);
    });
  }

  /**
   * Runs one worker call on this model's pipeline, (re)starting it in the current worker first.
   * A `RUNTIME` failure poisons the worker: it is restarted and the call retried once, on WASM
   * when WebGPU failed and the caller allowed `auto`. A call interrupted because another call
   * restarted the worker is retried too (while `canRetry()`: nothing was streamed yet).
   */
  async #invoke<R>(
    signal: AbortSignal,
    canRetry: () => boolean,
    work: (remote: RemoteWorkerApi, pipelineId: string, callId: number) => Promise<R>,
  ): Promise<R> {
    const { host } = this.#services;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw abortError(signal);
      const callId = this.#services.nextCallId();
      let generation = 0;
      const onAbort = (): void => void host.call((remote) => remote.abort(callId)).catch(() => undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        // One host call for both: a pipeline id is only valid in the worker that opened it.
        return await host.call(async (remote, current) => {
          generation = current;
          // Aborted while waiting for the worker: do not start an inference nobody waits for.
          if (signal.aborted) throw abortError(signal);
          return work(remote, await this.#ensurePipeline(remote, current), callId);
        });
      } catch (error) {
        if (signal.aborted) throw abortError(signal);
        if (attempt >= 2 || this.#disposed || !canRetry()) throw error;
        if (isInpageError(error, 'WORKER_CRASHED') && host.wasRestarted(generation)) continue;
        if (!isInpageError(error, 'RUNTIME') || attempt > 0) throw error;
        host.restart(error.message, generation);
        this.#pipeline = undefined;
        if (this.#spec.device === 'webgpu' && this.#spec.requestedDevice === 'auto') {
          this.#spec.device = 'wasm';
          this.#fallback = { from: 'webgpu', reason: error.message };
          this.#services.health.webgpuFailure = error.message;
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    }
  }

  async #ensurePipeline(remote: RemoteWorkerApi, generation: number): Promise<string> {
    if (this.#pipeline?.generation === generation) return this.#pipeline.id;
    const spec = this.#spec;
    const id = await remote.open(this.#services.nextCallId(), {
      task: spec.task,
      model: spec.model,
      commit: spec.commit,
      dtype: spec.dtype,
      device: spec.device,
    });
    this.#pipeline = { id, generation };
    return id;
  }
}

/** A loaded model of task `T` (see {@link ModelHandle}). */
export type Model<T extends TaskId> = ModelHandle<T>;
