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

let engines: Promise<{ sha1: IHasher; sha256: IHasher }> | undefined;

/**
 * Compiles the two hash modules, once per worker. Call it before the ONNX Runtime starts: in
 * Chromium an asynchronous `WebAssembly.compile` that starts while the runtime's 26 MB module
 * is being compiled can wait for tens of seconds on a busy 2-core machine (seen as downloads that
 * hang after their response arrived). Every hasher then shares these two instances.
 * @example
 * await prepareHashing(); // in the worker's init, then start the runtime
 */
export function prepareHashing(): Promise<{ sha1: IHasher; sha256: IHasher }> {
  engines ??= Promise.all([createSHA1(), createSHA256()]).then(([sha1, sha256]) => ({ sha1, sha256 }));
  engines.catch(() => (engines = undefined));
  return engines;
}

/**
 * Creates a hasher for a file, resumed from `state` when given. Hashers of concurrent downloads
 * share one engine per algorithm: each call loads its own state, updates and saves it again
 * (a few hundred bytes), which JavaScript's single thread keeps atomic.
 * @example
 * const hasher = await createFileHasher(record, record.hashState);
 */
export async function createFileHasher(file: Pick<FileRecord, 'sha256' | 'size'>, state?: Uint8Array): Promise<FileHasher> {
  const { sha1, sha256 } = await prepareHashing();
  const engine = file.sha256 ? sha256 : sha1;
  let saved: Uint8Array;
  if (state) saved = state;
  else {
    engine.init();
    if (!file.sha256) engine.update(new TextEncoder().encode(`blob ${file.size}\0`));
    saved = engine.save();
  }
  return {
    update: (bytes) => {
      engine.load(saved);
      engine.update(bytes);
      saved = engine.save();
    },
    save: () => saved,
    digest: () => engine.load(saved).digest('hex'),
  };
}

/**
 * Whether a saved hash state loads in this build of hash-wasm. A state saved by another build (an
 * upgrade within `^4.12.0`) does not: the download then restarts that file instead of failing on
 * every load.
 * @example
 * if (record.hashState && !(await hashStateLoads(record, record.hashState))) await restart(record);
 */
export async function hashStateLoads(file: Pick<FileRecord, 'sha256'>, state: Uint8Array): Promise<boolean> {
  const { sha1, sha256 } = await prepareHashing();
  try {
    (file.sha256 ? sha256 : sha1).load(state);
    return true;
  } catch {
    return false;
  }
}
