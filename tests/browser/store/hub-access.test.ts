import { describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import { gatedToken } from '../../setup/hub-config.ts';
import { testClient } from '../support/client.ts';
import { hub, uniqueNamespace } from '../support/hub.ts';
import { addFault, bodyRequests, chunkSize, gatedRepo, now, positiveText, rangeStart, requestsOf, weights } from './support.ts';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => 'resolved',
    (failure: unknown) => failure,
  );
  return isInpageError(error) ? error.code : String(error);
}

describe('gated repos', () => {
  it('resumes a gated download with the token, which never reaches the CDN', async () => {
    const since = now();
    const namespace = uniqueNamespace('gated');
    const cut = 24 * chunkSize + 60_000; // ~50 %, see resume.test.ts
    const remove = await addFault({
      origin: 'cdn',
      repo: gatedRepo,
      file: weights,
      cutAfterBytes: cut,
      bytesPerSecond: 1024 * 1024,
      times: 1,
    });
    try {
      const first = testClient({ lazy: true, hub: { token: gatedToken }, storage: { namespace, chunkSize, retries: 0 } });
      expect(await codeOf(first.load('sentiment-analysis', gatedRepo, { dtype: 'fp32' }))).toBe('NETWORK');
      const second = testClient({ hub: { token: gatedToken }, storage: { namespace, chunkSize, retries: 0 } });
      const model = await second.load('sentiment-analysis', gatedRepo, { dtype: 'fp32' });
      const [top] = await model.run(positiveText);
      expect([top?.label, top?.score.toFixed(4)]).toEqual(['POSITIVE', '0.9727']);
    } finally {
      await remove();
    }
    const cdn = await requestsOf(gatedRepo, since, { origin: 'cdn' });
    expect(cdn.length).toBeGreaterThan(0);
    expect(cdn.filter((record) => 'authorization' in record.headers)).toEqual([]);
    const gets = bodyRequests(cdn.filter((record) => record.file === weights));
    expect(gets).toHaveLength(2);
    expect(rangeStart(gets[1]!)).toBeGreaterThanOrEqual(cut - chunkSize);
    const hubSide = await requestsOf(gatedRepo, since, { origin: 'hub' });
    expect(hubSide.every((record) => record.headers.authorization === `Bearer ${gatedToken}`)).toBe(true);
  });

  it('refuses a gated repo without the token: UNAUTHORIZED', async () => {
    expect(await codeOf(testClient().load('sentiment-analysis', gatedRepo))).toBe('UNAUTHORIZED');
  });

  it('refuses a gated repo with a wrong token: UNAUTHORIZED', async () => {
    expect(await codeOf(testClient({ hub: { token: 'hf_wrong' } }).load('sentiment-analysis', gatedRepo))).toBe('UNAUTHORIZED');
  });
});

describe('Hub error codes', () => {
  it('MODEL_NOT_FOUND for an unknown repo, with and without a token', async () => {
    expect(await codeOf(testClient().load('sentiment-analysis', 'inpage-test/no-such-model'))).toBe('MODEL_NOT_FOUND');
    expect(await codeOf(testClient({ hub: { token: gatedToken } }).load('sentiment-analysis', 'inpage-test/no-such-model'))).toBe(
      'MODEL_NOT_FOUND',
    );
  });

  it('MODEL_NOT_FOUND for an unknown revision', async () => {
    expect(await codeOf(testClient().load('sentiment-analysis', 'inpage-fixtures/sentiment', { revision: 'no-such-branch' }))).toBe(
      'MODEL_NOT_FOUND',
    );
  });

  it('FILE_NOT_FOUND for a dtype the repo lacks, naming the dtypes it has', async () => {
    const repo = 'inpage-fixtures/ner';
    await hub.commit(repo, { 'onnx/model_fp16.onnx': null });
    const error = await testClient()
      .load('token-classification', repo, { dtype: 'fp16', device: 'wasm' })
      .catch((failure: unknown) => failure);
    expect(isInpageError(error, 'FILE_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('the repo has: fp32, q8');
  });

  it('FILE_NOT_FOUND for a revision without tokenizer.json', async () => {
    const repo = 'inpage-fixtures/nli';
    await hub.commit(repo, { 'tokenizer.json': null }, 'main');
    const error = await testClient()
      .load('zero-shot-classification', repo)
      .catch((failure: unknown) => failure);
    expect(isInpageError(error, 'FILE_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('tokenizer.json');
  });

  it('NETWORK when the Hub answers 503 to the revision lookup and nothing is stored', async () => {
    const repo = 'inpage-fixtures/qa';
    const remove = await addFault({ origin: 'hub', repo, status: 503 });
    try {
      expect(await codeOf(testClient().load('question-answering', repo))).toBe('NETWORK');
    } finally {
      await remove();
    }
  });

  it('OFFLINE_NOT_CACHED when the Hub cannot be reached and nothing is stored', async () => {
    await hub.setOffline(true);
    try {
      expect(await codeOf(testClient().load('fill-mask', 'inpage-fixtures/fill-mask'))).toBe('OFFLINE_NOT_CACHED');
    } finally {
      await hub.setOffline(false);
    }
  });
});
