import { InferenceSession } from 'onnxruntime-web/webgpu';
import { recordOrtFailure } from './classify-error.ts';
import type { OrtCall } from './classify-error.ts';

/** The worker's one channel for macrotask hops (a new `MessageChannel` per hop costs more than the hop). */
let wakeChannel: MessagePort | undefined;
/** {@link nextTask} waiters: each message on the channel wakes the oldest. */
const waiting: (() => void)[] = [];
/** Whether a macrotask ran since the last session run ended (see {@link yieldBetweenRuns}). */
let taskSinceRun = true;

/** Posts one message to the channel; its task wakes the oldest waiter and marks that a task ran. */
function postWake(): void {
  if (!wakeChannel) {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      taskSinceRun = true;
      waiting.shift()?.();
    };
    wakeChannel = channel.port2;
  }
  wakeChannel.postMessage(null);
}

/**
 * Resolves after one macrotask, without the 4 ms clamp of nested `setTimeout`s.
 * @example
 * await nextTask(); // pending messages (an abort, a heartbeat) are handled before this resolves
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    postWake();
  });
}

/**
 * A stand-in value for a rejected ONNX Runtime call: it throws the original error at the first use
 * (a property read or write, a key listing) and only answers `then` (with `undefined`, so that a
 * promise resolved with it stays resolved).
 *
 * transformers.js 4.3.1 chains every session create and run (`webInitChain = webInitChain.then(load)`
 * in `backends/onnx.js`) and awaits the chain itself, so a rejected call leaves the chain rejected
 * and every later create or run in the worker fails with the same error. Resolving the chain with
 * this stand-in keeps it alive, while transformers.js still sees the error where it used the
 * result: `session.config = …` after a create, `replaceTensors(output)` after a run.
 * @example
 * const value = rejectionCarrier(new Error('boom'));
 * value.config = {}; // throws Error: boom
 */
export function rejectionCarrier(error: unknown): object {
  const fail = (): never => {
    throw error;
  };
  return new Proxy(Object.create(null) as object, {
    get: (_target, key) => (key === 'then' ? undefined : fail()),
    set: fail,
    has: fail,
    ownKeys: fail,
    getOwnPropertyDescriptor: fail,
    defineProperty: fail,
    deleteProperty: fail,
    getPrototypeOf: fail,
  });
}

type Method = (...args: unknown[]) => Promise<unknown>;

const sessionProviders = new WeakMap<object, readonly string[]>();

function providersOf(options: unknown): string[] {
  const providers = (options as { executionProviders?: unknown } | undefined)?.executionProviders;
  if (!Array.isArray(providers)) return [];
  return providers.map((provider: unknown) => (typeof provider === 'string' ? provider : String((provider as { name?: unknown }).name)));
}

/** Runs an ORT call; a rejection is recorded for the classifier and carried as a resolved value. */
async function carried(call: OrtCall, providers: readonly string[], work: () => Promise<unknown>): Promise<unknown> {
  try {
    return await work();
  } catch (reason) {
    const error = reason instanceof Error ? reason : new Error(String(reason), { cause: reason });
    recordOrtFailure(error, { call, providers });
    return rejectionCarrier(error);
  }
}

let installed = false;

/**
 * Patches ONNX Runtime's `InferenceSession` once per worker:
 * - a session run that follows another without a macrotask between them starts in a new
 *   macrotask. transformers.js generates text in a loop of promise continuations (microtasks only,
 *   on WASM), so without this the worker would not see an abort or a heartbeat until generation
 *   ends: a `break` out of `stream()` or an `AbortSignal` could not stop it at the next token. A
 *   call's first run (a classification's only one) starts at once: the call's own message was a
 *   macrotask, and a hop there would only add its latency to every call;
 * - a rejected session create or run no longer poisons transformers.js's chains of them (see
 *   {@link rejectionCarrier}); the rejection is recorded with its execution providers, so that
 *   `classifyError` can tell a GPU failure from a model or input the runtime refused.
 * @example
 * yieldBetweenRuns(); // once, at worker start-up, before any session is created
 */
export function yieldBetweenRuns(): void {
  if (installed) return;
  installed = true;
  const session = InferenceSession as unknown as { create: Method; prototype: { run: Method } };
  const create = session.create;
  session.create = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const providers = providersOf(args.at(-1));
    return carried('create', providers, async () => {
      const created = await create.apply(this, args);
      if (typeof created === 'object' && created !== null) sessionProviders.set(created, providers);
      return created;
    });
  };
  const { prototype } = session;
  const run = prototype.run;
  prototype.run = function (this: object, ...args: unknown[]): Promise<unknown> {
    return carried('run', sessionProviders.get(this) ?? [], async () => {
      if (!taskSinceRun) await nextTask();
      try {
        return await run.apply(this, args);
      } finally {
        // The next run waits for a macrotask, unless one runs before it (this message's, at the latest).
        taskSinceRun = false;
        postWake();
      }
    });
  };
}
