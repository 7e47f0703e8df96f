/**
 * `client.load()` with routing, loaded on demand: a ladder of models under a latency target, and
 * `auto` loads where both devices may run the model (device calibration, or a remembered decision).
 * @module
 */
import { InpageError, isInpageError } from '../errors.ts';
import { assertModelId } from '../hub/ids.ts';
import type { LoadOne } from '../client/client.ts';
import type { LoadOptions } from '../client/client-options.ts';
import { assertOneOf } from '../client/client-options.ts';
import { assertTarget } from './target.ts';
import type { RoutingServices } from './route-entry.ts';
import type { ModelHandle } from '../client/model-handle.ts';
import type { LoadRequest } from '../rpc/contract.ts';
import { wasmThreads } from '../runtime/capabilities.ts';
import type { TaskId } from '../tasks/registry.ts';
import { describeValue } from '../tasks/describe-value.ts';
import { calibrateDevice, measureModel } from './calibration.ts';
import { nextRungStep } from './decisions.ts';
import type { RungState } from './decisions.ts';
import { fileName, holds, recall, recallDevice, rememberDevice, rungName } from './route-memory.ts';
import type { RememberedRung } from './route-memory.ts';
import type { LatencyTarget, RouteRung, RouteSample } from './route-types.ts';
import { Router } from './router.ts';

/**
 * Loads a routed model: a ladder under a latency target, or one model whose `auto` device is
 * calibrated (in the background) or remembered.
 * @throws the errors of `load()`; `MODEL_TOO_LARGE` when every rung was refused; TypeError /
 *   RangeError for a malformed ladder or target.
 * @example
 * const model = await routedLoad('sentiment-analysis', ['org/large', 'org/small'], { latencyTarget: { p95: 120 } }, services);
 */
export async function routedLoad<T extends TaskId>(
  task: T,
  model: string | readonly string[],
  options: LoadOptions,
  services: RoutingServices,
): Promise<ModelHandle<T>> {
  const rungs = typeof model === 'string' ? [model] : model;
  if (!Array.isArray(rungs) || rungs.length === 0 || rungs.some((rung) => typeof rung !== 'string'))
    throw new TypeError(`inpage: model must be a model id or a non-empty array of them, got ${describeValue(model)}.`);
  // Every rung's id is checked before anything loads: a typo in the last rung fails now, not on a step down.
  for (const rung of rungs) assertModelId(rung);
  const policy = services.options.routing?.softwareAdapter ?? 'avoid';
  assertOneOf('routing.softwareAdapter', policy, ['avoid', 'measure', 'use']);
  // Every load of routing tells the worker what `auto` does with a software adapter.
  const plainLoad = services.loadOne;
  const loadOne: LoadOne = (rungTask, rungModel, rungOptions, tweak) =>
    plainLoad(rungTask, rungModel, rungOptions, (request) => ({ ...(tweak ? tweak(request) : request), softwareAdapter: policy }));
  services = { ...services, loadOne };
  const { latencyTarget } = options;
  if (latencyTarget === undefined) {
    if (rungs.length > 1) throw new TypeError('inpage: a ladder of models needs latencyTarget, e.g. { latencyTarget: { p95: 120 } }.');
    return deviceRoutedLoad(task, rungs[0] as string, options, services);
  }
  assertTarget(latencyTarget);
  return ladderLoad(task, rungs, latencyTarget, options, services);
}

function timingOf(services: RoutingServices): (sample: RouteSample) => number {
  return services.options.routing?.timing ?? (({ ms }) => ms);
}

/** The options a rung or a twin loads with: the caller's, without its target (and, in the background, its signal and progress). */
function plainOptions(options: LoadOptions, background: boolean): LoadOptions {
  const { latencyTarget: _target, signal, onProgress, ...rest } = options;
  return background ? rest : { ...rest, ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) };
}

async function ladderLoad<T extends TaskId>(
  task: T,
  models: readonly string[],
  target: LatencyTarget,
  options: LoadOptions,
  services: RoutingServices,
): Promise<ModelHandle<T>> {
  const states: RungState[] = models.map(() => ({ p95: null, refused: null }));
  const loaded = new Map<number, ModelHandle<T>>();
  const timing = timingOf(services);
  let picked: { index: number; reason: string } | undefined;
  try {
    while (!picked) {
      let step;
      try {
        step = nextRungStep(states, target.p95);
      } catch {
        const reasons = states.map((state, i) => `${models[i]}: ${state.refused}`).join('; ');
        throw new InpageError('MODEL_TOO_LARGE', `No model of the ladder can run here (${reasons}).`);
      }
      if (step.kind === 'pick') {
        picked = step;
        break;
      }
      const state = states[step.index] as RungState;
      let handle: ModelHandle<T>;
      try {
        handle = await services.loadOne(task, models[step.index] as string, plainOptions(options, false));
      } catch (error) {
        if (!isInpageError(error, 'MODEL_TOO_LARGE')) throw error;
        state.refused = `${error.code}: ${error.message}`;
        continue;
      }
      loaded.set(step.index, handle);
      state.p95 = await rungP95(handle, options, services, timing);
    }
  } catch (error) {
    await Promise.all([...loaded.values()].map((handle) => handle.dispose()));
    throw error;
  }
  const handle = loaded.get(picked.index) as ModelHandle<T>;
  for (const [index, other] of loaded) if (index !== picked.index) void other.dispose();
  const rungs: RouteRung[] = models.map((name, i) => ({
    model: name,
    p95: Number.isFinite(states[i]?.p95 ?? Number.NaN) ? (states[i]?.p95 as number) : null,
    refused: states[i]?.refused ?? null,
  }));
  const router = new Router(
    handle,
    { task, options: plainOptions(options, true), rungs, rung: picked.index, target, reason: picked.reason },
    { loadOne: services.loadOne, events: services.events, timing },
  );
  handle.routeWith(router);
  return handle;
}

/** The id of the WebGPU adapter a measurement was made with ('' without one). */
async function adapterIdOf(services: RoutingServices): Promise<string> {
  const adapter = (await services.probe()).webgpu.adapter;
  return adapter ? [adapter.vendor, adapter.architecture, adapter.description, adapter.isFallbackAdapter].join('|') : '';
}

/**
 * A loaded rung's p95: remembered for its model, commit, dtype, device, adapter, browser and
 * threads (no calibration run), or measured now and remembered.
 */
async function rungP95<T extends TaskId>(
  handle: ModelHandle<T>,
  options: LoadOptions,
  services: RoutingServices,
  timing: (sample: RouteSample) => number,
): Promise<number> {
  const { resolved } = services;
  const namespace = resolved.worker.storage.namespace;
  const name = rungName(handle.model, options.revision ?? 'main', wasmThreads(resolved.worker.threads).numThreads);
  const key = { commit: handle.commit, dtype: handle.dtype, adapter: await adapterIdOf(services) };
  const remembered = await recall<RememberedRung>(namespace, name);
  if (remembered && holds(remembered, key) && remembered.device === handle.device) return remembered.p95;
  const measured = await measureModel(handle, { timing, signal: options.signal });
  if (!measured) return Number.POSITIVE_INFINITY;
  await rememberDevice(namespace, name, { ...key, device: handle.device, p95: measured.p95 });
  return measured.p95;
}

/**
 * One `auto` model: on the device a remembered decision names (no calibration), else on the
 * worker's choice, calibrated in the background when that is WebGPU.
 */
async function deviceRoutedLoad<T extends TaskId>(
  task: T,
  model: string,
  options: LoadOptions,
  services: RoutingServices,
): Promise<ModelHandle<T>> {
  const { resolved } = services;
  const namespace = resolved.worker.storage.namespace;
  const name = fileName(model, options.revision ?? 'main', wasmThreads(resolved.worker.threads).numThreads);
  const hint = await recallDevice(namespace, name);
  const onWasm = (request: LoadRequest): LoadRequest => ({ ...request, avoidWebgpu: true, dtypeFor: 'webgpu' });
  const handle = await services.loadOne(task, model, plainOptions(options, false), hint?.device === 'wasm' ? onWasm : undefined);
  if (handle.device === 'wasm' && !hint) return handle; // No WebGPU to weigh (none, a software one avoided, or it failed).
  const capabilities = await services.probe();
  if (!capabilities.webgpu.adapter) return handle;
  const adapterId = await adapterIdOf(services);
  const timing = timingOf(services);
  const rungs: RouteRung[] = [{ model, p95: null, refused: null }];
  const init = { task, options: plainOptions(options, true), rungs, rung: 0, target: null };
  if (hint && holds(hint, { commit: handle.commit, dtype: handle.dtype, adapter: adapterId }) && hint.device === handle.device) {
    const router = new Router(
      handle,
      { ...init, reason: `remembered: ${hint.reason}` },
      { loadOne: services.loadOne, events: services.events, timing },
    );
    router.deviceChoice = { device: hint.device, source: 'remembered', measured: hint.measured, reason: hint.reason };
    router.measured(hint.measured[hint.device]);
    handle.routeWith(router);
    return handle;
  }
  const router = new Router(
    handle,
    { ...init, reason: 'calibrating: WebGPU and WASM are measured while the model is idle' },
    {
      loadOne: services.loadOne,
      events: services.events,
      timing,
    },
  );
  handle.routeWith(router);
  void calibrateDevice({
    task,
    options: init.options,
    handle,
    router,
    loadOne: services.loadOne,
    capabilities,
    softwareAdapter: services.options.routing?.softwareAdapter ?? 'avoid',
    timing,
    adapter: adapterId,
    remember: (decision) => rememberDevice(namespace, name, decision),
  });
  return handle;
}
