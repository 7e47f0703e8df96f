import { describe, expect, it } from 'vitest';
import { hubError, isTransientStatus } from '../../../src/hub/hub-errors.ts';

const answer = (status: number, code?: string): Response =>
  new Response(null, { status, headers: code ? { 'x-error-code': code, 'x-error-message': 'detail' } : {} });
const mapped = (status: number, code: string | undefined, context: { path?: string; withToken: boolean }): string =>
  hubError(answer(status, code), { repo: 'org/model', revision: 'main', ...context }).code;

describe('hubError', () => {
  it('maps RepoNotFound to MODEL_NOT_FOUND whatever the status (401 without a token, 404 with)', () => {
    expect(mapped(401, 'RepoNotFound', { withToken: false })).toBe('MODEL_NOT_FOUND');
    expect(mapped(404, 'RepoNotFound', { withToken: true })).toBe('MODEL_NOT_FOUND');
  });

  it('maps RevisionNotFound to MODEL_NOT_FOUND and EntryNotFound to FILE_NOT_FOUND', () => {
    expect(mapped(404, 'RevisionNotFound', { withToken: false })).toBe('MODEL_NOT_FOUND');
    expect(mapped(404, 'EntryNotFound', { path: 'onnx/model.onnx', withToken: false })).toBe('FILE_NOT_FOUND');
  });

  it('maps GatedRepo and a refused token to UNAUTHORIZED', () => {
    expect(mapped(401, 'GatedRepo', { withToken: false })).toBe('UNAUTHORIZED');
    expect(mapped(403, 'GatedRepo', { withToken: true })).toBe('UNAUTHORIZED');
    expect(mapped(401, undefined, { withToken: true })).toBe('UNAUTHORIZED');
    expect(mapped(403, undefined, { withToken: false })).toBe('UNAUTHORIZED');
  });

  it('falls back on the status: 404 of a file or a repo, 5xx', () => {
    expect(mapped(404, undefined, { path: 'config.json', withToken: false })).toBe('FILE_NOT_FOUND');
    expect(mapped(404, undefined, { withToken: false })).toBe('MODEL_NOT_FOUND');
    expect(mapped(500, undefined, { withToken: false })).toBe('NETWORK');
    expect(mapped(503, 'SomethingElse', { withToken: false })).toBe('NETWORK');
  });

  it("says what failed and keeps the Hub's message", () => {
    const error = hubError(answer(404, 'EntryNotFound'), { repo: 'org/model', revision: 'v2', path: 'tokenizer.json', withToken: false });
    expect(error.message).toBe('File "org/model/tokenizer.json" at revision "v2" does not exist (detail).');
  });
});

describe('isTransientStatus', () => {
  it('retries 408, 425, 429 and 5xx only', () => {
    expect([400, 401, 403, 404, 408, 425, 429, 500, 502, 503].filter(isTransientStatus)).toEqual([408, 425, 429, 500, 502, 503]);
  });
});
