import { InpageError } from '../errors.ts';
import type * as ModelRequestModule from './model-request.ts';

type RequestChecks = typeof ModelRequestModule;

let loading: Promise<RequestChecks> | undefined;

/**
 * model-request.ts (the checks of `load()`, `cache.install()` and `cache.fit()` arguments), loaded
 * on demand so the main entry stays small. `createClient` starts the import, so a load does not
 * wait for it; a failed fetch is `NETWORK` and is tried again at the next call.
 * @example
 * const { modelRequest, workerRequest } = await requestChecks();
 */
export function requestChecks(): Promise<RequestChecks> {
  loading ??= import('./model-request.ts').catch((error: unknown) => {
    loading = undefined;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InpageError('NETWORK', `inpage's request checks could not be loaded: ${reason}`, { cause: error });
  });
  return loading;
}
