/**
 * Public types of routing: latency targets, model ladders, and the route a model reports. Types
 * only (the routing code loads on demand).
 * @module
 */
import type { ResolvedDevice, ResolvedDtype } from '../types.ts';

/**
 * What `auto` does with a software WebGPU adapter (`isFallbackAdapter`, e.g. SwiftShader), which is
 * far slower than WASM on real devices:
 * - `avoid`: `auto` runs WASM;
 * - `measure`: `auto` measures it against WASM like a hardware adapter (so calibration runs in CI,
 *   whose only adapter is SwiftShader);
 * - `use`: `auto` runs it without measuring (tests of the WebGPU code paths on SwiftShader).
 */
export type SoftwareAdapterPolicy = 'avoid' | 'measure' | 'use';

/**
 * A latency target: the 95th percentile of a call's execution time on this device, in ms (measured
 * in the worker around the inference; the wait behind earlier calls excluded; for `stream()` and
 * chat turns, the whole stream).
 * @example
 * const target: LatencyTarget = { p95: 120 };
 */
export interface LatencyTarget {
  /** The 95th percentile, in ms. */
  p95: number;
  /**
   * Calls in the rolling window that decides a step down (a rung misses when the window's p95 does).
   * Stepping back up needs 3 windows' worth of calls on the lower rung first.
   * @default 20
   */
  window?: number;
}

/** One call timing, as routing sees it (the `routing.timing` test hook may replace `ms`). */
export interface RouteSample {
  model: string;
  device: ResolvedDevice;
  /**
   * `warmup` for a calibration's untimed run (its time is not used), `calibration` for a timed one
   * (at load or in the background), `call` for a real call.
   */
  phase: 'warmup' | 'calibration' | 'call';
  ms: number;
}

/** Client options of routing. */
export interface RoutingOptions {
  /**
   * What `auto` does with a software WebGPU adapter (see {@link SoftwareAdapterPolicy}).
   * @default 'avoid'
   */
  softwareAdapter?: SoftwareAdapterPolicy;
  /**
   * For tests only: replaces each measured time (calibration runs and real calls), so a test
   * decides the cost of each model and device instead of racing real timings.
   * @example
   * createClient({ routing: { timing: ({ model, ms }) => (model === 'org/large' ? 500 : ms) } });
   */
  timing?: (sample: RouteSample) => number;
}

/** One rung of a ladder as measured on this device. */
export interface RouteRung {
  model: string;
  /**
   * The p95 measured on this device (warm-up runs excluded), or `null` when it was not measured; a
   * rung left for missing the target keeps the window p95 it missed with.
   */
  p95: number | null;
  /** Why the rung cannot run here (e.g. the fit check's `MODEL_TOO_LARGE` message), or `null`. */
  refused: string | null;
}

/** How a model's device was chosen. */
export interface DeviceRoute {
  device: ResolvedDevice;
  /** `measured`: both devices were measured now; `remembered`: a decision stored for this model, commit, dtype, adapter, browser and threads. */
  source: 'measured' | 'remembered';
  /** The p95 of each device's calibration, in ms (`null`: not measured). */
  measured: { webgpu: number | null; wasm: number | null };
  reason: string;
}

/**
 * What a model runs and why (`model.route`): the ladder's rungs and the running one, whether it
 * meets the target, and how the device was chosen.
 */
export interface ModelRoute {
  /** The latency target, or `null` for a model loaded without one (device calibration only). */
  target: LatencyTarget | null;
  rungs: RouteRung[];
  /** Index of the running rung. */
  rung: number;
  /** The running rung's model, device and dtype. */
  model: string;
  device: ResolvedDevice;
  dtype: ResolvedDtype;
  /** Whether the running rung met the target when it was measured (`null` without a target). */
  meetsTarget: boolean | null;
  /** How the device was chosen (`null` while calibrating, or when there was nothing to choose). */
  deviceChoice: DeviceRoute | null;
  /** Why this rung and device run, in words. */
  reason: string;
}

/** A routing change (`client.on('route', …)`): a device chosen by calibration, or a switch of rung. */
export interface RouteEvent {
  kind: 'device' | 'down' | 'up';
  from: { model: string; device: ResolvedDevice };
  to: { model: string; device: ResolvedDevice };
  reason: string;
  /** The route after the change. */
  route: ModelRoute;
}
