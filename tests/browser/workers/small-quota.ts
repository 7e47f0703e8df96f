/**
 * A test-only worker entry: inpage's worker on a nearly full disk. `navigator.storage.estimate()`
 * answers with the real usage and only 2 MB of quota left.
 * @module
 */
import '../../../src/worker.ts';

/** Free space this worker's browser claims to have. */
export const claimedFreeBytes = 2_000_000;

const realEstimate = StorageManager.prototype.estimate;
StorageManager.prototype.estimate = async function estimate(this: StorageManager): Promise<StorageEstimate> {
  const real = await realEstimate.call(this);
  return { ...real, quota: (real.usage ?? 0) + claimedFreeBytes };
};
