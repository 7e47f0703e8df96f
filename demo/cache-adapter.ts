/**
 * Small helpers for showing `client.cache` data.
 * @module
 */
import type { CachedModel } from 'inpage';

/**
 * `lastUsed` for humans.
 * @example
 * formatLastUsed(Date.now()); // '22/11/2026, 06:40:00' (in the user's locale)
 */
export function formatLastUsed(lastUsed: CachedModel['lastUsed']): string {
  const date = new Date(lastUsed);
  return lastUsed > 0 && !Number.isNaN(date.getTime()) ? date.toLocaleString() : 'never';
}
