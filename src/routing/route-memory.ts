/**
 * Remembered device decisions, in the client's storage namespace (an IndexedDB database of its
 * own, `<namespace>-routes`, opened on the main thread), so a later load of the same model skips
 * calibration. A decision holds for one model, commit, dtype, WebGPU adapter, browser version and
 * WASM thread count; any change calibrates again.
 * @module
 */
import { get, set } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';
import { openStore } from '../store/connection.ts';
import type { ResolvedDevice, ResolvedDtype } from '../types.ts';

/** What a decision is valid for, beyond the model and revision it is filed under. */
export interface DecisionKey {
  commit: string;
  dtype: ResolvedDtype;
  /** The adapter's vendor, architecture, description and whether it is a software one. */
  adapter: string;
}

/** A remembered device decision. */
export interface RememberedDevice extends DecisionKey {
  device: ResolvedDevice;
  measured: { webgpu: number | null; wasm: number | null };
  reason: string;
}

/** A ladder rung's remembered measurement (filed under {@link rungName}). */
export interface RememberedRung extends DecisionKey {
  device: ResolvedDevice;
  /** The p95 its calibration measured, in ms. */
  p95: number;
}

const stores = new Map<string, UseStore>();

function storeOf(namespace: string): UseStore {
  let store = stores.get(namespace);
  if (!store) stores.set(namespace, (store = openStore(`${namespace}-routes`, 'devices')));
  return store;
}

/**
 * Where a decision is filed: the model and requested revision, the browser (its user agent, with
 * its version) and the WASM threads. The commit, dtype and adapter are checked on reading.
 * @example
 * fileName('org/model', 'main', 2); // 'org/model@main|Mozilla/5.0 …|2'
 */
export function fileName(model: string, revision: string, threads: number): string {
  return `${model}@${revision}|${globalThis.navigator?.userAgent ?? ''}|${threads}`;
}

/**
 * Where a ladder rung's measurement is filed: next to the model's device decision (so
 * `cache.delete(model)` forgets both).
 * @example
 * rungName('org/model', 'main', 2); // 'org/model@main|Mozilla/5.0 …|2|rung'
 */
export function rungName(model: string, revision: string, threads: number): string {
  return `${fileName(model, revision, threads)}|rung`;
}

/**
 * The decision filed under `name`, or `undefined` (none, or storage unavailable: then calibrate).
 * @example
 * const hint = await recallDevice('inpage', fileName(model, 'main', 2));
 */
export async function recallDevice(namespace: string, name: string): Promise<RememberedDevice | undefined> {
  return recall<RememberedDevice>(namespace, name);
}

/**
 * What is filed under `name`, or `undefined` (none, or storage unavailable).
 * @example
 * const rung = await recall<RememberedRung>('inpage', rungName(model, 'main', 2));
 */
export async function recall<V>(namespace: string, name: string): Promise<V | undefined> {
  try {
    return await get<V>(name, storeOf(namespace));
  } catch {
    return undefined;
  }
}

/**
 * Files a decision; a storage failure only means the next load calibrates again.
 * @example
 * await rememberDevice('inpage', name, { commit, dtype, adapter, device: 'wasm', measured, reason });
 */
export async function rememberDevice(namespace: string, name: string, decision: RememberedDevice | RememberedRung): Promise<void> {
  await set(name, decision, storeOf(namespace)).catch(() => undefined);
}

/**
 * Whether a remembered decision holds for what was loaded now.
 * @example
 * if (hint && holds(hint, { commit, dtype, adapter })) reuse(hint.device);
 */
export function holds(decision: DecisionKey, now: DecisionKey): boolean {
  return decision.commit === now.commit && decision.dtype === now.dtype && decision.adapter === now.adapter;
}
