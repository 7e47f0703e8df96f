/**
 * Starts inpage's own module worker. Written as `new Worker(new URL(…, import.meta.url))` so that
 * bundlers (Vite, webpack, Rollup) find the worker entry and bundle it as a same-origin file.
 */
export function createDefaultWorker(): Worker {
  return new Worker(new URL('../worker.js', import.meta.url), { type: 'module', name: 'inpage' });
}
