import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';

/** Where the bytes of one file live: on disk (read lazily) or in memory (a `commit()` overlay). */
export type FileSource = { kind: 'disk'; abs: string; mtimeMs: number } | { kind: 'mem'; data: Uint8Array };

/** One file of one revision. */
export interface FileEntry {
  /** Path inside the repo, `/`-separated, no leading slash. */
  readonly path: string;
  readonly size: number;
  readonly source: FileSource;
}

/** Content digests of a file, computed once and cached. */
export interface FileHashes {
  /** sha256 hex of the bytes (the LFS oid, the CDN ETag). */
  readonly sha256: string;
  /** git blob sha1 hex of the bytes (the Hub ETag of a regular file). */
  readonly gitOid: string;
}

/** A complete tree of files with its deterministic commit sha. */
export interface Snapshot {
  readonly sha: string;
  readonly files: ReadonlyMap<string, FileEntry>;
  readonly lastModified: Date;
}

/** A repo id that exists: a folder under `root`, possibly reached through an alias. */
export interface RepoRef {
  /** The public id used in URLs (an alias or the folder id). */
  readonly id: string;
  /** Absolute folder holding revision `main`. */
  readonly dir: string;
}

/** Extensions stored with Git LFS on the Hub (served through the CDN). */
const LFS_EXTENSIONS = [
  '.onnx',
  '.onnx_data',
  '.onnx.data',
  '.bin',
  '.safetensors',
  '.gguf',
  '.pt',
  '.pth',
  '.h5',
  '.msgpack',
  '.tflite',
  '.ckpt',
  '.npz',
];
/** Files above this size are LFS whatever their extension. */
export const LFS_SIZE_THRESHOLD = 1024 * 1024;
const REVISIONS_DIR = '.revisions';
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const COMMIT_SHA = /^[0-9a-f]{40}$/;

/**
 * Whether the Hub stores this file with LFS (weights, or anything above 1 MiB).
 *
 * @example
 * isLfs({ path: 'onnx/model.onnx', size: 10, source }); // true
 */
export function isLfs(entry: FileEntry): boolean {
  const lower = entry.path.toLowerCase();
  return entry.size > LFS_SIZE_THRESHOLD || LFS_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * The text of the Git LFS pointer file of a blob (what git stores in place of the bytes).
 *
 * @example
 * lfsPointer(sha256, 1234).length; // pointer size
 */
export function lfsPointer(sha256: string, size: number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
}

/**
 * git blob sha1 of some bytes: sha1 of `blob {size}\0{bytes}`.
 *
 * @example
 * gitBlobOid(''); // 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'
 */
export function gitBlobOid(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * Yields the bytes `[start, end]` (inclusive) of a file in chunks of at most 64 KiB.
 *
 * @example
 * for await (const chunk of readRange(entry, 0, entry.size - 1)) hash.update(chunk);
 */
export async function* readRange(entry: FileEntry, start: number, end: number): AsyncGenerator<Uint8Array> {
  if (end < start) return;
  if (entry.source.kind === 'mem') {
    for (let at = start; at <= end; at += 65536) yield entry.source.data.subarray(at, Math.min(end + 1, at + 65536));
    return;
  }
  const stream = createReadStream(entry.source.abs, { start, end, highWaterMark: 65536 });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
}

interface RepoOverlay {
  /** Revisions whose head was replaced by `commit()`. */
  readonly heads: Map<string, Snapshot>;
  /** Every commit seen by `commit()` (before and after), so old shas stay resolvable. */
  readonly commits: Map<string, Snapshot>;
}

/**
 * The repos of a root folder: lazy file listing, cached hashes, revisions, commit overlays.
 *
 * @example
 * const store = new RepoStore('/tmp/models', { 'Xenova/x': 'org/x' });
 * const repo = await store.findRepo('Xenova/x');
 * const main = repo && (await store.resolveRevision(repo, 'main'));
 */
export class RepoStore {
  private readonly hashCache = new Map<string, Promise<FileHashes>>();
  private readonly memHashes = new WeakMap<Uint8Array, FileHashes>();
  private readonly overlays = new Map<string, RepoOverlay>();

  /**
   * @param root - Folder of `{org}/{name}` repos.
   * @param aliases - Public repo id → folder repo id.
   */
  constructor(
    private readonly root: string,
    private readonly aliases: Readonly<Record<string, string>>,
  ) {}

  /** Finds a repo by public id (alias or folder); undefined when it does not exist. */
  async findRepo(id: string): Promise<RepoRef | undefined> {
    const folder = Object.hasOwn(this.aliases, id) ? this.aliases[id] : id;
    if (folder === undefined || !isRepoId(id) || !isRepoId(folder)) return undefined;
    const dir = path.join(this.root, ...folder.split('/'));
    const stat = await fsp.stat(dir).catch(() => undefined);
    return stat?.isDirectory() ? { id, dir } : undefined;
  }

  /** The content digests of a file (sha256 and git blob sha1), cached. */
  hashes(entry: FileEntry): Promise<FileHashes> {
    const source = entry.source;
    if (source.kind === 'mem') {
      let cached = this.memHashes.get(source.data);
      if (!cached) {
        cached = { sha256: createHash('sha256').update(source.data).digest('hex'), gitOid: gitBlobOid(source.data) };
        this.memHashes.set(source.data, cached);
      }
      return Promise.resolve(cached);
    }
    const key = `${source.abs}\0${entry.size}\0${source.mtimeMs}`;
    let pending = this.hashCache.get(key);
    if (!pending) {
      pending = hashFile(source.abs, entry.size);
      pending.catch(() => this.hashCache.delete(key));
      this.hashCache.set(key, pending);
    }
    return pending;
  }

  /** Names of the branches/tags of a repo: `main`, the `.revisions/` folders, and overlay heads. */
  async revisionNames(repo: RepoRef): Promise<string[]> {
    const names = new Set(['main']);
    const entries = await fsp.readdir(path.join(repo.dir, REVISIONS_DIR), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isDirectory()) names.add(decodeName(entry.name));
    for (const name of this.overlays.get(repo.id)?.heads.keys() ?? []) names.add(name);
    return [...names].sort();
  }

  /** Resolves a branch/tag name or a 40-hex commit sha to a snapshot; undefined when unknown. */
  async resolveRevision(repo: RepoRef, revision: string): Promise<Snapshot | undefined> {
    const overlay = this.overlays.get(repo.id);
    const head = overlay?.heads.get(revision);
    if (head) return head;
    const dir = await this.revisionDir(repo, revision);
    if (dir !== undefined) return this.snapshotOf(dir, revision === 'main');
    if (!COMMIT_SHA.test(revision)) return undefined;
    const old = overlay?.commits.get(revision);
    if (old) return old;
    for (const name of await this.revisionNames(repo)) {
      const snapshot = await this.resolveRevision(repo, name);
      if (snapshot?.sha === revision) return snapshot;
    }
    return undefined;
  }

  /**
   * Creates a commit on a revision as an in-memory overlay over its current files.
   *
   * @param repo - An existing repo.
   * @param files - Path → new content; `null` deletes the file.
   * @param revision - Branch to commit to (must exist).
   * @returns The new commit sha.
   */
  async commit(repo: RepoRef, files: Readonly<Record<string, Uint8Array | string | null>>, revision: string): Promise<string> {
    const current = await this.resolveRevision(repo, revision);
    if (!current || COMMIT_SHA.test(revision)) throw new Error(`Revision not found: ${repo.id}@${revision}`);
    const next = new Map(current.files);
    for (const [file, content] of Object.entries(files)) {
      const clean = file.replace(/^\/+/, '');
      if (!clean || clean.split('/').some((s) => s === '' || s === '.' || s === '..') || clean.startsWith(`${REVISIONS_DIR}/`)) {
        throw new Error(`Invalid file path: ${file}`);
      }
      if (content === null) {
        next.delete(clean);
        continue;
      }
      const data = typeof content === 'string' ? new Uint8Array(Buffer.from(content)) : new Uint8Array(content);
      next.set(clean, { path: clean, size: data.length, source: { kind: 'mem', data } });
    }
    const snapshot: Snapshot = { sha: await this.commitSha(next), files: next, lastModified: new Date() };
    let overlay = this.overlays.get(repo.id);
    if (!overlay) {
      overlay = { heads: new Map(), commits: new Map() };
      this.overlays.set(repo.id, overlay);
    }
    overlay.commits.set(current.sha, current);
    overlay.commits.set(snapshot.sha, snapshot);
    overlay.heads.set(revision, snapshot);
    return snapshot.sha;
  }

  /** Drops every `commit()` overlay (the disk content is served again). */
  reset(): void {
    this.overlays.clear();
  }

  private async revisionDir(repo: RepoRef, revision: string): Promise<string | undefined> {
    if (revision === 'main') return repo.dir;
    const base = path.join(repo.dir, REVISIONS_DIR);
    const entries = await fsp.readdir(base, { withFileTypes: true }).catch(() => []);
    const match = entries.find((e) => e.isDirectory() && decodeName(e.name) === revision);
    return match ? path.join(base, match.name) : undefined;
  }

  private async snapshotOf(dir: string, isMain: boolean): Promise<Snapshot> {
    const files = new Map<string, FileEntry>();
    let lastModified = 0;
    const walk = async (abs: string, rel: string): Promise<void> => {
      const entries = await fsp.readdir(abs, { withFileTypes: true });
      for (const entry of entries) {
        if (entry.name === '.git' || (isMain && rel === '' && entry.name === REVISIONS_DIR)) continue;
        const childAbs = path.join(abs, entry.name);
        const childRel = rel ? `${rel}/${entry.name}` : entry.name;
        const stat = await fsp.stat(childAbs).catch(() => undefined);
        if (stat?.isDirectory()) await walk(childAbs, childRel);
        else if (stat?.isFile()) {
          files.set(childRel, { path: childRel, size: stat.size, source: { kind: 'disk', abs: childAbs, mtimeMs: stat.mtimeMs } });
          lastModified = Math.max(lastModified, stat.mtimeMs);
        }
      }
    };
    await walk(dir, '');
    return { sha: await this.commitSha(files), files, lastModified: new Date(Math.floor(lastModified)) };
  }

  /** sha1 hex of the sorted `path\0sha256\n` lines of the files. */
  private async commitSha(files: ReadonlyMap<string, FileEntry>): Promise<string> {
    const sorted = [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const lines = await Promise.all(sorted.map(async (entry) => `${entry.path}\0${(await this.hashes(entry)).sha256}\n`));
    return createHash('sha1').update(lines.join('')).digest('hex');
  }
}

function isRepoId(id: string): boolean {
  const parts = id.split('/');
  return parts.length === 2 && parts.every((p) => SEGMENT.test(p) && !p.includes('..'));
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

async function hashFile(abs: string, size: number): Promise<FileHashes> {
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1').update(`blob ${size}\0`);
  for await (const chunk of createReadStream(abs, { highWaterMark: 1 << 20 })) {
    sha256.update(chunk as Buffer);
    sha1.update(chunk as Buffer);
  }
  return { sha256: sha256.digest('hex'), gitOid: sha1.digest('hex') };
}
