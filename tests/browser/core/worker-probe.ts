import type { WorkerStats } from '../workers/instrumented.ts';

export type { WorkerStats };

/** The test workers a client started, newest last, and how to talk to them. */
export interface WorkerProbe {
  /** Pass as `createClient({ worker: probe.factory })`. */
  factory: () => Worker;
  /** Every worker the client started. */
  workers: Worker[];
  /** The newest worker. */
  current(): Worker;
  /** Asks a worker (default: the newest) what it saw. */
  stats(worker?: Worker): Promise<WorkerStats>;
  /** Sends a `test:*` trigger to the newest worker (`ms` for the timed ones). */
  trigger(
    type: 'test:crash' | 'test:close' | 'test:lose-device' | 'test:close-in-next-call' | 'test:block' | 'test:slow-runs',
    ms?: number,
  ): void;
  /** Destroys the newest worker's WebGPU device; resolves with whether it had one. */
  loseDevice(): Promise<boolean>;
}

/**
 * A factory of instrumented inpage workers (tests/browser/workers/instrumented.ts), or of ones
 * whose WebGPU session creations fail.
 * @example
 * const probe = workerProbe();
 * const client = testClient({ worker: probe.factory });
 */
export function workerProbe(kind: 'instrumented' | 'fail-webgpu' | 'hung-adapter' = 'instrumented'): WorkerProbe {
  const workers: Worker[] = [];
  const current = (): Worker => {
    const worker = workers.at(-1);
    if (!worker) throw new Error('no worker was started yet');
    return worker;
  };
  return {
    workers,
    current,
    factory: () => {
      const worker =
        kind === 'fail-webgpu'
          ? new Worker(new URL('../workers/fail-webgpu.ts', import.meta.url), { type: 'module' })
          : kind === 'hung-adapter'
            ? new Worker(new URL('../workers/hung-adapter.ts', import.meta.url), { type: 'module' })
            : new Worker(new URL('../workers/instrumented.ts', import.meta.url), { type: 'module' });
      workers.push(worker);
      return worker;
    },
    stats: (worker = current()) =>
      new Promise<WorkerStats>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the worker did not answer test:stats')), 5000);
        const onMessage = (event: MessageEvent<unknown>): void => {
          const data = event.data as { type?: string; stats?: WorkerStats } | null;
          if (data?.type !== 'test:stats' || !data.stats) return;
          clearTimeout(timer);
          worker.removeEventListener('message', onMessage);
          resolve(data.stats);
        };
        worker.addEventListener('message', onMessage);
        worker.postMessage({ type: 'test:stats' });
      }),
    trigger: (type, ms) => current().postMessage({ type, ms }),
    loseDevice: () =>
      new Promise<boolean>((resolve) => {
        const worker = current();
        worker.addEventListener('message', (event: MessageEvent<{ type?: string; hadDevice?: boolean } | null>) => {
          if (event.data?.type === 'test:device-lost') resolve(event.data.hadDevice === true);
        });
        worker.postMessage({ type: 'test:lose-device' });
      }),
  };
}
