import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultControls, FaultHandle, FaultRule, HubOrigin } from './faults.ts';
import { corsHeaders, readBody, sendPreflight } from './http.ts';
import type { HubKnobs } from './hub.ts';
import type { RequestRecord } from './server.ts';

/** Prefix of the HTTP control API on the Hub origin (exempt from faults, offline mode and the request log). */
export const CONTROL_PREFIX = '/__inpage/';

/** What the control API drives. */
export interface ControlTarget {
  readonly url: string;
  readonly cdnUrl: string;
  readonly faults: FaultControls;
  readonly requests: readonly RequestRecord[];
  readonly offline: boolean;
  readonly knobs: HubKnobs;
  clearRequests(): void;
  requestsFor(file: string | RegExp, origin?: HubOrigin): RequestRecord[];
  setOffline(offline: boolean): void;
  commit(repo: string, files: Record<string, Uint8Array | string | null>, revision?: string): Promise<string>;
  reset(): void;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Handles `/__inpage/*`:
 * `GET /__inpage/` (status), `POST|GET|DELETE /__inpage/faults`, `DELETE /__inpage/faults/{id}`,
 * `GET|DELETE /__inpage/requests` (`?file=&origin=` filters), `POST /__inpage/offline` `{ offline }`,
 * `POST /__inpage/commit` `{ repo, revision?, files: { path: base64 | null } }` → `{ sha }`, `POST /__inpage/reset`,
 * `GET|POST /__inpage/knobs` (`{ treePageSize?, treeLink?, gzip?: string | { regex }, lfsOnHub? }`, `null` unsets one).
 *
 * @param target - The server.
 * @param req - The request.
 * @param res - The response.
 * @param url - The parsed request URL.
 *
 * @example
 * if (url.pathname.startsWith(CONTROL_PREFIX)) return handleControl(server, req, res, url);
 */
export async function handleControl(target: ControlTarget, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method === 'OPTIONS') {
    sendPreflight(req, res);
    return;
  }
  try {
    const [status, body] = await route(target, req, url);
    send(req, res, status, body);
  } catch (error) {
    const status = error instanceof ControlError ? error.status : 400;
    send(req, res, status, { error: error instanceof Error ? error.message : String(error) });
  }
}

async function route(target: ControlTarget, req: IncomingMessage, url: URL): Promise<[number, unknown]> {
  const action = `${req.method ?? 'GET'} ${url.pathname.slice(CONTROL_PREFIX.length).replace(/\/+$/, '')}`;
  const faultId = /^DELETE faults\/(\d+)$/.exec(action)?.[1];
  if (faultId !== undefined) {
    const handle = target.faults.list().find((h) => h.id === Number(faultId));
    if (!handle) throw new ControlError(404, `No fault ${faultId}`);
    handle.remove();
    return [200, { ok: true }];
  }
  switch (action) {
    case 'GET ':
    case 'GET status':
      return [200, { url: target.url, cdnUrl: target.cdnUrl, offline: target.offline, faults: target.faults.list().map(describe) }];
    case 'POST faults':
      return [201, describe(target.faults.add(parseRule(await readJson(req))))];
    case 'GET faults':
      return [200, target.faults.list().map(describe)];
    case 'DELETE faults':
      target.faults.clear();
      return [200, { ok: true }];
    case 'GET requests': {
      const file = url.searchParams.get('file');
      const origin = url.searchParams.get('origin');
      const originFilter = origin === 'hub' || origin === 'cdn' ? origin : undefined;
      const list =
        file !== null ? target.requestsFor(file, originFilter) : target.requests.filter((r) => !originFilter || r.origin === originFilter);
      return [200, list];
    }
    case 'DELETE requests':
      target.clearRequests();
      return [200, { ok: true }];
    case 'POST offline': {
      const body = asObject(await readJson(req));
      if (typeof body.offline !== 'boolean') throw new ControlError(400, 'offline must be a boolean');
      target.setOffline(body.offline);
      return [200, { offline: body.offline }];
    }
    case 'POST commit':
      return [200, { sha: await commitFromJson(target, await readJson(req)) }];
    case 'GET knobs':
      return [200, describeKnobs(target.knobs)];
    case 'POST knobs':
      setKnobs(target.knobs, asObject(await readJson(req)));
      return [200, describeKnobs(target.knobs)];
    case 'POST reset':
      target.reset();
      return [200, { ok: true }];
    default:
      throw new ControlError(404, `Unknown control route: ${action}`);
  }
}

function send(req: IncomingMessage, res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { ...corsHeaders(req), 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function describe(handle: FaultHandle): Record<string, unknown> {
  const { file, ...rest } = handle.rule;
  return {
    id: handle.id,
    remaining: Number.isFinite(handle.remaining) ? handle.remaining : null,
    fired: handle.fired,
    rule: { ...rest, ...(file === undefined ? {} : { file: typeof file === 'string' ? file : { regex: file.source, flags: file.flags } }) },
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  try {
    return text === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    throw new ControlError(400, 'Body is not valid JSON');
  }
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ControlError(400, 'Body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Converts a JSON rule (`file` as string or `{ regex, flags? }`, `times: null` = unbounded) to a FaultRule. */
function parseRule(value: unknown): FaultRule {
  const { file, times, ...rest } = asObject(value);
  const rule = { ...rest } as FaultRule;
  if (times !== undefined && times !== null) rule.times = times as number;
  if (typeof file === 'string') rule.file = file;
  else if (file !== undefined && file !== null) {
    const { regex, flags } = asObject(file);
    if (typeof regex !== 'string') throw new ControlError(400, 'file must be a string or { "regex": "..." }');
    rule.file = new RegExp(regex, typeof flags === 'string' ? flags.replace(/[gy]/g, '') : undefined);
  }
  return rule;
}

async function commitFromJson(target: ControlTarget, value: unknown): Promise<string> {
  const { repo, revision, files } = asObject(value);
  if (typeof repo !== 'string') throw new ControlError(400, 'repo must be a string');
  if (revision !== undefined && typeof revision !== 'string') throw new ControlError(400, 'revision must be a string');
  const decoded: Record<string, Uint8Array | null> = {};
  for (const [file, content] of Object.entries(asObject(files))) {
    if (content !== null && typeof content !== 'string') throw new ControlError(400, `files["${file}"] must be base64 or null`);
    decoded[file] = content === null ? null : new Uint8Array(Buffer.from(content, 'base64'));
  }
  try {
    return await target.commit(repo, decoded, revision);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ControlError(/not found/i.test(message) ? 404 : 400, message);
  }
}

function describeKnobs(knobs: HubKnobs): Record<string, unknown> {
  const { gzip, ...rest } = knobs;
  return { ...rest, ...(gzip === undefined ? {} : { gzip: typeof gzip === 'string' ? gzip : { regex: gzip.source, flags: gzip.flags } }) };
}

/** Applies JSON knobs (`null` unsets one); unknown names and wrong types are refused. */
function setKnobs(knobs: HubKnobs, body: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(body)) {
    if (value === null) {
      if (!['treePageSize', 'treeLink', 'gzip', 'lfsOnHub'].includes(name)) throw new ControlError(400, `Unknown knob ${name}`);
      delete knobs[name as keyof HubKnobs];
      continue;
    }
    switch (name) {
      case 'treePageSize':
        if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1))
          throw new ControlError(400, 'treePageSize must be an integer >= 1');
        knobs.treePageSize = value;
        break;
      case 'treeLink':
        if (value !== 'same-origin' && value !== 'other-origin' && value !== 'loop')
          throw new ControlError(400, 'treeLink must be same-origin, other-origin or loop');
        knobs.treeLink = value;
        break;
      case 'gzip': {
        if (typeof value === 'string') knobs.gzip = value;
        else {
          const { regex, flags } = asObject(value);
          if (typeof regex !== 'string') throw new ControlError(400, 'gzip must be a string or { "regex": "..." }');
          knobs.gzip = new RegExp(regex, typeof flags === 'string' ? flags.replace(/[gy]/g, '') : undefined);
        }
        break;
      }
      case 'lfsOnHub':
        if (typeof value !== 'boolean') throw new ControlError(400, 'lfsOnHub must be a boolean');
        knobs.lfsOnHub = value;
        break;
      default:
        throw new ControlError(400, `Unknown knob ${name}`);
    }
  }
}
