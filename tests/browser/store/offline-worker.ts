/**
 * A test-only worker entry: inpage's worker in a context whose browser says it is offline
 * (`navigator.onLine === false`), as a visit without network starts.
 * @module
 */
import '../../../src/worker.ts';

Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
