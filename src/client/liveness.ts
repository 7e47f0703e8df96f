/**
 * How the main thread learns that a worker died, without needing the worker's thread to answer:
 * a worker blocked in a long synchronous run is alive, and a main-thread stall is not a missed
 * heartbeat.
 * @module
 */

/** The worker a {@link Liveness} watches. */
export interface WatchedWorker {
  /** The Web Lock the worker holds for its lifetime (from {@link Liveness.lockName}). */
  lockName: string | undefined;
  /** Answers unless the worker's thread is blocked or dead. */
  ping(): Promise<unknown>;
}

/** A source of "this worker died" (injectable, so tests can drive it). */
export interface Liveness {
  /** A fresh lock name for the next worker to hold, or `undefined` when this source uses none. */
  lockName(): string | undefined;
  /**
   * Starts watching a started worker; `onDead` is called at most once, with the reason.
   * @returns stops watching.
   */
  watch(worker: WatchedWorker, onDead: (reason: string) => void): () => void;
}

/** The shortest ping timeout: a worker may block its thread for many seconds in one synchronous run. */
export const minPingTimeoutMs = 60_000;

/** A timer that fired this much later than asked means the main thread itself was stalled. */
const lateTimerMs = 1000;

/**
 * The default: Web Locks where the browser has them, otherwise pings with a timeout of at least
 * {@link minPingTimeoutMs}.
 * @param pingIntervalMs - interval of the fallback pings (0: no fallback watch).
 * @example
 * const liveness = defaultLiveness(2000);
 */
export function defaultLiveness(pingIntervalMs: number): Liveness {
  const locks = globalThis.navigator?.locks;
  return locks ? webLockLiveness(locks) : pingLiveness({ intervalMs: pingIntervalMs, timeoutMs: minPingTimeoutMs });
}

/**
 * Death by Web Lock: the worker holds a lock with a name unique to it, which the browser frees when
 * the worker ends for any reason (a crash, `self.close()`, termination); the main thread's request
 * for the same name is granted at that moment.
 * @example
 * const liveness = webLockLiveness(navigator.locks);
 */
export function webLockLiveness(locks: LockManager): Liveness {
  return {
    lockName: () => `inpage-worker-${crypto.randomUUID()}`,
    watch(worker, onDead) {
      const { lockName } = worker;
      if (!lockName) return () => undefined;
      const controller = new AbortController();
      locks
        .request(lockName, { signal: controller.signal }, () => {
          if (!controller.signal.aborted) onDead('it ended (its liveness lock was released)');
        })
        .catch(() => undefined);
      return () => controller.abort();
    },
  };
}

/**
 * Death by missed pings, for browsers without Web Locks. A timeout is counted only when its timer
 * fired on time: a late timer means the main thread stalled, and the ping is sent again.
 * @example
 * const liveness = pingLiveness({ intervalMs: 2000, timeoutMs: 60_000 });
 */
export function pingLiveness(options: { intervalMs: number; timeoutMs: number }): Liveness {
  const { intervalMs, timeoutMs } = options;
  return {
    lockName: () => undefined,
    watch(worker, onDead) {
      if (intervalMs <= 0) return () => undefined;
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let round = 0;
      const ping = (): void => {
        if (stopped) return;
        const mine = ++round;
        const armedAt = performance.now();
        worker.ping().then(
          () => {
            if (stopped || mine !== round) return;
            clearTimeout(timer);
            timer = setTimeout(ping, intervalMs);
          },
          () => undefined,
        );
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (stopped || mine !== round) return;
          if (performance.now() - armedAt > timeoutMs + lateTimerMs) ping();
          else onDead(`it did not answer a ping for ${timeoutMs} ms`);
        }, timeoutMs);
      };
      timer = setTimeout(ping, intervalMs);
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    },
  };
}

/**
 * Calls `onExpire` once `ms` have passed, giving one more second when the timer fired late (a
 * main-thread stall must not count against whatever is being waited for).
 * @returns cancels it.
 * @example
 * const cancel = lateTolerantTimeout(30_000, () => fail('start-up took too long'));
 */
export function lateTolerantTimeout(ms: number, onExpire: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (delay: number): void => {
    const armedAt = performance.now();
    timer = setTimeout(() => {
      if (performance.now() - armedAt > delay + lateTimerMs) arm(lateTimerMs);
      else onExpire();
    }, delay);
  };
  arm(ms);
  return () => clearTimeout(timer);
}
