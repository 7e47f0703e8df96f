import type { RepoFile } from '../../src/hub/hub-client.ts';
import type { ResolvedDtype } from '../../src/types.ts';

/** Download state of one file of one commit. Visible to loads only once `verified`. */
export interface FileRecord {
  repo: string;
  commit: string;
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

/** Which commit a branch or tag pointed at, when inpage last looked. */
export interface RefRecord {
  repo: string;
  revision: string;
  commit: string;
  /** The Hub endpoint that answered: a mirror's ref is never trusted for another endpoint. */
  endpoint?: string;
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
  /** Sum of those files' sizes. */
  bytes: number;
  /** Last load or install, epoch ms (eviction is least recently used first). */
  lastUsed: number;
}

/** Bytes already stored for a file record. */
export function storedBytes(record: FileRecord): number {
  return Math.min(record.size, record.chunks * record.chunkSize);
}
