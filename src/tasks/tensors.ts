/**
 * Reading transformers.js tensors (model inputs and outputs) without importing transformers.js:
 * task modules see them as `unknown` and check their shape. Pure code.
 * @module
 */
import { InpageError } from '../errors.ts';

/** A tensor as the worker reads it: its flat data and dims. */
interface TensorLike {
  data: ArrayLike<number | bigint>;
  dims: readonly number[];
}

function asTensor(value: unknown, rank: number, what: string): TensorLike {
  const tensor = value as Partial<TensorLike> | null;
  const dims = tensor?.dims;
  const data = tensor?.data;
  if (!Array.isArray(dims) || dims.length !== rank || data === undefined || typeof data.length !== 'number') {
    throw new InpageError('RUNTIME', `The model's ${what} should be a rank-${rank} tensor.`);
  }
  return { data, dims };
}

/**
 * Row `row` of a [batch, length] tensor (input ids, attention mask, QA logits) as numbers.
 * @throws InpageError `RUNTIME` when `value` is not such a tensor.
 * @example
 * tensorRow(inputs.input_ids, 0, 'input_ids'); // [101, 7592, 102]
 */
export function tensorRow(value: unknown, row: number, what: string): number[] {
  const { data, dims } = asTensor(value, 2, what);
  const length = Number(dims[1]);
  return Array.from({ length }, (_, i) => Number(data[row * length + i]));
}

/**
 * Row `row` of a [batch, length, classes] tensor (token-classification logits): one Float32Array
 * of class logits per position.
 * @throws InpageError `RUNTIME` when `value` is not such a tensor.
 * @example
 * tensorRows(outputs.logits, 0, 'logits')[1]; // Float32Array(9) [-1.2, 6.1, …]
 */
export function tensorRows(value: unknown, row: number, what: string): Float32Array[] {
  const { data, dims } = asTensor(value, 3, what);
  const [, length = 0, classes = 0] = dims.map(Number);
  return Array.from({ length }, (_, position) =>
    Float32Array.from({ length: classes }, (_, k) => Number(data[(row * length + position) * classes + k])),
  );
}
