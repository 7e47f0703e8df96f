/**
 * A test-only worker entry that imports inpage's worker only after an `await`: messages the client
 * sends meanwhile find no comlink listener, so the client must wait for the worker to announce itself.
 * @module
 */
export {};

await new Promise((resolve) => setTimeout(resolve, 300));
await import('./instrumented.ts');
