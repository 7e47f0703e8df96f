/**
 * Routing decisions as pure functions of measurements: which device runs a model, which rung of a
 * ladder meets a latency target, and when to step down or back up. No clock, no I/O: the router
 * (router.ts) feeds them timings, so Node tests can feed them injected ones.
 * @module
 */
import type { ResolvedDevice } from '../types.ts';

/**
 * The nearest-rank percentile of `values` (`p` in 0–100); `NaN` for no values.
 * @example
 * percentile([5, 1, 9, 3], 95); // 9
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/**
 * The last `size` call timings of the running rung. A sample taken while the page was hidden
 * (`document.hidden`: timers and the GPU are throttled) says nothing about the device and is ignored.
 * @example
 * const window = new RollingWindow(20);
 * window.add(12, document.hidden);
 * window.full && window.p95() > target;
 */
export class RollingWindow {
  readonly size: number;
  #samples: number[] = [];

  constructor(size: number) {
    this.size = size;
  }

  /** Adds a sample; returns `false` when it was ignored (taken while hidden, or not a finite time). */
  add(ms: number, hidden: boolean): boolean {
    if (hidden || !Number.isFinite(ms) || ms < 0) return false;
    this.#samples.push(ms);
    if (this.#samples.length > this.size) this.#samples.shift();
    return true;
  }

  /** The samples, oldest first. */
  get samples(): readonly number[] {
    return this.#samples;
  }

  /** Whether the window holds `size` samples (no decision is taken on fewer). */
  get full(): boolean {
    return this.#samples.length >= this.size;
  }

  /** The window's 95th percentile (`NaN` while empty). */
  p95(): number {
    return percentile(this.#samples, 95);
  }

  /** Forgets every sample (after a switch, the new rung starts a fresh window). */
  clear(): void {
    this.#samples = [];
  }
}

/** One device's calibration: the p95 of timed runs after warm-up. */
export interface DeviceMeasurement {
  p95: number;
  /** Timed runs (warm-up runs excluded). */
  runs: number;
}

/** The device a model runs on, and why. */
export interface DeviceDecision {
  device: ResolvedDevice;
  reason: string;
}

/** WebGPU must beat WASM by this factor: WASM leaves the GPU to the page and varies less. */
export const webgpuMargin = 0.9;

/**
 * Picks the device from calibration measurements. A software adapter (`isFallbackAdapter`, e.g.
 * SwiftShader) never wins unless `allowSoftware`; WebGPU wins only when its p95 is under
 * {@link webgpuMargin} × WASM's; a device without a measurement loses to one with it.
 * @example
 * decideDevice({ webgpu: { p95: 4, runs: 10 }, wasm: { p95: 12, runs: 10 }, softwareAdapter: false }).device; // 'webgpu'
 */
export function decideDevice(input: {
  webgpu: DeviceMeasurement | null;
  wasm: DeviceMeasurement | null;
  softwareAdapter: boolean;
  allowSoftware?: boolean;
}): DeviceDecision {
  const { webgpu, wasm } = input;
  if (input.softwareAdapter && !input.allowSoftware) return { device: 'wasm', reason: 'the WebGPU adapter is a software one' };
  if (!webgpu || !Number.isFinite(webgpu.p95)) return { device: 'wasm', reason: 'WebGPU was not measured' };
  if (!wasm || !Number.isFinite(wasm.p95)) return { device: 'webgpu', reason: 'WASM was not measured' };
  const figures = `WebGPU p95 ${round(webgpu.p95)} ms, WASM p95 ${round(wasm.p95)} ms`;
  return webgpu.p95 < wasm.p95 * webgpuMargin
    ? { device: 'webgpu', reason: `WebGPU is faster (${figures})` }
    : { device: 'wasm', reason: `WASM is as fast or faster (${figures})` };
}

/** What is known of one rung of a ladder when choosing. */
export interface RungState {
  /** Measured p95 on this device, `null` while not measured. */
  p95: number | null;
  /** Why the rung cannot run here (the fit check refused it, it failed to load), or `null`. */
  refused: string | null;
}

/** The next step of a ladder's choice at load: measure a rung, or run one. */
export type RungStep = { kind: 'measure'; index: number } | { kind: 'pick'; index: number; meets: boolean; reason: string };

/**
 * The ladder's choice, taken rung by rung: the first rung (in order) whose measured p95 meets the
 * target, skipping refused rungs; a rung not measured yet is measured first. When no rung meets it,
 * the last rung that can run (the fastest), and the reason says so.
 * @throws RangeError when every rung was refused (the caller reports their reasons).
 * @example
 * nextRungStep([{ p95: 300, refused: null }, { p95: null, refused: null }], 120); // { kind: 'measure', index: 1 }
 */
export function nextRungStep(rungs: readonly RungState[], targetP95: number): RungStep {
  for (const [index, rung] of rungs.entries()) {
    if (rung.refused !== null) continue;
    if (rung.p95 === null) return { kind: 'measure', index };
    if (rung.p95 <= targetP95) return { kind: 'pick', index, meets: true, reason: `p95 ${round(rung.p95)} ms meets ${targetP95} ms` };
  }
  const last = rungs.findLastIndex((rung) => rung.refused === null);
  if (last < 0) throw new RangeError('inpage: no rung of the ladder can run here.');
  const p95 = rungs[last]?.p95 ?? Number.NaN;
  return { kind: 'pick', index: last, meets: false, reason: `no rung meets ${targetP95} ms; the last one runs (p95 ${round(p95)} ms)` };
}

/** The thresholds of stepping between rungs while the model runs. */
export interface StepPolicy {
  /** Calls in the rolling window. @default 20 */
  window: number;
  /** Stepping back up needs the upper rung's projected p95 under this fraction of the target. @default 0.8 */
  headroom: number;
  /** Calls on a rung (since the last switch) before stepping back up is considered. @default 3 × window */
  upAfter: number;
}

/**
 * The default {@link StepPolicy} for a window size.
 * @example
 * stepPolicy(20); // { window: 20, headroom: 0.8, upAfter: 60 }
 */
export function stepPolicy(window = 20): StepPolicy {
  return { window, headroom: 0.8, upAfter: 3 * window };
}

/** What a step decision reads. */
export interface StepInput {
  /** The running rung's window (samples since the last switch, hidden ones ignored). */
  window: RollingWindow;
  targetP95: number;
  /** The running rung and the last rung that can run. */
  rung: number;
  lastRung: number;
  /** Calls on the running rung since the last switch. */
  callsSinceSwitch: number;
  /** The running rung's p95 when it was measured (calibration), if it was. */
  measuredP95: number | null;
  /** The nearest runnable upper rung's index and calibration p95, if there is one and it was measured. */
  upper: { index: number; measuredP95: number } | null;
}

/** Stay, step down to the next rung, or step back up. */
export type StepDecision = { kind: 'stay' } | { kind: 'down' | 'up'; to: number; reason: string };

/**
 * Whether to switch rungs, from the rolling window of real calls:
 * - **down** when the window is full and its p95 misses the target (more than 1 call in 20 over
 *   it): the rung keeps missing, not once;
 * - **up** (hysteresis) only after {@link StepPolicy.upAfter} calls on this rung, with a full
 *   window, when the upper rung's calibration p95, scaled by how this rung runs now against its
 *   own calibration, is under `headroom` × the target. A device that got slower for a while
 *   (another tab, thermal throttling) comes back up once it is fast again, and not before.
 * @example
 * decideStep({ window, targetP95: 120, rung: 0, lastRung: 1, callsSinceSwitch: 40, measuredP95: 100, upper: null }, stepPolicy());
 */
export function decideStep(input: StepInput, policy: StepPolicy): StepDecision {
  const { window, targetP95, rung } = input;
  if (!window.full) return { kind: 'stay' };
  const p95 = window.p95();
  if (p95 > targetP95) {
    if (rung >= input.lastRung) return { kind: 'stay' };
    return { kind: 'down', to: rung + 1, reason: `p95 ${round(p95)} ms over the last ${window.size} calls misses ${targetP95} ms` };
  }
  const { upper, measuredP95 } = input;
  if (!upper || measuredP95 === null || measuredP95 <= 0 || input.callsSinceSwitch < policy.upAfter) return { kind: 'stay' };
  const projected = upper.measuredP95 * (p95 / measuredP95);
  if (projected > targetP95 * policy.headroom) return { kind: 'stay' };
  return {
    kind: 'up',
    to: upper.index,
    reason: `p95 ${round(p95)} ms leaves headroom: the upper rung projects to ${round(projected)} ms, under ${round(targetP95 * policy.headroom)} ms`,
  };
}

/** How long calibration measures a model on one device. */
export interface CalibrationBudget {
  /** Untimed runs first (shader compilation, allocations). @default 2 */
  warmups: number;
  /** Timed runs wanted (20, so one outlier is not the p95). @default 20 */
  runs: number;
  /** The whole calibration (warm-ups included) stops after this many ms. @default 2000 */
  budgetMs: number;
}

/** The default {@link CalibrationBudget}. */
export const calibrationBudget: CalibrationBudget = { warmups: 2, runs: 20, budgetMs: 2000 };

/**
 * The next run of a calibration: a warm-up, a timed run, or done. The first run is always a warm-up
 * (it compiles shaders and allocates); more warm-ups only in the first half of the budget; then
 * timed runs until the budget's runs or time are spent. At least one timed run is taken, so a
 * model whose single run outlasts the budget still gets a figure (its calibration then takes two
 * runs, not 2 s).
 * @example
 * calibrationStep({ warmupsDone: 2, timed: 3, elapsedMs: 400 }, calibrationBudget); // 'timed'
 */
export function calibrationStep(
  progress: { warmupsDone: number; timed: number; elapsedMs: number },
  budget: CalibrationBudget,
): 'warmup' | 'timed' | 'done' {
  const { warmupsDone, timed, elapsedMs } = progress;
  if (warmupsDone === 0) return 'warmup';
  if (timed === 0) return warmupsDone < budget.warmups && elapsedMs < budget.budgetMs / 2 ? 'warmup' : 'timed';
  return elapsedMs < budget.budgetMs && timed < budget.runs ? 'timed' : 'done';
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
