import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { CdnSigner } from './cdn.ts';
import { CONTROL_PREFIX, handleControl } from './control.ts';
import type { ControlTarget } from './control.ts';
import { FaultRegistry, matchesFile } from './faults.ts';
import type { FaultControls, HubOrigin } from './faults.ts';
import { flattenHeaders, hubError, sendPreflight } from './http.ts';
import type { Plan } from './http.ts';
import { planHub } from './hub.ts';
import type { HubKnobs } from './hub.ts';
import { RepoStore } from './repos.ts';
import { sendPlan } from './respond.ts';

export type { FaultControls, FaultHandle, FaultRule, HubOrigin } from './faults.ts';
export type { TreeEntry } from './api.ts';
export type { HubKnobs } from './hub.ts';

/**
 * Options of {@link startHubServer}.
 *
 * @example
 * const options: HubServerOptions = { root: '/tmp/models', aliases: { 'Xenova/x': 'org/x' }, gated: { 'org/x': 'hf_token' } };
 */
export interface HubServerOptions {
  /** Folder of Hub-layout repos `{org}/{name}/…` (with optional `.revisions/{rev}/` trees). */
  root: string;
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string;
  /** Hub origin port (default random). */
  port?: number;
  /** CDN origin port (default random). */
  cdnPort?: number;
  /** Public repo id → folder repo id; an alias is a full repo with its own id (own overlays, own gating). */
  aliases?: Record<string, string>;
  /** Repo id (as requested: alias or folder id) → the Bearer token that unlocks it. */
  gated?: Record<string, string>;
  /** Lifetime of the signed CDN URLs (default 10 minutes). */
  cdnUrlTtlMs?: number;
  runtimeDir?: never;
}

/**
 * One request received by either origin (control API requests are not logged).
 *
 * @example
 * const cuts = server.requests.filter((r) => r.origin === 'cdn' && r.bytesSent < 1000);
 */
export interface RequestRecord {
  origin: HubOrigin;
  method: string;
  /** Path and query as received. */
  url: string;
  repo?: string;
  /** The revision as requested (decoded); for CDN requests, the revision of the resolve that issued the URL. */
  revision?: string;
  /** Path of the file inside the repo (resolve and CDN requests). */
  file?: string;
  /** Response status; 0 while pending or when the connection was destroyed (offline). */
  status: number;
  /** Lower-cased request headers (including authorization and range). */
  headers: Record<string, string>;
  range?: string;
  /** Body bytes actually written (counted even when the connection is cut). */
  bytesSent: number;
  /** Arrival time, epoch ms. */
  time: number;
}

/**
 * A running fake Hugging Face Hub (Hub origin + CDN origin).
 *
 * @example
 * const server = await startHubServer({ root });
 * await fetch(`${server.url}/org/name/resolve/main/config.json`);
 * await server.close();
 */
export interface HubServer {
  /** Hub origin, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** CDN origin serving LFS bytes through signed URLs. */
  readonly cdnUrl: string;
  /** Live log of requests (mutated in place). */
  readonly requests: RequestRecord[];
  /** Fault injection rules. */
  readonly faults: FaultControls;
  /** Mirror and CDN behaviours (pagination, gzip, weights on the Hub origin); mutate in place, cleared by `reset()`. */
  readonly knobs: HubKnobs;
  /**
   * The request headers each origin received, in order (preflights excluded): the log to check where a token went.
   *
   * @example
   * expect(server.headersByOrigin().cdn.filter((h) => h.authorization)).toEqual([]);
   */
  headersByOrigin(): Record<HubOrigin, Record<string, string>[]>;
  /** Whether both origins currently refuse connections. */
  readonly offline: boolean;
  /**
   * Creates a commit on a revision as an in-memory overlay; old commits stay resolvable by sha.
   *
   * @param repo - Public repo id (alias or folder id).
   * @param files - Path → content (string is UTF-8); `null` deletes the file.
   * @param revision - Existing branch (default `main`).
   * @returns The new commit sha.
   * @example
   * const sha = await server.commit('org/name', { 'config.json': '{"v":2}' });
   */
  commit(repo: string, files: Record<string, Uint8Array | string | null>, revision?: string): Promise<string>;
  /**
   * When offline, both origins destroy every non-control connection immediately (fetch rejects with TypeError).
   *
   * @param offline - The new state.
   * @example
   * server.setOffline(true);
   */
  setOffline(offline: boolean): void;
  /** Clears faults, requests, offline mode and commit overlays. */
  reset(): void;
  /** Empties {@link HubServer.requests}. */
  clearRequests(): void;
  /**
   * Logged requests of one file (exact path, `/`-suffix or RegExp), preflights excluded.
   *
   * @param file - The file filter.
   * @param origin - Only this origin.
   * @example
   * server.requestsFor('onnx/model.onnx', 'cdn');
   */
  requestsFor(file: string | RegExp, origin?: HubOrigin): RequestRecord[];
  /** Closes both origins and destroys every open socket. */
  close(): Promise<void>;
}

/**
 * Starts the fake Hub on two random (or given) ports of 127.0.0.1.
 *
 * @param options - Root folder, ports, aliases, gated repos, CDN URL lifetime.
 * @returns The running server.
 * @example
 * const hub = await startHubServer({ root: 'tests/fixtures/models', aliases: { 'Xenova/all-MiniLM-L6-v2': 'inpage-fixtures/embedder' } });
 * console.log(hub.url, hub.cdnUrl);
 * await hub.close();
 */
export async function startHubServer(options: HubServerOptions): Promise<HubServer> {
  const host = options.host ?? '127.0.0.1';
  const store = new RepoStore(path.resolve(options.root), { ...options.aliases });
  const faults = new FaultRegistry();
  const signer = new CdnSigner(options.cdnUrlTtlMs ?? 10 * 60 * 1000);
  const gated = { ...options.gated };
  const requests: RequestRecord[] = [];
  const sockets = new Set<Socket>();
  const lifetime = new AbortController();
  const knobs: HubKnobs = {};
  let offline = false;
  let cdnUrl = '';
  let hubUrl = '';

  const handle = async (origin: HubOrigin, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (origin === 'hub' && url.pathname.startsWith(CONTROL_PREFIX)) return handleControl(server, req, res, url);
    const headers = flattenHeaders(req.headers);
    const record: RequestRecord = {
      origin,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      status: 0,
      headers,
      bytesSent: 0,
      time: Date.now(),
    };
    if (headers.range !== undefined) record.range = headers.range;
    requests.push(record);
    if (offline) {
      req.socket.destroy();
      return;
    }
    if (req.method === 'OPTIONS') {
      sendPreflight(req, res);
      record.status = 204;
      return;
    }
    const closed = new AbortController();
    res.on('close', () => {
      closed.abort();
    });
    const signal = AbortSignal.any([lifetime.signal, closed.signal]);
    let plan: Plan;
    try {
      plan =
        origin === 'hub' ? await planHub({ store, signer, gated, cdnUrl, hubUrl, knobs }, req, url, record) : signer.plan(req, url, record);
      if (knobs.gzip !== undefined && matchesFile(knobs.gzip, record.file) && req.method === 'GET') plan = gzipped(plan);
    } catch (error) {
      plan = hubError(500, undefined, `Internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
    const streamsBody = plan.kind === 'file' && req.method === 'GET' && plan.end >= plan.start;
    const effects = faults.take({ origin, repo: record.repo, file: record.file }, streamsBody);
    try {
      await sendPlan(req, res, plan, effects, record, signal);
    } catch {
      res.destroy();
    }
  };

  const listen = async (origin: HubOrigin, port: number): Promise<Server> => {
    const http = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
      handle(origin, req, res).catch(() => res.destroy());
    });
    http.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    http.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    return http;
  };

  const hubHttp = await listen('hub', options.port ?? 0);
  const cdnHttp = await listen('cdn', options.cdnPort ?? 0).catch(async (error: unknown) => {
    await new Promise((resolve) => hubHttp.close(resolve));
    throw error;
  });
  const origin = (http: Server): string => {
    const address = http.address() as AddressInfo;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  };
  cdnUrl = origin(cdnHttp);
  hubUrl = origin(hubHttp);

  const server: HubServer & ControlTarget = {
    url: hubUrl,
    cdnUrl,
    requests,
    faults,
    knobs,
    headersByOrigin() {
      const log: Record<HubOrigin, Record<string, string>[]> = { hub: [], cdn: [] };
      for (const request of requests) if (request.method !== 'OPTIONS') log[request.origin].push(request.headers);
      return log;
    },
    get offline() {
      return offline;
    },
    async commit(repo, files, revision = 'main') {
      const ref = await store.findRepo(repo);
      if (!ref) throw new Error(`Repository not found: ${repo}`);
      return store.commit(ref, files, revision);
    },
    setOffline(value) {
      offline = value;
    },
    reset() {
      faults.clear();
      for (const key of Object.keys(knobs)) delete knobs[key as keyof HubKnobs];
      requests.length = 0;
      offline = false;
      store.reset();
    },
    clearRequests() {
      requests.length = 0;
    },
    requestsFor(file, from) {
      return requests.filter((r) => r.method !== 'OPTIONS' && (!from || r.origin === from) && matchesFile(file, r.file));
    },
    async close() {
      lifetime.abort();
      const closing = [hubHttp, cdnHttp].map(
        (http) =>
          new Promise<void>((resolve) => {
            http.close(() => {
              resolve();
            });
          }),
      );
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await Promise.all(closing);
    },
  };
  return server;
}

/**
 * A file answer re-encoded as a mirror or CDN with compression on sends it: the whole file gzipped
 * (`Range` ignored), `Content-Encoding: gzip`, and the compressed length as `Content-Length`.
 */
function gzipped(plan: Plan): Plan {
  if (plan.kind !== 'file') return plan;
  const { entry } = plan;
  const raw = entry.source.kind === 'mem' ? entry.source.data : readFileSync(entry.source.abs);
  const data = new Uint8Array(gzipSync(raw));
  const { 'Content-Range': _range, ...headers } = plan.headers;
  return {
    kind: 'file',
    status: 200,
    entry: { path: entry.path, size: data.length, source: { kind: 'mem', data } },
    start: 0,
    end: data.length - 1,
    headers: { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': String(data.length) },
  };
}
