import { assertModelId } from '../hub/ids.ts';
import type { LoadProgressEvent } from '../types.ts';
import type { LoadRequest } from '../rpc/contract.ts';
import type { Capabilities } from '../runtime/capabilities.ts';
import { checkTaskId } from '../tasks/registry.ts';
import type { TaskId } from '../tasks/registry.ts';
import type { Device, Dtype, RevisionPolicy, SessionDtypes } from '../types.ts';
import { assertDtypeOption } from '../runtime/device-plan.ts';
import type { LoadOptions } from './client-options.ts';
import { assertOneOf } from './client-options.ts';
import type { WorkerHost } from './worker-host.ts';
import type { LoadOne } from './client.ts';
import type { ClientEvents } from './events.ts';
import type { ModelHandle } from './model-handle.ts';
import type { ClientOptions, ResolvedClientOptions } from './client-options.ts';

/** The options `load()` and `cache.install()` share. */
export type ModelRequestOptions = LoadOptions;

/** A validated model request, ready for the worker. */
export interface ModelRequest {
  task: TaskId;
  model: string;
  requestedDevice: Device;
  dtype: Dtype | SessionDtypes;
  revision: string;
  policy: RevisionPolicy;
  skipFitCheck: boolean;
  signal: AbortSignal | undefined;
  /** The caller's progress callback. */
  onProgress: ((event: LoadProgressEvent) => void) | undefined;
}

/** What the client services give every model request. */
export interface ModelRequestServices {
  host: WorkerHost;
  nextCallId: () => number;
  capabilities: () => Promise<Capabilities>;
  /** What the client learned about WebGPU (shared by its loads and models). */
  health: DeviceHealth;
}

/**
 * A client's memory of WebGPU failures: after one, `auto` loads go straight to WASM instead of
 * paying for another failed session and a worker restart each.
 */
export interface DeviceHealth {
  /** Why WebGPU failed in this client, or `null` while it has not. */
  webgpuFailure: string | null;
}

/**
 * Validates the arguments of `load()` / `cache.install()` on the main thread, before anything is sent.
 * `checkTask` checks the task id (the task table's, by default).
 * @throws InpageError `UNSUPPORTED_TASK`, `INVALID_INPUT`; TypeError for wrong option types.
 * @example
 * const request = modelRequest(task, model, options, { device: 'auto', policy: 'stale-while-revalidate' });
 */
export function modelRequest(
  task: unknown,
  model: unknown,
  options: ModelRequestOptions,
  defaults: { device: Device; policy: RevisionPolicy },
  checkTask: (id: unknown) => unknown = checkTaskId,
): ModelRequest {
  checkTask(task);
  assertModelId(model);
  if (typeof options !== 'object' || options === null) throw new TypeError('inpage: options must be an object.');
  const requestedDevice = options.device ?? defaults.device;
  assertOneOf('device', requestedDevice, ['auto', 'webgpu', 'wasm'] as const);
  const dtype = options.dtype ?? 'auto';
  assertDtypeOption(dtype);
  const revision = options.revision ?? 'main';
  if (typeof revision !== 'string' || revision.length === 0) throw new TypeError('inpage: revision must be a non-empty string.');
  const policy = options.revisionPolicy ?? defaults.policy;
  assertOneOf('revisionPolicy', policy, ['stale-while-revalidate', 'pinned', 'always-check'] as const);
  const { signal, onProgress: userProgress, skipFitCheck = false } = options;
  if (typeof skipFitCheck !== 'boolean') throw new TypeError('inpage: skipFitCheck must be a boolean.');
  if (userProgress !== undefined && typeof userProgress !== 'function') throw new TypeError('inpage: onProgress must be a function.');
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('inpage: signal must be an AbortSignal.');
  return {
    task: task as TaskId,
    model: model as string,
    requestedDevice,
    dtype,
    revision,
    policy,
    skipFitCheck,
    signal,
    onProgress: userProgress,
  };
}

/**
 * The worker's request for a model request: the device is planned in the worker, from its probe and
 * what the client learned about WebGPU.
 * @example
 * const info = await remote.load(callId, workerRequest(request, health), request.onProgress);
 */
export function workerRequest(request: ModelRequest, health: DeviceHealth): LoadRequest {
  const { task, model, revision, requestedDevice, dtype, policy, skipFitCheck } = request;
  const sent: LoadRequest = {
    task,
    model,
    revision,
    device: requestedDevice,
    dtype,
    policy,
    avoidWebgpu: health.webgpuFailure !== null,
  };
  if (skipFitCheck) sent.skipFitCheck = true;
  return sent;
}

/** What routing needs from its client. */
export interface RoutingServices {
  loadOne: LoadOne;
  probe: () => Promise<Capabilities>;
  events: ClientEvents;
  resolved: ResolvedClientOptions;
  /** The client's options (`routing` is read). */
  options: ClientOptions;
}

/**
 * A routed load, when the load needs routing (its code loads on demand, see routing/): a ladder, a
 * latency target, or `auto` in a browser with WebGPU (device calibration, unless software adapters
 * are `use`d as they are). `undefined` for a plain load.
 * @throws the errors of `load()`.
 * @example
 * const handle = (await routed(task, model, options, services)) ?? (await loadOne(task, model, options));
 */
export async function routed<T extends TaskId>(
  task: T,
  model: string | readonly string[],
  options: LoadOptions,
  services: RoutingServices,
): Promise<ModelHandle<T> | undefined> {
  const device = (typeof options === 'object' && options?.device) || services.resolved.device;
  const calibrates = device === 'auto' && services.options.routing?.softwareAdapter !== 'use' && globalThis.navigator?.gpu !== undefined;
  if (typeof model === 'string' && options?.latencyTarget === undefined && !calibrates) return undefined;
  const { routedLoad } = await import('../routing/routed-load.ts');
  return routedLoad(task, model, options, services);
}
