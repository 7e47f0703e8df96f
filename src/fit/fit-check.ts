/**
 * Will a model fit? Pure decisions on figures: the planned files, the model's config, the
 * device's limits and the storage room. No I/O: the worker gathers the figures (see
 * fit-planner.ts), and these functions decide.
 * @module
 */
import { InpageError } from '../errors.ts';
import type { ConcreteDtype, ResolvedDevice, ResolvedDtype } from '../types.ts';
import { dtypeOfKey } from '../runtime/device-plan.ts';

/** Limits of the browser platform that no API reports. */
export interface PlatformLimits {
  /**
   * The largest file read into one `ArrayBuffer` (Chromium refuses larger ones).
   * @default 2 GiB
   */
  maxFileBytes: number;
  /**
   * The wasm32 heap: on WASM every weight lives in it, and on any device ORT-web copies each
   * `.onnx` file into it.
   * @default 4 GiB
   */
  wasmHeapBytes: number;
  /** Caps the WebGPU adapter's buffer limits (tests simulate a small adapter with it). @default none */
  gpuBufferBytes?: number;
}

/** The platform's limits (see {@link PlatformLimits}). */
export const defaultPlatformLimits: Readonly<PlatformLimits> = Object.freeze({ maxFileBytes: 2 ** 31, wasmHeapBytes: 2 ** 32 });

/** What a fit check looks at. */
export interface FitFacts {
  device: ResolvedDevice;
  dtype: ResolvedDtype;
  /** The planned files (weights, configs, tokenizer). */
  files: readonly { path: string; size: number }[];
  /** The model's `config.json` (for the size of its largest tensor). */
  config: Readonly<Record<string, unknown>>;
  limits: PlatformLimits;
  /** The WebGPU adapter's limits (on WebGPU). */
  gpu?: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  /** `navigator.deviceMemory`, in GiB (coarse and capped at 8: a warning only). */
  deviceMemoryGiB?: number;
  /** Bytes still to download, and the most the store could hold (after evicting every other model). */
  storage?: { needed: number; room: number };
}

/** One limit a model was checked against. */
export type FitLimit = 'file-buffer' | 'wasm-heap' | 'gpu-buffer' | 'storage' | 'device-memory';

/** One check: the model's figure against the limit's. */
export interface FitFinding {
  limit: FitLimit;
  /** The model's figure, in bytes. */
  bytes: number;
  /** The limit, in bytes. */
  max: number;
  fits: boolean;
  /** What was measured, e.g. `onnx/model.onnx_data`. */
  subject: string;
}

/** A fit check's figures and verdict (what `client.cache.fit()` returns). */
export interface FitReport {
  /** `too-large`: a hard limit is exceeded (load refuses it); `risky`: only the device memory warning. */
  verdict: 'fits' | 'risky' | 'too-large';
  device: ResolvedDevice;
  dtype: ResolvedDtype;
  /** Bytes of every planned file. */
  bytes: number;
  /** Bytes of the ONNX files and their external data. */
  sessionBytes: number;
  /** The largest tensor's estimated bytes (`vocab_size × hidden_size × bytes per weight`, at most its file), or `null` when the config does not tell. */
  largestTensorBytes: number | null;
  /** Every check made, failing ones included. */
  findings: FitFinding[];
  /** One sentence per failing check or warning, with the figures. */
  reasons: string[];
  /** With `dtype: 'auto'`: the first choice, when it could not fit and this smaller one was taken instead. */
  steppedDownFrom?: { dtype: ResolvedDtype; reasons: string[] };
}

/** Limits whose excess makes `load()` refuse the model (storage is the store's `QUOTA_EXCEEDED`). */
const hardLimits: ReadonlySet<FitLimit> = new Set(['file-buffer', 'wasm-heap', 'gpu-buffer']);

/**
 * Bytes per weight of the token embedding, the usual largest tensor, by dtype: 4-bit and lower
 * formats quantize the MatMuls (`MatMulNBits`) and keep the embedding's `Gather` in fp32 (fp16 for
 * the `…f16` ones).
 */
const embeddingBytes: Readonly<Record<ConcreteDtype, number>> = {
  fp32: 4,
  fp16: 2,
  q8: 1,
  int8: 1,
  uint8: 1,
  q4: 4,
  bnb4: 4,
  q4f16: 2,
  q2: 4,
  q2f16: 2,
  q1: 4,
  q1f16: 2,
};

const isSessionFile = (path: string): boolean => /\.onnx(_data(_\d+)?)?$/.test(path);
const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/**
 * The largest tensor's bytes, estimated from the config: `vocab_size × hidden_size` (also
 * `d_model`, `n_embd`, or the same in `text_config`) at the dtype's embedding width; never more
 * than the largest weight file, which holds it.
 * @example
 * largestTensorBytes({ vocab_size: 151936, hidden_size: 2048 }, 'q4f16', files); // 622329856
 */
export function largestTensorBytes(
  config: Readonly<Record<string, unknown>>,
  dtype: ResolvedDtype,
  files: readonly { path: string; size: number }[],
): number | null {
  const text = (config.text_config ?? {}) as Record<string, unknown>;
  const pick = (...names: string[]): number | undefined => {
    for (const source of [config, text]) {
      for (const name of names) if (typeof source[name] === 'number') return source[name];
    }
    return undefined;
  };
  const vocab = pick('vocab_size');
  const hidden = pick('hidden_size', 'd_model', 'n_embd');
  if (vocab === undefined || hidden === undefined) return null;
  const resolved = dtypeOfKey(dtype);
  const widths = typeof resolved === 'string' ? [embeddingBytes[resolved]] : Object.values(resolved).map((d) => embeddingBytes[d]);
  const largestFile = Math.max(0, ...files.filter((file) => isSessionFile(file.path)).map((file) => file.size));
  return Math.min(vocab * hidden * Math.max(...widths), largestFile);
}

/**
 * Checks a planned load against every limit: each file against the per-file buffer limit, the
 * session files against the wasm heap (all of them on WASM, the `.onnx` files on WebGPU), the
 * largest tensor against the adapter's buffer limits (on WebGPU), the bytes to download against
 * the storage room, and the session bytes against the device memory (a warning only).
 * @example
 * const report = checkFit({ device: 'wasm', dtype: 'q4', files, config, limits: defaultPlatformLimits });
 * report.verdict; // 'fits'
 */
export function checkFit(facts: FitFacts): FitReport {
  const { device, dtype, files, limits } = facts;
  const findings: FitFinding[] = [];
  const add = (limit: FitLimit, subject: string, bytes: number, max: number): void =>
    void findings.push({ limit, subject, bytes, max, fits: bytes <= max });
  for (const file of files) add('file-buffer', file.path, file.size, limits.maxFileBytes);
  const sessionFiles = files.filter((file) => isSessionFile(file.path));
  const sessionBytes = sessionFiles.reduce((sum, file) => sum + file.size, 0);
  const inHeap = device === 'wasm' ? sessionFiles : sessionFiles.filter((file) => file.path.endsWith('.onnx'));
  const heapSubject = device === 'wasm' ? 'the session files' : 'the .onnx files';
  add(
    'wasm-heap',
    heapSubject,
    inHeap.reduce((sum, file) => sum + file.size, 0),
    limits.wasmHeapBytes,
  );
  const tensor = largestTensorBytes(facts.config, dtype, files);
  if (device === 'webgpu' && facts.gpu && tensor !== null) {
    add('gpu-buffer', 'the largest tensor', tensor, Math.min(facts.gpu.maxBufferSize, facts.gpu.maxStorageBufferBindingSize));
  }
  if (facts.storage) add('storage', 'the bytes to download', facts.storage.needed, facts.storage.room);
  if (facts.deviceMemoryGiB !== undefined) add('device-memory', 'the session files', sessionBytes, facts.deviceMemoryGiB * 2 ** 30);
  const failing = findings.filter((finding) => !finding.fits);
  const verdict = failing.some((finding) => finding.limit !== 'device-memory') ? 'too-large' : failing.length > 0 ? 'risky' : 'fits';
  return {
    verdict,
    device,
    dtype,
    bytes: files.reduce((sum, file) => sum + file.size, 0),
    sessionBytes,
    largestTensorBytes: tensor,
    findings,
    reasons: failing.map(describe),
  };
}

const limitNames: Readonly<Record<FitLimit, string>> = {
  'file-buffer': "the browser's per-file ArrayBuffer limit",
  'wasm-heap': 'the 4 GiB wasm32 heap',
  'gpu-buffer': "the WebGPU adapter's largest buffer binding",
  storage: 'the storage room (quota or budget, after evicting every other model)',
  'device-memory': "the device's memory (navigator.deviceMemory)",
};

function describe(finding: FitFinding): string {
  const name = finding.limit === 'wasm-heap' ? `the wasm32 heap (${gib(finding.max)})` : limitNames[finding.limit];
  return `${finding.subject} (${finding.bytes} bytes, ${gib(finding.bytes)}) exceed ${name} of ${finding.max} bytes (${gib(finding.max)})`;
}

/** Whether `load()` refuses a report: a hard limit is exceeded. */
export function refuses(report: FitReport): boolean {
  return report.findings.some((finding) => !finding.fits && hardLimits.has(finding.limit));
}

/**
 * The error `load()` refuses a model with, with the figures in its message.
 * @example
 * if (refuses(report)) throw tooLargeError('org/model', report);
 */
export function tooLargeError(model: string, report: FitReport): InpageError {
  const hard = report.findings.filter((finding) => !finding.fits && hardLimits.has(finding.limit)).map(describe);
  return new InpageError(
    'MODEL_TOO_LARGE',
    `"${model}" (${report.dtype}) cannot run on ${report.device}: ${hard.join('; ')}. Nothing was downloaded. Pick a smaller dtype, or pass skipFitCheck: true to try anyway.`,
  );
}
