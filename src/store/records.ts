import type { RepoFile } from '../hub/hub-client.ts';
import type { ResolvedDtype } from '../types.ts';

/**
 * Download state of one blob: a file's content, keyed by its content identity (see {@link blobId}),
 * so every commit and path with the same bytes shares it. Visible to loads only once `verified`.
 */
export interface FileRecord {
  repo: string;
  /** The content identity: the LFS sha256, else the git blob oid (see {@link blobId}). */
  blob: string;
  /** The path it was last downloaded under (messages and progress name it). */
  path: string;
  /** Expected size in bytes (from the tree API). */
  size: number;
  /** Expected git blob sha1. */
  oid: string;
  /** Expected sha256 (weight files). */
  sha256?: string;
  /** Chunk size the stored chunks were cut with. */
  chunkSize: number;
  /** How many complete chunks are stored, from the start of the file. */
  chunks: number;
  /** The streaming hash state after those chunks, so a resumed download keeps an exact hash. */
  hashState?: Uint8Array;
  /** The stored chunks came from a body with `Content-Encoding`: never resumed with `Range`, restarted instead. */
  encoded?: boolean;
  /** Chunks inpage 0.1 wrote under its (commit, path) key: a migrated record points at them rather than copy them. */
  chunksAt?: { commit: string; path: string };
  verified: boolean;
  updatedAt: number;
}

/** The file list of one commit, kept so that a load works offline. */
export interface SnapshotRecord {
  repo: string;
  commit: string;
  /** The Hub endpoint that listed it: a mirror's list is never trusted for another endpoint. */
  endpoint?: string;
  files: RepoFile[];
  storedAt: number;
}

/** How a file is identified by content: its LFS sha256, else its git blob oid (lower case). */
export function blobId(file: Pick<RepoFile, 'oid' | 'sha256'>): string {
  return (file.sha256 ?? file.oid).toLowerCase();
}

/** Which commit a branch or tag pointed at, when inpage last looked. */
export interface RefRecord {
  repo: string;
  revision: string;
  commit: string;
  /** The Hub endpoint that answered: a mirror's ref is never trusted for another endpoint. */
  endpoint?: string;
  /**
   * A newer commit a background check found, whose files are not all stored yet: `commit` moves to
   * it once a load has stored them (a ref only ever names a commit a load completed).
   */
  pending?: string;
  checkedAt: number;
}

/** One (repo, commit, dtype) made available by a load or an install: what `cache.list()` shows. */
export interface ModelRecord {
  repo: string;
  /** The revision it was asked for under (branch, tag or commit). */
  revision: string;
  commit: string;
  dtype: ResolvedDtype;
  /** Paths of the files a load of it reads. */
  files: string[];
  /** The blob of each of those files, in the same order (see {@link blobId}). */
  blobs: string[];
  /** A load asked for this commit by its sha: the record stays when a branch moves on. */
  commitPinned?: boolean;
  /** Sum of those files' sizes. */
  bytes: number;
  /** Last load or install, epoch ms (eviction is least recently used first). */
  lastUsed: number;
}

/** The key of chunk `index` of a blob: by content, or where 0.1 wrote it (see {@link FileRecord.chunksAt}). */
export function chunkKey(record: Pick<FileRecord, 'repo' | 'blob' | 'chunksAt'>, index: number): IDBValidKey {
  const { repo, chunksAt } = record;
  return chunksAt ? [repo, chunksAt.commit, chunksAt.path, index] : [repo, record.blob, index];
}

/** The keys of every chunk a blob of this size may have. */
export function chunkKeys(record: Pick<FileRecord, 'repo' | 'blob' | 'chunksAt' | 'size' | 'chunkSize'>): IDBValidKey[] {
  return Array.from({ length: Math.max(1, Math.ceil(record.size / record.chunkSize)) }, (_, i) => chunkKey(record, i));
}

/** Bytes already stored for a file record. */
export function storedBytes(record: FileRecord): number {
  return Math.min(record.size, record.chunks * record.chunkSize);
}
