/**
 * A test-only worker entry: inpage's worker in a browser without Web Locks (`navigator.locks` is
 * shadowed with `undefined` before the client's `init` message arrives).
 * @module
 */
import '../../../src/worker.ts';

Object.defineProperty(Object.getPrototypeOf(navigator) as object, 'locks', { configurable: true, get: () => undefined });
