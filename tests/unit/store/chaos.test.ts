import { describe, expect, it } from 'vitest';
import { fastLimits, useHubServer } from '../hub/support.ts';
import { runChaos } from './chaos.ts';

const hub = useHubServer();
/** What a load may fail with under these faults (the database deleted mid-load: `STORAGE` or `ABORTED`). */
const expectedFailures = ['NETWORK', 'QUOTA_EXCEEDED', 'STORAGE', 'ABORTED'];

describe('download chaos (quick mode: one seed; `npm run chaos` runs many)', () => {
  it('every file ends with the right hash, nothing corrupt or partial is ever visible, waste stays within a chunk per resume', async () => {
    const seed = Number(process.env.INPAGE_CHAOS_SEED ?? 20261206);
    const figures = await runChaos(hub.server(), hub.config({ limits: fastLimits }), { seed, runs: 4 });
    console.info(`chaos seed ${seed} (replay: INPAGE_CHAOS_SEED=${seed}): ${JSON.stringify(figures)}`);
    expect({
      incomplete: figures.incomplete,
      wrongHash: figures.wrongHash,
      corrupt: figures.corruptVisible,
      partial: figures.partialComplete,
    }).toEqual({
      incomplete: 0,
      wrongHash: 0,
      corrupt: 0,
      partial: 0,
    });
    expect(Object.keys(figures.failures).filter((code) => !expectedFailures.includes(code))).toEqual([]);
    expect(figures.faults.dbDeleted).toBeGreaterThan(0);
    expect(figures.maxWastePerResume).toBeLessThanOrEqual(figures.chunkSize);
  });
});
