import { InpageError, abortError } from '../errors.ts';
import { throttleLatest } from '../progress.ts';

/**
 * Coordination between every tab, worker and client that shares one storage namespace, through
 * Web Locks and one BroadcastChannel:
 * - one exclusive lock per file: one download per file; whoever waits hears its progress and then
 *   reads the stored file (or takes over from the stored chunks when the downloader's tab closes);
 * - a shared lock per repo (and per namespace) while a model is prepared or opened, which a delete
 *   (or a clear) takes exclusively after telling the holders to stop, so a load never reads a
 *   half-deleted model: it fails with `ABORTED`, and later loads download it again.
 */
const lockPrefix = (namespace: string): string => `inpage:${namespace}:`;
const namespaceLock = (namespace: string): string => `inpage:${namespace}`;
const repoLock = (namespace: string, repo: string): string => `${lockPrefix(namespace)}repo:${repo}`;

/** The lock (and progress key) of one blob of a repo: one download of the same bytes, whatever commit or path lists them. */
export const fileLock = (namespace: string, repo: string, blob: string): string => `${lockPrefix(namespace)}blob:${repo}@${blob}`;

type CrossTabMessage =
  | { type: 'progress'; file: string; loaded: number }
  /** A load starts waiting for a file: its holder answers with its progress at once (even while stalled). */
  | { type: 'progress-query'; file: string }
  /** `repo: null`: the whole namespace is being cleared. */
  | { type: 'deleting'; repo: string | null };

interface Channel {
  post(message: CrossTabMessage): void;
  listen(listener: (message: CrossTabMessage) => void): () => void;
}

const channels = new Map<string, Channel>();

/** The namespace's channel: messages reach the other contexts and this one's own listeners. */
function channelOf(namespace: string): Channel {
  let channel = channels.get(namespace);
  if (channel) return channel;
  const listeners = new Set<(message: CrossTabMessage) => void>();
  const dispatch = (message: CrossTabMessage): void => listeners.forEach((listener) => listener(message));
  const broadcast = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`inpage:${namespace}`) : undefined;
  broadcast?.addEventListener('message', (event: MessageEvent<CrossTabMessage>) => dispatch(event.data));
  channel = {
    post: (message) => {
      broadcast?.postMessage(message);
      dispatch(message);
    },
    listen: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  channels.set(namespace, channel);
  return channel;
}

const lockManager = (): LockManager | undefined => globalThis.navigator?.locks;

/**
 * Runs `work` while holding a model's shared locks. When the model (or the namespace) is deleted,
 * from this context or another, the signal given to `work` aborts with `ABORTED`, and the delete
 * waits for `work` to settle.
 * @example
 * await withModelAccess('inpage', 'Xenova/all-MiniLM-L6-v2', signal, (signal) => prepareModel(request, { ...options, signal }));
 */
export async function withModelAccess<T>(
  namespace: string,
  repo: string,
  signal: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const forward = (): void => controller.abort(signal?.reason);
  if (signal?.aborted) forward();
  signal?.addEventListener('abort', forward, { once: true });
  const stopListening = channelOf(namespace).listen((message) => {
    if (message.type !== 'deleting' || (message.repo !== null && message.repo !== repo)) return;
    const what = message.repo === null ? 'The model cache was cleared' : `"${repo}" was deleted from the model cache`;
    controller.abort(new InpageError('ABORTED', `${what} (in this tab or another) while it was loading; load it again.`));
  });
  const locks = lockManager();
  try {
    if (!locks) return await work(controller.signal);
    const options: LockOptions = { mode: 'shared', signal: controller.signal };
    return await locks.request(namespaceLock(namespace), options, () =>
      locks.request(repoLock(namespace, repo), options, () => work(controller.signal)),
    );
  } catch (error) {
    if (controller.signal.aborted) throw abortError(controller.signal);
    throw error;
  } finally {
    stopListening();
    signal?.removeEventListener('abort', forward);
  }
}

/**
 * Deletes a model (or, with `repo: null`, the whole namespace) once no load holds it: queues for
 * the exclusive lock, tells the loads holding it to stop, then runs `work` under the lock.
 * @example
 * await deleteExclusively('inpage', 'Xenova/all-MiniLM-L6-v2', () => deleteCachedModel(store, repo));
 */
export async function deleteExclusively<T>(namespace: string, repo: string | null, work: () => Promise<T>): Promise<T> {
  const locks = lockManager();
  const channel = channelOf(namespace);
  if (!locks) {
    channel.post({ type: 'deleting', repo });
    return work();
  }
  const name = repo === null ? namespaceLock(namespace) : repoLock(namespace, repo);
  const done = locks.request(name, { mode: 'exclusive' }, work);
  // Queued first, then announced: a load starting now waits behind the delete.
  channel.post({ type: 'deleting', repo });
  return done;
}

/**
 * The repos another load holds right now (eviction leaves them alone).
 * @example
 * const busy = await reposInUse('inpage');
 */
export async function reposInUse(namespace: string): Promise<Set<string>> {
  const snapshot = await lockManager()?.query();
  const prefix = `${lockPrefix(namespace)}repo:`;
  const names = [...(snapshot?.held ?? []), ...(snapshot?.pending ?? [])].map((lock) => lock.name ?? '');
  return new Set(names.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length)));
}

/**
 * Runs `work` holding a repo's exclusive lock if no load holds it right now, never waiting for it
 * (`ifAvailable`): eviction may take a victim's lock while its own load holds another, and a load
 * that starts meanwhile waits until the victim's files are gone, instead of reading half of them.
 * @returns `work`'s result, or `undefined` when the repo is in use (the victim is skipped).
 * @example
 * const freed = await withIdleRepo('inpage', victim.repo, () => evict(victim));
 */
export async function withIdleRepo<T>(namespace: string, repo: string, work: () => Promise<T>): Promise<T | undefined> {
  const locks = lockManager();
  if (!locks) return work();
  return locks.request(repoLock(namespace, repo), { mode: 'exclusive', ifAvailable: true }, (lock) => (lock ? work() : undefined));
}

/** Least time between two progress messages about one file. */
const progressIntervalMs = 100;

/**
 * Runs `download` holding the file's exclusive lock: one download per file across tabs, workers
 * and clients. While waiting, `onBytes` hears the holder's progress (at once, then as it comes);
 * the holder's own `onBytes` calls are broadcast. When the holder's tab closes, the lock passes to a waiting load, which
 * resumes from the stored chunks.
 * @example
 * const record = await withFileLock({ namespace, name: fileLock(namespace, repo, blobId(file)), signal, onBytes }, (onBytes) => downloadFile({ ...context, onBytes }, file));
 */
export async function withFileLock<T>(
  target: { namespace: string; name: string; signal?: AbortSignal; onBytes?: (loaded: number) => void },
  download: (onBytes: (loaded: number) => void) => Promise<T>,
): Promise<T> {
  const { namespace, name, signal, onBytes } = target;
  const channel = channelOf(namespace);
  let lastLoaded: number | undefined;
  const post = throttleLatest((loaded: number) => channel.post({ type: 'progress', file: name, loaded }), progressIntervalMs);
  const report = (loaded: number): void => {
    lastLoaded = loaded;
    onBytes?.(loaded);
    post(name, loaded, false);
  };
  const locks = lockManager();
  if (!locks) return download(report);
  let holding = false;
  const stopListening = channel.listen((message) => {
    if (message.type === 'deleting' || message.file !== name) return;
    if (message.type === 'progress' && !holding) onBytes?.(message.loaded);
    if (message.type === 'progress-query' && holding && lastLoaded !== undefined)
      channel.post({ type: 'progress', file: name, loaded: lastLoaded });
  });
  channel.post({ type: 'progress-query', file: name });
  try {
    return await locks.request(name, signal ? { signal } : {}, () => {
      holding = true;
      return download(report);
    });
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    throw error;
  } finally {
    post.flush();
    stopListening();
  }
}
