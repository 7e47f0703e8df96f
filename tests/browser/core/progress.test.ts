import { describe, expect, it } from 'vitest';
import type { LoadProgressEvent } from 'inpage';
import { testClient } from '../support/client.ts';
import { models, texts } from './models.ts';

describe('load progress and custom workers', () => {
  it('reports resolve, downloads with the total known up front, then compile and ready', async () => {
    const client = testClient();
    const events: LoadProgressEvent[] = [];
    const model = await client.load('sentiment-analysis', models.sentiment, { onProgress: (event) => events.push(event) });
    const phases = events.map((event) => event.phase);
    expect(phases[0]).toBe('resolve');
    expect(phases.slice(-2)).toEqual(['compile', 'ready']);
    const firstTotal = events.find((event) => event.phase === 'total');
    const lastTotal = events.findLast((event) => event.phase === 'total');
    expect(firstTotal?.phase === 'total' && firstTotal.total).toBeGreaterThan(0);
    expect(lastTotal?.phase === 'total' && lastTotal.loaded === lastTotal.total && lastTotal.total === firstTotal?.total).toBe(true);
    expect(events.at(-1)).toEqual({
      phase: 'ready',
      model: models.sentiment,
      device: model.device,
      dtype: model.dtype,
      commit: model.commit,
      offline: false,
    });

    // Stored now: no download events, still compile and ready.
    const again: string[] = [];
    await client.load('sentiment-analysis', models.sentiment, { onProgress: (event) => again.push(event.phase) });
    expect(again.includes('download')).toBe(false);
    expect(again.slice(-2)).toEqual(['compile', 'ready']);
  });

  it('works with a worker entry that imports inpage only after an await', async () => {
    let started = 0;
    const factory = (): Worker => {
      started += 1;
      return new Worker(new URL('../workers/late-import.ts', import.meta.url), { type: 'module' });
    };
    const client = testClient({ worker: factory, heartbeatMs: 50 });
    // Idle while the worker's modules load: the heartbeat must not take it for dead.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(started).toBe(1);
    const model = await client.load('sentiment-analysis', models.sentiment);
    expect(started).toBe(1);
    expect((await model.run(texts.positive))[0]?.label).toBe('POSITIVE');
  });
});
