import { InpageError } from '../errors.ts';
import type { RepoFile } from '../hub/hub-client.ts';
import type { ResolvedDtype } from '../types.ts';

/** The file-name suffix of each dtype, as on the Hub (`onnx/model_quantized.onnx` for q8). */
export const dtypeSuffix: Readonly<Record<ResolvedDtype, string>> = Object.freeze({ fp32: '', fp16: '_fp16', q8: '_quantized' });

/** The parts of `config.json` that decide which files a load needs. */
export interface ModelConfig {
  model_type?: string;
  is_encoder_decoder?: boolean;
  architectures?: string[];
  'transformers.js_config'?: { use_external_data_format?: boolean | number | Record<string, boolean | number> };
}

const tokenizerFiles = ['tokenizer.json', 'tokenizer_config.json'];
const generationFiles = ['generation_config.json'];

/**
 * The ONNX session files (without dtype suffix) transformers.js creates for a model: encoder and
 * merged decoder for encoder-decoder models, a single `model` otherwise.
 * @example
 * sessionFiles({ is_encoder_decoder: true }); // ['encoder_model', 'decoder_model_merged']
 */
export function sessionFiles(config: ModelConfig): string[] {
  return config.is_encoder_decoder ? ['encoder_model', 'decoder_model_merged'] : ['model'];
}

/**
 * inpage's own (config, dtype) → files mapping: exactly the files `pipeline()` will ask for.
 * Optional files are included only when the repo has them.
 *
 * @param config - the model's parsed `config.json`.
 * @param dtype - the concrete dtype of the load.
 * @param files - the repo's files at the load's commit.
 * @throws InpageError `FILE_NOT_FOUND` when a required file (weights, tokenizer) is missing,
 *   with the dtypes the repo does have.
 * @example
 * planModelFiles(config, 'q8', snapshot.files).map((file) => file.path);
 * // ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx']
 */
export function planModelFiles(config: ModelConfig, dtype: ResolvedDtype, files: readonly RepoFile[]): RepoFile[] {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const wanted: RepoFile[] = [];
  const require = (path: string, hint = ''): void => {
    const file = byPath.get(path);
    if (!file) throw new InpageError('FILE_NOT_FOUND', `The model has no "${path}"${hint}.`);
    wanted.push(file);
  };
  const optional = (path: string): void => {
    const file = byPath.get(path);
    if (file) wanted.push(file);
  };
  require('config.json');
  require('tokenizer.json');
  tokenizerFiles.slice(1).forEach(optional);
  generationFiles.forEach(optional);
  for (const session of sessionFiles(config)) {
    const base = `onnx/${session}${dtypeSuffix[dtype]}.onnx`;
    require(base, `, so dtype "${dtype}" is not available (the repo has: ${availableDtypes(config, files).join(', ') || 'none'})`);
    const external = new RegExp(`^${escapeRegExp(base)}_data(?:_\\d+)?$`);
    for (const file of files) if (external.test(file.path)) wanted.push(file);
  }
  return wanted;
}

/**
 * The dtypes whose session files all exist in a repo.
 * @example
 * availableDtypes(config, snapshot.files); // ['fp32', 'fp16', 'q8']
 */
export function availableDtypes(config: ModelConfig, files: readonly RepoFile[]): ResolvedDtype[] {
  const paths = new Set(files.map((file) => file.path));
  return (Object.keys(dtypeSuffix) as ResolvedDtype[]).filter((dtype) =>
    sessionFiles(config).every((session) => paths.has(`onnx/${session}${dtypeSuffix[dtype]}.onnx`)),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
