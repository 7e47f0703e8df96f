/**
 * The only module that imports comlink. Both realms import it, so both install the error
 * transfer handler that keeps `code`, `cause` and the error class across the boundary
 * (comlink's default keeps only message, name and stack).
 * @module
 */
import * as Comlink from 'comlink';
import type { Remote } from 'comlink';
import { deserializeError, serializeError } from '../errors.ts';
import type { SerializedError } from '../errors.ts';
import type { WorkerApi } from './contract.ts';

const builtinThrowHandler = Comlink.transferHandlers.get('throw');
if (builtinThrowHandler) {
  Comlink.transferHandlers.set('throw', {
    canHandle: builtinThrowHandler.canHandle,
    serialize: (thrown: unknown) => [serializeError((thrown as { value: unknown }).value), []],
    deserialize: (data: unknown) => {
      throw deserializeError(data as SerializedError);
    },
  } satisfies Comlink.TransferHandler<unknown, SerializedError>);
}

/** The client's view of the worker. */
export type RemoteWorkerApi = Remote<WorkerApi>;

/**
 * Exposes the worker API on the worker's global scope (or another endpoint).
 * @example
 * exposeWorkerApi(createWorkerApi());
 */
export function exposeWorkerApi(api: WorkerApi, endpoint: Comlink.Endpoint = self as unknown as Comlink.Endpoint): void {
  Comlink.expose(api, endpoint);
  // A message that arrives before `expose` finds no listener and is lost (a worker entry that awaits
  // before importing inpage's worker): the client sends nothing until it hears this.
  endpoint.postMessage(readyMessage);
}

const readyMessage = { type: 'inpage:ready' } as const;

/**
 * Resolves when the worker behind `endpoint` has exposed its API (see {@link exposeWorkerApi}).
 * Listen before the worker can have posted, i.e. right after creating it.
 * @example
 * const worker = new Worker(url, { type: 'module' });
 * const ready = workerExposed(worker);
 * await ready; await connectWorker(worker).ping();
 */
export function workerExposed(endpoint: Pick<Comlink.Endpoint, 'addEventListener' | 'removeEventListener'>): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (event: Event): void => {
      const data = (event as MessageEvent<unknown>).data as { type?: unknown } | null | undefined;
      if (data?.type !== readyMessage.type) return;
      endpoint.removeEventListener('message', onMessage);
      resolve();
    };
    endpoint.addEventListener('message', onMessage);
  });
}

/**
 * Wraps a worker (or a MessagePort) in a typed remote.
 * @example
 * const remote = connectWorker(new Worker(url, { type: 'module' }));
 * await remote.ping();
 */
export function connectWorker(endpoint: Comlink.Endpoint): RemoteWorkerApi {
  return Comlink.wrap<WorkerApi>(endpoint);
}

/**
 * Marks a callback to be called across the boundary (progress, stream pieces).
 * @example
 * await remote.load(id, request, remoteCallback((event) => console.log(event)));
 */
export function remoteCallback<T extends (...args: never[]) => unknown>(callback: T): T {
  return Comlink.proxy(callback);
}

/**
 * Frees the message port behind a callback received from the other side, once it is no longer needed.
 * @example
 * try { ... } finally { releaseRemoteCallback(onProgress); }
 */
export function releaseRemoteCallback(callback: unknown): void {
  const releasable = callback as { [Comlink.releaseProxy]?: () => void } | undefined;
  try {
    releasable?.[Comlink.releaseProxy]?.();
  } catch {
    // Already released, or the other side is gone.
  }
}

/**
 * Returns a value whose listed buffers are moved, not copied, across the boundary.
 * @example
 * return withTransfer(output, [output.data.buffer]);
 */
export function withTransfer<T>(value: T, transfers: Transferable[]): T {
  // Comlink keys its transfer list by the value in a WeakMap: a string output (generated text) would throw.
  if (transfers.length === 0 || typeof value !== 'object' || value === null) return value;
  return Comlink.transfer(value, transfers);
}

/** Releases the remote's port (after the worker is terminated). */
export function releaseRemote(remote: RemoteWorkerApi): void {
  try {
    remote[Comlink.releaseProxy]();
  } catch {
    // The worker is already gone.
  }
}
