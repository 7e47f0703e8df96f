/**
 * The minimal page of `bench/code-cache.ts`: onnxruntime-web alone (its `webgpu` JS layer, the one
 * transformers.js uses, with the runtime files outside the bundle), no inpage, no transformers.js.
 * The worker starts one ONNX Runtime build in one load mode, creates a CPU session for the model and
 * times `session.run`. It stays alive after the calls (as an app's worker does), so V8 can write
 * the wasm code cache while the page is open.
 *
 * Load modes:
 * - `url`: `env.wasm.wasmPaths` names the `.wasm`; the Emscripten glue calls
 *   `WebAssembly.instantiateStreaming(fetch(url))` (code-cacheable);
 * - `bytes`: the page fetches the `.wasm` to an ArrayBuffer and passes it as `env.wasm.wasmBinary`;
 *   the glue calls `WebAssembly.instantiate(bytes)` (never code-cached);
 * - `response`: the bytes are compiled with `WebAssembly.compileStreaming(new Response(bytes))`
 *   (a Response without a URL is never code-cached) and the glue's `WebAssembly.instantiate(bytes)`
 *   is answered with that module. onnxruntime-web passes only `numThreads`, `wasmBinary` and
 *   `locateFile` to the glue (lib/wasm/wasm-factory.ts), so Emscripten's `instantiateWasm` hook
 *   cannot be reached and a compiled module can only be handed over this way.
 *
 * Every wasm API call of the worker is recorded (name and duration), so a report shows what the
 * glue actually called.
 * @module
 */

/** The worker script, served as `/worker.mjs`. */
export const workerSource = `
import * as ort from '/assets/ort.webgpu.min.mjs';
const calls = [];
for (const name of ['instantiateStreaming', 'compileStreaming', 'instantiate', 'compile']) {
  const original = WebAssembly[name].bind(WebAssembly);
  WebAssembly[name] = async (...args) => {
    const start = performance.now();
    try { return await original(...args); } finally { calls.push({ api: name, ms: performance.now() - start }); }
  };
}
let session;
onmessage = async ({ data: { build, mode, threads, warmup, runs } }) => {
  try {
    const wasm = '/assets/' + build + '.wasm';
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.proxy = false;
    const started = performance.now();
    let fetchMs = 0;
    if (mode === 'url') ort.env.wasm.wasmPaths = { wasm, mjs: '/assets/' + build + '.mjs' };
    else {
      const bytes = await (await fetch(wasm)).arrayBuffer();
      fetchMs = performance.now() - started;
      ort.env.wasm.wasmPaths = { mjs: '/assets/' + build + '.mjs' };
      ort.env.wasm.wasmBinary = bytes;
      if (mode === 'response') {
        const module = await WebAssembly.compileStreaming(new Response(bytes, { headers: { 'Content-Type': 'application/wasm' } }));
        const instantiate = WebAssembly.instantiate;
        WebAssembly.instantiate = (source, imports) =>
          ArrayBuffer.isView(source) && source.buffer === bytes
            ? instantiate(module, imports).then((instance) => ({ module, instance }))
            : instantiate(source, imports);
      }
    }
    const model = new Uint8Array(await (await fetch('/assets/model.onnx')).arrayBuffer());
    const options = { executionProviders: ['wasm'] };
    const begin = performance.now();
    session = await ort.InferenceSession.create(model, options);
    const firstCreateMs = performance.now() - begin;
    const runtimeReadyMs = fetchMs + calls.reduce((sum, call) => sum + call.ms, 0);
    const second = performance.now();
    const other = await ort.InferenceSession.create(model, options);
    const createMs = performance.now() - second;
    await other.release();
    const ids = BigInt64Array.from({ length: 16 }, (_, i) => BigInt(i === 0 ? 101 : i === 15 ? 102 : 1000 + ((i * 7919) % 20000)));
    const feeds = {};
    for (const name of session.inputNames)
      feeds[name] = new ort.Tensor('int64', name === 'input_ids' ? ids : name === 'attention_mask' ? ids.map(() => 1n) : ids.map(() => 0n), [1, 16]);
    for (let i = 0; i < warmup; i++) await session.run(feeds);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await session.run(feeds);
      times.push(performance.now() - start);
    }
    postMessage({ calls, fetchMs, runtimeReadyMs, firstCreateMs, createMs, times, totalMs: performance.now() - started });
  } catch (error) {
    postMessage({ error: String(error?.stack ?? error) });
  }
};`;

/** The page, served as `/`: `window.measure(options)` runs one measurement in a new worker it keeps. */
export const pageSource = `<!doctype html><title>code cache</title><script type="module">
window.measure = (options) => new Promise((resolve, reject) => {
  const worker = new Worker('/worker.mjs', { type: 'module' });
  window.worker = worker;
  worker.onmessage = ({ data }) => resolve(data);
  worker.onerror = (event) => reject(new Error(event.message || 'worker failed'));
  worker.postMessage(options);
});
</script>`;
