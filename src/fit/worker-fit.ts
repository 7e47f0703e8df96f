/**
 * The worker's side of the fit check: the device's figures (adapter limits, device memory), the
 * storage room, and `cache.fit()`'s report from the plans a load would use.
 * @module
 */
import { InpageError } from '../errors.ts';
import type { RepoSnapshot } from '../hub/hub-client.ts';
import type { Capabilities } from '../runtime/capabilities.ts';
import { cacheUsage } from '../store/inventory.ts';
import { blobId } from '../store/records.ts';
import type { ModelStore } from '../store/idb-store.ts';
import type { FilePlan, ModelConfig } from '../store/prepare-model.ts';
import type { Dtype, ResolvedDevice, SessionDtypes } from '../types.ts';
import type { FitReport, PlatformLimits } from './fit-check.ts';
import { bestFit, fitReport } from './fit-planner.ts';
import type { CheckedPlan, FitContext } from './fit-planner.ts';

/** What a planner saw: every plan (best first), the config and the commit's listing. */
export type PlanInspector = (plans: FilePlan[], config: ModelConfig, context: FitContext, snapshot: RepoSnapshot) => void;

/**
 * The fit check's device side: the adapter's buffer limits on WebGPU (capped by
 * `limits.gpuBufferBytes`), and `navigator.deviceMemory`.
 * @example
 * const context = fitContext('org/model', 'webgpu', 'auto', await probeCapabilities(), defaultPlatformLimits);
 */
export function fitContext(
  model: string,
  device: ResolvedDevice,
  dtype: Dtype | SessionDtypes,
  caps: Capabilities,
  limits: PlatformLimits,
): FitContext {
  const context: FitContext = { model, device, dtype, limits };
  const { maxBufferSize, maxStorageBufferBindingSize } = caps.webgpu;
  const cap = limits.gpuBufferBytes ?? Infinity;
  if (device === 'webgpu') {
    context.gpu = { maxBufferSize: Math.min(maxBufferSize, cap), maxStorageBufferBindingSize: Math.min(maxStorageBufferBindingSize, cap) };
  }
  const memory = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  if (typeof memory === 'number') context.deviceMemoryGiB = memory;
  return context;
}

/**
 * `cache.fit()`: runs a preparation only until it is planned (`prepare` gets an inspector that
 * stops it there, before any weight byte), then reports the plan `load()` would take, with the
 * storage figures.
 * @throws what planning throws (`MODEL_NOT_FOUND`, `NETWORK`, `INVALID_INPUT`, …).
 * @example
 * const report = await fitOf((inspect) => plan(request, access, undefined, inspect), store, budget, request.model);
 */
export async function fitOf(
  prepare: (inspect: PlanInspector) => Promise<unknown>,
  store: ModelStore,
  budget: number | undefined,
  model: string,
): Promise<FitReport> {
  const stop = new Error('planned');
  let found: { checked: CheckedPlan; config: ModelConfig; context: FitContext; snapshot: RepoSnapshot } | undefined;
  try {
    await prepare((plans, config, context, snapshot) => {
      if (plans.length > 0) found = { checked: bestFit(plans, config, context), config, context, snapshot };
      throw stop;
    });
  } catch (error) {
    // Offline, a stored plan still answers.
    if (!found) throw error;
  }
  if (!found) throw new InpageError('FILE_NOT_FOUND', `"${model}" has no weights this device can run.`);
  const storage = await storageRoom(store, budget, found.snapshot, found.checked.plan);
  const report = fitReport(found.checked.plan, found.config, found.context, storage);
  const steppedDown = found.checked.steppedDown;
  return steppedDown ? { ...report, steppedDownFrom: { dtype: steppedDown.from.dtype, reasons: steppedDown.from.reasons } } : report;
}

/**
 * The bytes a plan still needs, and the most the store could hold: the quota less what the
 * origin uses besides inpage's models, within the budget (eviction frees the rest).
 */
async function storageRoom(
  store: ModelStore,
  budget: number | undefined,
  snapshot: RepoSnapshot,
  plan: FilePlan,
): Promise<{ needed: number; room: number } | undefined> {
  const usage = await cacheUsage(store, budget);
  if (usage.quota === 0 && usage.budget === null) return undefined;
  let needed = 0;
  for (const file of plan.files) {
    const entry = snapshot.files.find((listed) => listed.path === file.path);
    const record = entry ? await store.getFile(snapshot.repo, blobId(entry)) : undefined;
    needed += record?.verified ? 0 : file.size;
  }
  const quotaRoom = usage.quota > 0 ? usage.quota - Math.max(0, usage.originUsage - usage.modelBytes) : Infinity;
  return { needed, room: Math.min(quotaRoom, usage.budget ?? Infinity) };
}
