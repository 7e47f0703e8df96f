/**
 * The bodies of `client.cache.install()` and `client.cache.fit()`, in the on-demand request-checks
 * chunk (they need its argument checks anyway), so the main entry stays small.
 *
 * @module
 */
import type { FitReport } from '../fit/fit-check.ts';
import { remoteCallback } from '../rpc/comlink.ts';
import type { TaskId } from '../tasks/registry.ts';
import type { CacheAdminSettings, InstallOptions, InstallResult } from './cache-admin.ts';
import { modelRequest, route, workerRequest } from './model-request.ts';
import type { ModelRequestServices } from './model-request.ts';
import { withRecovery } from './recovery.ts';

/**
 * Downloads and verifies a model's files where the matching `load()` would run, so it stores
 * exactly the files that load reads.
 * @example
 * const result = await installModel(services, settings, 'text-classification', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');
 */
export async function installModel(
  services: ModelRequestServices,
  settings: CacheAdminSettings,
  task: TaskId,
  model: string,
  options: InstallOptions,
): Promise<InstallResult> {
  const request = modelRequest(task, model, options, settings);
  const { onProgress } = request;
  const prepared = await withRecovery(
    { host: () => route(services, request.requestedDevice), nextCallId: services.nextCallId, signal: request.signal },
    (remote, callId) =>
      remote.prepare(callId, workerRequest(request, services.health), onProgress ? remoteCallback(onProgress) : undefined),
  );
  const { commit, dtype, bytes, downloaded } = prepared;
  return { model, revision: request.revision, commit, dtype, bytes, downloaded };
}

/**
 * The fit check of the plan `load()` would use, before any weight byte.
 * @example
 * const report = await fitModel(services, settings, 'text-classification', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english', {});
 */
export function fitModel(
  services: ModelRequestServices,
  settings: CacheAdminSettings,
  task: TaskId,
  model: string,
  options: InstallOptions,
): Promise<FitReport> {
  const request = modelRequest(task, model, options, settings);
  return withRecovery(
    { host: () => route(services, request.requestedDevice), nextCallId: services.nextCallId, signal: request.signal },
    (remote, callId) => remote.fit(callId, workerRequest(request, services.health)),
  );
}
