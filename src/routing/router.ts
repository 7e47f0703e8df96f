/**
 * The router of one routed model: it watches each real call's time over a rolling window, installs
 * another rung in the background when the running one keeps missing the target (or has had
 * headroom for a while), and switches the model to it between calls only. No call fails or runs
 * twice because of a switch: the switch happens before a group of calls starts, on the model's
 * own queue, and the old pipeline is released after.
 * @module
 */
import { isInpageError } from '../errors.ts';
import type { ClientEvents } from '../client/events.ts';
import type { LoadOne } from '../client/client.ts';
import type { LoadOptions } from '../client/client-options.ts';
import type { ModelHandle } from '../client/model-handle.ts';
import type { RouteHooks } from '../client/handle-types.ts';
import type { TaskId } from '../tasks/registry.ts';
import { RollingWindow, decideStep, stepPolicy } from './decisions.ts';
import type { StepPolicy } from './decisions.ts';
import { assertTarget } from './target.ts';
import type { DeviceRoute, LatencyTarget, ModelRoute, RouteEvent, RouteRung, RouteSample } from './route-types.ts';

/** What a router needs from the client. */
export interface RouterServices {
  loadOne: LoadOne;
  events: ClientEvents;
  /** The test hook that replaces measured times (identity by default). */
  timing: (sample: RouteSample) => number;
}

/** A handle loaded and waiting to be switched to. */
interface PendingSwitch<T extends TaskId> {
  handle: ModelHandle<T>;
  kind: RouteEvent['kind'];
  to: number;
  reason: string;
}

/**
 * Routes one model handle (see the module comment). Also carries a device calibration's outcome
 * (`deviceChoice`), and pre-empts a background calibration when a real call starts.
 * @example
 * const router = new Router(handle, { task, options, rungs, rung: 0, target }, services);
 * handle.routeWith(router);
 */
export class Router<T extends TaskId> implements RouteHooks {
  readonly #handle: ModelHandle<T>;
  readonly #task: T;
  readonly #options: LoadOptions;
  readonly #services: RouterServices;
  #target: LatencyTarget | null;
  #policy: StepPolicy;
  #window: RollingWindow;
  readonly #rungs: RouteRung[];
  #rung: number;
  #reason: string;
  #reference: number | null;
  #calls = 0;
  #loading = false;
  #pending: PendingSwitch<T> | undefined;
  #disposed = false;
  /** The background calibration's run in flight: a real call aborts it. */
  #preemptible: AbortController | undefined;
  deviceChoice: DeviceRoute | null = null;

  constructor(
    handle: ModelHandle<T>,
    init: { task: T; options: LoadOptions; rungs: RouteRung[]; rung: number; target: LatencyTarget | null; reason: string },
    services: RouterServices,
  ) {
    this.#handle = handle;
    this.#task = init.task;
    this.#options = init.options;
    this.#services = services;
    this.#target = init.target;
    this.#policy = stepPolicy(init.target?.window ?? 20);
    this.#window = new RollingWindow(this.#policy.window);
    this.#rungs = init.rungs;
    this.#rung = init.rung;
    this.#reason = init.reason;
    this.#reference = init.rungs[init.rung]?.p95 ?? null;
  }

  get route(): ModelRoute {
    const handle = this.#handle;
    const p95 = this.#rungs[this.#rung]?.p95 ?? null;
    return {
      target: this.#target,
      rungs: this.#rungs.map((rung) => ({ ...rung })),
      rung: this.#rung,
      model: handle.model,
      device: handle.device,
      dtype: handle.dtype,
      meetsTarget: this.#target && p95 !== null ? p95 <= this.#target.p95 : null,
      deviceChoice: this.deviceChoice,
      reason: this.#reason,
    };
  }

  /** Whether the router was disposed (its model was). */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Sets the calibration's run that the next real call aborts. */
  preemptWith(controller: AbortController | undefined): void {
    this.#preemptible = controller;
  }

  between(): void {
    this.#preemptible?.abort();
    this.#preemptible = undefined;
    if (this.#pending) this.#apply(this.#pending);
  }

  sample(ms: number): void {
    if (!this.#target) return;
    const handle = this.#handle;
    const timed = this.#services.timing({ model: handle.model, device: handle.device, phase: 'call', ms });
    if (!this.#window.add(timed, globalThis.document?.hidden === true)) return;
    this.#calls += 1;
    if (this.#reference === null && this.#window.full) this.#reference = this.#window.p95();
    if (this.#loading || this.#pending) return;
    const runnable = (index: number): boolean => this.#rungs[index]?.refused === null;
    const below = this.#rungs.findIndex((_, index) => index > this.#rung && runnable(index));
    const lastRung = below < 0 ? this.#rung : below;
    const aboveIndex = this.#rungs.findLastIndex((_, index) => index < this.#rung && runnable(index));
    const aboveP95 = this.#rungs[aboveIndex]?.p95 ?? null;
    const decision = decideStep(
      {
        window: this.#window,
        targetP95: this.#target.p95,
        rung: this.#rung,
        lastRung,
        callsSinceSwitch: this.#calls,
        measuredP95: this.#reference,
        upper: aboveIndex >= 0 && aboveP95 !== null ? { index: aboveIndex, measuredP95: aboveP95 } : null,
      },
      this.#policy,
    );
    if (decision.kind === 'stay') return;
    // A rung left for missing keeps the p95 it missed with, not its load-time one: stepping back up
    // projects from what it really did, so a rung that is slow now is not tried again at once.
    const current = this.#rungs[this.#rung];
    if (decision.kind === 'down' && current) current.p95 = this.#window.p95();
    this.#install(decision.kind === 'down' ? lastRung : decision.to, decision.kind, decision.reason);
  }

  /**
   * Switches to `handle` at the next gap between calls (at once when the model is idle).
   * @example
   * router.switchTo(wasmTwin, 'device', 0, 'WASM is faster');
   */
  switchTo(handle: ModelHandle<T>, kind: RouteEvent['kind'], to: number, reason: string): void {
    if (this.#disposed) return void handle.dispose();
    const pending = { handle, kind, to, reason };
    if (this.#handle.idle) this.#apply(pending);
    else this.#pending = pending;
  }

  retarget(target: LatencyTarget): void {
    assertTarget(target);
    const window = target.window ?? 20;
    if (window !== this.#policy.window) {
      const kept = this.#window.samples;
      this.#policy = stepPolicy(window);
      this.#window = new RollingWindow(window);
      for (const sample of kept) this.#window.add(sample, false);
    }
    this.#target = { ...target };
    this.#reason = `target set to p95 ${target.p95} ms`;
  }

  /** Records the running rung's measured p95 (a device calibration's figure for the chosen device). */
  measured(p95: number | null): void {
    const rung = this.#rungs[this.#rung];
    if (rung) rung.p95 = p95;
    this.#reference = p95;
  }

  /** Records what the route says without switching. */
  explain(reason: string): void {
    this.#reason = reason;
  }

  /** A calibration kept the device: says why, and tells the app (a `device` event without a switch). */
  announce(reason: string): void {
    this.#reason = reason;
    const at = { model: this.#handle.model, device: this.#handle.device };
    this.#services.events.emit('route', { kind: 'device', from: at, to: at, reason, route: this.route });
  }

  dispose(): void {
    this.#disposed = true;
    this.#preemptible?.abort();
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) void pending.handle.dispose();
  }

  /** Loads rung `to` in the background; the switch waits for the next gap between calls. */
  #install(to: number, kind: 'down' | 'up', reason: string): void {
    const model = this.#rungs[to]?.model;
    if (model === undefined) return;
    this.#loading = true;
    const { signal: _signal, onProgress: _onProgress, latencyTarget: _target, ...options } = this.#options;
    this.#services
      .loadOne(this.#task, model, options)
      .then(
        (handle) => this.switchTo(handle, kind, to, reason),
        (error: unknown) => {
          const rung = this.#rungs[to];
          if (rung) rung.refused = isInpageError(error) ? `${error.code}: ${error.message}` : String(error);
        },
      )
      .finally(() => (this.#loading = false));
  }

  #apply(pending: PendingSwitch<T>): void {
    this.#pending = undefined;
    const handle = this.#handle;
    const from = { model: handle.model, device: handle.device };
    handle.adopt(pending.handle);
    this.#rung = pending.to;
    this.#window.clear();
    this.#calls = 0;
    this.#reference = this.#rungs[pending.to]?.p95 ?? null;
    this.#reason = pending.reason;
    const event: RouteEvent = {
      kind: pending.kind,
      from,
      to: { model: handle.model, device: handle.device },
      reason: pending.reason,
      route: this.route,
    };
    this.#services.events.emit('route', event);
  }
}
