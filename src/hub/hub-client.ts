import { InpageError, abortError, isInpageError } from '../errors.ts';
import type { HubOptions } from '../types.ts';
import { hubError, isTransientStatus } from './hub-errors.ts';
import type { HubLimits } from './hub-http.ts';
import { defaultHubLimits, fetchOrThrow, markTransient, readJson, retryAfterMs, withRetries } from './hub-http.ts';
import { assertRepoId, assertRevision } from './ids.ts';
import { addTreePage } from './tree.ts';
import type { RepoFile } from './tree.ts';

export { assertRepoId, assertRevision, repoIdPattern } from './ids.ts';
export { fetchOrThrow, isConnectionFailure } from './hub-http.ts';
export type { HubLimits } from './hub-http.ts';
export type { RepoFile } from './tree.ts';

/** The public Hugging Face Hub. */
export const defaultHubEndpoint = 'https://huggingface.co';

/** One exact commit of a repo and its file list. */
export interface RepoSnapshot {
  repo: string;
  commit: string;
  files: RepoFile[];
}

/** The Hub endpoint and token, normalized. */
export interface HubConfig {
  endpoint: string;
  token?: string;
  /** Deadlines, caps and backoff (tests inject short ones); {@link defaultHubLimits} otherwise. */
  limits?: Partial<HubLimits>;
}

/** The limits of a config, with defaults filled in. */
export function hubLimits(hub: HubConfig): HubLimits {
  return { ...defaultHubLimits, ...hub.limits };
}

const isLoopback = (hostname: string): boolean =>
  hostname === 'localhost' || hostname.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]';

/**
 * Normalizes {@link HubOptions}: default endpoint, no trailing slash.
 * @throws TypeError when the endpoint is not an http(s) URL, or when a token would travel over
 *   plain `http:` to a host that is not loopback (anyone on the path could read it).
 * @example
 * hubConfig({ endpoint: 'http://127.0.0.1:8080/' }); // { endpoint: 'http://127.0.0.1:8080' }
 */
export function hubConfig(options: HubOptions = {}): HubConfig {
  const endpoint = (options.endpoint ?? defaultHubEndpoint).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`inpage: hub.endpoint must be an absolute http(s) URL, got "${endpoint}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`inpage: hub.endpoint must use http or https, got "${url.protocol}".`);
  }
  if (options.token !== undefined && typeof options.token !== 'string') throw new TypeError('inpage: hub.token must be a string.');
  if (options.token && url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new TypeError(`inpage: hub.token is never sent over plain http (${url.origin}); use an https endpoint.`);
  }
  return options.token ? { endpoint, token: options.token } : { endpoint };
}

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

/**
 * URL of a file at a revision: `{endpoint}/{repo}/resolve/{revision}/{path}`.
 * @throws InpageError `INVALID_INPUT` for a malformed repo id or revision.
 */
export function resolveUrl(hub: HubConfig, repo: string, revision: string, path: string): string {
  return `${hub.endpoint}/${assertRepoId(repo)}/resolve/${encodeURIComponent(assertRevision(revision))}/${encodePath(path)}`;
}

/**
 * Headers for a request to `url`: the token only when `url` is on the endpoint's origin (never a
 * CDN, a mirror's other host, or wherever a `Link` points).
 */
export function hubHeaders(hub: HubConfig, url: string): Headers {
  const headers = new Headers();
  if (hub.token && new URL(url).origin === new URL(hub.endpoint).origin) headers.set('Authorization', `Bearer ${hub.token}`);
  return headers;
}

/** One API answer: JSON under the limits (see {@link readJson}), a failed status mapped (429/5xx transient, with `Retry-After`). */
async function getJson(
  hub: HubConfig,
  url: string,
  context: { repo: string; revision: string },
  { signal, hasFallback }: ResolveOptions,
): Promise<{ body: unknown; response: Response }> {
  const limits = hubLimits(hub);
  const deadline = Date.now() + limits.jsonDeadlineMs;
  const what = `"${context.repo}"`;
  const overdue = new AbortController();
  const timer = setTimeout(() => overdue.abort(), limits.jsonDeadlineMs);
  const both = signal ? AbortSignal.any([signal, overdue.signal]) : overdue.signal;
  try {
    const init: RequestInit = { headers: hubHeaders(hub, url), signal: both, cache: 'no-store' };
    const response = await fetchOrThrow(url, init, what, limits, !hasFallback);
    if (!response.ok) {
      const error = hubError(response, { ...context, withToken: Boolean(hub.token) });
      if (isTransientStatus(response.status))
        markTransient(error, retryAfterMs(response.headers.get('retry-after'), limits.retryAfterMaxMs));
      throw error;
    }
    return { body: await readJson(response, what, limits, deadline, both), response };
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    if (overdue.signal.aborted && isInpageError(error, 'ABORTED')) {
      throw markTransient(new InpageError('NETWORK', `The Hub's answer for ${what} took longer than ${limits.jsonDeadlineMs / 1000} s.`));
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** How far the tree API is paged: more than this is refused rather than cut short. */
const maxTreePages = 10_000;

/** Retries of API calls when the caller gives none (the default of `storage.retries`). */
const defaultRetries = 4;

/** Retries of an API call: none with a fallback, or when the browser knows it is offline. */
const retriesOf = (options: ResolveOptions): number =>
  options.hasFallback || globalThis.navigator?.onLine === false ? 0 : (options.retries ?? defaultRetries);

/** Options of the API calls. */
export interface ResolveOptions {
  signal?: AbortSignal;
  /** Retries of a transient failure (no answer, 429, 5xx, a stalled or overdue body). @default 4 */
  retries?: number;
  /**
   * A stored copy can be used instead: a failure is final at once, with no retries and no extra
   * requests to explain it (a connection failure is not told apart from a redirect failure).
   */
  hasFallback?: boolean;
}

/**
 * Finds the commit a revision (branch, tag or commit sha) points at, with one small request.
 * @throws InpageError `INVALID_INPUT`, `MODEL_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`, `ABORTED`.
 * @example
 * const commit = await resolveCommit(hub, 'Xenova/all-MiniLM-L6-v2', 'main');
 */
export async function resolveCommit(hub: HubConfig, repo: string, revision: string, options: ResolveOptions = {}): Promise<string> {
  const url = `${hub.endpoint}/api/models/${assertRepoId(repo)}/revision/${encodeURIComponent(assertRevision(revision))}`;
  const attempt = async (): Promise<string> => {
    const { body } = await getJson(hub, url, { repo, revision }, options);
    const sha = (body as { sha?: unknown } | null)?.sha;
    if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha)) {
      throw new InpageError('NETWORK', `The Hub gave no commit for "${repo}" at "${revision}".`);
    }
    return sha;
  };
  return withRetries(attempt, retriesOf(options), hubLimits(hub), options.signal);
}

/**
 * Lists every file of a repo at one commit with sizes and hashes (the Hub's tree API, following
 * pagination). Listing by commit, not by branch, keeps the list and the downloads consistent.
 * `Link: rel="next"` is followed only on the endpoint's origin, and a page seen twice is a loop:
 * both are errors, never a silently shortened list. Every entry is checked (see {@link addTreePage}).
 * @throws InpageError `INVALID_INPUT`, `MODEL_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`, `ABORTED`.
 * @example
 * const { files } = await listFiles(hub, repo, commit);
 */
export async function listFiles(hub: HubConfig, repo: string, commit: string, options: ResolveOptions = {}): Promise<RepoSnapshot> {
  const files = new Map<string, RepoFile>();
  const origin = new URL(hub.endpoint).origin;
  const seen = new Set<string>();
  const limits = hubLimits(hub);
  let url: string | null = new URL(`${hub.endpoint}/api/models/${assertRepoId(repo)}/tree/${assertRevision(commit)}?recursive=true`).href;
  while (url) {
    if (seen.has(url)) throw new InpageError('NETWORK', `The Hub's file list for "${repo}" pages in a loop (${url} comes back).`);
    if (seen.size >= maxTreePages)
      throw new InpageError('NETWORK', `The Hub's file list for "${repo}" has more than ${maxTreePages} pages.`);
    seen.add(url);
    const page: string = url;
    const { body, response } = await withRetries(
      () => getJson(hub, page, { repo, revision: commit }, options),
      retriesOf(options),
      limits,
      options.signal,
    );
    addTreePage(body, files, `"${repo}"`);
    url = nextPage(response.headers.get('link'), page);
    if (url && new URL(url).origin !== origin) {
      throw new InpageError(
        'NETWORK',
        `The Hub's file list for "${repo}" continues on another origin (${new URL(url).origin}), which is never followed.`,
      );
    }
  }
  return { repo, commit, files: [...files.values()] };
}

/** The `rel="next"` target of a `Link` header (RFC 8288), absolute; `null` when there is none. */
function nextPage(link: string | null, base: string): string | null {
  for (const part of link?.split(/,(?=\s*<)/) ?? []) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    const rel = match?.[2]
      ?.split(';')
      .map((param) => /^\s*rel\s*=\s*"?([^"]*)"?\s*$/i.exec(param)?.[1])
      .find((value) => value !== undefined);
    if (!match || !rel?.toLowerCase().split(/\s+/).includes('next')) continue;
    try {
      return new URL(match[1] ?? '', base).href;
    } catch {
      throw new InpageError('NETWORK', `The Hub sent an invalid pagination link: ${match[1] ?? ''}.`);
    }
  }
  return null;
}

interface SharedResolution {
  promise: Promise<RepoSnapshot>;
  controller: AbortController;
  waiting: number;
}

/** Resolutions in flight, per endpoint, token, repo, revision and retries: concurrent loads share one. */
const inFlight = new Map<string, SharedResolution>();

/**
 * Resolves a revision to an exact snapshot: its commit and file list. Concurrent calls for the same
 * endpoint, token, repo and revision share one set of requests; one caller's abort stops only its
 * own wait (the requests stop when every caller has aborted).
 * @throws InpageError `INVALID_INPUT`, `MODEL_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`, `ABORTED`.
 * @example
 * const snapshot = await resolveSnapshot(hub, 'Xenova/opus-mt-en-fr', 'main');
 */
export async function resolveSnapshot(hub: HubConfig, repo: string, revision: string, options: ResolveOptions = {}): Promise<RepoSnapshot> {
  assertRepoId(repo);
  assertRevision(revision);
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const key = JSON.stringify([hub.endpoint, hub.token ?? '', repo, revision, retriesOf(options), Boolean(options.hasFallback)]);
  let shared = inFlight.get(key);
  if (!shared) {
    const controller = new AbortController();
    const run = async (): Promise<RepoSnapshot> => {
      const inner = { ...options, signal: controller.signal };
      const commit = /^[0-9a-f]{40}$/.test(revision) ? revision : await resolveCommit(hub, repo, revision, inner);
      return listFiles(hub, repo, commit, inner);
    };
    const entry: SharedResolution = { promise: run(), controller, waiting: 0 };
    const settled = (): void => void (inFlight.get(key) === entry && inFlight.delete(key));
    entry.promise.then(settled, settled);
    inFlight.set(key, (shared = entry));
  }
  const current = shared;
  current.waiting += 1;
  if (!signal) return current.promise.finally(() => (current.waiting -= 1));
  return new Promise<RepoSnapshot>((resolve, reject) => {
    const onAbort = (): void => {
      current.waiting -= 1;
      if (current.waiting === 0) {
        current.controller.abort();
        if (inFlight.get(key) === current) inFlight.delete(key);
      }
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    current.promise.then(
      (snapshot) => (signal.removeEventListener('abort', onAbort), (current.waiting -= 1), resolve(snapshot)),
      (error: unknown) => (signal.removeEventListener('abort', onAbort), (current.waiting -= 1), reject(error)),
    );
  });
}

/**
 * Whether a failure means "the Hub could not be reached or is failing" (no answer, 5xx, 429, a
 * malformed answer), so stored copies may be used.
 */
export function isUnreachable(error: unknown): boolean {
  return isInpageError(error, 'NETWORK');
}

export { isTransientStatus };
