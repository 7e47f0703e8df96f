import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultEffects } from './faults.ts';
import { corsHeaders, htmlErrorPlan, sleep } from './http.ts';
import type { FilePlan, Plan } from './http.ts';
import { readRange } from './repos.ts';

/** The mutable part of a request log record that sending updates. */
export interface SendProgress {
  status: number;
  bytesSent: number;
}

/**
 * Sends a plan, applying fault effects (latency, status page, cut, corruption, throttle).
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
  const actual = effects.status !== undefined ? htmlErrorPlan(effects.status) : plan;
  res.writeHead(actual.status, { ...corsHeaders(req), ...actual.headers });
  progress.status = actual.status;
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (actual.kind === 'buffer') {
    res.end(actual.body);
    progress.bytesSent = actual.body.length;
    return;
  }
  await streamFile(res, actual, effects, progress, signal);
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
  const rate = effects.bytesPerSecond;
  const pieceSize = rate === undefined ? Infinity : Math.max(1, Math.floor(rate / 20));
  const began = performance.now();
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
    if (cut !== undefined && progress.bytesSent + chunk.length >= cut) {
      chunk = chunk.subarray(0, cut - progress.bytesSent);
      last = true;
    }
    for (let at = 0; at < chunk.length; at += pieceSize) {
      const piece = chunk.subarray(at, Math.min(chunk.length, at + pieceSize));
      // Throttled: each piece leaves when the rate allows its last byte, so the body takes size / rate.
      if (rate !== undefined) await sleep(began + ((progress.bytesSent + piece.length) / rate) * 1000 - performance.now(), signal);
      if (aborted()) return;
      await write(res, piece, signal);
      if (aborted()) return;
      progress.bytesSent += piece.length;
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
