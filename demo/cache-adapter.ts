/**
 * A typed view of `client.cache`, the cache administration API (being built in parallel; these
 * are its agreed names). `cacheOf()` returns `null` while the client has no such API.
 * @module
 */
import type { Device, Dtype, InpageClient, ProgressEvent, TaskId } from 'inpage';

/** One stored model, as `client.cache.list()` reports it. */
export interface CachedModel {
  model: string;
  revision: string;
  commit: string;
  dtype: string;
  /** Stored files (a count, or their names). */
  files: number | readonly unknown[];
  bytes: number;
  /** Whether every file of the model is stored and verified. */
  complete: boolean;
  /** When a load last used it (epoch ms, or a date). */
  lastUsed: number | string | Date | null;
  pinned: boolean;
}

/** Storage figures of `client.cache.usage()`. */
export interface CacheUsage {
  modelBytes: number;
  originUsage: number;
  quota: number;
  /** Whether the origin's storage is persistent (`navigator.storage.persisted()`). */
  persisted: boolean;
  /** The byte budget inpage evicts to (unpinned, least recently used first). */
  budget: number;
}

/** Options of `client.cache.install()`. */
export interface InstallOptions {
  dtype?: Dtype;
  device?: Device;
  revision?: string;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

/** The cache administration API. */
export interface CacheApi {
  list(): Promise<readonly CachedModel[]>;
  usage(): Promise<CacheUsage>;
  install(task: TaskId, model: string, options?: InstallOptions): Promise<unknown>;
  delete(model: string): Promise<unknown>;
  clear(): Promise<unknown>;
  pin(model: string): Promise<unknown>;
  unpin(model: string): Promise<unknown>;
}

const methods = ['list', 'usage', 'install', 'delete', 'clear', 'pin', 'unpin'] as const;

function isCacheApi(value: unknown): value is CacheApi {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return methods.every((name) => typeof record[name] === 'function');
}

/**
 * The client's cache API, or `null` when this version of inpage has none yet.
 * @example
 * const cache = cacheOf(client);
 * if (cache) console.log(await cache.usage());
 */
export function cacheOf(client: InpageClient): CacheApi | null {
  const candidate: unknown = (client as InpageClient & { cache?: unknown }).cache;
  return isCacheApi(candidate) ? candidate : null;
}

/**
 * `lastUsed` for humans.
 * @example
 * formatLastUsed(Date.now()); // '22/11/2026, 06:40:00' (in the user's locale)
 */
export function formatLastUsed(lastUsed: CachedModel['lastUsed']): string {
  if (lastUsed === null || lastUsed === undefined) return 'never';
  const date = lastUsed instanceof Date ? lastUsed : new Date(lastUsed);
  return Number.isNaN(date.getTime()) ? 'unknown' : date.toLocaleString();
}
