import { InpageError, isInpageError } from '../errors.ts';
import type { WorkerConfig } from '../rpc/contract.ts';
import type { RemoteWorkerApi } from '../rpc/comlink.ts';
import { connectWorker, releaseRemote, workerExposed } from '../rpc/comlink.ts';
import { createDefaultWorker } from './default-worker.ts';
import { createRecordedWorker, explainWorkerStartFailure } from './worker-startup.ts';

/** How a host starts workers. */
export interface WorkerHostOptions {
  config: WorkerConfig;
  /** A worker, or a factory of workers (a factory lets inpage restart it after a crash). */
  worker?: Worker | (() => Worker);
  /** Interval of the idle heartbeat, in ms. */
  heartbeatMs: number;
  /** How long an idle worker may take to answer a heartbeat before it counts as dead, in ms. */
  heartbeatTimeoutMs: number;
}

interface Running {
  worker: Worker;
  remote: RemoteWorkerApi;
  ready: Promise<void>;
  /** Set once `ready` resolved: a worker still loading its modules is not pinged. */
  started: boolean;
  /** Rejects every pending call of this worker. */
  fail: (error: InpageError) => void;
  failed: Promise<never>;
  pending: number;
  generation: number;
}

/**
 * Owns the worker: starts it (lazily after a crash), tracks pending calls so none hangs when the
 * worker dies, detects crashes (an `error` event, or a missed heartbeat while no call is pending),
 * and restarts it on demand (a failed ORT session poisons the worker it ran in).
 *
 * @example
 * const host = new WorkerHost({ config, heartbeatMs: 2000, heartbeatTimeoutMs: 5000 });
 * const caps = await host.call((remote) => remote.capabilities());
 */
export class WorkerHost {
  readonly #options: WorkerHostOptions;
  #running: Running | undefined;
  #generation = 0;
  #disposed = false;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #providedWorkerUsed = false;
  readonly #restarted = new Set<number>();

  constructor(options: WorkerHostOptions) {
    this.#options = options;
  }

  /** Increases each time a fresh worker starts; handles reload their pipeline when it changed. */
  get generation(): number {
    return this.#running?.generation ?? this.#generation + 1;
  }

  /** Starts the worker now (it starts on the first call otherwise). */
  start(): void {
    this.#ensure();
  }

  /**
   * Runs one call on the worker. Rejects with `WORKER_CRASHED` if the worker dies first, and
   * with `DISPOSED` after {@link dispose}.
   */
  async call<T>(work: (remote: RemoteWorkerApi, generation: number) => Promise<T>): Promise<T> {
    const running = this.#ensure();
    running.pending += 1;
    try {
      await Promise.race([running.ready, running.failed]);
      return await Promise.race([work(running.remote, running.generation), running.failed]);
    } finally {
      running.pending -= 1;
    }
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
    let fail: (error: InpageError) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined);
    this.#generation += 1;
    const running: Running = {
      worker,
      remote,
      fail,
      failed,
      pending: 0,
      generation: this.#generation,
      ready: Promise.resolve(),
      started: false,
    };
    running.ready = exposed.then(() => remote.init(this.#options.config));
    running.ready.then(() => (running.started = true)).catch(() => undefined);
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      // A script that failed to load fires a bare event: find out which URL failed and why.
      if (event.message || running.started) this.#crash(running, `an uncaught error in the worker: ${event.message || 'unknown error'}`);
      else void explainWorkerStartFailure(worker).then((reason) => this.#crash(running, reason));
    });
    worker.addEventListener('messageerror', () => this.#crash(running, 'a message from the worker could not be read'));
    this.#running = running;
    this.#startHeartbeat();
    return running;
  }

  #createWorker(): Worker {
    const provided = this.#options.worker;
    if (typeof provided === 'function') return provided();
    if (provided && !this.#providedWorkerUsed) {
      this.#providedWorkerUsed = true;
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
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    running.fail(error);
    running.worker.terminate();
    releaseRemote(running.remote);
  }

  #startHeartbeat(): void {
    clearInterval(this.#heartbeat);
    const { heartbeatMs, heartbeatTimeoutMs } = this.#options;
    if (heartbeatMs <= 0) return;
    let waiting = false;
    this.#heartbeat = setInterval(() => {
      const running = this.#running;
      // Not before it started: a ping sent while the worker's modules load would be lost (and a slow
      // network would make a healthy worker look dead).
      if (!running || !running.started || running.pending > 0 || waiting) return;
      waiting = true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), heartbeatTimeoutMs)));
      void Promise.race([running.remote.ping(), timeout, running.failed])
        .then((answer) => {
          // A call that started meanwhile may keep the thread busy (a long session creation): not a crash.
          if (answer === 'timeout' && running.pending === 0) this.#crash(running, `no heartbeat for ${heartbeatTimeoutMs} ms`);
        })
        .catch((error: unknown) => {
          if (!isInpageError(error)) this.#crash(running, 'the heartbeat failed');
        })
        .finally(() => {
          clearTimeout(timer);
          waiting = false;
        });
    }, heartbeatMs);
  }
}
