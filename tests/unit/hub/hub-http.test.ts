import { describe, expect, it } from 'vitest';
import { InpageError } from '../../../src/errors.ts';
import { defaultHubLimits, markTransient, retryAfterMs, withRetries } from '../../../src/hub/hub-http.ts';

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, capped, and ignores the rest', () => {
    expect(retryAfterMs('3', 60_000)).toBe(3000);
    expect(retryAfterMs('0', 60_000)).toBe(0);
    expect(retryAfterMs('3600', 60_000)).toBe(60_000);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfterMs(inTenSeconds, 60_000)).toBeGreaterThan(8000);
    expect(retryAfterMs(inTenSeconds, 60_000)).toBeLessThanOrEqual(10_000);
    expect(retryAfterMs(new Date(Date.now() - 5000).toUTCString(), 60_000)).toBe(0);
    expect(retryAfterMs(null, 60_000)).toBeUndefined();
    expect(retryAfterMs('soon', 60_000)).toBeUndefined();
    expect(retryAfterMs('-5', 60_000)).toBeUndefined();
  });
});

describe('withRetries', () => {
  const limits = { ...defaultHubLimits, backoffMs: 1, backoffMaxMs: 2 };

  it('retries transient failures only, up to `retries` times', async () => {
    let calls = 0;
    const flaky = async (): Promise<string> => {
      calls += 1;
      if (calls < 3) throw markTransient(new InpageError('NETWORK', 'busy'));
      return 'ok';
    };
    expect(await withRetries(flaky, 2, limits)).toBe('ok');
    expect(calls).toBe(3);
    calls = 0;
    const permanent = async (): Promise<never> => {
      calls += 1;
      throw new InpageError('UNAUTHORIZED', 'no');
    };
    await expect(withRetries(permanent, 5, limits)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(calls).toBe(1);
  });

  it('waits the Retry-After the failure carries rather than the backoff', async () => {
    let calls = 0;
    const started = Date.now();
    await withRetries(
      async () => {
        calls += 1;
        if (calls === 1) throw markTransient(new InpageError('NETWORK', '429'), 200);
        return calls;
      },
      1,
      limits,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const pending = withRetries(
      () => Promise.reject(markTransient(new InpageError('NETWORK', 'busy'), 60_000)),
      3,
      limits,
      controller.signal,
    );
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
