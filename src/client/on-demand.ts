/**
 * The client's modules that are loaded on demand, so the main entry stays small.
 * @module
 */
import { InpageError } from '../errors.ts';
import type * as BatchedRunModule from './batched-run.ts';
import type * as ModelRequestModule from './model-request.ts';

/**
 * `load`, run once and shared by every caller; a failed load (a chunk that could not be fetched)
 * is `NETWORK` and is tried again at the next call.
 * @param what - the module, as the error names it
 * @example
 * const batchedRun = onDemand('batching', () => import('./batched-run.ts'));
 */
export function onDemand<M>(what: string, load: () => Promise<M>): () => Promise<M> {
  let loading: Promise<M> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      const reason = error instanceof Error ? error.message : String(error);
      throw new InpageError('NETWORK', `inpage's ${what} could not be loaded: ${reason}`, { cause: error });
    }));
}

/**
 * model-request.ts: the checks of `load()`, `cache.install()` and `cache.fit()` arguments.
 * `createClient` starts the import, so a load does not wait for it.
 * @example
 * const { modelRequest, workerRequest } = await requestChecks();
 */
export const requestChecks: () => Promise<typeof ModelRequestModule> = onDemand('request checks', () => import('./model-request.ts'));

/**
 * batched-run.ts: how queued calls become batches. A batchable model's handle starts the import
 * when it is created, so its calls do not wait for it.
 * @example
 * const { runBatched } = await batchedRun();
 */
export const batchedRun: () => Promise<typeof BatchedRunModule> = onDemand('batching', () => import('./batched-run.ts'));
