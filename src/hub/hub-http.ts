import { InpageError, abortError } from '../errors.ts';

/** The deadlines, caps and backoff of every request inpage makes to a Hub (tests shorten them). */
export interface HubLimits {
  /** How long a request may wait for the response headers before it counts as a network failure. */
  responseTimeoutMs: number;
  /** A body (file or JSON) that sends no byte for this long is treated as a dropped connection. */
  stallTimeoutMs: number;
  /** The longest one API answer (headers and JSON body) may take; file bodies have no total deadline. */
  jsonDeadlineMs: number;
  /** The largest API answer (one page of JSON) read. */
  jsonMaxBytes: number;
  /** The largest `config.json` downloaded (it is parsed whole, in memory). */
  configMaxBytes: number;
  /** First backoff before a retry; it doubles per attempt up to {@link HubLimits.backoffMaxMs}. */
  backoffMs: number;
  backoffMaxMs: number;
  /** `Retry-After` is honoured up to this long. */
  retryAfterMaxMs: number;
}

/** The limits used unless a test injects others. */
export const defaultHubLimits: Readonly<HubLimits> = Object.freeze({
  responseTimeoutMs: 30_000,
  stallTimeoutMs: 20_000,
  jsonDeadlineMs: 60_000,
  jsonMaxBytes: 32 * 1024 * 1024,
  configMaxBytes: 16 * 1024 * 1024,
  backoffMs: 250,
  backoffMaxMs: 4000,
  retryAfterMaxMs: 60_000,
});

/** `NETWORK` errors raised because no answer came at all (as opposed to an HTTP error status). */
const connectionFailures = new WeakSet<InpageError>();
/** Failures worth another attempt (no answer, 429/5xx, a stalled or overdue body), with the server's `Retry-After`. */
const transientFailures = new WeakMap<InpageError, { retryAfterMs?: number }>();

/**
 * Marks an error as worth retrying, optionally after the server's `Retry-After`.
 * @internal
 */
export function markTransient<E extends InpageError>(error: E, retryAfterMs?: number): E {
  transientFailures.set(error, retryAfterMs === undefined ? {} : { retryAfterMs });
  return error;
}

/** Whether a failure may succeed when tried again (see {@link markTransient}). */
export function isTransientFailure(error: unknown): boolean {
  return error instanceof InpageError && transientFailures.has(error);
}

/**
 * Whether a failure means the Hub gave no answer at all (offline, DNS, refused connection), so
 * a model that is not stored is `OFFLINE_NOT_CACHED` rather than `NETWORK`.
 * @example
 * if (isConnectionFailure(error) && !stored) throw new InpageError('OFFLINE_NOT_CACHED', '…');
 */
export function isConnectionFailure(error: unknown): boolean {
  return error instanceof InpageError && connectionFailures.has(error);
}

/**
 * `Retry-After` in milliseconds (seconds or an HTTP date), capped at `maxMs`; `undefined` when absent or unreadable.
 * @example
 * retryAfterMs(response.headers.get('retry-after'), 60_000); // '3' → 3000
 */
export function retryAfterMs(header: string | null, maxMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  // Delay-seconds, or an HTTP date (which always names its day or month: "Sun, 06 Nov 1994 08:49:37 GMT").
  const seconds = /^\s*\d+\s*$/.test(header) ? Number(header) * 1000 : /[a-z]{3}/i.test(header) ? Date.parse(header) - Date.now() : NaN;
  if (Number.isNaN(seconds)) return undefined;
  return Math.min(maxMs, Math.max(0, seconds));
}

/** Resolves after `ms`, or rejects with `ABORTED` when the signal aborts first. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(abortError(signal))), { once: true });
  });

/**
 * `fetch` with a deadline for the response headers, that turns a network failure into `NETWORK`
 * (a connection failure, retried) and an abort into `ABORTED`. A fetch that fails because of its
 * redirects (a loop, or a `Location` that is not http(s)) is told apart from "offline": it is a
 * `NETWORK` error that says so, and is not retried. Telling them apart takes a few `HEAD` requests
 * with `redirect: 'manual'`, made only after a failure and only when `diagnose` is set.
 * @internal
 */
export async function fetchOrThrow(
  url: string,
  init: RequestInit,
  what: string,
  limits: HubLimits = defaultHubLimits,
  diagnose = true,
): Promise<Response> {
  // A server that accepts the connection but never answers must not hold a load (and its file
  // locks) forever. The limit covers the wait for the headers only; the body has its own stall check.
  const noAnswer = new AbortController();
  const timer = setTimeout(() => noAnswer.abort(), limits.responseTimeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, noAnswer.signal]) : noAnswer.signal;
  try {
    return await fetch(url, { ...init, signal });
  } catch (error) {
    if (init.signal?.aborted) throw abortError(init.signal);
    const redirects = noAnswer.signal.aborted || !diagnose ? undefined : await redirectFailure(url, init, limits);
    if (init.signal?.aborted) throw abortError(init.signal);
    if (redirects) {
      const failure = new InpageError('NETWORK', `${redirects.message} (${what}).`, { cause: error });
      throw redirects.transient ? markTransient(failure) : failure;
    }
    const failure = new InpageError('NETWORK', `Could not reach ${new URL(url).origin} for ${what}.`, { cause: error });
    connectionFailures.add(failure);
    throw markTransient(failure);
  } finally {
    clearTimeout(timer);
  }
}

/** The most redirects followed, as in the Fetch standard. */
const maxRedirects = 20;

/**
 * After a failed fetch: whether the server did answer, with redirects that cannot be followed.
 * Walks them by hand (`redirect: 'manual'`), sending the original headers to the first origin only.
 * Browsers hide a manual redirect's `Location` (an opaque redirect): then only "it redirects" is
 * known, and the target may just be down or refuse CORS, so that failure stays worth a retry.
 */
async function redirectFailure(
  url: string,
  init: RequestInit,
  limits: HubLimits,
): Promise<{ message: string; transient: boolean } | undefined> {
  const origin = new URL(url).origin;
  const seen = new Set<string>();
  const final = (message: string): { message: string; transient: boolean } => ({ message, transient: false });
  let current = url;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    if (seen.has(current)) return final(`Redirect loop: the redirects from ${url} come back to ${current}`);
    seen.add(current);
    let response: Response;
    try {
      const probe: RequestInit = {
        method: 'HEAD',
        redirect: 'manual',
        cache: 'no-store',
        signal: init.signal
          ? AbortSignal.any([init.signal, AbortSignal.timeout(limits.responseTimeoutMs)])
          : AbortSignal.timeout(limits.responseTimeoutMs),
      };
      if (init.headers && new URL(current).origin === origin) probe.headers = init.headers;
      response = await fetch(current, probe);
    } catch {
      return undefined; // No answer at all: a connection failure after all.
    }
    await response.body?.cancel().catch(() => undefined);
    const from = new URL(current).origin;
    if (response.type === 'opaqueredirect') {
      return {
        message: `${from} redirects to a location that could not be fetched (a loop, a non-http(s) location, or a server that is down or refuses CORS)`,
        transient: true,
      };
    }
    const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
    if (location === null) return undefined;
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      return final(`${from} redirects to an invalid location`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      return final(`${from} redirects to a ${next.protocol} location, which is never followed`);
    current = next.href;
  }
  return final(`More than ${maxRedirects} redirects from ${url}`);
}

/**
 * Reads a JSON body under the limits: no byte for `stallTimeoutMs`, or the whole answer past
 * `deadline` (epoch ms), is a transient `NETWORK` error; more than `jsonMaxBytes` is a `NETWORK` error.
 * @internal
 */
export async function readJson(
  response: Response,
  what: string,
  limits: HubLimits,
  deadline: number,
  signal?: AbortSignal,
): Promise<unknown> {
  if (!response.body) throw new InpageError('NETWORK', `The Hub sent an empty answer for ${what}.`);
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limits.jsonMaxBytes) {
    await response.body.cancel().catch(() => undefined);
    throw new InpageError('NETWORK', `The Hub's answer for ${what} is ${declared} bytes, more than the ${limits.jsonMaxBytes} bytes read.`);
  }
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const untilDeadline = deadline - Date.now();
      const overdue = untilDeadline <= limits.stallTimeoutMs;
      const { done, value } = await readWithin(reader, overdue ? untilDeadline : limits.stallTimeoutMs, () =>
        markTransient(
          new InpageError(
            'NETWORK',
            overdue
              ? `The Hub's answer for ${what} took longer than ${limits.jsonDeadlineMs / 1000} s.`
              : `The Hub's answer for ${what} stalled: no bytes for ${limits.stallTimeoutMs / 1000} s.`,
          ),
        ),
      );
      if (done) break;
      size += value.byteLength;
      if (size > limits.jsonMaxBytes)
        throw new InpageError('NETWORK', `The Hub's answer for ${what} is more than the ${limits.jsonMaxBytes} bytes read.`);
      parts.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    if (signal?.aborted) throw abortError(signal);
    if (error instanceof InpageError) throw error;
    throw markTransient(new InpageError('NETWORK', `The connection dropped while reading the Hub's answer for ${what}.`, { cause: error }));
  }
  try {
    return JSON.parse(new TextDecoder().decode(await new Blob(parts as BlobPart[]).arrayBuffer())) as unknown;
  } catch (error) {
    throw new InpageError('NETWORK', `The Hub sent an unreadable answer for ${what}.`, { cause: error });
  }
}

/**
 * `reader.read()`, failing with `onStall()` when no bytes come for `ms`.
 * @internal
 */
export async function readWithin<T>(
  reader: Pick<ReadableStreamDefaultReader<T>, 'read'>,
  ms: number,
  onStall: () => Error,
): Promise<ReadableStreamReadResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onStall()), Math.max(0, ms));
  });
  try {
    return await Promise.race([reader.read(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `attempt` until it succeeds, retrying transient failures (see {@link markTransient}) up to
 * `retries` times with exponential backoff, or after the server's `Retry-After` (capped).
 * @internal
 */
export async function withRetries<T>(attempt: () => Promise<T>, retries: number, limits: HubLimits, signal?: AbortSignal): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      const transient = error instanceof InpageError ? transientFailures.get(error) : undefined;
      if (!transient || tries >= retries) throw error;
      await sleep(transient.retryAfterMs ?? Math.min(limits.backoffMaxMs, limits.backoffMs * 2 ** tries), signal);
    }
  }
}

/**
 * Runs `work` with a signal that also aborts after `ms` (a total deadline, e.g. for `config.json`);
 * that deadline is a `NETWORK` error, the caller's own abort stays `ABORTED`.
 * @internal
 */
export async function withDeadline<T>(
  what: string,
  ms: number,
  outer: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), ms);
  try {
    return await work(outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal);
  } catch (error) {
    if (deadline.signal.aborted && !outer?.aborted)
      throw new InpageError('NETWORK', `${what} took longer than ${ms / 1000} s to download.`, { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
