/** What the browser offers for inference, probed for real (not guessed from `'gpu' in navigator`). */
export interface Capabilities {
  webgpu: {
    /** The adapter `requestAdapter()` returned, or `null` when there is none. */
    adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean } | null;
    /** Whether the adapter can run fp16 shaders (needed for fp16 weights on WebGPU). */
    shaderF16: boolean;
    /** The adapter's largest buffer, in bytes (0 without an adapter). */
    maxBufferSize: number;
    /** The adapter's largest storage buffer binding, in bytes (0 without an adapter): the largest tensor a shader reads. */
    maxStorageBufferBindingSize: number;
  };
  wasm: {
    simd: boolean;
    /** Whether WASM can use threads (needs a cross-origin isolated page). */
    threads: boolean;
    /** Threads inpage uses for WASM inference. */
    numThreads: number;
  };
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Web Locks (`navigator.locks`) in the worker, and what inpage gives up without them (see {@link webLocksSupport}). */
  webLocks: WebLocksSupport;
}

/**
 * A guarantee inpage builds on Web Locks:
 * - `cross-tab-coordination`: one download per file across tabs, workers and clients; a delete, a
 *   clear or an eviction waits for the loads reading the model (without locks, two tabs may
 *   download the same file at once, and a load in another tab may read a model being deleted);
 * - `liveness-lock`: a dead worker is noticed within a second, busy or idle (without it, by
 *   missed pings: within 60 s, and only with `heartbeatMs` > 0).
 */
export type WebLocksGuarantee = 'cross-tab-coordination' | 'liveness-lock';

/** Whether Web Locks are there, and the guarantees lost when they are not. */
export interface WebLocksSupport {
  available: boolean;
  /** Empty when `available`. */
  lost: WebLocksGuarantee[];
}

/**
 * Whether this context has Web Locks, and what inpage loses without them.
 * @param locks - the lock manager to check (default: `navigator.locks`).
 * @example
 * webLocksSupport(undefined); // { available: false, lost: ['cross-tab-coordination', 'liveness-lock'] }
 */
export function webLocksSupport(locks: LockManager | undefined = globalThis.navigator?.locks): WebLocksSupport {
  return locks ? { available: true, lost: [] } : { available: false, lost: ['cross-tab-coordination', 'liveness-lock'] };
}

/** The `NO_WEB_LOCKS` warning's text: what an app loses, in words. */
export const noWebLocksMessage =
  'This browser has no Web Locks (navigator.locks) in the worker: inpage keeps working without cross-tab coordination ' +
  '(two tabs may download the same file at once, and a delete or eviction does not wait for a load reading the model in ' +
  'another tab) and without its liveness lock (a dead worker is noticed by missed pings, within 60 s, instead of at once).';

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt))
const simdProbe = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/**
 * The default number of WASM threads: `min(4, hardwareConcurrency)` when the page is
 * cross-origin isolated (ORT's own default would be 1 on a 2-core machine), otherwise 1.
 * @example
 * defaultThreads(true, 2); // 2
 */
export function defaultThreads(isolated: boolean, hardwareConcurrency: number): number {
  return isolated ? Math.max(1, Math.min(4, hardwareConcurrency)) : 1;
}

/** A `requestAdapter()` that has not answered after this long means "no WebGPU" (a hung driver must not hang every call). */
export const adapterTimeoutMs = 5000;

/** `promise`'s value, or `null` when it has not settled within `ms`. */
async function withDeadline<T>(promise: Promise<T> | undefined, ms: number): Promise<T | null> {
  if (promise === undefined) return null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<null>((resolve) => (timer = setTimeout(resolve, ms, null)));
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes WebGPU (by requesting an adapter; no answer within {@link adapterTimeoutMs} counts as none) and WASM features.
 * @param requestedThreads - the client's `threads` option, if any.
 * @example
 * const caps = await probeCapabilities();
 * caps.webgpu.adapter?.vendor; // 'google' on SwiftShader
 */
export async function probeCapabilities(requestedThreads?: number): Promise<Capabilities> {
  const isolated = globalThis.crossOriginIsolated === true;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  const { threads, numThreads } = wasmThreads(requestedThreads);
  const webgpu: Capabilities['webgpu'] = { adapter: null, shaderF16: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0 };
  try {
    const adapter = await withDeadline(globalThis.navigator?.gpu?.requestAdapter(), adapterTimeoutMs);
    if (adapter) {
      const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
      const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
      webgpu.adapter = {
        vendor: info.vendor,
        architecture: info.architecture,
        description: info.description,
        isFallbackAdapter: Boolean(info.isFallbackAdapter ?? legacy),
      };
      webgpu.shaderF16 = adapter.features.has('shader-f16');
      webgpu.maxBufferSize = adapter.limits.maxBufferSize;
      webgpu.maxStorageBufferBindingSize = adapter.limits.maxStorageBufferBindingSize;
    }
  } catch {
    // No usable WebGPU: the adapter stays null.
  }
  return {
    webgpu,
    wasm: { simd: WebAssembly.validate(simdProbe), threads, numThreads },
    crossOriginIsolated: isolated,
    hardwareConcurrency: cores,
    webLocks: webLocksSupport(),
  };
}

/**
 * Whether WASM can use threads here, and how many inpage uses: known at once, without the WebGPU probe.
 * @example
 * env.backends.onnx.wasm.numThreads = wasmThreads(config.threads).numThreads;
 */
export function wasmThreads(requestedThreads?: number): { threads: boolean; numThreads: number } {
  const threads = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return { threads, numThreads: threads ? (requestedThreads ?? defaultThreads(true, cores)) : 1 };
}
