/**
 * Routing judges calls by their execution time in the worker (the contract's `Timed.ms`), not by
 * the round trip seen on the main thread: the fake worker reports a fixed time for every run.
 */
import { describe, expect, it } from 'vitest';
import { createClientOn } from '../../../src/client/client.ts';
import type { RouteSample } from '../../../src/routing/route-types.ts';
import { fakeWorkers } from '../core/fake-engine.ts';

describe('routing timings', () => {
  it('calibration and real calls see the time the worker measured', async () => {
    const fake = fakeWorkers({ init: async (worker) => void (worker.runMs = 12.5) });
    const seen: RouteSample[] = [];
    const client = createClientOn(
      { worker: fake.factory, device: 'wasm', routing: { timing: (sample) => (seen.push(sample), sample.ms) } },
      { liveness: fake.liveness },
    );
    const model = await client.load('sentiment-analysis', ['org/first', 'org/second'], { latencyTarget: { p95: 100 } });
    expect(model.route?.rungs).toEqual([
      { model: 'org/first', p95: 12.5, refused: null },
      { model: 'org/second', p95: null, refused: null },
    ]);
    expect(await model.run('fine')).toEqual([{ label: 'POSITIVE', score: 1 }]);
    expect(seen.length).toBeGreaterThan(2);
    expect(new Set(seen.map(({ ms }) => ms))).toEqual(new Set([12.5]));
    expect(seen.at(-1)?.phase).toBe('call');
    await client.dispose();
  });
});
