import type { RepoSnapshot } from '../hub/hub-client.ts';
import { defaultHubEndpoint } from '../hub/hub-client.ts';
import type { ModelStore } from './idb-store.ts';
import type { FilePlan, ModelConfig, PrepareOptions, PrepareRequest } from './prepare-model.ts';
import type { ModelRecord } from './records.ts';
import { blobId } from './records.ts';

/** A plan with what it was made from. */
export interface Plan extends FilePlan {
  snapshot: RepoSnapshot;
  config: ModelConfig;
  /** Stored files already read (see `PreparedModel.blobs`). */
  blobs: Map<string, Blob>;
}

/** A stored plan, whether all its files are stored, and (for `auto`) a complete alternative. */
export type StoredPlan = Plan & { complete: boolean; alternative?: Plan };

/** Whether a revision is a commit sha. */
export const isCommit = (revision: string): boolean => /^[0-9a-f]{40}$/.test(revision);

/** The endpoint a record came from (records written before endpoints were kept: the public Hub). */
export const endpointOf = (record: { endpoint?: string }): string => record.endpoint ?? defaultHubEndpoint;

/**
 * The stored plan of the request at `commit` (default: the commit the revision's ref names), when
 * that commit's snapshot and config are stored, and whether it is all there. For an `auto` dtype
 * whose plan is not all there, `alternative` is the complete stored plan of another dtype the
 * chooser accepts (see {@link storedAlternative}), for offline use.
 * @example
 * const stored = await storedPlan(request, options);
 */
export async function storedPlan(request: PrepareRequest, options: PrepareOptions, atCommit?: string): Promise<StoredPlan | undefined> {
  const { endpoint } = options.hub;
  const ref = atCommit || isCommit(request.revision) ? undefined : await options.store.getRef(request.repo, request.revision);
  // Records are keyed by endpoint: what a mirror answered is never trusted for another endpoint.
  const commit = atCommit ?? (isCommit(request.revision) ? request.revision : ref && endpointOf(ref) === endpoint ? ref.commit : undefined);
  if (!commit) return undefined;
  const snapshot = await options.store.getSnapshot(request.repo, commit);
  if (!snapshot || endpointOf(snapshot) !== endpoint) return undefined;
  const configEntry = snapshot.files.find((file) => file.path === 'config.json');
  const configRecord = configEntry && (await options.store.getFile(request.repo, blobId(configEntry)));
  const blob = configRecord?.verified ? await options.store.readFile(configRecord) : undefined;
  if (!blob) return undefined;
  let plans: Plan[];
  try {
    const config = JSON.parse(await blob.text()) as ModelConfig;
    // Each plan its own map: one plan's reads are not another's.
    plans = (await request.plan(config, snapshot)).map((plan) => ({ ...plan, snapshot, config, blobs: new Map([['config.json', blob]]) }));
  } catch {
    return undefined;
  }
  const [plan, ...others] = plans;
  if (!plan) return undefined;
  const complete = await isStored(plan, options.store);
  if (complete || request.dtype !== 'auto') return { ...plan, complete };
  const alternative = await storedAlternative(others, options.store);
  return alternative ? { ...plan, complete, alternative } : { ...plan, complete };
}

/**
 * For a load that cannot reach the Hub: the newest commit of the requested revision whose plan
 * for this dtype is all stored, from the model records loads left (newest use first), other than
 * `skip` (the commit already tried).
 * @example
 * const fallback = await newestComplete(request, options, ref.commit);
 */
export async function newestComplete(request: PrepareRequest, options: PrepareOptions, skip?: string): Promise<StoredPlan | undefined> {
  const models = (await options.store.recordsOf<ModelRecord>('model'))
    .map(([, model]) => model)
    .filter((model) => model.repo === request.repo && model.revision === request.revision && model.commit !== skip)
    .filter((model) => request.dtype === 'auto' || model.dtype === request.dtype)
    .sort((a, b) => b.lastUsed - a.lastUsed);
  for (const commit of new Set(models.map((model) => model.commit))) {
    const stored = await storedPlan(request, options, commit);
    if (stored?.complete) return stored;
    if (stored?.alternative) return { ...stored.alternative, complete: true };
  }
  return undefined;
}

/** Whether every file of a plan is stored and verified. */
export async function isStored(plan: Pick<Plan, 'files' | 'snapshot'>, store: ModelStore): Promise<boolean> {
  const records = await Promise.all(plan.files.map((file) => store.getFile(plan.snapshot.repo, blobId(file))));
  return records.every((record) => record?.verified);
}

/**
 * For an `auto` dtype whose preferred plan is not all stored: the next plan in the planner's own
 * order (so one the device and its fallback can run) whose files are all stored. An offline load
 * on another device than the first visit's (WASM picks q8, but WebGPU downloaded fp32) then runs
 * the stored bytes instead of failing with `OFFLINE_NOT_CACHED`.
 */
async function storedAlternative(others: readonly Plan[], store: ModelStore): Promise<Plan | undefined> {
  for (const plan of others) if (await isStored(plan, store)) return plan;
  return undefined;
}
