import { createSHA1, createSHA256 } from 'hash-wasm';
import type { IHasher } from 'hash-wasm';
import type { FileRecord } from './records.ts';

/**
 * A streaming hash of a file's content that can be saved after each stored chunk and resumed,
 * so a download continued in a new tab still ends with an exact hash. Weight files are checked
 * against their LFS sha256; other files against their git blob sha1 (`blob {size}\0` + content).
 */
export interface FileHasher {
  update(bytes: Uint8Array): void;
  save(): Uint8Array;
  /** The hex digest; compare with {@link expectedDigest}. */
  digest(): string;
}

/** The digest a file must have. */
export function expectedDigest(file: Pick<FileRecord, 'sha256' | 'oid'>): string {
  return (file.sha256 ?? file.oid).toLowerCase();
}

/**
 * Creates a hasher for a file, resumed from `state` when given.
 * @example
 * const hasher = await createFileHasher(record, record.hashState);
 */
export async function createFileHasher(file: Pick<FileRecord, 'sha256' | 'size'>, state?: Uint8Array): Promise<FileHasher> {
  const hasher: IHasher = file.sha256 ? await createSHA256() : await createSHA1();
  if (state) hasher.load(state);
  else {
    hasher.init();
    if (!file.sha256) hasher.update(new TextEncoder().encode(`blob ${file.size}\0`));
  }
  return {
    update: (bytes) => void hasher.update(bytes),
    save: () => hasher.save(),
    digest: () => hasher.digest('hex'),
  };
}
