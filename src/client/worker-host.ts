import { InpageError } from '../errors.ts';
import type { Device } from '../types.ts';
import type { WorkerConfig, WorkerNotice } from '../rpc/contract.ts';
import type { RemoteWorkerApi } from '../rpc/comlink.ts';
import { connectWorker, releaseRemote, remoteCallback, workerExposed } from '../rpc/comlink.ts';
import { createDefaultWorker } from './default-worker.ts';
import type { Liveness } from './liveness.ts';
import { defaultLiveness, lateTolerantTimeout, minPingTimeoutMs, pingLiveness } from './liveness.ts';
import { createRecordedWorker } from './worker-startup.ts';

/** How a host starts and watches workers. */
export interface WorkerHostOptions {
  /** Sent to each worker at start-up; its `device` picks the worker's ONNX Runtime build. */
  config: WorkerConfig;
  /** A worker, or a factory of workers (a factory lets inpage restart it after a crash). */
  worker?: Worker | (() => Worker);
  /** How a dead worker is noticed (default: Web Locks, else pings; see {@link defaultLiveness}). */
  liveness?: Liveness;
  /** Interval of the fallback pings where Web Locks are missing, in ms (0: none). */
  heartbeatMs: number;
  /** A worker that has not started (exposed its API, applied the config) within this many ms counts as crashed. */
  startupTimeoutMs: number;
  /** Told each time a worker stops other than by {@link WorkerHost.dispose} (it died or was restarted). */
  onWorkerLost?: (error: InpageError) => void;
  /** Told what a worker did unasked (it evicted models). */
  onNotice?: (notice: WorkerNotice) => void;
}

interface Running {
  worker: Worker;
  remote: RemoteWorkerApi;
  ready: Promise<void>;
  /** Why this worker stopped, once it did. */
  failure: InpageError | undefined;
  /** Rejects each pending call of this worker when it stops (see {@link untilStopped}). */
  pending: Set<(error: InpageError) => void>;
  generation: number;
  /** `init` answered: a message-less error after that is not a script that failed to load. */
  started: boolean;
  /** Stops the start-up deadline and the liveness watch. */
  unwatch: () => void;
}

/** Numbers every worker of every host, so that a generation names one worker across a client's hosts. */
let generations = 0;
/** Worker instances an app passed (`worker` option) that a host started already. */
const startedWorkers = new WeakSet<Worker>();

/**
 * The transport: owns one worker (one ONNX Runtime build; a client holds one host per build).
 * It starts the worker (lazily after a crash) under a start-up deadline, watches its liveness with
 * a signal that does not need the worker's thread, rejects every pending call with `WORKER_CRASHED`
 * when it dies, busy or idle, and restarts it on demand (a failed ORT session poisons the worker).
 * It decides no recovery itself: that is `withRecovery`'s.
 *
 * @example
 * const host = new WorkerHost({ config, heartbeatMs: 2000, startupTimeoutMs: 30_000 });
 * const caps = await host.call((remote) => remote.capabilities());
 */
export class WorkerHost {
  readonly #options: WorkerHostOptions;
  readonly #liveness: Liveness;
  readonly #pingFallback: Liveness;
  #running: Running | undefined;
  #disposed = false;
  readonly #restarted = new Set<number>();
  /** One proxied callback shared by every worker this host starts. */
  readonly #onNotice = remoteCallback((notice: WorkerNotice) => this.#options.onNotice?.(notice));

  constructor(options: WorkerHostOptions) {
    this.#options = options;
    this.#liveness = options.liveness ?? defaultLiveness(options.heartbeatMs);
    this.#pingFallback = pingLiveness({ intervalMs: options.heartbeatMs, timeoutMs: minPingTimeoutMs });
  }

  /** The device this host's workers are for: `auto` until its first worker chose one from its probe. */
  get device(): Device {
    return this.#options.config.device;
  }

  /** Starts the worker now (it starts on the first call otherwise). */
  start(): void {
    this.#ensure();
  }

  /**
   * Runs one call on the worker. Rejects with `WORKER_CRASHED` if the worker dies first (or does not
   * start in time), and with `DISPOSED` after {@link dispose}.
   */
  async call<T>(work: (remote: RemoteWorkerApi, generation: number) => Promise<T>): Promise<T> {
    const running = this.#ensure();
    // Once `init` answered (`started`, set after `ready` resolved), calls go straight to the worker.
    if (!running.started) await untilStopped(running, running.ready);
    return untilStopped(running, work(running.remote, running.generation));
  }

  /**
   * Runs `work` only when the worker of `generation` is still the current one and started (an abort
   * or a release must not start a fresh worker for nothing).
   */
  async notify(generation: number, work: (remote: RemoteWorkerApi) => Promise<unknown>): Promise<void> {
    const running = this.#running;
    if (running?.generation !== generation) return;
    await untilStopped(
      running,
      running.ready.then(() => work(running.remote)),
    ).catch(() => undefined);
  }

  /**
   * Terminates the current worker (its pending calls reject with `WORKER_CRASHED`); the next call
   * starts a fresh one. With `generation`, only when that worker is still the current one: several
   * calls that failed in the same poisoned worker restart it once, not the fresh one too.
   */
  restart(reason: string, generation?: number): void {
    if (generation !== undefined && this.#running?.generation !== generation) return;
    if (this.#running) this.#restarted.add(this.#running.generation);
    this.#stop(new InpageError('WORKER_CRASHED', `The inpage worker was restarted: ${reason}`));
  }

  /**
   * Whether the worker of `generation` was stopped by {@link restart} (a healthy call it interrupted
   * may be retried) rather than by a crash.
   */
  wasRestarted(generation: number): boolean {
    return this.#restarted.has(generation);
  }

  /** Terminates the worker for good; pending and later calls reject with `DISPOSED`. */
  dispose(): void {
    if (this.#disposed) return;
    this.#stop(new InpageError('DISPOSED', 'The inpage client was disposed.'));
    this.#disposed = true;
  }

  #ensure(): Running {
    if (this.#disposed) throw new InpageError('DISPOSED', 'The inpage client was disposed.');
    if (this.#running) return this.#running;
    const worker = createRecordedWorker(() => this.#createWorker());
    const exposed = workerExposed(worker);
    const remote = connectWorker(worker);
    const running: Running = {
      worker,
      remote,
      failure: undefined,
      pending: new Set(),
      generation: ++generations,
      started: false,
      ready: Promise.resolve(),
      unwatch: () => undefined,
    };
    const { startupTimeoutMs } = this.#options;
    const cancelDeadline = lateTolerantTimeout(startupTimeoutMs, () =>
      this.#crash(running, `it did not start within ${startupTimeoutMs} ms`),
    );
    running.unwatch = cancelDeadline;
    const lockName = this.#liveness.lockName();
    const started = exposed.then(() => remote.init(this.#options.config, lockName ? { lockName } : {}, this.#onNotice));
    running.ready = started.then(() => undefined);
    running.ready.catch(() => undefined);
    started.then(
      ({ lockHeld, device }) => {
        running.started = true;
        // Later workers of this host are for the same device (and build) as the first.
        if (device) this.#options.config.device = device;
        cancelDeadline();
        if (this.#running !== running) return;
        // A worker that could not take its lock is watched by pings instead.
        const liveness = lockName && !lockHeld ? this.#pingFallback : this.#liveness;
        running.unwatch = liveness.watch({ lockName, ping: () => remote.ping() }, (reason) => this.#crash(running, reason));
      },
      (error: unknown) => this.#crash(running, `its start-up failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      // A script that failed to load fires a bare event: find out which URL failed and why.
      if (event.message || running.started) this.#crash(running, `an uncaught error in the worker: ${event.message || 'unknown error'}`);
      else {
        void import('./worker-startup-diagnosis.ts')
          .then(({ explainWorkerStartFailure }) => explainWorkerStartFailure(worker))
          .catch(() => 'the worker failed to start (and its diagnosis could not load)')
          .then((reason) => this.#crash(running, reason));
      }
    });
    worker.addEventListener('messageerror', () => this.#crash(running, 'a message from the worker could not be read'));
    this.#running = running;
    return running;
  }

  #createWorker(): Worker {
    const provided = this.#options.worker;
    if (typeof provided === 'function') return provided();
    // An instance starts once, whichever of the client's hosts asks first; later workers are inpage's own.
    if (provided && !startedWorkers.has(provided)) {
      startedWorkers.add(provided);
      return provided;
    }
    return createDefaultWorker();
  }

  #crash(running: Running, reason: string): void {
    if (this.#running !== running) return;
    this.#stop(new InpageError('WORKER_CRASHED', `The inpage worker crashed (${reason}); the next call starts a fresh one.`));
  }

  #stop(error: InpageError): void {
    const running = this.#running;
    if (!running) return;
    this.#running = undefined;
    running.unwatch();
    running.failure = error;
    for (const reject of running.pending) reject(error);
    running.worker.terminate();
    releaseRemote(running.remote);
    if (error.code !== 'DISPOSED') this.#options.onWorkerLost?.(error);
  }
}

/**
 * `work`'s outcome, or the worker's failure if it stops first. Unlike `Promise.race` with a
 * promise that rejects when the worker stops, nothing stays attached once `work` settled: such a
 * race keeps every call's output reachable for the worker's lifetime.
 */
function untilStopped<T>(running: Running, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (running.failure) reject(running.failure);
    else running.pending.add(reject);
    work.then(resolve, reject).finally(() => running.pending.delete(reject));
  });
}
