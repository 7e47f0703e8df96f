/**
 * The router against fake handles: the timings are injected, the loads are promises the test
 * settles, and nothing waits on a timer.
 */
import { describe, expect, it } from 'vitest';
import { ClientEvents } from '../../../src/client/events.ts';
import type { LoadOne } from '../../../src/client/client.ts';
import type { ModelHandle } from '../../../src/client/model-handle.ts';
import { Router } from '../../../src/routing/router.ts';
import type { RouteEvent, RouteRung } from '../../../src/routing/route-types.ts';

/** A stand-in for a model handle: what the router reads and calls. */
class FakeHandle {
  idle = true;
  disposed = false;
  constructor(
    public model: string,
    public device: 'wasm' | 'webgpu' = 'wasm',
  ) {}
  get dtype(): string {
    return 'q8';
  }
  adopt(other: FakeHandle): void {
    this.model = other.model;
    this.device = other.device;
    other.disposed = true;
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

function setup(rungs: RouteRung[], rung = 0) {
  const handle = new FakeHandle(rungs[rung]?.model ?? '');
  const events = new ClientEvents();
  const seen: RouteEvent[] = [];
  events.on('route', (event) => seen.push(event));
  const loads: Array<{ model: string; resolve: (handle: FakeHandle) => void; reject: (error: unknown) => void }> = [];
  const loadOne = ((_task: unknown, model: string) =>
    new Promise((resolve, reject) => loads.push({ model, resolve, reject }))) as unknown as LoadOne;
  let cost = 0;
  const router = new Router(
    handle as unknown as ModelHandle<'sentiment-analysis'>,
    { task: 'sentiment-analysis', options: {}, rungs, rung, target: { p95: 100, window: 4 }, reason: 'picked' },
    { loadOne, events, timing: () => cost },
  );
  const call = (ms: number): void => {
    cost = ms;
    router.between();
    router.sample(0);
  };
  return { handle, router, seen, loads, call };
}

const ladder = (): RouteRung[] => [
  { model: 'org/large', p95: 60, refused: null },
  { model: 'org/small', p95: null, refused: null },
];

describe('Router', () => {
  it('installs the next rung once a full window misses, and switches at once when idle', async () => {
    const { handle, router, seen, loads, call } = setup(ladder());
    for (let i = 0; i < 3; i++) call(500);
    expect(loads).toEqual([]);
    call(500);
    expect(loads.map((load) => load.model)).toEqual(['org/small']);
    loads[0]?.resolve(new FakeHandle('org/small'));
    await Promise.resolve();
    expect(handle.model).toBe('org/small');
    expect(seen.map((event) => [event.kind, event.from.model, event.to.model])).toEqual([['down', 'org/large', 'org/small']]);
    expect(router.route.rung).toBe(1);
    // The rung left keeps the p95 it missed with.
    expect(router.route.rungs[0]?.p95).toBe(500);
  });

  it('waits for the gap before the next call when the model is busy', async () => {
    const { handle, seen, loads, call } = setup(ladder());
    for (let i = 0; i < 4; i++) call(500);
    handle.idle = false;
    loads[0]?.resolve(new FakeHandle('org/small'));
    await Promise.resolve();
    expect([handle.model, seen.length]).toEqual(['org/large', 0]);
    call(500); // the next group starts: the switch comes first
    expect([handle.model, seen.length]).toEqual(['org/small', 1]);
  });

  it('loads one rung at a time, and marks a rung that fails to load as refused', async () => {
    const { router, loads, call } = setup(ladder());
    for (let i = 0; i < 8; i++) call(500);
    expect(loads).toHaveLength(1);
    loads[0]?.reject(new Error('too large'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(router.route.rungs[1]?.refused).toBe('Error: too large');
    for (let i = 0; i < 8; i++) call(500);
    expect(loads).toHaveLength(1);
  });

  it('steps back up only after 3 windows with headroom', async () => {
    const rungs = ladder();
    rungs[1] = { model: 'org/small', p95: 20, refused: null };
    const { handle, seen, loads, call } = setup(rungs, 1);
    // Now 10 ms where it measured 20: the large rung projects to 30 ms, under 0.8 × 100.
    for (let i = 0; i < 11; i++) call(10);
    expect(loads).toEqual([]);
    call(10);
    expect(loads.map((load) => load.model)).toEqual(['org/large']);
    loads[0]?.resolve(new FakeHandle('org/large'));
    await Promise.resolve();
    expect([handle.model, seen[0]?.kind]).toEqual(['org/large', 'up']);
  });

  it('takes a new target live: a loose one keeps the rung, a tight one steps down', () => {
    const { router, loads, call } = setup(ladder());
    router.retarget({ p95: 1000, window: 2 });
    call(500);
    call(500);
    expect(loads).toEqual([]);
    router.retarget({ p95: 100, window: 2 });
    call(500);
    expect(loads.map((load) => load.model)).toEqual(['org/small']);
    expect(() => router.retarget({ p95: -1 })).toThrow(RangeError);
  });

  it('frees a handle that arrives after its model was disposed', async () => {
    const { handle, router, loads, call } = setup(ladder());
    for (let i = 0; i < 4; i++) call(500);
    router.dispose();
    const late = new FakeHandle('org/small');
    loads[0]?.resolve(late);
    await Promise.resolve();
    expect([late.disposed, handle.model]).toEqual([true, 'org/large']);
  });
});
