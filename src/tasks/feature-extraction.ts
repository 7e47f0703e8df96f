/**
 * `feature-extraction`: embeddings of texts, as a plain tensor (`data` + `dims`).
 * @module
 */
import { InpageError } from '../errors.ts';
import { readArray, readRecord } from './raw-output.ts';
import type { BatchableTask, OptionValue, TaskPipeline } from './task.ts';
import { checkBoolean, checkOneOf, checkOptions, checkTexts, stableKey, unexpectedOutput } from './validate.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

/**
 * A text, or several texts embedded in one call.
 * @example
 * const input: FeatureExtractionInput = ['first passage', 'second passage'];
 */
export type FeatureExtractionInput = string | readonly string[];

/**
 * How token embeddings become one vector per text. `'none'` keeps one vector per token;
 * `'mean'` averages them (attention-masked); `'cls'` / `'first_token'` take the first token;
 * `'eos'` / `'last_token'` take the last position.
 * @example
 * const pooling: Pooling = 'mean';
 */
export type Pooling = 'none' | 'mean' | 'cls' | 'first_token' | 'eos' | 'last_token';

/**
 * Binary quantization: `'binary'` packs 8 signs per `int8` (offset by −128), `'ubinary'` per `uint8`.
 * @example
 * const precision: QuantizePrecision = 'ubinary';
 */
export type QuantizePrecision = 'binary' | 'ubinary';

/**
 * Options of feature-extraction (those of transformers.js 4.3.1).
 * @example
 * const options: FeatureExtractionOptions = { pooling: 'mean', normalize: true };
 */
export interface FeatureExtractionOptions {
  /** @default 'none' */
  pooling?: Pooling;
  /**
   * Scale each vector to unit length (L2), so that a dot product is the cosine similarity.
   * @default false
   */
  normalize?: boolean;
  /**
   * Quantize each vector to 1 bit per dimension (needs a pooling other than `'none'` and a
   * dimension that is a multiple of 8).
   * @default false
   */
  quantize?: boolean;
  /** @default 'binary' (used only with `quantize: true`) */
  precision?: QuantizePrecision;
}

/**
 * The element array of an embedding tensor: float32, or int8 / uint8 when quantized.
 * @example
 * const data: EmbeddingData = new Float32Array(384);
 */
export type EmbeddingData = Float32Array | Int8Array | Uint8Array;

/**
 * A plain tensor: `data` in row-major order, shaped by `dims`. `[1, d]` for a string,
 * `[n, d]` for `n` strings, `[n, tokens, d]` with `pooling: 'none'` (`tokens` is the padded
 * length). When quantized, `d` is the dimension divided by 8.
 * @example
 * const { data, dims } = embeddings; // dims [2, 384]: row i is data.subarray(i * 384, (i + 1) * 384)
 */
export interface FeatureExtractionTensor<Data extends EmbeddingData = EmbeddingData> {
  data: Data;
  dims: number[];
}

/**
 * The element type the options give: `Float32Array`, or `Int8Array` / `Uint8Array` when quantized.
 * @example
 * type D = EmbeddingDataFor<{ pooling: 'mean'; quantize: true; precision: 'ubinary' }>; // Uint8Array
 */
export type EmbeddingDataFor<O> = [OptionValue<O, 'quantize'>] extends [true]
  ? QuantizedData<OptionValue<O, 'precision'>>
  : [OptionValue<O, 'quantize'>] extends [false | undefined]
    ? Float32Array
    : EmbeddingData;

/**
 * The element type of quantized embeddings for a `precision` type (`undefined` means the default, `'binary'`).
 * @example
 * type D = QuantizedData<'ubinary'>; // Uint8Array
 */
export type QuantizedData<P> = [P] extends ['ubinary']
  ? Uint8Array
  : [P] extends ['binary' | undefined]
    ? Int8Array
    : Int8Array | Uint8Array;

/**
 * The output of feature-extraction for options `O`.
 * @example
 * type Out = FeatureExtractionOutput<{ pooling: 'mean' }>; // FeatureExtractionTensor<Float32Array>
 */
export type FeatureExtractionOutput<O = FeatureExtractionOptions> = FeatureExtractionTensor<EmbeddingDataFor<O>>;

const id = 'feature-extraction';
const optionKeys = ['pooling', 'normalize', 'quantize', 'precision'] as const;
const poolings: readonly Pooling[] = ['none', 'mean', 'cls', 'first_token', 'eos', 'last_token'];
/**
 * Poolings whose result for a text does not depend on the other texts of a batch. `'none'`
 * changes shape with the padded length; `'eos'` / `'last_token'` would read a padding position
 * of right-padded texts. `'cls'` assumes right padding, the default of encoder tokenizers.
 */
const batchSafePoolings: readonly Pooling[] = ['mean', 'cls', 'first_token'];

function resolve(options: FeatureExtractionOptions | undefined): Required<FeatureExtractionOptions> {
  return {
    pooling: options?.pooling ?? 'none',
    normalize: options?.normalize ?? false,
    quantize: options?.quantize ?? false,
    precision: options?.precision ?? 'binary',
  };
}

function concatRows(task: string, rows: readonly FeatureExtractionTensor[]): FeatureExtractionTensor {
  const [first] = rows;
  if (first === undefined) throw new InpageError('UNSUPPORTED_MODEL', `${task}: nothing to join.`);
  const rowLength = first.data.length;
  const data = new (first.data.constructor as new (length: number) => EmbeddingData)(rowLength * rows.length);
  rows.forEach((row, index) => data.set(row.data, index * rowLength));
  return { data, dims: [rows.length, ...first.dims.slice(1)] };
}

/**
 * Feature extraction (embeddings), e.g. with `Xenova/all-MiniLM-L6-v2`. Batchable when
 * `pooling` is `'mean'`, `'cls'` or `'first_token'`. The worker should transfer `data.buffer`.
 * @example
 * const embedder = await client.load('feature-extraction', 'Xenova/all-MiniLM-L6-v2');
 * await embedder.run(['Hello', 'World'], { pooling: 'mean', normalize: true });
 * // { data: Float32Array(768) [0.0421, -0.0118, …], dims: [2, 384] }
 * await embedder.run('Hello');
 * // { data: Float32Array(1152) […], dims: [1, 3, 384] }  ([CLS] hello [SEP], no pooling)
 */
export const featureExtractionTask: BatchableTask<
  FeatureExtractionInput,
  FeatureExtractionOptions,
  FeatureExtractionOutput,
  FeatureExtractionOutput
> = /* @__PURE__ */ Object.freeze({
  id,
  pipelineTask: 'feature-extraction',
  batchable: true,
  streamable: false,
  validate(input: unknown, options: unknown): asserts input is FeatureExtractionInput {
    checkTexts(id, input);
    const record = checkOptions(id, options, optionKeys);
    checkOneOf(id, 'pooling', record['pooling'], poolings);
    checkBoolean(id, 'normalize', record['normalize']);
    checkBoolean(id, 'quantize', record['quantize']);
    checkOneOf(id, 'precision', record['precision'], ['binary', 'ubinary']);
    if (record['quantize'] === true && (record['pooling'] ?? 'none') === 'none') {
      throw new RangeError(`${id}: option "quantize" needs one vector per text; set "pooling" (e.g. 'mean'), not 'none'.`);
    }
  },
  canBatch: (options?: FeatureExtractionOptions) => batchSafePoolings.includes(resolve(options).pooling),
  batchKey: (options?: FeatureExtractionOptions) => stableKey(resolve(options)),
  toItems: (input: FeatureExtractionInput) => (typeof input === 'string' ? [input] : [...input]),
  batchInput: (items: readonly string[]) => [...items],
  splitOutput(output: FeatureExtractionOutput, count: number): FeatureExtractionOutput[] {
    const [rows, ...rest] = output.dims;
    if (rows !== count) throw new InpageError('UNSUPPORTED_MODEL', `${id}: a batched output should hold ${count} rows, got ${rows ?? 0}.`);
    const rowLength = output.data.length / count;
    return Array.from({ length: count }, (_, index) => ({
      data: output.data.slice(index * rowLength, (index + 1) * rowLength),
      dims: [1, ...rest],
    }));
  },
  joinItems(items: readonly FeatureExtractionOutput[], input: FeatureExtractionInput): FeatureExtractionOutput {
    if (typeof input !== 'string') return concatRows(id, items);
    const [only] = items;
    if (items.length !== 1 || only === undefined) {
      throw new InpageError('UNSUPPORTED_MODEL', `${id}: a single text should get one row, got ${items.length}.`);
    }
    return only;
  },
});

/**
 * IEEE half floats (transformers.js stores `float16` as `Uint16Array` without `Float16Array`) → float32.
 * @example
 * halfToFloat(0x3c00); // 1
 */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** An array that owns its whole, non-shared buffer, so the worker can transfer it. */
function owned<T extends EmbeddingData>(data: T, copy: (source: T) => T): T {
  const ownsBuffer = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return ownsBuffer ? data : copy(data);
}

function toEmbeddingData(raw: unknown, type: unknown): EmbeddingData {
  if (raw instanceof Float32Array) return owned(raw, (source) => source.slice());
  if (raw instanceof Int8Array) return owned(raw, (source) => source.slice());
  if (raw instanceof Uint8Array) return owned(raw, (source) => source.slice());
  if (raw instanceof Uint16Array && type === 'float16') return Float32Array.from(raw, halfToFloat);
  if (ArrayBuffer.isView(raw) && !(raw instanceof DataView) && !(raw instanceof BigInt64Array) && !(raw instanceof BigUint64Array)) {
    // Float16Array (where the browser has it), Float64Array: numeric elements, stored as float32.
    return Float32Array.from(raw as unknown as ArrayLike<number>);
  }
  throw unexpectedOutput(id, 'the tensor data should be a typed array', raw);
}

/** Reads a transformers.js Tensor by duck typing (`data`, `dims`, `type`) into a plain tensor. */
function readTensor(raw: unknown): FeatureExtractionTensor {
  const tensor = readRecord(id, raw, 'the tensor');
  const dims = readArray(id, tensor['dims'], 'the tensor dims').map(Number);
  const data = toEmbeddingData(tensor['data'], tensor['type']);
  const size = dims.reduce((product, dim) => product * dim, 1);
  if (dims.some((dim) => !Number.isInteger(dim) || dim < 0) || size !== data.length) {
    throw unexpectedOutput(id, `dims [${dims.join(', ')}] do not match ${data.length} values`, raw);
  }
  return { data, dims };
}

/**
 * The worker half of feature-extraction: transformers.js call, and conversion of its Tensor into a
 * plain tensor whose `data.buffer` the worker can transfer.
 * @example
 * featureExtractionPipeline.toPipelineArgs('hi', { pooling: 'mean' });
 * // ['hi', { pooling: 'mean', normalize: false, quantize: false, precision: 'binary' }]
 */
export const featureExtractionPipeline: TaskPipeline<FeatureExtractionInput, FeatureExtractionOptions, FeatureExtractionOutput> =
  /* @__PURE__ */ Object.freeze({
    toPipelineArgs(input: FeatureExtractionInput, options?: FeatureExtractionOptions): unknown[] {
      const { pooling, normalize, quantize, precision } = resolve(options);
      return [typeof input === 'string' ? input : [...input], { pooling, normalize, quantize, precision }];
    },
    fromPipelineOutput(raw: unknown, input: FeatureExtractionInput): FeatureExtractionOutput {
      const tensor = readTensor(raw);
      const texts = typeof input === 'string' ? 1 : input.length;
      if (tensor.dims.length < 2 || tensor.dims[0] !== texts) {
        throw unexpectedOutput(id, `expected ${texts} rows, got dims [${tensor.dims.join(', ')}]`, raw);
      }
      return tensor;
    },
  });

/**
 * The types of feature-extraction, for the task table: input, options, and the output a call's input and
 * options give.
 */
export interface FeatureExtractionTypes extends TaskTypeSpec {
  readonly input: FeatureExtractionInput;
  readonly options: FeatureExtractionOptions;
  readonly output: FeatureExtractionOutput<this['callOptions']>;
}

/** feature-extraction in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as FeatureExtractionTypes,
  definition: featureExtractionTask,
  pipeline: featureExtractionPipeline,
});
