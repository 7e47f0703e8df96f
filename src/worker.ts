/**
 * inpage's worker entry. `createClient()` starts it with
 * `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`; apps that create
 * their own worker import this module in it:
 *
 * @example
 * // my-worker.ts
 * import 'inpage/worker';
 * // main.ts
 * const client = createClient({ worker: () => new Worker(new URL('./my-worker.ts', import.meta.url), { type: 'module' }) });
 * @module
 */
import { exposeWorkerApi } from './rpc/comlink.ts';
import { createWorkerApi } from './worker/worker-api.ts';

exposeWorkerApi(createWorkerApi());

export type { Timed, WorkerApi, WorkerConfig } from './rpc/contract.ts';
