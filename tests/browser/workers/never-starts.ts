export {};
/**
 * A test-only worker entry that never starts: it waits forever before importing inpage's worker
 * (a module that never finishes loading).
 * @module
 */
await new Promise<never>(() => undefined);
await import('./instrumented.ts');
