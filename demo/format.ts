/**
 * Formatting for humans: bytes, durations and dates. No DOM and no inpage import, so the
 * end-to-end tests can check the views' text with the very same functions.
 * @module
 */

/**
 * Bytes for humans (powers of 1024).
 * @example
 * formatBytes(1536); // '1.5 KiB'
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 || value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/**
 * Seconds for humans.
 * @example
 * formatDuration(75); // '1 min 15 s'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…';
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * An epoch-ms time (e.g. a cached model's `lastUsed`) for humans, `'never'` for 0.
 * @example
 * formatTime(Date.now()); // '22/11/2026, 06:40:00' (in the user's locale)
 */
export function formatTime(epochMs: number): string {
  const date = new Date(epochMs);
  return epochMs > 0 && !Number.isNaN(date.getTime()) ? date.toLocaleString() : 'never';
}
