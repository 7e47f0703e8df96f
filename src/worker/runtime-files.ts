/**
 * Same-origin URLs of the ONNX Runtime files the worker loads (never a CDN). Bundlers see these
 * `new URL(…, import.meta.url)` references and emit the files as assets of the app; the
 * published package ships them in `dist/ort/`.
 */
export const defaultRuntimeFiles: { wasm: string; mjs: string } = {
  wasm: new URL('../ort/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url).href,
  mjs: new URL('../ort/ort-wasm-simd-threaded.asyncify.mjs', import.meta.url).href,
};
