/**
 * inpage's worker for the soak, which also answers `{ type: 'soak:memory' }` on the port it is
 * given with the worker's memory: the WebAssembly memories the runtime created (ONNX Runtime's
 * heap only grows, so its size is the high-water mark) and the worker's JS heap where Chromium
 * exposes `performance.memory`.
 * @module
 */
const memories: WebAssembly.Memory[] = [];
const NativeMemory = WebAssembly.Memory;
WebAssembly.Memory = function (descriptor: WebAssembly.MemoryDescriptor) {
  const memory = new NativeMemory(descriptor);
  memories.push(memory);
  return memory;
} as unknown as typeof WebAssembly.Memory;
WebAssembly.Memory.prototype = NativeMemory.prototype;

function remember(instance: WebAssembly.Instance): void {
  for (const value of Object.values(instance.exports)) if (value instanceof NativeMemory && !memories.includes(value)) memories.push(value);
}
const instantiate = WebAssembly.instantiate.bind(WebAssembly);
WebAssembly.instantiate = (async (...args: Parameters<typeof WebAssembly.instantiate>) => {
  const result = (await instantiate(...args)) as WebAssembly.Instance | WebAssembly.WebAssemblyInstantiatedSource;
  remember(result instanceof WebAssembly.Instance ? result : result.instance);
  return result;
}) as typeof WebAssembly.instantiate;
const instantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
WebAssembly.instantiateStreaming = async (...args: Parameters<typeof WebAssembly.instantiateStreaming>) => {
  const result = await instantiateStreaming(...args);
  remember(result.instance);
  return result;
};

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  if ((event.data as { type?: unknown } | null)?.type !== 'soak:memory') return;
  const heap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null;
  event.ports[0]?.postMessage({ wasmBytes: memories.reduce((sum, memory) => sum + memory.buffer.byteLength, 0), workerHeapBytes: heap });
});

await import('../../src/worker.ts');

export {};
