import { InpageError, isInpageError } from '../errors.ts';
import type { HubConfig, RepoFile, RepoSnapshot } from '../hub/hub-client.ts';
import { assertRepoId, assertRevision, hubLimits, isConnectionFailure, isUnreachable, resolveSnapshot } from '../hub/hub-client.ts';
import { withDeadline } from '../hub/hub-http.ts';
import type { Dtype, ResolvedDtype, RevisionPolicy, SessionDtypes } from '../types.ts';
import { makeRoom } from './eviction.ts';
import type { Eviction, RoomRequest } from './eviction.ts';
import { touchModel } from './inventory.ts';
import { fileLock, withFileLock } from './cross-tab.ts';
import { assertStoreKept, downloadFile } from './download-file.ts';
import type { DownloadContext } from './download-file.ts';
import { Availability, runPool } from './download-pool.ts';
import { isWeights } from './held-bytes.ts';
import type { ModelStore } from './idb-store.ts';
import type { FileRecord } from './records.ts';
import { blobId, storedBytes } from './records.ts';
import { isBrowserOffline, revalidate, scheduleRevalidation, settleRevalidation } from './revalidation.ts';
import { isCommit, newestComplete, storedPlan } from './stored-plan.ts';
import type { Plan } from './stored-plan.ts';

/** Progress of making a model's files available, before any of it is loaded. */
export type StoreProgressEvent =
  | { phase: 'resolve'; model: string; revision: string }
  | { phase: 'cached'; model: string; file: string; total: number }
  | { phase: 'download'; model: string; file: string; loaded: number; total: number }
  | { phase: 'total'; model: string; loaded: number; total: number; files: number };

/** A model's parsed `config.json`. */
export type ModelConfig = Readonly<Record<string, unknown>>;

/** One way to load a model: its dtype and exactly the files `pipeline()` will ask for. */
export interface FilePlan {
  dtype: ResolvedDtype;
  files: RepoFile[];
  /** `chat_template.jinja`, when it is planned to be passed as the tokenizer's `chat_template`. */
  chatTemplate?: string;
}

/**
 * Plans a load from the verified `config.json` and the commit's tree listing: the preferred plan
 * first, then (for `auto`) the other plans the device and its fallback can run, best first.
 * @throws InpageError `FILE_NOT_FOUND` when the repo lacks what the dtype needs.
 */
export type FilePlanner = (config: ModelConfig, snapshot: RepoSnapshot) => Promise<FilePlan[]>;

/** What to make available. */
export interface PrepareRequest {
  repo: string;
  revision: string;
  /** The requested dtype or per-session map (the planner decides the files). */
  dtype: Dtype | SessionDtypes;
  plan: FilePlanner;
  policy: RevisionPolicy;
}

/** How to make it available. */
export interface PrepareOptions {
  hub: HubConfig;
  store: ModelStore;
  chunkSize: number;
  retries: number;
  /** Files downloaded at once. */
  concurrency: number;
  /** Bytes inpage's models may take; least recently used unpinned models are evicted to stay within it. */
  budget?: number;
  signal?: AbortSignal;
  onProgress?: (event: StoreProgressEvent) => void;
  /** Hears of the models this load evicted to make room (see {@link makeRoom}). */
  onEvicted?: (evicted: Eviction) => void;
  /** Awaited before a download reads a body longer than a chunk (see {@link DownloadContext.beforeBody}). */
  beforeBody?: () => Promise<void>;
  /**
   * Keep the weights this call downloads in memory for the session (`PreparedModel.held`), and
   * return as soon as they are verified, before their last chunks are stored (see
   * `PreparedModel.stored`): a load does, a prefetch does not.
   */
  holdDownloads?: boolean;
}

/** A model whose planned files are all stored and verified. */
export interface PreparedModel {
  repo: string;
  revision: string;
  commit: string;
  dtype: ResolvedDtype;
  /** The files `pipeline()` will ask for. */
  files: RepoFile[];
  /** `chat_template.jinja`, passed as the tokenizer's `chat_template` (see {@link FilePlan}). */
  chatTemplate?: string;
  /** Every file of the commit (so a request for any other file is known to be absent). */
  snapshot: RepoSnapshot;
  /** `true` when the Hub could not be reached and stored data was used. */
  offline: boolean;
  /** Why the check of the revision failed, when a stored commit was used instead. */
  offlineReason?: string;
  /** Bytes downloaded by this call. */
  downloaded: number;
  /** The parsed `config.json` (passed to `pipeline()`, so it is not read again). */
  config: ModelConfig;
  /** Stored files this call already read from IndexedDB, by path: a load serves them from here instead of reading them twice. */
  blobs: Map<string, Blob>;
  /**
   * Verified bytes in memory, by path: files this call downloaded whole (see
   * {@link DownloadContext.onHeld}) and weights read ahead (`holdWeights`). The session is created
   * from them; each is handed over once.
   */
  held: Map<string, ArrayBuffer>;
  /**
   * Settles once every file is stored and the model is recorded (the ref moved, `cache.list()`
   * shows it); rejects with the download's error (`QUOTA_EXCEEDED`, `STORAGE`, …), in which case
   * nothing is marked complete. Already settled unless `holdDownloads` returned early.
   */
  stored: Promise<void>;
}

/**
 * Resolves a model revision, downloads and verifies every file a load needs into the store
 * (resuming what was interrupted), and reports progress with the total known up front.
 * Works offline from stored data.
 *
 * @throws InpageError `MODEL_NOT_FOUND`, `FILE_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`,
 *   `OFFLINE_NOT_CACHED`, `INTEGRITY`, `QUOTA_EXCEEDED`, `ABORTED`, `STORAGE` (also when the
 *   database was deleted, in any tab, during the load; the next load downloads it again).
 * @example
 * const prepared = await prepareModel({ repo, revision: 'main', dtype: 'q8', policy: 'stale-while-revalidate' }, options);
 */
export async function prepareModel(request: PrepareRequest, options: PrepareOptions): Promise<PreparedModel> {
  const { repo, revision } = request;
  assertRepoId(repo);
  assertRevision(revision);
  options.onProgress?.({ phase: 'resolve', model: repo, revision });
  const revalidationKey = `${repo}@${revision}`;
  const staleWhileRevalidate = request.policy === 'stale-while-revalidate' && !isCommit(revision);
  const checked = staleWhileRevalidate && (await settleRevalidation(options.store, revalidationKey));
  const stored = await storedPlan(request, options);
  // A newer commit a background check found is adopted by a load whose own check just reached the Hub.
  const adopt = checked && (await options.store.getRef(repo, revision))?.pending !== undefined;
  if (stored?.complete && !adopt && (isCommit(revision) || request.policy !== 'always-check')) {
    if (staleWhileRevalidate) scheduleRevalidation(options.store, revalidationKey, () => revalidate(request, options));
    return finish(request, options, stored, { offline: isBrowserOffline() });
  }
  // The browser knows it is offline: what is stored for another device's dtype, or the newest
  // complete commit, is used without trying the network first.
  if (isBrowserOffline() && !stored?.complete) {
    const usable = stored?.alternative ?? (await newestComplete(request, options, stored?.snapshot.commit));
    if (usable) return finish(request, options, usable, { offline: true });
  }
  let snapshot: RepoSnapshot;
  let offline = false;
  let offlineReason: string | undefined;
  try {
    // With a stored plan to fall back on, a failing check is final at once (no retries): the load uses it.
    const hasFallback = Boolean(stored?.complete || stored?.alternative);
    const resolve = { retries: options.retries, hasFallback, ...(options.signal ? { signal: options.signal } : {}) };
    snapshot = await resolveSnapshot(options.hub, repo, revision, resolve);
    // The ref moves in finish, once every file of the load is stored.
    await options.store.putSnapshot({ ...snapshot, endpoint: options.hub.endpoint, storedAt: Date.now() });
  } catch (error) {
    if (!isUnreachable(error)) throw error;
    offlineReason = (error as Error).message;
    if (!stored?.complete) {
      // `auto` dtype on another device than the download's (e.g. WASM after WebGPU): use what is stored.
      if (stored?.alternative) return finish(request, options, stored.alternative, { offline: true });
      // The ref's commit lacks this dtype's files: the newest commit of the revision that has them.
      const newest = await newestComplete(request, options, stored?.snapshot.commit);
      if (newest) return { ...(await finish(request, options, newest, { offline: true })), offlineReason };
      if (!isConnectionFailure(error)) throw error;
      throw new InpageError(
        'OFFLINE_NOT_CACHED',
        `The Hub cannot be reached and "${repo}" (${revision}, ${request.dtype === 'auto' ? 'auto dtype' : typeof request.dtype === 'string' ? request.dtype : JSON.stringify(request.dtype)}) is not stored for offline use.`,
        { cause: error },
      );
    }
    snapshot = stored.snapshot;
    offline = true;
  }
  const { config, blob, downloaded } = await readConfig(snapshot, options);
  const [plan] = await request.plan(config, snapshot);
  if (!plan) throw new InpageError('FILE_NOT_FOUND', `"${repo}" has no weights this device can run.`);
  const prepared = await finish(
    request,
    options,
    { ...plan, snapshot, config, blobs: new Map([['config.json', blob]]) },
    { offline, configDownloaded: downloaded, moveRef: !offline && !isCommit(revision) },
  );
  return offlineReason === undefined ? prepared : { ...prepared, offlineReason };
}

/**
 * Reads `config.json` (downloading it first if needed): it decides which other files a load needs.
 * Its download reports no progress of its own: {@link finish} reports it after the `total`, so the
 * total is known before any reported byte.
 */
async function readConfig(
  snapshot: RepoSnapshot,
  options: PrepareOptions,
): Promise<{ config: ModelConfig; blob: Blob; downloaded: boolean }> {
  const file = snapshot.files.find((entry) => entry.path === 'config.json');
  if (!file) throw new InpageError('FILE_NOT_FOUND', `"${snapshot.repo}" has no config.json, so it is not a transformers.js model.`);
  const maxBytes = hubLimits(options.hub).configMaxBytes;
  if (file.size > maxBytes)
    throw new InpageError('INTEGRITY', `"${snapshot.repo}/config.json" is ${file.size} bytes, more than a config (${maxBytes}).`);
  const before = await options.store.getFile(snapshot.repo, blobId(file));
  const record = await withDeadline(`"${snapshot.repo}/config.json"`, hubLimits(options.hub).jsonDeadlineMs, options.signal, (signal) =>
    lockedDownload(snapshot, { ...options, signal }, file),
  );
  const blob = await options.store.readFile(record);
  try {
    if (!blob) throw new Error('its chunks are missing');
    return { config: JSON.parse(await blob.text()) as ModelConfig, blob, downloaded: !before?.verified };
  } catch (error) {
    throw new InpageError('INTEGRITY', `"${snapshot.repo}/config.json" is not valid JSON.`, { cause: error });
  }
}

/** Downloads one file holding its cross-tab lock (see {@link withFileLock}); `onBytes` also hears another tab's download of it. */
function lockedDownload(
  snapshot: RepoSnapshot,
  options: PrepareOptions,
  file: RepoFile,
  onBytes?: (loaded: number) => void,
  onHeld?: (path: string, bytes: ArrayBuffer) => void,
): Promise<FileRecord> {
  const { namespace } = options.store;
  const context: DownloadContext = {
    hub: options.hub,
    store: options.store,
    repo: snapshot.repo,
    commit: snapshot.commit,
    chunkSize: options.chunkSize,
    retries: options.retries,
  };
  const target: Parameters<typeof withFileLock>[0] = { namespace, name: fileLock(namespace, snapshot.repo, blobId(file)) };
  if (options.signal) context.signal = target.signal = options.signal;
  if (options.beforeBody) context.beforeBody = options.beforeBody;
  if (onHeld) context.onHeld = (path, bytes) => onHeld(path, bytes.buffer as ArrayBuffer);
  if (onBytes) target.onBytes = onBytes;
  return withFileLock(target, (report) => downloadFile({ ...context, onBytes: (_, loaded) => report(loaded) }, file));
}

/** How {@link finish} ends a load. */
interface FinishHow {
  /** Stored data is used without the Hub: nothing may be downloaded. */
  offline: boolean;
  /** This load already fetched config.json (reported here). */
  configDownloaded?: boolean;
  /** The revision was resolved online: its ref moves to the plan's commit once every file is stored. */
  moveRef?: boolean;
}

/** Downloads what is missing of a plan. */
async function finish(request: PrepareRequest, options: PrepareOptions, plan: Plan, how: FinishHow): Promise<PreparedModel> {
  const { offline, configDownloaded = false } = how;
  const { store, onProgress } = options;
  const generation = store.generation;
  const { snapshot, files, dtype } = plan;
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const loadedByFile = new Map<string, number>();
  const missing: RepoFile[] = [];
  const fetched: RepoFile[] = [];
  const unreadable: string[] = [];
  const held = new Map<string, ArrayBuffer>();
  for (const file of files) {
    let record = await store.getFile(snapshot.repo, blobId(file));
    if (record?.verified && !plan.blobs.has(file.path)) {
      // Read once here and kept for the load (see PreparedModel.blobs): that also proves every chunk is there and readable.
      const blob = await store.readFile(record, true).catch((error: unknown) => {
        if (!isInpageError(error, 'STORAGE')) throw error;
        unreadable.push(file.path);
        return undefined;
      });
      if (blob) plan.blobs.set(file.path, blob);
    }
    if (record?.verified && !plan.blobs.has(file.path)) {
      // Chunks deleted (or lost) behind inpage's back: fetch the file again.
      await store.deleteFile(record);
      record = undefined;
    }
    if (record?.verified && configDownloaded && file.path === 'config.json') {
      loadedByFile.set(file.path, 0);
      fetched.push(file);
    } else if (record?.verified) {
      loadedByFile.set(file.path, file.size);
      onProgress?.({ phase: 'cached', model: request.repo, file: file.path, total: file.size });
    } else {
      loadedByFile.set(file.path, record ? storedBytes(record) : 0);
      missing.push(file);
    }
  }
  const totalLoaded = (): number => [...loadedByFile.values()].reduce((sum, bytes) => sum + bytes, 0);
  const startLoaded = totalLoaded();
  onProgress?.({ phase: 'total', model: request.repo, loaded: startLoaded, total, files: files.length });
  if (unreadable.length > 0 && offline) {
    throw new InpageError(
      'STORAGE',
      `The stored bytes of ${unreadable.map((path) => `"${request.repo}/${path}"`).join(', ')} cannot be read (the browser lost them), and the Hub cannot be reached to download them again.`,
    );
  }
  if (missing.length > 0 && offline) {
    throw new InpageError(
      'OFFLINE_NOT_CACHED',
      `The Hub cannot be reached and ${missing.length} file(s) of "${request.repo}" are not stored: ${missing.map((file) => file.path).join(', ')}.`,
    );
  }
  const onBytes = (path: string, loaded: number): void => {
    loadedByFile.set(path, loaded);
    const size = files.find((file) => file.path === path)?.size ?? loaded;
    onProgress?.({ phase: 'download', model: request.repo, file: path, loaded, total: size });
    onProgress?.({ phase: 'total', model: request.repo, loaded: totalLoaded(), total, files: files.length });
  };
  for (const file of fetched) onBytes(file.path, file.size);
  const needed = missing.reduce((sum, file) => sum + file.size - (loadedByFile.get(file.path) ?? 0), 0);
  const room: RoomRequest = { repo: snapshot.repo, commit: snapshot.commit, dtype, blobs: files.map(blobId), needed };
  if (options.budget !== undefined) room.budget = options.budget;
  const evicted = await makeRoom(store, room);
  if (evicted.models.length > 0) options.onEvicted?.(evicted);
  const available = new Availability(missing.map((file) => file.path));
  const downloads = runPool(missing, options.concurrency, async (file) => {
    const hold = options.holdDownloads && isWeights(file.path);
    const record = await lockedDownload(
      snapshot,
      options,
      file,
      (loaded) => onBytes(file.path, loaded),
      hold
        ? (path, bytes) => {
            held.set(path, bytes);
            available.add(path);
          }
        : undefined,
    );
    available.add(file.path);
    // A file another load (or tab) downloaded while this one waited: reported complete here.
    if (loadedByFile.get(file.path) !== record.size) onBytes(file.path, record.size);
  }).catch(async (error: unknown) => {
    await assertStoreKept(store, generation, `"${request.repo}"`);
    throw error;
  });
  const stored = downloads.then(async () => {
    // The files stored before a deletion are gone with it: the model is not complete.
    await assertStoreKept(store, generation, `"${request.repo}"`);
    if (how.moveRef) {
      const { endpoint } = options.hub;
      await store.putRef({ repo: request.repo, revision: request.revision, commit: snapshot.commit, endpoint, checkedAt: Date.now() });
    }
    await touchModel(
      store,
      {
        repo: snapshot.repo,
        revision: request.revision,
        commit: snapshot.commit,
        dtype,
        files: files.map((file) => file.path),
        blobs: files.map(blobId),
        bytes: total,
        lastUsed: Date.now(),
      },
      isCommit(request.revision),
    );
  });
  // A load returns once every file is stored or held verified; anything else once all is stored.
  await (options.holdDownloads ? Promise.race([stored, available.all]) : stored);
  stored.catch(() => undefined); // the load's own await reports it
  const prepared: PreparedModel = {
    repo: request.repo,
    revision: request.revision,
    commit: snapshot.commit,
    dtype,
    files,
    snapshot,
    offline,
    downloaded: totalLoaded() - startLoaded,
    config: plan.config,
    blobs: plan.blobs,
    held,
    stored,
  };
  if (plan.chatTemplate !== undefined) prepared.chatTemplate = plan.chatTemplate;
  return prepared;
}
