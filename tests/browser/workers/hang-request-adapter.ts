/**
 * Makes `navigator.gpu.requestAdapter()` never answer in this worker. Imported before inpage's
 * worker, so its probe sees it.
 * @module
 */
const hung = (): Promise<never> => new Promise<never>(() => undefined);
const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
if (gpu) Object.defineProperty(gpu, 'requestAdapter', { value: hung, configurable: true });
else Object.defineProperty(navigator, 'gpu', { value: { requestAdapter: hung }, configurable: true });
