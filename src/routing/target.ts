/**
 * The check of a latency target (at load, and when it is changed live).
 * @module
 */
import { assertInteger } from '../client/client-options.ts';
import { describeValue } from '../tasks/describe-value.ts';
import type { LatencyTarget } from './route-types.ts';

/**
 * Throws unless `target` is a {@link LatencyTarget}: a positive p95 in ms, and a window of 2 to 1000 calls.
 * @throws TypeError for a wrong type, RangeError for an impossible value.
 * @example
 * assertTarget({ p95: 120, window: 20 });
 */
export function assertTarget(target: unknown): asserts target is LatencyTarget {
  if (typeof target !== 'object' || target === null) throw new TypeError('inpage: latencyTarget must be an object like { p95: 120 }.');
  const { p95, window } = target as LatencyTarget;
  if (typeof p95 !== 'number') throw new TypeError(`inpage: latencyTarget.p95 must be a number of ms, got ${describeValue(p95)}.`);
  if (!(p95 > 0) || !Number.isFinite(p95)) throw new RangeError(`inpage: latencyTarget.p95 must be a positive number of ms, got ${p95}.`);
  if (window !== undefined) assertInteger('latencyTarget.window', window, 2, 1000);
}
