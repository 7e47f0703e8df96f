/**
 * Routing by latency target and device calibration, with injected timings (`routing.timing`): the
 * tests decide what each rung and device costs, so every outcome is deterministic. Real timings
 * are never asserted.
 */
import { describe, expect, it } from 'vitest';
import type { RouteEvent, RouteSample } from 'inpage';
import { addFault } from '../store/support.ts';
import { project, uniqueNamespace } from '../support/hub.ts';
import { testClient } from '../support/client.ts';
import { texts } from './models.ts';
import { workerProbe } from './worker-probe.ts';

/** About 50 ms per 128-token call on WASM, against about 4 ms for `light` (same outputs). */
const heavy = 'inpage-fixtures/sentiment-heavy';
const light = 'inpage-fixtures/sentiment';
/** As light as `light`: the upper rung where the injected timings alone make it slow (a shorter test). */
const upper = 'inpage-fixtures/sentiment-roberta';

/** A timing hook that costs each rung as told, and counts the samples it saw. */
function costs(cost: (sample: RouteSample) => number): { timing: (sample: RouteSample) => number; seen: RouteSample[] } {
  const seen: RouteSample[] = [];
  return { seen, timing: (sample) => (seen.push(sample), cost(sample)) };
}

const nextRoute = (client: ReturnType<typeof testClient>): Promise<RouteEvent> =>
  new Promise((resolve) => {
    const off = client.on('route', (event) => (off(), resolve(event)));
  });

// Ladders do not depend on the device (their timings are injected): they run in the wasm-only
// project only, as the device-independent store tests do; the device tests run where they can.
describe.skipIf(project === 'webgpu')('latency targets and ladders', () => {
  // One storage namespace: each rung is downloaded once for the whole file.
  const storage = { namespace: uniqueNamespace('ladder') };
  it('an impossible target runs the last rung, and the route says no rung meets it', async () => {
    const { timing } = costs(({ model }) => (model === heavy ? 80 : 3));
    const client = testClient({ storage, routing: { softwareAdapter: 'use', timing } });
    const model = await client.load('sentiment-analysis', [heavy, light], { latencyTarget: { p95: 0.5 } });
    const route = model.route;
    expect([route?.rung, route?.model, route?.meetsTarget]).toEqual([1, light, false]);
    expect(route?.rungs).toEqual([
      { model: heavy, p95: 80, refused: null },
      { model: light, p95: 3, refused: null },
    ]);
    expect(route?.reason).toBe('no rung meets 0.5 ms; the last one runs (p95 3 ms)');
    expect((await model.run(texts.positive))[0]?.label).toBe('POSITIVE');
  });

  it('a trivial target runs the first rung, and the rungs after it are never loaded', async () => {
    const { timing, seen } = costs(({ model }) => (model === upper ? 80 : 3));
    const client = testClient({ storage, routing: { softwareAdapter: 'use', timing } });
    const model = await client.load('sentiment-analysis', [upper, light], { latencyTarget: { p95: 10_000 } });
    expect([model.route?.rung, model.model, model.route?.meetsTarget]).toEqual([0, upper, true]);
    expect(model.route?.rungs[1]).toEqual({ model: light, p95: null, refused: null });
    expect(seen.every((sample) => sample.model === upper)).toBe(true);
    expect((await model.run(texts.negative))[0]?.label).toBe('NEGATIVE');
  });

  it('a remembered ladder loads with no calibration run; cache.delete() and cache.clear() forget its routes', async () => {
    const namespace = uniqueNamespace('ladder-memory');
    const target = { latencyTarget: { p95: 10 } };
    const load = async (cost: (sample: RouteSample) => number): Promise<{ rungs: unknown; rung: unknown; seen: RouteSample[] }> => {
      const { timing, seen } = costs(cost);
      const client = testClient({ storage: { namespace }, routing: { softwareAdapter: 'use', timing } });
      const model = await client.load('sentiment-analysis', [upper, light], target);
      const route = model.route;
      expect((await model.run(texts.positive))[0]?.label).toBe('POSITIVE');
      await client.dispose();
      return { rungs: route?.rungs, rung: route?.rung, seen: seen.filter((sample) => sample.phase !== 'call') };
    };
    const upperSlow = ({ model }: RouteSample): number => (model === upper ? 80 : 3);
    const measuredRungs = [
      { model: upper, p95: 80, refused: null },
      { model: light, p95: 3, refused: null },
    ];
    const first = await load(upperSlow);
    expect([first.rung, first.rungs]).toEqual([1, measuredRungs]);
    expect(new Set(first.seen.map((sample) => sample.model))).toEqual(new Set([upper, light]));
    // Every rung would meet the target if measured now: the remembered figures decide instead.
    const allFast = (): number => 1;
    const remembered = await load(allFast);
    expect([remembered.rung, remembered.rungs, remembered.seen]).toEqual([1, measuredRungs, []]);

    const admin = testClient({ storage: { namespace } });
    await admin.cache.delete(upper);
    const afterDelete = await load(allFast);
    expect([afterDelete.rung, afterDelete.rungs]).toEqual([
      0,
      [
        { model: upper, p95: 1, refused: null },
        { model: light, p95: null, refused: null },
      ],
    ]);
    expect(new Set(afterDelete.seen.map((sample) => sample.model))).toEqual(new Set([upper]));
    await admin.cache.clear();
    const afterClear = await load(upperSlow);
    expect([afterClear.rung, afterClear.rungs]).toEqual([1, measuredRungs]);
    expect(new Set(afterClear.seen.map((sample) => sample.model))).toEqual(new Set([upper, light]));
    await admin.dispose();
  });

  it('switches to the next rung under 24 concurrent callers: no call lost, none run twice', async () => {
    const probe = workerProbe();
    let upperCost = 10;
    const { timing, seen } = costs(({ model }) => (model === upper ? upperCost : 1));
    const client = testClient({
      worker: probe.factory,
      storage: { namespace: uniqueNamespace('switch') },
      routing: { softwareAdapter: 'use', timing },
    });
    // The light rung's weights are held, so its install is still under way while the callers queue.
    const release = await addFault({ origin: 'any', repo: light, file: { regex: '^onnx/' }, holdAfterBytes: 0 });
    let released = false;
    try {
      const model = await client.load('sentiment-analysis', [upper, light], { latencyTarget: { p95: 100, window: 4 } });
      expect(model.route?.rung).toBe(0);
      upperCost = 500;
      // A full window of misses: the light rung installs in the background.
      for (let i = 0; i < 4; i++) await model.run(texts.positive);
      const switched = nextRoute(client);
      // The running call takes 1 s in the worker, so the others queue behind it on the upper rung.
      probe.trigger('test:slow-runs', 1000);
      const inputs = Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? `${texts.positive} ${i}` : `${texts.negative} ${i}`));
      let settled = 0;
      const calls = inputs.map((input) => model.run(input).finally(() => (settled += 1)));
      await release();
      released = true;
      const event = await switched;
      const pendingAtSwitch = inputs.length - settled;
      probe.trigger('test:slow-runs', 0);
      const outputs = await Promise.all(calls);
      expect(outputs.map((output) => output[0]?.label)).toEqual(inputs.map((_, i) => (i % 2 === 0 ? 'POSITIVE' : 'NEGATIVE')));
      expect([event.kind, event.from.model, event.to.model]).toEqual(['down', upper, light]);
      expect(event.reason).toBe('p95 500 ms over the last 4 calls misses 100 ms');
      expect(pendingAtSwitch).toBeGreaterThan(0);
      expect([model.route?.rung, model.model]).toEqual([1, light]);
      // Every run the worker received was measured once (warm-up, calibration or call): a call run twice would be one more.
      expect((await probe.stats()).runs).toBe(seen.length);
    } finally {
      if (!released) await release();
    }
  });
});

describe('device by measurement', () => {
  it.skipIf(project !== 'webgpu')('a software adapter never runs auto by default: one WASM worker, on the plain build', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory, routing: {} });
    const model = await client.load('sentiment-analysis', light);
    expect([model.device, model.route]).toEqual(['wasm', null]);
    expect(probe.workers.length).toBe(1);
    expect((await probe.stats()).runtimeFiles).toEqual(['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']);
  });

  it.skipIf(project === 'webgpu')('without an adapter, auto measures nothing', async () => {
    const { timing, seen } = costs(({ ms }) => ms);
    const client = testClient({ routing: { timing } });
    const model = await client.load('sentiment-analysis', light);
    expect([model.device, model.route, seen]).toEqual(['wasm', null, []]);
  });

  it.skipIf(project !== 'webgpu')(
    'calibrates both devices, switches to the faster, and reuses the remembered device with no calibration',
    async () => {
      const namespace = uniqueNamespace('route');
      const wasmWins = ({ device, phase, ms }: RouteSample): number => (phase === 'calibration' ? (device === 'wasm' ? 2 : 40) : ms);
      const first = costs(wasmWins);
      const calibrating = testClient({ storage: { namespace }, routing: { softwareAdapter: 'measure', timing: first.timing } });
      const decided = nextRoute(calibrating);
      const model = await calibrating.load('sentiment-analysis', light);
      expect(model.device).toBe('webgpu');
      const event = await decided;
      expect([event.kind, event.from.device, event.to.device]).toEqual(['device', 'webgpu', 'wasm']);
      expect(model.device).toBe('wasm');
      expect(model.route?.deviceChoice).toEqual({
        device: 'wasm',
        source: 'measured',
        measured: { webgpu: 40, wasm: 2 },
        reason: 'WASM is as fast or faster (WebGPU p95 40 ms, WASM p95 2 ms)',
      });
      expect(model.route?.rungs).toEqual([{ model: light, p95: 2, refused: null }]);
      expect(new Set(first.seen.map((sample) => sample.device))).toEqual(new Set(['webgpu', 'wasm']));
      expect((await model.run(texts.positive))[0]?.label).toBe('POSITIVE');
      await calibrating.dispose();

      const probe = workerProbe();
      const second = costs(wasmWins);
      const returning = testClient({
        worker: probe.factory,
        storage: { namespace },
        routing: { softwareAdapter: 'measure', timing: second.timing },
      });
      const again = await returning.load('sentiment-analysis', light);
      expect(again.device).toBe('wasm');
      expect([again.route?.deviceChoice?.source, again.route?.rungs[0]?.p95]).toEqual(['remembered', 2]);
      expect((await again.run(texts.negative))[0]?.label).toBe('NEGATIVE');
      expect(second.seen).toEqual([]);
      expect((await probe.stats()).sessions.filter((providers) => providers.includes('webgpu'))).toEqual([]);
    },
  );
});
