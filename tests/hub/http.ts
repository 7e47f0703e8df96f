import type { IncomingMessage, IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { FileEntry } from './repos.ts';

/** Response headers readable by page scripts on both origins. */
export const EXPOSED_HEADERS = [
  'X-Error-Code',
  'X-Error-Message',
  'X-Repo-Commit',
  'ETag',
  'Content-Range',
  'Content-Length',
  'Accept-Ranges',
  'X-Linked-Etag',
  'X-Linked-Size',
  'Location',
  'Content-Disposition',
  'Link',
  'Content-Encoding',
  'Retry-After',
].join(', ');

const ALLOWED_HEADERS = ['Authorization', 'Range', 'Content-Type', 'If-None-Match', 'If-Range', 'Cache-Control', 'Pragma', 'User-Agent'];

/** A fully computed response whose body is a small buffer (JSON, errors, redirects). */
export interface BufferPlan {
  readonly kind: 'buffer';
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/** A response streaming bytes `[start, end]` (inclusive) of a file; faults may cut, corrupt or throttle it. */
export interface FilePlan {
  readonly kind: 'file';
  readonly status: 200 | 206;
  readonly headers: Record<string, string>;
  readonly entry: FileEntry;
  readonly start: number;
  readonly end: number;
}

/** What a route decided to answer, before fault injection. */
export type Plan = BufferPlan | FilePlan;

/** Error codes of the Hub's `X-Error-Code` header used here. */
export type HubErrorCode = 'RepoNotFound' | 'RevisionNotFound' | 'EntryNotFound' | 'GatedRepo';

/** The outcome of parsing a `Range` header against a size. */
export type RangeResult =
  | { readonly kind: 'full' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

/**
 * CORS + CORP headers put on every response of both origins.
 *
 * @example
 * res.writeHead(200, { ...corsHeaders(req), 'Content-Type': 'text/plain' });
 */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return {
    'Access-Control-Allow-Origin': origin ?? '*',
    ...(origin ? { 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' } : {}),
    'Access-Control-Expose-Headers': EXPOSED_HEADERS,
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Timing-Allow-Origin': '*',
    'Cache-Control': 'no-store',
  };
}

/**
 * Answers a CORS preflight with 204.
 *
 * @example
 * if (req.method === 'OPTIONS') sendPreflight(req, res);
 */
export function sendPreflight(req: IncomingMessage, res: ServerResponse): void {
  const requested = (req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const allowed = [...new Set([...ALLOWED_HEADERS, ...requested])];
  res.writeHead(204, {
    ...corsHeaders(req),
    'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': allowed.join(', '),
    'Access-Control-Max-Age': '86400',
    ...(req.headers['access-control-request-private-network'] ? { 'Access-Control-Allow-Private-Network': 'true' } : {}),
    'Content-Length': '0',
  });
  res.end();
}

/**
 * A JSON response plan.
 *
 * @example
 * jsonPlan(200, { ok: true }, { 'X-Repo-Commit': sha });
 */
export function jsonPlan(status: number, value: unknown, headers: Record<string, string> = {}): BufferPlan {
  const body = new Uint8Array(Buffer.from(JSON.stringify(value)));
  return {
    kind: 'buffer',
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length), ...headers },
    body,
  };
}

/**
 * A Hub error: JSON `{ error }` plus `X-Error-Code` / `X-Error-Message`.
 *
 * @example
 * hubError(404, 'EntryNotFound', 'Entry not found');
 */
export function hubError(
  status: number,
  code: HubErrorCode | undefined,
  message: string,
  headers: Record<string, string> = {},
): BufferPlan {
  const header = message.replace(/[^\x20-\x7e]/g, '?');
  return jsonPlan(status, { error: message }, { ...(code ? { 'X-Error-Code': code } : {}), 'X-Error-Message': header, ...headers });
}

/**
 * A plain-text response plan.
 *
 * @example
 * textPlan(302, 'Found.', 'text/plain', { Location: url });
 */
export function textPlan(status: number, text: string, contentType: string, headers: Record<string, string> = {}): BufferPlan {
  const body = new Uint8Array(Buffer.from(text));
  return { kind: 'buffer', status, headers: { 'Content-Type': contentType, 'Content-Length': String(body.length), ...headers }, body };
}

/**
 * The HTML error page a proxy would send (used by the `status` fault).
 *
 * @example
 * htmlErrorPlan(503); // <html>…503 Service Temporarily Unavailable…</html>
 */
export function htmlErrorPlan(status: number): BufferPlan {
  const title = `${status} ${STATUS_TEXT[status] ?? 'Error'}`;
  const html = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return textPlan(status, html, 'text/html');
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/**
 * Parses `bytes=a-b`, `bytes=a-`, `bytes=-n`; other forms (multi-range, malformed) are ignored like most servers do.
 *
 * @example
 * parseRange('bytes=-5', 100); // { kind: 'partial', start: 95, end: 99 }
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return { kind: 'full' };
  const [, a = '', b = ''] = match;
  if (a === '' && b === '') return { kind: 'full' };
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (b !== '' && Number(b) < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: b === '' ? size - 1 : Math.min(Number(b), size - 1) };
}

/**
 * Headers and plan for serving a file with Range support.
 *
 * @param entry - The file.
 * @param rangeHeader - The request's `Range` header.
 * @param headers - Extra headers (ETag, X-Repo-Commit, ...).
 *
 * @example
 * filePlan(entry, req.headers.range, { ETag: `"${sha256}"` });
 */
export function filePlan(entry: FileEntry, rangeHeader: string | undefined, headers: Record<string, string>): Plan {
  const range = parseRange(rangeHeader, entry.size);
  const name = entry.path.split('/').pop() ?? entry.path;
  const base = {
    'Content-Type': contentType(entry.path),
    'Accept-Ranges': 'bytes',
    'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(name)}; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}";`,
    ...headers,
  };
  if (range.kind === 'unsatisfiable') {
    return textPlan(416, '', 'text/plain', { ...headers, 'Accept-Ranges': 'bytes', 'Content-Range': `bytes */${entry.size}` });
  }
  if (range.kind === 'full') {
    return { kind: 'file', status: 200, headers: { ...base, 'Content-Length': String(entry.size) }, entry, start: 0, end: entry.size - 1 };
  }
  return {
    kind: 'file',
    status: 206,
    entry,
    start: range.start,
    end: range.end,
    headers: {
      ...base,
      'Content-Length': String(range.end - range.start + 1),
      'Content-Range': `bytes ${range.start}-${range.end}/${entry.size}`,
    },
  };
}

/**
 * `application/json` for `.json`, `application/octet-stream` otherwise.
 *
 * @example
 * contentType('config.json'); // 'application/json; charset=utf-8'
 */
export function contentType(file: string): string {
  return file.toLowerCase().endsWith('.json') ? 'application/json; charset=utf-8' : 'application/octet-stream';
}

/**
 * Request headers as a flat lower-cased record (arrays joined with `, `).
 *
 * @example
 * flattenHeaders(req.headers).authorization;
 */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * Resolves after `ms`, or early when the signal aborts.
 *
 * @example
 * await sleep(100, signal);
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Reads a request body as a Buffer (at most `limit` bytes).
 *
 * @example
 * const json = JSON.parse((await readBody(req)).toString('utf8'));
 */
export async function readBody(req: IncomingMessage, limit = 256 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new Error('Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
