import { assertModelId } from '../hub/ids.ts';
import type { LoadProgressEvent } from '../types.ts';
import type { LoadRequest } from '../rpc/contract.ts';
import type { Capabilities } from '../runtime/capabilities.ts';
import { checkTaskId } from '../tasks/registry.ts';
import type { TaskId } from '../tasks/registry.ts';
import type { Device, Dtype, ResolvedDevice, ResolvedDtype, RevisionPolicy, SessionDtypes } from '../types.ts';
import type { FitReport } from '../fit/fit-check.ts';
import { remoteCallback } from '../rpc/comlink.ts';
import { withRecovery } from './recovery.ts';
import { assertDtypeOption } from '../runtime/device-plan.ts';
import type { LoadOptions } from './client-options.ts';
import { assertOneOf } from './client-options.ts';
import type { WorkerHost } from './worker-host.ts';

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
  /** The client's first worker host: the store's calls go there. */
  primary: WorkerHost;
  /** The host whose workers run models on a device (one host per ONNX Runtime build). */
  hostFor: (device: ResolvedDevice) => WorkerHost;
  /** What the browser offers, probed by the first worker. */
  capabilities: () => Promise<Capabilities>;
  nextCallId: () => number;
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

/** Per client (its first host): whether its `auto` worker found a WebGPU adapter (it chose WebGPU). */
const adapterFound = new WeakMap<WorkerHost, boolean>();

/**
 * The host of a load or install for `device`: `auto` runs on WebGPU when the probe found an adapter
 * and WebGPU has not failed in this client, else on WASM. A first host started as `auto` is waited
 * for (its worker's choice is the probe's answer, with no extra round trip), so no second worker
 * starts for the same build.
 * @example
 * const host = await route(services, 'auto');
 */
export async function route(services: ModelRequestServices, device: Device): Promise<WorkerHost> {
  const { primary, health } = services;
  if (primary.device === 'auto') adapterFound.set(primary, (await primary.call(async () => primary.device)) === 'webgpu');
  let planned = device;
  if (planned === 'auto') {
    const adapter = adapterFound.get(primary) ?? (await services.capabilities()).webgpu.adapter !== null;
    planned = adapter && health.webgpuFailure === null ? 'webgpu' : 'wasm';
  }
  return services.hostFor(planned);
}

export { routed } from '../routing/route-entry.ts';
export { taskTable } from '../tasks/registry.ts';

/**
 * Options of `client.cache.install()`: those of the `load()` it prepares for, so it stores
 * exactly the files that load will read.
 */
export type InstallOptions = Omit<LoadOptions, 'revisionPolicy'>;

/** What `client.cache.install()` stored. */
export interface InstallResult {
  model: string;
  revision: string;
  commit: string;
  dtype: ResolvedDtype;
  /** Bytes of the model's files. */
  bytes: number;
  /** Bytes downloaded by this call (0 when everything was stored). */
  downloaded: number;
}

/** The client defaults `client.cache` applies (createCacheAdmin). */
export interface CacheAdminSettings {
  device: Device;
  policy: RevisionPolicy;
  /** Ask for persistent storage after the first install. @default true */
  persist?: boolean;
}

/**
 * Downloads and verifies a model's files where the matching `load()` would run, so it stores
 * exactly the files that load reads.
 * @example
 * const result = await installModel(services, settings, 'text-classification', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');
 */
export async function installModel(
  services: ModelRequestServices,
  settings: CacheAdminSettings,
  task: TaskId,
  model: string,
  options: InstallOptions,
): Promise<InstallResult> {
  const request = modelRequest(task, model, options, settings);
  const { onProgress } = request;
  const prepared = await withRecovery(
    { host: () => route(services, request.requestedDevice), nextCallId: services.nextCallId, signal: request.signal },
    (remote, callId) =>
      remote.prepare(callId, workerRequest(request, services.health), onProgress ? remoteCallback(onProgress) : undefined),
  );
  const { commit, dtype, bytes, downloaded } = prepared;
  return { model, revision: request.revision, commit, dtype, bytes, downloaded };
}

/**
 * The fit check of the plan `load()` would use, before any weight byte.
 * @example
 * const report = await fitModel(services, settings, 'text-classification', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english', {});
 */
export function fitModel(
  services: ModelRequestServices,
  settings: CacheAdminSettings,
  task: TaskId,
  model: string,
  options: InstallOptions,
): Promise<FitReport> {
  const request = modelRequest(task, model, options, settings);
  return withRecovery(
    { host: () => route(services, request.requestedDevice), nextCallId: services.nextCallId, signal: request.signal },
    (remote, callId) => remote.fit(callId, workerRequest(request, services.health)),
  );
}
