import { InpageError, abortError, isInpageError } from '../errors.ts';
import type { HubOptions } from '../types.ts';
import { hubError, isTransientStatus } from './hub-errors.ts';

/** The public Hugging Face Hub. */
export const defaultHubEndpoint = 'https://huggingface.co';

/** A file of a repo at one commit, as the Hub's tree API lists it. */
export interface RepoFile {
  path: string;
  size: number;
  /** Git blob sha1 of the content (the tree API's `oid`). */
  oid: string;
  /** sha256 of the content, for LFS (weight) files. */
  sha256?: string;
}

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
}

/**
 * Normalizes {@link HubOptions}: default endpoint, no trailing slash.
 * @throws TypeError when the endpoint is not an http(s) URL.
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
  return options.token ? { endpoint, token: options.token } : { endpoint };
}

/** `org/name` with safe characters, as the Hub requires. */
export const repoIdPattern = /^[\w.-]+\/[\w.-]+$|^[\w.-]+$/;

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

/** URL of a file at a revision: `{endpoint}/{repo}/resolve/{revision}/{path}`. */
export function resolveUrl(hub: HubConfig, repo: string, revision: string, path: string): string {
  return `${hub.endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${encodePath(path)}`;
}

/** Headers for a request to the Hub itself (never to its CDN). */
export function hubHeaders(hub: HubConfig): Headers {
  const headers = new Headers();
  if (hub.token) headers.set('Authorization', `Bearer ${hub.token}`);
  return headers;
}

/** `NETWORK` errors raised because no answer came at all (as opposed to an HTTP error status). */
const connectionFailures = new WeakSet<InpageError>();

/**
 * `fetch` that turns a network failure into `NETWORK` and an abort into `ABORTED`.
 * @internal
 */
export async function fetchOrThrow(url: string, init: RequestInit, what: string): Promise<Response> {
  // A server that accepts the connection but never answers must not hold a load (and its file
  // locks) forever. The limit covers the wait for the headers only; the body has its own stall check.
  const noAnswer = new AbortController();
  const timer = setTimeout(() => noAnswer.abort(), responseTimeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, noAnswer.signal]) : noAnswer.signal;
  try {
    return await fetch(url, { ...init, signal });
  } catch (error) {
    if (init.signal?.aborted) throw abortError(init.signal);
    const failure = new InpageError('NETWORK', `Could not reach ${new URL(url).origin} for ${what}.`, { cause: error });
    connectionFailures.add(failure);
    throw failure;
  } finally {
    clearTimeout(timer);
  }
}

/** How long a request may wait for the response headers before it counts as a network failure. */
export const responseTimeoutMs = 30_000;

/**
 * Whether a failure means the Hub gave no answer at all (offline, DNS, refused connection), so
 * a model that is not stored is `OFFLINE_NOT_CACHED` rather than `NETWORK`.
 * @example
 * if (isConnectionFailure(error) && !stored) throw new InpageError('OFFLINE_NOT_CACHED', '…');
 */
export function isConnectionFailure(error: unknown): boolean {
  return error instanceof InpageError && connectionFailures.has(error);
}

interface TreeEntry {
  type: string;
  path: string;
  size: number;
  oid: string;
  lfs?: { oid: string; size: number };
}

async function getJson(
  hub: HubConfig,
  url: string,
  context: { repo: string; revision: string },
  signal?: AbortSignal,
): Promise<{ body: unknown; response: Response }> {
  const response = await fetchOrThrow(url, { headers: hubHeaders(hub), signal, cache: 'no-store' }, `"${context.repo}"`);
  if (!response.ok) throw hubError(response, { ...context, withToken: Boolean(hub.token) });
  try {
    return { body: await response.json(), response };
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    throw new InpageError('NETWORK', `The Hub sent an unreadable answer for "${context.repo}".`, { cause: error });
  }
}

/**
 * Finds the commit a revision (branch, tag or commit sha) points at, with one small request.
 * @throws InpageError `MODEL_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`, `ABORTED`.
 * @example
 * const commit = await resolveCommit(hub, 'Xenova/all-MiniLM-L6-v2', 'main');
 */
export async function resolveCommit(hub: HubConfig, repo: string, revision: string, signal?: AbortSignal): Promise<string> {
  const url = `${hub.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}`;
  const { body } = await getJson(hub, url, { repo, revision }, signal);
  const sha = (body as { sha?: unknown }).sha;
  if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha)) {
    throw new InpageError('NETWORK', `The Hub gave no commit for "${repo}" at "${revision}".`);
  }
  return sha;
}

/**
 * Lists every file of a repo at one commit with sizes and hashes (the Hub's tree API, following
 * pagination). Listing by commit, not by branch, keeps the list and the downloads consistent.
 * @throws InpageError `MODEL_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`, `ABORTED`.
 * @example
 * const { files } = await listFiles(hub, repo, commit);
 */
export async function listFiles(hub: HubConfig, repo: string, commit: string, signal?: AbortSignal): Promise<RepoSnapshot> {
  const files: RepoFile[] = [];
  let url: string | null = `${hub.endpoint}/api/models/${repo}/tree/${commit}?recursive=true`;
  for (let page = 0; url && page < 100; page++) {
    const { body, response } = await getJson(hub, url, { repo, revision: commit }, signal);
    if (!Array.isArray(body)) throw new InpageError('NETWORK', `The Hub sent an unexpected file list for "${repo}".`);
    for (const entry of body as TreeEntry[]) {
      if (entry.type !== 'file') continue;
      const file: RepoFile = { path: entry.path, size: entry.lfs?.size ?? entry.size, oid: entry.oid };
      if (entry.lfs?.oid) file.sha256 = entry.lfs.oid;
      files.push(file);
    }
    url = nextPage(response.headers.get('link'), hub.endpoint);
  }
  return { repo, commit, files };
}

function nextPage(link: string | null, base: string): string | null {
  const match = link?.match(/<([^>]+)>;\s*rel="next"/);
  return match?.[1] ? new URL(match[1], base).href : null;
}

/**
 * Resolves a revision to an exact snapshot: its commit and file list.
 * @throws InpageError `MODEL_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`, `ABORTED`.
 * @example
 * const snapshot = await resolveSnapshot(hub, 'Xenova/opus-mt-en-fr', 'main');
 */
export async function resolveSnapshot(hub: HubConfig, repo: string, revision: string, signal?: AbortSignal): Promise<RepoSnapshot> {
  const commit = /^[0-9a-f]{40}$/.test(revision) ? revision : await resolveCommit(hub, repo, revision, signal);
  return listFiles(hub, repo, commit, signal);
}

/**
 * Whether a failure means "the Hub could not be reached or is failing" (no answer, 5xx, 429),
 * so stored copies may be used.
 */
export function isUnreachable(error: unknown): boolean {
  return isInpageError(error, 'NETWORK');
}

export { isTransientStatus };
