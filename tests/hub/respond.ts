import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultEffects } from './faults.ts';
import { corsHeaders, htmlErrorPlan, sleep, textPlan } from './http.ts';
import type { FilePlan, Plan } from './http.ts';
import { readRange } from './repos.ts';

/** The mutable part of a request log record that sending updates. */
export interface SendProgress {
  status: number;
  bytesSent: number;
}

/**
 * Sends a plan, applying fault effects (latency, status page, cut, early end, corruption, throttle).
 *
 * @param req - The request (for CORS and HEAD).
 * @param res - The response.
 * @param plan - What the route decided.
 * @param effects - Fault effects that fired for this request.
 * @param progress - Log record updated with the status and body bytes written.
 * @param signal - Aborted when the client goes away or the server closes.
 *
 * @example
 * await sendPlan(req, res, plan, faults.take(target, true), record, signal);
 */
export async function sendPlan(
  req: IncomingMessage,
  res: ServerResponse,
  plan: Plan,
  effects: FaultEffects,
  progress: SendProgress,
  signal: AbortSignal,
): Promise<void> {
  if (effects.latencyMs > 0) await sleep(effects.latencyMs, signal);
  if (signal.aborted) return;
  const actual = faultPlan(req, plan, effects);
  // A body ended early closes its connection normally afterwards (the client must not wait for the rest).
  const closing = actual.kind === 'file' && effects.endAfterBytes !== undefined ? { Connection: 'close' } : {};
  res.writeHead(actual.status, { ...corsHeaders(req), ...actual.headers, ...closing });
  progress.status = actual.status;
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (actual.kind === 'buffer') {
    const stall = effects.stallAfterBytes;
    if (stall !== undefined && stall < actual.body.length) {
      // Headers and a few bytes, then silence: a body that never ends (the client's stall deadline must fire).
      res.write(actual.body.subarray(0, stall));
      progress.bytesSent = stall;
      await new Promise<void>((resolve) =>
        signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      return;
    }
    res.end(actual.body);
    progress.bytesSent = actual.body.length;
    return;
  }
  await streamFile(res, actual, effects, progress, signal);
}

/** The plan after the answer-replacing faults: a redirect (to itself for `'loop'`), then an error page. */
function faultPlan(req: IncomingMessage, plan: Plan, effects: FaultEffects): Plan {
  if (effects.redirect !== undefined) {
    const location = effects.redirect === 'loop' ? `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}` : effects.redirect;
    return textPlan(302, `Found. Redirecting to ${location}`, 'text/plain; charset=utf-8', { Location: location });
  }
  if (effects.status === undefined) return plan;
  const page = htmlErrorPlan(effects.status);
  return effects.retryAfter === undefined ? page : { ...page, headers: { ...page.headers, 'Retry-After': effects.retryAfter } };
}

async function streamFile(
  res: ServerResponse,
  plan: FilePlan,
  effects: FaultEffects,
  progress: SendProgress,
  signal: AbortSignal,
): Promise<void> {
  const length = plan.end - plan.start + 1;
  const cut = effects.cutAfterBytes !== undefined && effects.cutAfterBytes < length ? effects.cutAfterBytes : undefined;
  const stall = effects.stallAfterBytes !== undefined && effects.stallAfterBytes < length ? effects.stallAfterBytes : undefined;
  const early = effects.endAfterBytes !== undefined && effects.endAfterBytes < length ? effects.endAfterBytes : undefined;
  const limit = Math.min(cut ?? Infinity, stall ?? Infinity, early ?? Infinity);
  const rate = effects.bytesPerSecond;
  const pieceSize = rate === undefined ? Infinity : Math.max(1, Math.floor(rate / 20));
  let began = performance.now();
  let held = false;
  if (cut === 0) {
    res.flushHeaders();
    await new Promise((resolve) => setTimeout(resolve, 5));
    res.destroy();
    return;
  }
  const aborted = (): boolean => signal.aborted; // a call: the flag changes across awaits
  let offset = plan.start;
  for await (const raw of readRange(plan.entry, plan.start, plan.end)) {
    if (aborted()) return;
    let chunk = corrupt(raw, offset, effects.corruptAt);
    offset += raw.length;
    let last = false;
    if (progress.bytesSent + chunk.length >= limit) {
      chunk = chunk.subarray(0, limit - progress.bytesSent);
      last = true;
    }
    for (let at = 0; at < chunk.length;) {
      let end = Math.min(chunk.length, at + pieceSize);
      const hold = effects.hold;
      if (hold && !held && progress.bytesSent >= hold.afterBytes) {
        held = true;
        const pausedAt = performance.now();
        await Promise.race([hold.released, new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))]);
        if (aborted()) return;
        began += performance.now() - pausedAt; // the throttle resumes its pace, no burst to catch up
      }
      if (hold && !held) end = Math.min(end, at + hold.afterBytes - progress.bytesSent);
      const piece = chunk.subarray(at, end);
      at = end;
      // Throttled: each piece leaves when the rate allows its last byte, so the body takes size / rate.
      if (rate !== undefined) await sleep(began + ((progress.bytesSent + piece.length) / rate) * 1000 - performance.now(), signal);
      if (aborted()) return;
      await write(res, piece, signal);
      if (aborted()) return;
      progress.bytesSent += piece.length;
    }
    if (last && stall !== undefined && stall <= (cut ?? Infinity)) {
      res.flushHeaders();
      await new Promise<void>((resolve) =>
        signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      return;
    }
    if (last && early !== undefined && early <= Math.min(cut ?? Infinity, stall ?? Infinity)) {
      res.end(); // with `Connection: close`: a normal close (FIN), short of Content-Length
      return;
    }
    if (last) {
      res.destroy();
      return;
    }
  }
  res.end();
}

/** Copies the chunk and flips (XOR 0xff) the bytes at the absolute offsets that fall inside it. */
function corrupt(chunk: Uint8Array, offset: number, at: readonly number[]): Uint8Array {
  const hits = at.filter((p) => p >= offset && p < offset + chunk.length);
  if (hits.length === 0) return chunk;
  const copy = new Uint8Array(chunk);
  for (const p of new Set(hits)) copy[p - offset] = (copy[p - offset] ?? 0) ^ 0xff;
  return copy;
}

/** Writes a chunk and waits until it is flushed to the socket (or the response is aborted). */
function write(res: ServerResponse, chunk: Uint8Array, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || res.destroyed) {
      resolve();
      return;
    }
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    res.write(chunk, done);
  });
}
