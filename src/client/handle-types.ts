/**
 * What a model handle is built from and hooked to: the spec it (re)starts its pipeline from, the
 * client services it uses, and the hooks routing attaches.
 * @module
 */
import type { ClientEvents } from './events.ts';
import type { DeviceHealth } from './model-request.ts';
import type { WorkerHost } from './worker-host.ts';
import type { LatencyTarget, ModelRoute } from '../routing/route-types.ts';
import type { TaskId } from '../tasks/registry.ts';
import type { Device, DtypeFallback, ResolvedDevice, ResolvedDtype } from '../types.ts';

/** Why a model runs on WASM although WebGPU was planned. */
export interface Fallback {
  from: 'webgpu';
  reason: string;
}

/** What a handle needs to (re)start its pipeline in a worker. */
export interface ModelSpec {
  task: TaskId;
  model: string;
  revision: string;
  commit: string;
  /** The Hub could not be reached: stored data was used. */
  offline: boolean;
  dtype: ResolvedDtype;
  device: ResolvedDevice;
  /** The device the caller asked for (`auto` allows a fallback). */
  requestedDevice: Device;
  /** `auto` stepped down from a dtype that could not fit. */
  dtypeFallback?: DtypeFallback | undefined;
}

/** The client services a handle uses. */
export interface HandleServices {
  /** The host whose workers run models on `device` (one host per ONNX Runtime build). */
  hostFor(device: ResolvedDevice): WorkerHost;

  nextCallId(): number;
  /** Shared with the client's loads: a WebGPU failure here sends later `auto` loads to WASM. */
  health: DeviceHealth;
  /** Called once the handle is disposed (the client stops tracking it). */
  forget?(handle: { dispose(): Promise<void> }): void;
  /** The client's events (a fallback during a call is announced there). */
  events?: ClientEvents;
}

/**
 * What routing (src/routing/, loaded on demand) hooks into a handle: it sees each call's time and
 * may switch the handle to another rung or device, between calls only.
 * @internal
 */
export interface RouteHooks {
  readonly route: ModelRoute;
  /** Called before each group of calls runs: a pending switch is applied here. */
  between(): void;
  /** A worker call answered: it ran `ms` in the worker (measured there; queue wait and pipeline reopening excluded). */
  sample(ms: number): void;
  /** The handle was disposed: stop measuring, free what routing loaded. */
  dispose(): void;
  /** A new target: the next calls are judged against it. */
  retarget(target: LatencyTarget): void;
}
