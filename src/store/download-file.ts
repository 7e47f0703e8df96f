import { InpageError, abortError, isInpageError, toInpageError } from '../errors.ts';
import type { HubConfig, RepoFile } from '../hub/hub-client.ts';
import { fetchOrThrow, hubHeaders, resolveUrl } from '../hub/hub-client.ts';
import { discardBody, hubError, isTransientStatus } from '../hub/hub-errors.ts';
import { createFileHasher, expectedDigest } from './hashing.ts';
import type { ModelStore } from './idb-store.ts';
import type { FileRecord } from './records.ts';
import { storedBytes } from './records.ts';
import { TransientError, writeBody } from './write-body.ts';

/** Everything a file download needs. */
export interface DownloadContext {
  hub: HubConfig;
  store: ModelStore;
  repo: string;
  commit: string;
  /** Bytes per stored chunk; an interrupted download resumes from the last whole chunk. */
  chunkSize: number;
  /** Attempts after a transient failure (network error, cut connection, 5xx, 429). */
  retries: number;
  signal?: AbortSignal;
  /** Called with the bytes of this file stored or received so far. */
  onBytes?: (path: string, loaded: number) => void;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(abortError(signal))), { once: true });
  });

/**
 * Downloads one file into the store, resuming from stored chunks, retrying transient failures with
 * backoff, and verifying size and hash before the file becomes visible. A body that fails
 * verification is discarded and fetched once more; a second failure raises `INTEGRITY`.
 *
 * @returns the verified record.
 * @throws InpageError `FILE_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`, `INTEGRITY`, `QUOTA_EXCEEDED`, `ABORTED`.
 * @example
 * await downloadFile(context, { path: 'onnx/model.onnx', size, oid, sha256 });
 */
export async function downloadFile(context: DownloadContext, file: RepoFile): Promise<FileRecord> {
  for (let integrityAttempt = 0; ; integrityAttempt++) {
    const record = await loadRecord(context, file);
    if (record.verified) return record;
    await transferWithRetries(context, record);
    const hasher = await createFileHasher(record, record.hashState);
    if (record.chunks * record.chunkSize >= record.size && hasher.digest() === expectedDigest(record)) {
      record.verified = true;
      delete record.hashState;
      await context.store.putFile(record);
      return record;
    }
    await context.store.deleteFile(record);
    if (integrityAttempt >= 1) {
      throw new InpageError(
        'INTEGRITY',
        `"${context.repo}/${file.path}" failed verification twice: its bytes do not match the Hub's hash.`,
      );
    }
  }
}

async function loadRecord(context: DownloadContext, file: RepoFile): Promise<FileRecord> {
  const stored = await context.store.getFile(context.repo, context.commit, file.path);
  const intact = !stored?.verified || (await context.store.isIntact(stored));
  if (stored && intact && stored.size === file.size && expectedDigest(stored) === expectedDigest(file)) return stored;
  if (stored) await context.store.deleteFile(stored);
  const record: FileRecord = {
    repo: context.repo,
    commit: context.commit,
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

async function transferWithRetries(context: DownloadContext, record: FileRecord): Promise<void> {
  let cdnUrl: string | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      cdnUrl = await transfer(context, record, cdnUrl);
      return;
    } catch (error) {
      if (context.signal?.aborted) throw abortError(context.signal);
      const transient = error instanceof TransientError || isInpageError(error, 'NETWORK');
      if (!transient) throw toInpageError(error, 'NETWORK', `Download of "${record.path}" failed`);
      if (attempt >= context.retries) {
        throw new InpageError(
          'NETWORK',
          `Download of "${context.repo}/${record.path}" kept failing after ${attempt + 1} attempts; what was stored is kept for a later resume.`,
          { cause: error },
        );
      }
      if (error instanceof TransientError && error.message === 'expired') cdnUrl = undefined;
      await sleep(Math.min(4000, 250 * 2 ** attempt), context.signal);
    }
  }
}

/**
 * One HTTP transfer of the rest of a file. A fresh download goes through the Hub (with the token;
 * the browser drops it on the cross-origin redirect to the CDN). A resume sends its Range request
 * straight to the CDN URL, re-resolved through the Hub with a HEAD request: the token never goes
 * to the CDN, and a signed CDN URL is never stored.
 * @returns the CDN URL used, so a retry in the same load can reuse it.
 */
async function transfer(context: DownloadContext, record: FileRecord, knownCdnUrl?: string): Promise<string | undefined> {
  const offset = storedBytes(record);
  if (offset >= record.size && record.size > 0) return knownCdnUrl;
  const hubUrl = resolveUrl(context.hub, context.repo, context.commit, record.path);
  const what = `"${context.repo}/${record.path}"`;
  let response: Response;
  if (offset === 0) {
    response = await fetchOrThrow(hubUrl, { headers: hubHeaders(context.hub), signal: context.signal, cache: 'no-store' }, what);
  } else {
    const target = knownCdnUrl ?? (await locate(context, hubUrl, record));
    if (new URL(target).origin === new URL(context.hub.endpoint).origin) {
      // Served by the Hub itself (a small file): no Range with the token, so start over.
      await restart(context, record);
      return transfer(context, record);
    }
    response = await fetchOrThrow(target, { headers: { Range: `bytes=${offset}-` }, signal: context.signal, cache: 'no-store' }, what);
    if (response.status === 403 || response.status === 410) {
      discardBody(response);
      throw new TransientError('expired');
    }
  }
  if (!response.ok) {
    const error = hubError(response, {
      repo: context.repo,
      revision: context.commit,
      path: record.path,
      withToken: Boolean(context.hub.token),
    });
    throw isTransientStatus(response.status) ? new TransientError(error.message) : error;
  }
  const start = bodyStart(response, offset, record.size);
  if (start === null) {
    discardBody(response);
    await restart(context, record);
    throw new TransientError(`unexpected answer for ${what}: ${response.status} ${response.headers.get('content-range') ?? ''}`);
  }
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('text/html') && !record.path.endsWith('.html')) {
    discardBody(response);
    throw new TransientError(`${what} came back as an HTML page (a proxy or error page), not the file.`);
  }
  await writeBody(context, record, response, start);
  const cdnOrigin = new URL(response.url || hubUrl).origin;
  return cdnOrigin === new URL(context.hub.endpoint).origin ? undefined : response.url;
}

/** Where the body starts in the file, or `null` when the server's answer cannot be resumed from. */
function bodyStart(response: Response, offset: number, size: number): number | null {
  if (response.status === 200) return offset === 0 ? 0 : null;
  const match = response.headers.get('content-range')?.match(/^bytes (\d+)-(\d+)\/(\d+|\*)$/);
  if (response.status !== 206 || !match) return null;
  const [, from, , total] = match;
  if (Number(from) !== offset || (total !== '*' && Number(total) !== size)) return null;
  return offset;
}

async function locate(context: DownloadContext, hubUrl: string, record: FileRecord): Promise<string> {
  const head = await fetchOrThrow(
    hubUrl,
    { method: 'HEAD', headers: hubHeaders(context.hub), signal: context.signal, cache: 'no-store' },
    `"${record.path}"`,
  );
  if (!head.ok) {
    const error = hubError(head, {
      repo: context.repo,
      revision: context.commit,
      path: record.path,
      withToken: Boolean(context.hub.token),
    });
    throw isTransientStatus(head.status) ? new TransientError(error.message) : error;
  }
  return head.url || hubUrl;
}

async function restart(context: DownloadContext, record: FileRecord): Promise<void> {
  await context.store.deleteFile(record);
  record.chunks = 0;
  delete record.hashState;
}
