import { InpageError, abortError, toInpageError } from '../errors.ts';
import type { HubConfig, RepoFile } from '../hub/hub-client.ts';
import { fetchOrThrow, hubHeaders, hubLimits, resolveUrl } from '../hub/hub-client.ts';
import { discardBody, hubError, isTransientStatus } from '../hub/hub-errors.ts';
import { isTransientFailure, retryAfterMs, sleep } from '../hub/hub-http.ts';
import { createFileHasher, expectedDigest, hashStateLoads } from './hashing.ts';
import type { ModelStore } from './idb-store.ts';
import { HeldBuffer } from './held-buffer.ts';
import type { FileRecord } from './records.ts';
import { blobId, storedBytes } from './records.ts';
import { TransientError, WrongBodyError, writeBody } from './write-body.ts';
import type { ReadAheadBudget } from './write-body.ts';

/** The store calls a download makes (`generation`: see {@link ModelStore.generation}). */
export type DownloadStore = Pick<ModelStore, 'getFile' | 'putFile' | 'putChunk' | 'deleteFile' | 'isIntact' | 'readFile'> &
  Partial<Pick<ModelStore, 'generation'>>;

/**
 * `STORAGE` when the store's databases were deleted (or upgraded) since `generation`: the chunks
 * written before are gone. What this download wrote since is deleted too, so no record claims
 * chunks that are not there; the next load downloads the file again.
 * @example
 * await assertStoreKept(store, generationAtStart, `"${repo}"`);
 */
export async function assertStoreKept(
  store: DownloadStore,
  generation: number | undefined,
  what: string,
  record?: FileRecord,
): Promise<void> {
  if (store.generation === generation) return;
  if (record) await store.deleteFile(record).catch(() => undefined);
  throw new InpageError('STORAGE', `The model cache was deleted (in this tab or another) while ${what} was downloading; load it again.`);
}

/** Everything a file download needs. */
export interface DownloadContext {
  hub: HubConfig;
  store: DownloadStore;
  repo: string;
  commit: string;
  /** Bytes per stored chunk; an interrupted download resumes from the last whole chunk. */
  chunkSize: number;
  /** Attempts after a transient failure (network error, cut connection, 5xx, 429). */
  retries: number;
  signal?: AbortSignal;
  /** Called with the bytes of this file stored or received so far. */
  onBytes?: (path: string, loaded: number) => void;
  /** The read-ahead budget shared by every download (tests pass their own). */
  readAhead?: ReadAheadBudget;
  /**
   * Awaited before a body longer than one chunk is requested: the worker passes the end of a
   * runtime start under way (see `runtimeStartSettled`), so no thread-blocking work overlaps a body
   * read, whose unread bytes a cut connection would lose. A shorter body can lose less than a chunk.
   */
  beforeBody?: () => Promise<void>;
  /**
   * Hears of the bytes of a file this call downloaded whole, as soon as their hash is verified,
   * while the last chunk writes may still run: a load starts its session from them instead of
   * reading the store, and its success still waits for this download to be stored. Never for a
   * file over {@link maxHeldBytes}, nor for one resumed from chunks stored earlier.
   */
  onHeld?: (path: string, bytes: Uint8Array) => void;
}

/** Files larger than this are never held in memory beside the store (the session reads them from it). */
export const maxHeldBytes = 512 * 1024 * 1024;

/**
 * Downloads one file into the store, resuming from stored chunks, retrying transient failures with
 * backoff (or the server's `Retry-After`), and verifying size and hash on the decoded bytes before
 * the file becomes visible. A body that fails verification (wrong hash, longer than the file, or
 * another length) is discarded and fetched once more; a second failure raises `INTEGRITY`.
 *
 * @returns the verified record.
 * @throws InpageError `FILE_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`, `INTEGRITY`, `QUOTA_EXCEEDED`, `ABORTED`,
 *   `STORAGE` (also when the database was deleted during the download: see {@link assertStoreKept}).
 * @example
 * await downloadFile(context, { path: 'onnx/model.onnx', size, oid, sha256 });
 */
export async function downloadFile(context: DownloadContext, file: RepoFile): Promise<FileRecord> {
  const what = `"${context.repo}/${file.path}"`;
  for (let integrityAttempt = 0; ; integrityAttempt++) {
    const generation = context.store.generation;
    const record = await loadRecord(context, file);
    if (record.verified) return record;
    let wrongBody: WrongBodyError | undefined;
    const hold = context.onHeld && record.chunks === 0 && record.size <= maxHeldBytes ? new HeldBuffer(record.size) : undefined;
    try {
      await transferWithRetries(context, record, hold);
    } catch (error) {
      await assertStoreKept(context.store, generation, what, record);
      if (!(error instanceof WrongBodyError)) throw error;
      wrongBody = error;
    }
    await assertStoreKept(context.store, generation, what, record);
    if (!wrongBody) {
      const hasher = await createFileHasher(record, record.hashState);
      const complete = record.chunks * record.chunkSize >= record.size && hasher.digest() === expectedDigest(record);
      // Every chunk must be stored too, not only hashed on the way in.
      if (complete && (await context.store.isIntact(record))) {
        record.verified = true;
        delete record.hashState;
        await context.store.putFile(record);
        return record;
      }
    }
    await context.store.deleteFile(record);
    if (integrityAttempt >= 1) {
      throw new InpageError(
        'INTEGRITY',
        wrongBody
          ? `"${context.repo}/${file.path}" came back wrong twice: ${wrongBody.message}`
          : `${what} failed verification twice: its bytes do not match the Hub's hash.`,
      );
    }
  }
}

/** The stored record of the file's blob (named by this file's path), or a new one. */
async function loadRecord(context: DownloadContext, file: RepoFile): Promise<FileRecord> {
  const stored = await context.store.getFile(context.repo, blobId(file));
  const intact = !stored?.verified || (await context.store.isIntact(stored));
  // A partial download whose hash state another hash-wasm build saved cannot resume its hash: it restarts.
  const resumable = stored?.verified || !stored?.hashState || (await hashStateLoads(stored, stored.hashState));
  if (stored && intact && resumable && stored.size === file.size && expectedDigest(stored) === expectedDigest(file)) {
    return { ...stored, path: file.path };
  }
  if (stored) await context.store.deleteFile(stored);
  const record: FileRecord = {
    repo: context.repo,
    blob: blobId(file),
    path: file.path,
    size: file.size,
    oid: file.oid,
    chunkSize: context.chunkSize,
    chunks: 0,
    verified: false,
    updatedAt: Date.now(),
  };
  if (file.sha256) record.sha256 = file.sha256;
  return record;
}

async function transferWithRetries(context: DownloadContext, record: FileRecord, hold?: HeldBuffer): Promise<void> {
  const limits = hubLimits(context.hub);
  let rangeUrl: string | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      rangeUrl = await transfer(context, record, rangeUrl, hold);
      return;
    } catch (error) {
      if (context.signal?.aborted) throw abortError(context.signal);
      if (error instanceof WrongBodyError) throw error;
      const transient = error instanceof TransientError || isTransientFailure(error);
      if (!transient) throw toInpageError(error, 'NETWORK', `Download of "${record.path}" failed`);
      if (attempt >= context.retries) {
        throw new InpageError(
          'NETWORK',
          `Download of "${context.repo}/${record.path}" kept failing after ${attempt + 1} attempts; what was stored is kept for a later resume.`,
          { cause: error },
        );
      }
      if (error instanceof TransientError && error.message === 'expired') rangeUrl = undefined;
      const waitMs = error instanceof TransientError ? error.retryAfterMs : undefined;
      await sleep(waitMs ?? Math.min(limits.backoffMaxMs, limits.backoffMs * 2 ** attempt), context.signal);
    }
  }
}

/**
 * One HTTP transfer of the rest of a file. A fresh download goes through the Hub (with the token;
 * the browser drops it on the cross-origin redirect to the CDN). A resume sends its `Range` request
 * to wherever the file is served, found through the Hub with a HEAD request: the CDN (without the
 * token), or the endpoint itself when a mirror serves the bytes (with it). A signed CDN URL is never
 * stored. A server that ignores `Range` (200) restarts the file from its body; an encoded body
 * (`Content-Encoding`) is never resumed, it restarts.
 * @returns the URL a retry in the same load may send its `Range` request to.
 */
async function transfer(
  context: DownloadContext,
  record: FileRecord,
  knownRangeUrl?: string,
  hold?: HeldBuffer,
): Promise<string | undefined> {
  const limits = hubLimits(context.hub);
  if (record.encoded && record.chunks > 0) await restart(context, record);
  const offset = storedBytes(record);
  if (offset >= record.size && record.size > 0) return knownRangeUrl;
  const hubUrl = resolveUrl(context.hub, context.repo, context.commit, record.path);
  const what = `"${context.repo}/${record.path}"`;
  const init = (headers: Headers): RequestInit => {
    const request: RequestInit = { headers, cache: 'no-store' };
    if (context.signal) request.signal = context.signal;
    return request;
  };
  if (record.size - offset > record.chunkSize && context.beforeBody) {
    await context.beforeBody();
    if (context.signal?.aborted) throw abortError(context.signal);
  }
  let response: Response;
  let rangeUrl: string | undefined;
  if (offset === 0) {
    response = await fetchOrThrow(hubUrl, init(hubHeaders(context.hub, hubUrl)), what, limits);
  } else {
    rangeUrl = knownRangeUrl ?? (await locate(context, hubUrl, record));
    const headers = hubHeaders(context.hub, rangeUrl);
    headers.set('Range', `bytes=${offset}-`);
    response = await fetchOrThrow(rangeUrl, init(headers), what, limits);
    if (rangeUrl !== hubUrl && (response.status === 403 || response.status === 410)) {
      discardBody(response);
      throw new TransientError('expired');
    }
  }
  if (!response.ok) throw failedAnswer(context, record, response);
  const encoding = response.headers.get('content-encoding');
  const start = bodyStart(response, offset, record.size);
  if (start === null || (offset > 0 && encoding && encoding !== 'identity')) {
    discardBody(response);
    await restart(context, record);
    throw new TransientError(`unexpected answer for ${what}: ${response.status} ${response.headers.get('content-range') ?? ''}`);
  }
  if (start === 0 && offset > 0) await restart(context, record); // The server ignored Range: take its whole body.
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('text/html') && !record.path.endsWith('.html')) {
    discardBody(response);
    throw new TransientError(`${what} came back as an HTML page (a proxy or error page), not the file.`);
  }
  const target: Parameters<typeof writeBody>[0] = { store: context.store, stallTimeoutMs: limits.stallTimeoutMs };
  if (context.onBytes) target.onBytes = context.onBytes;
  if (context.readAhead) target.readAhead = context.readAhead;
  if (hold && (await refilled(context.store, record, hold, start))) {
    target.hold = hold;
    // Verified as soon as the last byte is hashed: the session may start while the writes finish.
    target.onHashed = (digest) => {
      if (digest === expectedDigest(record)) context.onHeld?.(record.path, hold.bytes);
    };
  }
  await writeBody(target, record, response, start);
  return rangeUrl ?? (response.url || hubUrl);
}

/**
 * Whether `hold` has the file's first `start` bytes for a transfer from `start`: a read that failed
 * in an earlier attempt took them (see {@link HeldBuffer}), and they are then read back from the
 * chunks stored before `start` (a whole number of chunks). This transfer holds nothing when those
 * cannot be read; the session then reads the stored file.
 */
async function refilled(store: DownloadStore, record: FileRecord, hold: HeldBuffer, start: number): Promise<boolean> {
  if (!hold.lost) return true;
  try {
    // The stored chunks before `start`, read as a file of `start` bytes.
    const prefix = start > 0 ? await store.readFile({ ...record, size: start }) : new Blob([]);
    if (!prefix) return false;
    hold.refill(new Uint8Array(await prefix.arrayBuffer()));
    return true;
  } catch {
    return false; // A failing store shows in this transfer's writes.
  }
}

/** Where the body starts in the file, or `null` when the server's answer cannot be used. */
function bodyStart(response: Response, offset: number, size: number): number | null {
  if (response.status === 200) return 0;
  const match = response.headers.get('content-range')?.match(/^bytes (\d+)-(\d+)\/(\d+|\*)$/);
  if (response.status !== 206 || !match) return null;
  const [, from, , total] = match;
  if (Number(from) !== offset || (total !== '*' && Number(total) !== size)) return null;
  return offset;
}

/** The URL the file's bytes are served from (the Hub's redirect target, or the Hub itself). */
async function locate(context: DownloadContext, hubUrl: string, record: FileRecord): Promise<string> {
  const init: RequestInit = { method: 'HEAD', headers: hubHeaders(context.hub, hubUrl), cache: 'no-store' };
  if (context.signal) init.signal = context.signal;
  const head = await fetchOrThrow(hubUrl, init, `"${record.path}"`, hubLimits(context.hub));
  if (!head.ok) throw failedAnswer(context, record, head);
  return head.url || hubUrl;
}

/** The error of a server's failed answer: the Hub's error, or a `TransientError` a retry may get past. */
function failedAnswer(context: DownloadContext, record: FileRecord, response: Response): Error {
  const where = { repo: context.repo, revision: context.commit, path: record.path, withToken: Boolean(context.hub.token) };
  const error = hubError(response, where);
  if (!isTransientStatus(response.status)) return error;
  const waitMs = retryAfterMs(response.headers.get('retry-after'), hubLimits(context.hub).retryAfterMaxMs);
  return new TransientError(error.message, waitMs);
}

async function restart(context: DownloadContext, record: FileRecord): Promise<void> {
  await context.store.deleteFile(record);
  record.chunks = 0;
  delete record.hashState;
  delete record.encoded;
}
