import { describe, expect, it } from 'vitest';
import { batchedRun, onDemand, requestChecks } from '../../../src/client/on-demand.ts';
import { InpageError } from '../../../src/errors.ts';

describe('onDemand', () => {
  it('loads once for every caller', async () => {
    let loads = 0;
    const load = onDemand('thing', async () => ({ n: ++loads }));
    const [a, b] = await Promise.all([load(), load()]);
    expect(await load()).toBe(a);
    expect(b).toBe(a);
    expect(loads).toBe(1);
  });

  it('a failed load is NETWORK, names the module, keeps its cause, and is tried again at the next call', async () => {
    const cut = new TypeError('Failed to fetch dynamically imported module: /assets/batched-run.js');
    let loads = 0;
    const load = onDemand('batching', async () => {
      if (++loads === 1) throw cut;
      return 'module';
    });
    const failed = await load().catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(InpageError);
    expect(failed).toMatchObject({ code: 'NETWORK', cause: cut });
    expect((failed as Error).message).toBe(`inpage's batching could not be loaded: ${cut.message}`);
    await expect(load()).resolves.toBe('module');
    expect(loads).toBe(2);
  });

  it('loads the client’s on-demand modules', async () => {
    expect(typeof (await batchedRun()).runBatched).toBe('function');
    expect(typeof (await requestChecks()).modelRequest).toBe('function');
  });
});
