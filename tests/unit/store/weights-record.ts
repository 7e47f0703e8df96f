import type { FileRecord } from '../../../src/store/records.ts';
import { sha256 } from '../../hub/test-fixture.ts';

/**
 * A new record of `content` as the weights `onnx/model.onnx` of test-org/tiny, with nothing stored
 * yet: for the tests that drive `writeBody` with a body of their own.
 * @example
 * await writeBody({ store }, weightsRecord(content, 16 * 1024), response, 0);
 */
export function weightsRecord(content: Uint8Array, chunkSize: number): FileRecord {
  return {
    repo: 'test-org/tiny',
    blob: sha256(content),
    path: 'onnx/model.onnx',
    size: content.byteLength,
    oid: '0'.repeat(40),
    sha256: sha256(content),
    chunkSize,
    chunks: 0,
    verified: false,
    updatedAt: 0,
  };
}
