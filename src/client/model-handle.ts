import { InpageError } from '../errors.ts';
import type { RemoteWorkerApi } from '../rpc/comlink.ts';
import type { Timed } from '../rpc/contract.ts';
import { remoteCallback, withTransfer } from '../rpc/comlink.ts';
import type { OptionsWithSignal, RunOptionsArgs, StreamInput, WithCallOptions } from './call-types.ts';
import type { ChatTurnResult } from '../tasks/chat-turn.ts';
import type { Conversation, ConversationOptions } from '../tasks/chat-conversation.ts';
import { inferenceChunks } from './inference-chunks.ts';
import type { StreamableTaskId, TaskId, TaskInput, TaskOptions, TaskOutput } from '../tasks/registry.ts';
import type { AnyTaskDefinition } from '../tasks/task.ts';
import { isBatchable } from '../tasks/task.ts';
import type { AsyncDisposableIfSupported, Device, DtypeFallback, ResolvedDevice, ResolvedDtype } from '../types.ts';
import { CallQueue } from './call-queue.ts';
import type { QueuedCall } from './call-queue.ts';
import type { DeviceHealth } from './model-request.ts';
import { withRecovery } from './recovery.ts';
import type { ClientEvents } from './events.ts';
import type { WorkerHost } from './worker-host.ts';
import type { LatencyTarget, ModelRoute } from '../routing/route-types.ts';

export type { CallOptions, StreamInput } from './call-types.ts';

/** Why a model runs on WASM although WebGPU was planned. */
export interface Fallback {
  from: 'webgpu';
  reason: string;
}

/** What a handle needs to (re)start its pipeline in a worker. */
export interface ModelSpec {
  task: TaskId;
  model: string;
  revision: string;
  commit: string;
  /** The Hub could not be reached: stored data was used. */
  offline: boolean;
  dtype: ResolvedDtype;
  device: ResolvedDevice;
  /** The device the caller asked for (`auto` allows a fallback). */
  requestedDevice: Device;
  /** `auto` stepped down from a dtype that could not fit. */
  dtypeFallback?: DtypeFallback | undefined;
}

/** The client services a handle uses. */
export interface HandleServices {
  /** The host whose workers run models on `device` (one host per ONNX Runtime build). */
  hostFor(device: ResolvedDevice): WorkerHost;

  nextCallId(): number;
  /** Shared with the client's loads: a WebGPU failure here sends later `auto` loads to WASM. */
  health: DeviceHealth;
  /** Called once the handle is disposed (the client stops tracking it). */
  forget?(handle: { dispose(): Promise<void> }): void;
  /** The client's events (a fallback during a call is announced there). */
  events?: ClientEvents;
}

/**
 * What routing (src/routing/, loaded on demand) hooks into a handle: it sees each call's time and
 * may switch the handle to another rung or device, between calls only.
 * @internal
 */
export interface RouteHooks {
  readonly route: ModelRoute;
  /** Called before each group of calls runs: a pending switch is applied here. */
  between(): void;
  /** A worker call answered: it ran `ms` in the worker (measured there; queue wait and pipeline reopening excluded). */
  sample(ms: number): void;
  /** The handle was disposed: stop measuring, free what routing loaded. */
  dispose(): void;
  /** A new target: the next calls are judged against it. */
  retarget(target: LatencyTarget): void;
}

/** A `run()` call, or a call whose text arrives in pieces (`stream()`, a chat turn). */
type Job =
  /** `input`: as sent, or its promise for a task with `prepare` (never batchable). */
  | { kind: 'run'; input: unknown; options: Record<string, unknown> }
  | {
      kind: 'pieces';
      onPiece: (piece: string) => void;
      /** Sends the call; `moved` marks a transferred input (the call cannot be sent again). */
      send(
        remote: RemoteWorkerApi,
        id: string,
        callId: number,
        onPiece: (piece: string) => void,
        moved: () => void,
      ): Promise<Timed<unknown>>;
    };

/** Batched calls are `run()` calls. */
type RunJob = Extract<Job, { kind: 'run' }>;

/**
 * A loaded model. `run()` calls are serialized, and coalesced into batches when they queue
 * behind a running inference; `stream()` yields generated text as it is produced.
 */
export class ModelHandle<T extends TaskId> {
  readonly #services: HandleServices;
  #spec: ModelSpec;
  readonly #task: AnyTaskDefinition;
  readonly #queue: CallQueue<Job, Record<string, unknown>, unknown>;
  #pipeline: { id: string; generation: number } | undefined;
  #fallback: Fallback | null;
  #disposed = false;
  #router: RouteHooks | undefined;
  /** @internal The last worker call's execution time in the worker, in ms (calibration reads it). */
  callMs = 0;

  /** @internal Created by `client.load()`, with the main-thread half of the task's module. */
  constructor(
    services: HandleServices,
    spec: ModelSpec,
    task: AnyTaskDefinition,
    pipeline: { id: string; generation: number },
    fallback: Fallback | null,
  ) {
    this.#services = services;
    this.#spec = { ...spec };
    this.#task = task;
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
  /** `true` when the Hub could not be reached and the newest complete stored commit was loaded. */
  get offline(): boolean {
    return this.#spec.offline;
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
  /** `null`, or which dtype `auto` chose first and why it stepped down to {@link dtype} (the first could not fit). */
  get dtypeFallback(): DtypeFallback | null {
    return this.#spec.dtypeFallback ?? null;
  }

  /**
   * What runs and why, for a model loaded with a ladder or a latency target, or with `auto` where
   * both devices can run it (see `ModelRoute`); `null` otherwise. It changes when routing switches.
   */
  get route(): ModelRoute | null {
    return this.#router?.route ?? null;
  }

  /**
   * Changes the latency target of a model loaded with a ladder or `latencyTarget` (a tighter target
   * steps down once a window of calls misses it; a looser one lets it step back up). A model loaded
   * without routing ignores it.
   * @throws TypeError / RangeError for a malformed target.
   * @example
   * model.setLatencyTarget({ p95: 50 });
   */
  setLatencyTarget(target: LatencyTarget): void {
    this.#router?.retarget(target);
  }

  /** @internal Attaches routing (src/routing/). */
  routeWith(router: RouteHooks): void {
    this.#router = router;
  }

  /** @internal Whether no call is running or waiting (routing measures only then). */
  get idle(): boolean {
    return this.#queue.idle;
  }

  /**
   * @internal Takes over another handle's pipeline and spec (a switch of rung or device, between
   * calls); `other` is disposed with this handle's old pipeline.
   */
  adopt(other: ModelHandle<T>): void {
    const old = this.#pipeline;
    [this.#spec, this.#pipeline, this.#fallback, other.#pipeline] = [other.#spec, other.#pipeline, other.#fallback, old];
    void other.dispose();
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
    // Converted now (a canvas drawn on later does not change this call); awaited when the call runs.
    const sent = task.prepare?.(input, taskOptions) ?? input;
    return this.#push({ kind: 'run', input: sent, options: taskOptions }, taskOptions, batchKey, signal) as Promise<TaskOutput<T, I, O>>;
  }

  /**
   * Streams generated text piece by piece (streamable tasks, whatever their input). The pieces joined equal what
   * `run()` returns for the same input; breaking out of the loop stops generation.
   * @throws InpageError `INVALID_INPUT` for an array input other than a message list (the streamer handles one input),
   *   `UNSUPPORTED_TASK` for a task that does not generate text, and the errors of `run()`.
   * @example
   * for await (const piece of translator.stream('the cat eats the fish')) output.textContent += piece;
   */
  stream<const O extends TaskOptions<T> = TaskOptions<T>>(
    this: ModelHandle<T & StreamableTaskId>,
    input: StreamInput<T>,
    options?: WithCallOptions<T, O>,
  ): AsyncIterable<string> {
    return this.#streamPieces(input, options as OptionsWithSignal);
  }

  /**
   * Starts a conversation (text-generation): the model's chat template formats its messages, and
   * the worker keeps the KV cache between turns so that a turn prefills only its new tokens.
   * @throws TypeError for a malformed message; InpageError `DISPOSED`, `UNSUPPORTED_TASK` (not text-generation).
   * @example
   * const chat = model.chat({ messages: [{ role: 'system', content: 'You are terse.' }] });
   * await chat.send('What is the capital of France?'); // { role: 'assistant', content: 'Paris.' }
   */
  chat(this: ModelHandle<'text-generation'>, options?: ConversationOptions): Conversation {
    if (this.#disposed) throw new InpageError('DISPOSED', 'This model was disposed; load it again.');
    const start = this.#task.startConversation;
    if (!start) throw new InpageError('UNSUPPORTED_TASK', `Task "${this.#spec.task}" does not chat; load text-generation.`);
    return start(
      {
        turn: (request, onPiece, signal) => {
          const job: Job = { kind: 'pieces', onPiece, send: (remote, id, callId, sent) => remote.chat(callId, id, request, sent) };
          return this.#push(job, {}, null, signal) as Promise<ChatTurnResult>;
        },
        release: async (conversationId) => {
          const pipeline = this.#pipeline;
          if (pipeline) await this.#host().notify(pipeline.generation, (remote) => remote.chatDispose(conversationId));
        },
        validate: (input, options) => this.#task.validate(input, options),
      },
      options,
    );
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
    this.#router?.dispose();
    // The running inference is aborted too, and the pipeline released only once it stopped: freeing
    // sessions under a running inference would fail it as RUNTIME and restart the worker.
    await this.#queue.rejectAll(new InpageError('DISPOSED', 'This model was disposed.'));
    this.#services.forget?.(this);
    const pipeline = this.#pipeline;
    this.#pipeline = undefined;
    if (pipeline) await this.#host().notify(pipeline.generation, (remote) => remote.release(pipeline.id));
  }

  async *#streamPieces(input: unknown, options?: OptionsWithSignal): AsyncGenerator<string> {
    if (!this.#task.streamable) throw new InpageError('UNSUPPORTED_TASK', `Task "${this.#spec.task}" does not stream text; use run().`);
    // An array of inputs is for run(); a message list (objects, checked by the task) streams.
    if (Array.isArray(input) && !input.every((item) => typeof item === 'object' && item !== null))
      throw new InpageError('INVALID_INPUT', 'stream() takes one input; use run() for an array.');
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
    const taskId = this.#spec.task as StreamableTaskId;
    // As in run(): converted at call time (an audio file decoded), awaited when the call runs.
    const sent = this.#task.prepare?.(input, taskOptions) ?? input;
    const job: Job = {
      kind: 'pieces',
      onPiece: (piece) => (pieces.push(piece), notify()),
      send: async (remote, id, callId, onPiece, moved) =>
        remote.stream(callId, id, taskId, this.#moving(await sent, moved) as TaskInput<StreamableTaskId>, taskOptions, onPiece),
    };
    this.#push(job, taskOptions, null, stopSignal)
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

  #push(job: Job, options: Record<string, unknown>, batchKey: string | null, signal: AbortSignal | undefined): Promise<unknown> {
    return this.#queue.push({ input: job, options, batchKey, ...(signal ? { signal } : {}) });
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
    const taskId = this.#spec.task;
    const [first] = calls;
    if (!first) return [];
    this.#router?.between();
    const job = first.input;
    if (job.kind === 'pieces') {
      let streamed = false;
      let moved = false;
      const onPiece = remoteCallback((piece: string) => ((streamed = true), job.onPiece(piece)));
      const sent = (remote: RemoteWorkerApi, id: string, callId: number): Promise<Timed<unknown>> =>
        job.send(remote, id, callId, onPiece, () => (moved = true));
      return [await this.#invoke(signal, () => !streamed && !moved, sent)];
    }
    const run = (input: unknown): Promise<unknown> => {
      // A transferred input is gone from this thread: a failed call cannot be sent again.
      let moved = false;
      return this.#invoke<unknown>(
        signal,
        () => !moved,
        (remote, id, callId) =>
          remote.run(
            callId,
            id,
            taskId,
            this.#moving(input, () => (moved = true)) as TaskInput<TaskId>,
            job.options as TaskOptions<TaskId>,
          ),
      );
    };
    if (!isBatchable(task) || !task.canBatch(job.options)) return [await run(await job.input)];
    // One caller's array or a coalesced batch: split so no inference exceeds the limits.
    const itemsPerCall = calls.map((call) => task.toItems((call.input as RunJob).input));
    const chunks = inferenceChunks(itemsPerCall.flat());
    if (calls.length === 1 && chunks.length === 1) return [await run(job.input)];
    const items: unknown[] = [];
    for (const chunk of chunks) items.push(...task.splitOutput(await run(task.batchInput(chunk)), chunk.length));
    let offset = 0;
    return calls.map((call, i) => {
      const count = itemsPerCall[i]?.length ?? 0;
      const mine = items.slice(offset, offset + count);
      offset += count;
      return task.joinItems(mine, (call.input as RunJob).input);
    });
  }

  /** The input marked so that the buffers the task names move to the worker (`onMove` is told when there are any). */
  #moving(input: unknown, onMove: () => void): unknown {
    const transfers = this.#task.transfer?.(input) ?? [];
    if (transfers.length === 0) return input;
    onMove();
    return withTransfer(input, transfers);
  }

  /**
   * Runs one worker call on this model's pipeline, (re)starting it in the current worker first,
   * under the client's one recovery policy ({@link withRecovery}): a device failure moves the model
   * to WASM when the caller allowed `auto`.
   */
  #invoke<R>(
    signal: AbortSignal,
    canRetry: () => boolean,
    work: (remote: RemoteWorkerApi, pipelineId: string, callId: number) => Promise<Timed<R>>,
  ): Promise<R> {
    const { nextCallId } = this.#services;
    return withRecovery(
      {
        // After a demotion the model's device is WASM: the next attempt runs in the WASM worker.
        host: () => this.#host(),
        nextCallId,
        signal,
        awaitStop: true,
        canRetry: () => !this.#disposed && canRetry(),
        demote: (reason) => {
          if (this.#spec.device !== 'webgpu' || this.#spec.requestedDevice !== 'auto') return false;
          this.#spec.device = 'wasm';
          this.#pipeline = undefined;
          this.#fallback = { from: 'webgpu', reason };
          this.#services.health.webgpuFailure = reason;
          this.#services.events?.emit('fallback', { model: this.#spec.model, from: 'webgpu', to: 'wasm', reason });
          return true;
        },
      },
      async (remote, callId, generation) => {
        const id = await this.#ensurePipeline(remote, generation, callId);
        const { output, ms } = await work(remote, id, callId);
        this.callMs = ms;
        this.#router?.sample(ms);
        return output;
      },
    );
  }

  /** The host whose worker runs this model (its device's; a demotion clears the pipeline first). */
  #host(): WorkerHost {
    return this.#services.hostFor(this.#spec.device);
  }

  /** The pipeline in the worker of `generation`: reopened from the stored commit in one call when the worker changed. */
  async #ensurePipeline(remote: RemoteWorkerApi, generation: number, callId: number): Promise<string> {
    if (this.#pipeline?.generation === generation) return this.#pipeline.id;
    const spec = this.#spec;
    const info = await remote.load(callId, {
      task: spec.task,
      model: spec.model,
      revision: spec.commit,
      device: spec.device,
      dtype: spec.dtype,
      policy: 'pinned',
      avoidWebgpu: spec.device === 'wasm',
    });
    this.#pipeline = { id: info.pipelineId, generation };
    return info.pipelineId;
  }
}

// `await using` (declared by `Model`, only where the app's lib has Symbol.asyncDispose: see AsyncDisposableIfSupported).
if (typeof Symbol.asyncDispose === 'symbol') {
  Object.defineProperty(ModelHandle.prototype, Symbol.asyncDispose, {
    value(this: ModelHandle<TaskId>) {
      return this.dispose();
    },
  });
}

/**
 * A loaded model of task `T` (see {@link ModelHandle}); disposable with `await using` where the
 * app's TypeScript lib has `Symbol.asyncDispose`.
 */
export type Model<T extends TaskId> = ModelHandle<T> & AsyncDisposableIfSupported;
