import { describe, expect, it } from 'vitest';
import {
  RollingWindow,
  calibrationBudget,
  calibrationStep,
  decideDevice,
  decideStep,
  nextRungStep,
  percentile,
  stepPolicy,
} from '../../../src/routing/decisions.ts';
import type { StepInput } from '../../../src/routing/decisions.ts';

/** A window filled with `values` (none hidden). */
function windowOf(size: number, values: readonly number[]): RollingWindow {
  const window = new RollingWindow(size);
  for (const value of values) window.add(value, false);
  return window;
}

describe('percentile', () => {
  it('is the nearest rank, and NaN for no values', () => {
    expect(percentile([5, 1, 9, 3], 95)).toBe(9);
    expect(percentile([5, 1, 9, 3], 50)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(19);
    expect(percentile([], 95)).toBeNaN();
  });
});

describe('RollingWindow', () => {
  it('keeps the last `size` samples and is full only then', () => {
    const window = windowOf(3, [1, 2]);
    expect(window.full).toBe(false);
    window.add(3, false);
    window.add(4, false);
    expect([window.full, [...window.samples]]).toEqual([true, [2, 3, 4]]);
  });
  it('ignores samples taken while the page is hidden, and impossible times', () => {
    const window = new RollingWindow(2);
    expect(window.add(500, true)).toBe(false);
    expect(window.add(Number.NaN, false)).toBe(false);
    expect(window.add(-1, false)).toBe(false);
    expect(window.add(5, false)).toBe(true);
    expect([...window.samples]).toEqual([5]);
  });
  it('forgets everything on clear()', () => {
    const window = windowOf(2, [1, 2]);
    window.clear();
    expect([window.full, window.p95()]).toEqual([false, Number.NaN]);
  });
});

describe('decideDevice', () => {
  const fast = { p95: 4, runs: 10 };
  const slow = { p95: 40, runs: 10 };
  it('picks the faster device', () => {
    expect(decideDevice({ webgpu: fast, wasm: slow, softwareAdapter: false }).device).toBe('webgpu');
    expect(decideDevice({ webgpu: slow, wasm: fast, softwareAdapter: false }).device).toBe('wasm');
  });
  it('gives WebGPU the win only by a margin', () => {
    expect(decideDevice({ webgpu: { p95: 9.5, runs: 10 }, wasm: { p95: 10, runs: 10 }, softwareAdapter: false }).device).toBe('wasm');
    expect(decideDevice({ webgpu: { p95: 8.9, runs: 10 }, wasm: { p95: 10, runs: 10 }, softwareAdapter: false }).device).toBe('webgpu');
  });
  it('never lets a software adapter win by default, however fast', () => {
    const decision = decideDevice({ webgpu: fast, wasm: slow, softwareAdapter: true });
    expect(decision).toEqual({ device: 'wasm', reason: 'the WebGPU adapter is a software one' });
    expect(decideDevice({ webgpu: fast, wasm: slow, softwareAdapter: true, allowSoftware: true }).device).toBe('webgpu');
  });
  it('prefers a measured device over an unmeasured one', () => {
    expect(decideDevice({ webgpu: null, wasm: slow, softwareAdapter: false }).device).toBe('wasm');
    expect(decideDevice({ webgpu: fast, wasm: null, softwareAdapter: false }).device).toBe('webgpu');
  });
  it('says what it measured', () => {
    expect(decideDevice({ webgpu: slow, wasm: fast, softwareAdapter: false }).reason).toBe(
      'WASM is as fast or faster (WebGPU p95 40 ms, WASM p95 4 ms)',
    );
  });
});

describe('nextRungStep', () => {
  const open = { p95: null, refused: null };
  it('measures the first rung not yet measured', () => {
    expect(nextRungStep([open, open], 120)).toEqual({ kind: 'measure', index: 0 });
    expect(nextRungStep([{ p95: 300, refused: null }, open], 120)).toEqual({ kind: 'measure', index: 1 });
  });
  it('picks the first rung that meets the target, even when a later one is faster', () => {
    const step = nextRungStep(
      [
        { p95: 300, refused: null },
        { p95: 100, refused: null },
        { p95: 5, refused: null },
      ],
      120,
    );
    expect(step).toEqual({ kind: 'pick', index: 1, meets: true, reason: 'p95 100 ms meets 120 ms' });
  });
  it('skips rungs the fit check refused', () => {
    const step = nextRungStep([{ p95: null, refused: 'MODEL_TOO_LARGE' }, open], 120);
    expect(step).toEqual({ kind: 'measure', index: 1 });
  });
  it('runs the last runnable rung when none meets the target, and says so', () => {
    const step = nextRungStep(
      [
        { p95: 300, refused: null },
        { p95: 200, refused: null },
        { p95: null, refused: 'too large' },
      ],
      120,
    );
    expect(step).toEqual({ kind: 'pick', index: 1, meets: false, reason: 'no rung meets 120 ms; the last one runs (p95 200 ms)' });
  });
  it('throws when no rung can run', () => {
    expect(() => nextRungStep([{ p95: null, refused: 'x' }], 120)).toThrow(RangeError);
  });
});

describe('decideStep', () => {
  const policy = stepPolicy(4);
  const base = (window: RollingWindow, extra: Partial<StepInput> = {}): StepInput => ({
    window,
    targetP95: 100,
    rung: 0,
    lastRung: 1,
    callsSinceSwitch: 100,
    measuredP95: 50,
    upper: null,
    ...extra,
  });

  it('waits for a full window before any decision', () => {
    expect(decideStep(base(windowOf(4, [500, 500, 500])), policy)).toEqual({ kind: 'stay' });
  });
  it('steps down when the window keeps missing the target', () => {
    expect(decideStep(base(windowOf(4, [150, 150, 150, 150])), policy)).toEqual({
      kind: 'down',
      to: 1,
      reason: 'p95 150 ms over the last 4 calls misses 100 ms',
    });
  });
  it('does not step down for one slow call in 20', () => {
    const window = windowOf(20, [...Array.from({ length: 19 }, () => 50), 900]);
    expect(decideStep(base(window), stepPolicy(20))).toEqual({ kind: 'stay' });
    window.add(900, false);
    expect(decideStep(base(window), stepPolicy(20)).kind).toBe('down');
  });
  it('does not step down from the last rung', () => {
    expect(decideStep(base(windowOf(4, [150, 150, 150, 150]), { rung: 1 }), policy)).toEqual({ kind: 'stay' });
  });
  it('ignores hidden-page samples: slow calls while hidden never step down', () => {
    const window = windowOf(4, [50, 50, 50]);
    window.add(5000, true);
    expect(decideStep(base(window), policy)).toEqual({ kind: 'stay' });
  });

  describe('stepping back up (hysteresis)', () => {
    // Rung 1 measured 20 ms at calibration, rung 0 measured 150 ms (it missed 100 ms then).
    const onLower = (samples: number[], calls: number): StepInput =>
      base(windowOf(4, samples), { rung: 1, callsSinceSwitch: calls, measuredP95: 20, upper: { index: 0, measuredP95: 150 } });

    it('stays down while the device is as slow as when the upper rung missed', () => {
      expect(decideStep(onLower([20, 20, 20, 20], 1000), policy)).toEqual({ kind: 'stay' });
    });
    it('steps up when the lower rung runs fast enough that the upper one projects under the headroom', () => {
      // Now 10 ms instead of 20: the upper rung projects to 75 ms, under 0.8 × 100.
      expect(decideStep(onLower([10, 10, 10, 10], policy.upAfter), policy)).toEqual({
        kind: 'up',
        to: 0,
        reason: 'p95 10 ms leaves headroom: the upper rung projects to 75 ms, under 80 ms',
      });
    });
    it('does not step up right after a switch', () => {
      expect(decideStep(onLower([10, 10, 10, 10], policy.upAfter - 1), policy)).toEqual({ kind: 'stay' });
    });
    it('keeps a band between the two thresholds: a projection just under the target is not enough', () => {
      // 12.5 ms → the upper rung projects to 93.75 ms: meets 100 ms but not the 80 ms headroom.
      expect(decideStep(onLower([12.5, 12.5, 12.5, 12.5], 1000), policy)).toEqual({ kind: 'stay' });
    });
    it('never steps up to a rung that was not measured', () => {
      expect(decideStep({ ...onLower([1, 1, 1, 1], 1000), upper: null }, policy)).toEqual({ kind: 'stay' });
    });
  });
});

describe('calibrationStep', () => {
  const step = (warmupsDone: number, timed: number, elapsedMs: number): string =>
    calibrationStep({ warmupsDone, timed, elapsedMs }, calibrationBudget);
  it('warms up, then times runs, within the time budget', () => {
    expect([step(0, 0, 0), step(1, 0, 50), step(2, 0, 100), step(2, 19, 1999), step(2, 20, 100)]).toEqual([
      'warmup',
      'warmup',
      'timed',
      'timed',
      'done',
    ]);
  });
  it('stops at 2 s once it has a timed run', () => {
    expect(step(2, 3, 2000)).toBe('done');
  });
  it('takes one warm-up and one timed run however slow the model is', () => {
    expect([step(0, 0, 0), step(1, 0, 5000), step(1, 1, 10_000)]).toEqual(['warmup', 'timed', 'done']);
  });
  it('skips the second warm-up when the first one took half the budget', () => {
    expect(step(1, 0, 1000)).toBe('timed');
  });
});
