import { describe, expect, it } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import { assertModelId } from '../../../src/hub/ids.ts';
import { repoIdPattern } from '../../../src/hub/hub-client.ts';

describe("repo ids follow the Hub's rules", () => {
  it.each(['Xenova/all-MiniLM-L6-v2', 'gpt2', 'org_1/model.v2', 'a/b', `org/${'a'.repeat(96)}`])('accepts %s', (id) => {
    expect(repoIdPattern.test(id)).toBe(true);
  });

  it.each([
    '..',
    '.',
    'org/..',
    '../org',
    'org/.',
    '.org/name',
    'org/name.',
    '-org/name',
    'org/-name',
    'org/name-',
    'a..b/c',
    'a--b/c',
    'org/name.git',
    `org/${'a'.repeat(97)}`,
    'a/b/c',
    'org/na me',
    '',
  ])('refuses %j, on the main thread too (INVALID_INPUT)', (id) => {
    expect(repoIdPattern.test(id)).toBe(false);
    let thrown: unknown;
    try {
      assertModelId(id);
    } catch (error) {
      thrown = error;
    }
    expect(isInpageError(thrown, 'INVALID_INPUT')).toBe(true);
  });
});
