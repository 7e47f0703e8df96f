import type { ModelStore } from './idb-store.ts';

/**
 * How long after a stale-while-revalidate load its background check waits. The load itself never
 * touches the network, so a page that starts offline (or on a flaky network) makes no request
 * while its models load; the check runs once things are quiet, and fails silently offline.
 */
export const revalidateDelayMs = 30_000;

interface Pending {
  timer: ReturnType<typeof setTimeout>;
  check: () => Promise<void>;
}

/** Checks scheduled per store (a store lives in one worker) and per repo@revision. */
const scheduled = new WeakMap<ModelStore, Map<string, Pending>>();

const isOffline = (): boolean => globalThis.navigator?.onLine === false;

/**
 * Schedules a background check of a branch or tag, once: a second call for the same key while one
 * is pending does nothing. Skipped when the browser knows it is offline.
 * @example
 * scheduleRevalidation(store, `${repo}@main`, () => refreshRef(repo, 'main'));
 */
export function scheduleRevalidation(store: ModelStore, key: string, check: () => Promise<void>, delayMs = revalidateDelayMs): void {
  if (isOffline()) return;
  let pending = scheduled.get(store);
  if (!pending) scheduled.set(store, (pending = new Map()));
  if (pending.has(key)) return;
  const map = pending;
  const timer = setTimeout(() => {
    map.delete(key);
    void check().catch(() => undefined);
  }, delayMs);
  map.set(key, { timer, check });
}

/**
 * Runs a pending check of `key` now and waits for it, so a load that follows a stale one in the
 * same worker sees the new commit. Nothing happens when no check is pending.
 * @example
 * await settleRevalidation(store, `${repo}@main`);
 */
export async function settleRevalidation(store: ModelStore, key: string): Promise<void> {
  const pending = scheduled.get(store)?.get(key);
  if (!pending) return;
  clearTimeout(pending.timer);
  scheduled.get(store)?.delete(key);
  if (isOffline()) return;
  // A slow Hub must not hold up a load that has stored data to use.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, settleTimeoutMs)));
  await Promise.race([pending.check().catch(() => undefined), giveUp]);
  clearTimeout(timer);
}

/** The longest a load waits for a pending check before it uses the stored commit. */
export const settleTimeoutMs = 5000;
