import { InpageError } from '../errors.ts';

/**
 * A Hub repo id, by the Hub's own rules (huggingface_hub's `validate_repo_id`): an optional
 * `namespace/` then a name, each of letters, digits, `_`, `.` and `-`, starting and ending with a
 * letter, digit or `_`; no `..` or `--` anywhere, not ending in `.git`, at most 96 characters per
 * part. So `..`, `.` and `org/..` are refused: they would walk up a path-prefixed mirror's URL.
 * @example
 * repoIdPattern.test('Xenova/all-MiniLM-L6-v2'); // true
 * repoIdPattern.test('org/..'); // false
 */
export const repoIdPattern = /^(?!.*\.\.)(?!.*--)(?!.*\.git$)(?:(?=[\w.-]{1,96}\/)\w(?:[\w.-]*\w)?\/)?(?=[\w.-]{1,96}$)\w(?:[\w.-]*\w)?$/;

/**
 * Checks a repo id (see {@link repoIdPattern}).
 * @throws InpageError `INVALID_INPUT` for anything else.
 * @example
 * assertRepoId('Xenova/all-MiniLM-L6-v2');
 */
export function assertRepoId(repo: unknown): string {
  if (typeof repo !== 'string' || !repoIdPattern.test(repo)) {
    throw new InpageError('INVALID_INPUT', `${JSON.stringify(String(repo))} is not a Hub model id (expected "org/name").`);
  }
  return repo;
}

/**
 * Checks a model id: a string in the Hub's `org/name` form.
 * @throws TypeError for a non-string, InpageError `INVALID_INPUT` for a malformed id.
 * @example
 * assertModelId('Xenova/all-MiniLM-L6-v2');
 */
export function assertModelId(model: unknown): string {
  if (typeof model !== 'string') throw new TypeError('inpage: the model id must be a string such as "Xenova/all-MiniLM-L6-v2".');
  if (!repoIdPattern.test(model)) throw new InpageError('INVALID_INPUT', `"${model}" is not a Hub model id (expected "org/name").`);
  return model;
}

/** A lone (unpaired) UTF-16 surrogate: `encodeURIComponent` throws a raw `URIError` on it. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks a revision (branch, tag, `refs/pr/N` or commit sha): non-empty, at most 256 characters,
 * well-formed Unicode, no control characters, and no `.` or `..` path segment (the revision is a
 * path segment of every Hub URL).
 * @throws InpageError `INVALID_INPUT` for anything else.
 * @example
 * assertRevision('refs/pr/1');
 */
export function assertRevision(revision: unknown): string {
  const valid =
    typeof revision === 'string' &&
    revision.length > 0 &&
    revision.length <= 256 &&
    !loneSurrogate.test(revision) &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f]/.test(revision) &&
    !revision.split('/').some((segment) => segment === '' || segment === '.' || segment === '..');
  if (!valid)
    throw new InpageError('INVALID_INPUT', `${JSON.stringify(String(revision))} is not a valid revision (branch, tag or commit).`);
  return revision;
}
