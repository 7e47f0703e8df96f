import { resolveSnapshot } from '../hub/hub-client.ts';
import type { ModelStore } from './idb-store.ts';
import type { PrepareOptions, PrepareRequest } from './prepare-model.ts';
import { endpointOf, storedPlan } from './stored-plan.ts';

/**
 * How long after a stale-while-revalidate load its background check waits. The load itself never
 * touches the network, so a page that starts offline (or on a flaky network) makes no request
 * while its models load; the check runs once things are quiet, and fails silently offline.
 * Mutable for tests only (a test worker shortens it to keep a page open through a check).
 */
export const revalidation = { delayMs: 30_000 };

interface Pending {
  timer: ReturnType<typeof setTimeout>;
  check: () => Promise<void>;
}

/** Checks scheduled per store (a store lives in one worker) and per repo@revision. */
const scheduled = new WeakMap<ModelStore, Map<string, Pending>>();

/** Whether the browser says it is offline (then no check is made, and a stored load says `offline`). */
export const isBrowserOffline = (): boolean => globalThis.navigator?.onLine === false;

/**
 * Schedules a background check of a branch or tag, once: a second call for the same key while one
 * is pending does nothing. Skipped when the browser knows it is offline.
 * @example
 * scheduleRevalidation(store, `${repo}@main`, () => revalidate(request, options));
 */
export function scheduleRevalidation(store: ModelStore, key: string, check: () => Promise<void>, delayMs = revalidation.delayMs): void {
  if (isBrowserOffline()) return;
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
 * same worker sees the new commit.
 * @returns `true` when a check ran and reached the Hub (the load may then adopt a pending commit).
 * @example
 * const checked = await settleRevalidation(store, `${repo}@main`);
 */
export async function settleRevalidation(store: ModelStore, key: string): Promise<boolean> {
  const pending = scheduled.get(store)?.get(key);
  if (!pending) return false;
  clearTimeout(pending.timer);
  scheduled.get(store)?.delete(key);
  if (isBrowserOffline()) return false;
  // A slow Hub must not hold up a load that has stored data to use.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const giveUp = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, settleTimeoutMs, false)));
  const checked = await Promise.race([
    pending.check().then(
      () => true,
      () => false,
    ),
    giveUp,
  ]);
  clearTimeout(timer);
  return checked;
}

/** The longest a load waits for a pending check before it uses the stored commit. */
export const settleTimeoutMs = 5000;

/**
 * Checks whether a branch or tag moved, downloading nothing. A new commit whose files for this
 * dtype are all stored already (a metadata-only commit) moves the ref at once; any other is
 * recorded as the ref's `pending` commit, which a later load adopts once it has stored its files.
 * Until then loads (and offline ones) keep the stored commit.
 * @throws the Hub's errors (the scheduler ignores them: the stored revision stays in use).
 * @example
 * scheduleRevalidation(store, key, () => revalidate(request, options));
 */
export async function revalidate(request: PrepareRequest, options: PrepareOptions): Promise<void> {
  const snapshot = await resolveSnapshot(options.hub, request.repo, request.revision, { retries: options.retries });
  const { endpoint } = options.hub;
  const { store } = options;
  await store.putSnapshot({ ...snapshot, endpoint, storedAt: Date.now() });
  const ref = await store.getRef(request.repo, request.revision);
  const checked = { repo: request.repo, revision: request.revision, endpoint, checkedAt: Date.now() };
  if (ref && endpointOf(ref) === endpoint && ref.commit !== snapshot.commit) {
    const stored = await storedPlan(request, options, snapshot.commit);
    if (!stored?.complete) {
      await store.putRef({ ...checked, commit: ref.commit, pending: snapshot.commit });
      return;
    }
  }
  await store.putRef({ ...checked, commit: snapshot.commit });
}
