import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFileHasher, expectedDigest } from '../../../src/store/hashing.ts';

const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) % 251);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const gitOid = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

describe('createFileHasher', () => {
  it('gives the LFS sha256 and the git blob sha1', async () => {
    const lfs = await createFileHasher({ sha256, size: bytes.length });
    lfs.update(bytes);
    expect(lfs.digest()).toBe(sha256);
    const git = await createFileHasher({ size: bytes.length });
    git.update(bytes);
    expect(git.digest()).toBe(gitOid);
  });

  it('resumes exactly from a saved state (as after a stored chunk)', async () => {
    for (const file of [{ sha256, size: bytes.length }, { size: bytes.length }]) {
      const first = await createFileHasher(file);
      first.update(bytes.subarray(0, 65_536));
      const state = first.save();
      const resumed = await createFileHasher(file, state);
      resumed.update(bytes.subarray(65_536));
      expect(resumed.digest()).toBe(file.sha256 ?? gitOid);
    }
  });

  it('expects the sha256 when there is one, else the oid, lower-cased', () => {
    expect(expectedDigest({ sha256: 'ABC', oid: 'def' })).toBe('abc');
    expect(expectedDigest({ oid: 'DEF' })).toBe('def');
  });
});
