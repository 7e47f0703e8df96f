import { InpageError } from '../errors.ts';

/** A file of a repo at one commit, as the Hub's tree API lists it. */
export interface RepoFile {
  path: string;
  size: number;
  /** Git blob sha1 of the content (the tree API's `oid`). */
  oid: string;
  /** sha256 of the content, for LFS (weight) files. */
  sha256?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSize = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether a path is a plain relative file path: `/`-separated, no empty, `.` or `..` segment, no
 * backslash or control character, well-formed Unicode, at most 1024 characters.
 */
export function isRepoPath(path: unknown): path is string {
  return (
    typeof path === 'string' &&
    path.length > 0 &&
    path.length <= 1024 &&
    !loneSurrogate.test(path) &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f\\]/.test(path) &&
    path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..')
  );
}

/**
 * Checks one page of the tree API and adds its files to `files` (by path). Directories and other
 * entry types are skipped. A file needs a plain relative `path` (see {@link isRepoPath}), a size,
 * a 40-hex `oid`, and when `lfs` is given a 64-hex `lfs.oid` with `lfs.size` equal to `size`.
 * A path listed twice is refused: the answer is inconsistent (or pagination went wrong).
 * @throws InpageError `NETWORK` naming the first bad entry.
 * @example
 * const files = new Map<string, RepoFile>();
 * addTreePage(body, files, '"org/model"');
 */
export function addTreePage(body: unknown, files: Map<string, RepoFile>, what: string): void {
  const bad = (detail: string): InpageError => new InpageError('NETWORK', `The Hub sent a malformed file list for ${what}: ${detail}.`);
  if (!Array.isArray(body)) throw bad('not a JSON array');
  for (const [index, entry] of body.entries()) {
    if (!isObject(entry) || typeof entry.type !== 'string') throw bad(`entry ${index} has no type`);
    if (entry.type !== 'file') continue;
    const { path, size, oid, lfs } = entry;
    if (!isRepoPath(path)) throw bad(`entry ${index} has an invalid path ${JSON.stringify(path)}`);
    if (!isSize(size)) throw bad(`"${path}" has an invalid size`);
    if (typeof oid !== 'string' || !/^[0-9a-f]{40}$/.test(oid)) throw bad(`"${path}" has no valid oid`);
    const file: RepoFile = { path, size, oid };
    if (lfs !== undefined && lfs !== null) {
      if (!isObject(lfs) || typeof lfs.oid !== 'string' || !/^[0-9a-f]{64}$/.test(lfs.oid)) throw bad(`"${path}" has an invalid lfs.oid`);
      if (lfs.size !== size) throw bad(`"${path}" has lfs.size ${String(lfs.size)} but size ${size}`);
      file.sha256 = lfs.oid;
    }
    if (files.has(path)) throw bad(`"${path}" is listed twice`);
    files.set(path, file);
  }
}
