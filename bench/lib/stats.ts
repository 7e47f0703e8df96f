/**
 * Small statistics helpers (no dependencies).
 *
 * @module
 */

/** The `p`-th percentile (0–100) by linear interpolation; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const rank = (p / 100) * (finite.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = finite[low] ?? Number.NaN;
  const b = finite[high] ?? Number.NaN;
  return a + (b - a) * (rank - low);
}

/** The median; NaN for no values. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** `a / b`, NaN when either is not a positive finite number. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : Number.NaN;
}

/** Rounds to `digits` decimals, keeping NaN as `null` so JSON stays valid. */
export function round(value: number, digits = 1): number | null {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
