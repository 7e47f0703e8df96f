/**
 * Calibration: timed runs of a representative input on a loaded model, after warm-up runs, within
 * a time budget; and the device calibration that measures WebGPU against WASM in the background,
 * only while the model has no call to run (a real call pre-empts it).
 * @module
 */
import { abortError, isInpageError } from '../errors.ts';
import type { LoadOne } from '../client/client.ts';
import type { LoadOptions } from '../client/client-options.ts';
import type { ModelHandle } from '../client/model-handle.ts';
import type { LoadRequest } from '../rpc/contract.ts';
import type { Capabilities } from '../runtime/capabilities.ts';
import type { TaskId } from '../tasks/registry.ts';
import type { ResolvedDevice } from '../types.ts';
import { calibrationBudget, calibrationStep, decideDevice, percentile } from './decisions.ts';
import type { CalibrationBudget, DeviceMeasurement } from './decisions.ts';
import { representativeCall } from './representative-input.ts';
import type { RememberedDevice } from './route-memory.ts';
import type { RouteSample, SoftwareAdapterPolicy } from './route-types.ts';
import type { Router } from './router.ts';

/** How a calibration waits and is interrupted. */
export interface MeasureControl {
  timing: (sample: RouteSample) => number;
  signal?: AbortSignal | undefined;
  /** Resolves once measuring may go on (the routed model has no call to run); rejects to stop. */
  untilIdle?: () => Promise<void>;
  /** Told of each run's controller, so a real call can abort it. */
  onRun?: (controller: AbortController | undefined) => void;
}

/**
 * Measures a loaded model on its device: warm-up runs (shader compilation, allocations), then timed
 * runs of {@link representativeCall}, until the budget's runs or time are spent (see {@link calibrationStep}). Time spent waiting
 * for the model to be idle does not count; a pre-empted run is not a sample.
 * @returns the measurement, or `null` when no timed run completed.
 * @throws the run's error (e.g. `INVALID_INPUT` for a model the representative input does not suit), `ABORTED`.
 * @example
 * const measured = await measureModel(handle, { timing: ({ ms }) => ms });
 */
export async function measureModel<T extends TaskId>(
  handle: ModelHandle<T>,
  control: MeasureControl,
  budget: CalibrationBudget = calibrationBudget,
): Promise<DeviceMeasurement | null> {
  const { input, options } = representativeCall(handle.task);
  const run = handle.run.bind(handle) as (input: unknown, options: Record<string, unknown>) => Promise<unknown>;
  const samples: number[] = [];
  let warmups = 0;
  let elapsedMs = 0;
  for (;;) {
    const step = calibrationStep({ warmupsDone: warmups, timed: samples.length, elapsedMs }, budget);
    if (step === 'done') break;
    await control.untilIdle?.();
    if (control.signal?.aborted) throw abortError(control.signal);
    const controller = new AbortController();
    control.onRun?.(controller);
    const signal = control.signal ? AbortSignal.any([control.signal, controller.signal]) : controller.signal;
    try {
      await run(input, { ...options, signal });
    } catch (error) {
      if (control.signal?.aborted) throw abortError(control.signal);
      if (controller.signal.aborted && isInpageError(error, 'ABORTED')) continue;
      throw error;
    } finally {
      control.onRun?.(undefined);
    }
    // The run's time in the worker (queue wait excluded), as a real call's.
    const ms = handle.callMs;
    elapsedMs += ms;
    const sample = control.timing({ model: handle.model, device: handle.device, phase: step === 'warmup' ? 'warmup' : 'calibration', ms });
    if (step === 'warmup') warmups += 1;
    else samples.push(sample);
  }
  return samples.length > 0 ? { p95: percentile(samples, 95), runs: samples.length } : null;
}

/** What a background device calibration needs. */
export interface DeviceCalibration<T extends TaskId> {
  task: T;
  /** The load's options (without signal and progress). */
  options: LoadOptions;
  handle: ModelHandle<T>;
  router: Router<T>;
  loadOne: LoadOne;
  capabilities: Capabilities;
  softwareAdapter: SoftwareAdapterPolicy;
  timing: (sample: RouteSample) => number;
  /** Stores the decision for later loads. */
  remember: (decision: RememberedDevice) => Promise<void>;
  adapter: string;
}

/** Each device's share of the 2 s a calibration may take. */
const perDevice: CalibrationBudget = { ...calibrationBudget, budgetMs: calibrationBudget.budgetMs / 2 };

/**
 * Measures the model on both devices while it is idle, picks the faster ({@link decideDevice}),
 * switches the model between calls when the other device won, and remembers the decision. The
 * model's own pipeline is measured through a twin handle (the worker shares the pipeline), the
 * other device through a handle of its own (same commit and dtype, from the stored bytes).
 * @example
 * void calibrateDevice({ task, options, handle, router, loadOne, capabilities, softwareAdapter, timing, remember, adapter });
 */
export async function calibrateDevice<T extends TaskId>(calibration: DeviceCalibration<T>): Promise<void> {
  const { handle, router, loadOne, task } = calibration;
  const from: ResolvedDevice = handle.device;
  const pinned = { revision: handle.commit, dtype: handle.dtype, policy: 'pinned' as const };
  const on =
    (device: ResolvedDevice) =>
    (request: LoadRequest): LoadRequest => ({
      ...request,
      ...pinned,
      avoidWebgpu: device === 'wasm',
      ...(device === 'wasm' ? { dtypeFor: 'webgpu' as const } : {}),
    });
  const loaded: ModelHandle<T>[] = [];
  const untilIdle = async (): Promise<void> => {
    for (;;) {
      if (router.disposed) throw new Error('the model was disposed');
      if (handle.idle) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const control: MeasureControl = { timing: calibration.timing, untilIdle, onRun: (controller) => router.preemptWith(controller) };
  let switched = false;
  try {
    const twin = await loadOne(task, handle.model, calibration.options, on(from));
    loaded.push(twin);
    const other = await loadOne(task, handle.model, calibration.options, on(from === 'webgpu' ? 'wasm' : 'webgpu'));
    loaded.push(other);
    const measured = { [from]: await measureModel(twin, control, perDevice) } as Record<ResolvedDevice, DeviceMeasurement | null>;
    measured[other.device] = await measureModel(other, control, perDevice);
    const adapter = calibration.capabilities.webgpu.adapter;
    const decision = decideDevice({
      webgpu: measured.webgpu ?? null,
      wasm: measured.wasm ?? null,
      softwareAdapter: adapter?.isFallbackAdapter === true,
      allowSoftware: calibration.softwareAdapter === 'measure',
    });
    const figures = { webgpu: measured.webgpu?.p95 ?? null, wasm: measured.wasm?.p95 ?? null };
    await calibration.remember({
      commit: handle.commit,
      dtype: handle.dtype,
      adapter: calibration.adapter,
      device: decision.device,
      measured: figures,
      reason: decision.reason,
    });
    router.deviceChoice = { device: decision.device, source: 'measured', measured: figures, reason: decision.reason };
    router.measured(figures[decision.device]);
    if (decision.device !== from && other.device === decision.device) {
      switched = true;
      router.switchTo(other, 'device', 0, decision.reason);
    } else router.announce(decision.reason);
  } catch (error) {
    router.explain(`calibration stopped: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    for (const extra of loaded) if (!(switched && extra === loaded[1])) void extra.dispose();
  }
}
