import type { LivenessConfig } from '../rpc/contract.ts';

/**
 * Takes this worker's liveness lock and holds it until the worker dies: the client's request for
 * the same name is granted then, even when this thread never runs again (`self.close()`, a crash).
 * @returns whether the lock is held (false without Web Locks or a lock name: the client pings instead).
 * @example
 * const lockHeld = await holdLivenessLock(liveness);
 */
export async function holdLivenessLock(liveness: LivenessConfig): Promise<boolean> {
  const locks = globalThis.navigator?.locks;
  if (!liveness.lockName || !locks) return false;
  return new Promise<boolean>((settle) => {
    locks
      .request(liveness.lockName as string, () => {
        settle(true);
        return new Promise<never>(() => undefined);
      })
      // Locks refused here (an opaque origin): the client falls back to pings.
      .catch(() => settle(false));
  });
}
