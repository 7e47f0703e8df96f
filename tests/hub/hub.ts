import type { IncomingMessage } from 'node:http';
import type { CdnSigner } from './cdn.ts';
import { filePlan, hubError, jsonPlan, textPlan } from './http.ts';
import type { Plan } from './http.ts';
import { infoJson, refsJson, treeJson } from './api.ts';
import type { TreeEntry } from './api.ts';
import type { RepoRef, RepoStore, Snapshot } from './repos.ts';
import { isLfs } from './repos.ts';

/**
 * Behaviours of the fake Hub that real Hubs, mirrors and CDNs show, switched at run time.
 *
 * @example
 * server.knobs.treePageSize = 2; server.knobs.treeLink = 'other-origin';
 */
export interface HubKnobs {
  /** Tree API entries per page; further pages are linked with `Link: <…>; rel="next"` (default: one page). */
  treePageSize?: number;
  /** Where `next` links point: this origin (default), the CDN origin, or (`loop`) this origin, with the last page linking back to the first. */
  treeLink?: 'same-origin' | 'other-origin' | 'loop';
  /** Files (exact path, `/`-suffix or RegExp) sent with `Content-Encoding: gzip` and the compressed `Content-Length`, ignoring `Range`. */
  gzip?: string | RegExp;
  /** Serve LFS files from the Hub origin itself (a mirror without a CDN), with `Range` support. */
  lfsOnHub?: boolean;
}

/** What the Hub routes need. */
export interface HubContext {
  readonly store: RepoStore;
  readonly signer: CdnSigner;
  readonly gated: Readonly<Record<string, string>>;
  readonly cdnUrl: string;
  /** This origin (for pagination links). */
  readonly hubUrl: string;
  readonly knobs: HubKnobs;
}

/** The request-log fields the Hub fills in while routing. */
export interface HubLogFields {
  repo?: string;
  revision?: string;
  file?: string;
}

type Route =
  | { kind: 'resolve'; repo: string; revision: string; file: string }
  | { kind: 'info'; repo: string; revision: string }
  | { kind: 'tree'; repo: string; revision: string; subpath: string }
  | { kind: 'refs'; repo: string };

/**
 * Plans the Hub's answer to a request: `/{repo}/resolve/{rev}/{path}`, `/api/models/{repo}[/revision/{rev}]`,
 * `/api/models/{repo}/tree/{rev}[/{path}]`, `/api/models/{repo}/refs`.
 *
 * @param ctx - Store, signer and gating.
 * @param req - The request.
 * @param url - Its parsed URL.
 * @param log - Filled with repo, revision and file as soon as they are parsed.
 *
 * @example
 * const plan = await planHub(ctx, req, new URL(req.url ?? '/', 'http://x'), record);
 */
export async function planHub(ctx: HubContext, req: IncomingMessage, url: URL, log: HubLogFields): Promise<Plan> {
  const route = parseRoute(url.pathname);
  if (!route) return hubError(404, undefined, 'Not Found');
  log.repo = route.repo;
  if (route.kind !== 'refs') log.revision = route.revision;
  if (route.kind === 'resolve') log.file = route.file;
  if (req.method !== 'GET' && req.method !== 'HEAD') return hubError(405, undefined, 'Method Not Allowed');

  const authorization = req.headers.authorization;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  const repo = await ctx.store.findRepo(route.repo);
  if (!repo) {
    return authorization === undefined
      ? hubError(401, 'RepoNotFound', 'Invalid username or password.')
      : hubError(404, 'RepoNotFound', 'Repository not found');
  }
  const requiredToken = Object.hasOwn(ctx.gated, repo.id) ? ctx.gated[repo.id] : undefined;
  const gated = requiredToken !== undefined;
  if (gated && route.kind !== 'info' && token !== requiredToken) {
    return hubError(
      401,
      'GatedRepo',
      `Access to model ${repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
    );
  }
  if (route.kind === 'refs') return jsonPlan(200, await refsJson(ctx.store, repo));

  const snapshot = await ctx.store.resolveRevision(repo, route.revision);
  if (!snapshot) return hubError(404, 'RevisionNotFound', `Invalid rev id: ${route.revision}`);
  const commit = { 'X-Repo-Commit': snapshot.sha };
  if (route.kind === 'info')
    return jsonPlan(200, await infoJson(ctx.store, repo, snapshot, gated, url.searchParams.get('blobs') === 'true'), commit);
  if (route.kind === 'tree') {
    const entries = await treeJson(ctx.store, snapshot, route.subpath, url.searchParams.get('recursive') === 'true');
    if (!entries) return hubError(404, 'EntryNotFound', `Entry not found: ${route.subpath}`, commit);
    return treePage(ctx, url, entries, commit);
  }
  return resolveFile(ctx, req, repo, snapshot, route.revision, route.file);
}

async function resolveFile(
  ctx: HubContext,
  req: IncomingMessage,
  repo: RepoRef,
  snapshot: Snapshot,
  revision: string,
  file: string,
): Promise<Plan> {
  const entry = snapshot.files.get(file);
  const commit = { 'X-Repo-Commit': snapshot.sha };
  if (!entry) return hubError(404, 'EntryNotFound', 'Entry not found', commit);
  const { sha256, gitOid } = await ctx.store.hashes(entry);
  if (!isLfs(entry)) return filePlan(entry, req.headers.range, { ...commit, ETag: `"${gitOid}"` });
  if (ctx.knobs.lfsOnHub) return filePlan(entry, req.headers.range, { ...commit, ETag: `"${sha256}"` });
  const location = ctx.signer.sign(ctx.cdnUrl, { repo: repo.id, revision, file, entry, sha256 });
  return textPlan(302, `Found. Redirecting to ${location}`, 'text/plain; charset=utf-8', {
    ...commit,
    Location: location,
    ETag: `"${sha256}"`,
    'X-Linked-Etag': `"${sha256}"`,
    'X-Linked-Size': String(entry.size),
  });
}

/** One page of a tree listing (all of it unless `treePageSize` is set), linking the next page as the Hub does. */
function treePage(ctx: HubContext, url: URL, entries: readonly TreeEntry[], headers: Record<string, string>): Plan {
  const size = ctx.knobs.treePageSize;
  if (size === undefined) return jsonPlan(200, entries, headers);
  const cursor = Number(url.searchParams.get('cursor') ?? '0');
  const page = entries.slice(cursor, cursor + size);
  const pageUrl = (origin: string, at: number | undefined): string => {
    const next = new URL(url.pathname + url.search, origin);
    if (at === undefined) next.searchParams.delete('cursor');
    else next.searchParams.set('cursor', String(at));
    return next.href;
  };
  const last = cursor + size >= entries.length;
  const mode = ctx.knobs.treeLink ?? 'same-origin';
  let next: string | undefined;
  if (!last) next = pageUrl(mode === 'other-origin' ? ctx.cdnUrl : ctx.hubUrl, cursor + size);
  else if (mode === 'loop') next = pageUrl(ctx.hubUrl, undefined);
  return jsonPlan(200, page, next ? { ...headers, Link: `<${next}>; rel="next"` } : headers);
}

function parseRoute(pathname: string): Route | undefined {
  let segments: string[];
  try {
    segments = pathname
      .split('/')
      .slice(1)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  if (segments[0] === 'api' && segments[1] === 'models' && segments.length >= 4) {
    const repo = `${segments[2]}/${segments[3]}`;
    const rest = segments.slice(4).filter((s, i, all) => s !== '' || i < all.length - 1);
    const [head] = rest;
    if (head === undefined) return { kind: 'info', repo, revision: 'main' };
    if (head === 'refs' && rest.length === 1) return { kind: 'refs', repo };
    const revision = takeRevision(rest, 1);
    if (!revision) return undefined;
    if (head === 'revision' && revision.next === rest.length) return { kind: 'info', repo, revision: revision.name };
    if (head === 'tree') return { kind: 'tree', repo, revision: revision.name, subpath: rest.slice(revision.next).join('/') };
    return undefined;
  }
  if (segments.length >= 5 && segments[2] === 'resolve') {
    const revision = takeRevision(segments, 3);
    const file = revision && segments.slice(revision.next).join('/');
    if (!revision || !file) return undefined;
    return { kind: 'resolve', repo: `${segments[0]}/${segments[1]}`, revision: revision.name, file };
  }
  return undefined;
}

/** Reads a revision at `at`: one (decoded) segment, or unencoded `refs/pr/N` / `refs/convert/X`. */
function takeRevision(segments: readonly string[], at: number): { name: string; next: number } | undefined {
  const first = segments[at];
  if (!first) return undefined;
  const kind = segments[at + 1];
  const third = segments[at + 2];
  if (first === 'refs' && (kind === 'pr' || kind === 'convert') && third) return { name: `refs/${kind}/${third}`, next: at + 3 };
  return { name: first, next: at + 1 };
}
