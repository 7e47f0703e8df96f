import { describe, expect, it } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import type { RepoFile } from '../../../src/hub/hub-client.ts';
import { availableDtypes, planModelFiles, sessionFiles } from '../../../src/store/model-files.ts';

const file = (path: string, size = 10): RepoFile => ({ path, size, oid: '0'.repeat(40) });
const encoderOnly = [
  'README.md',
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
  'onnx/model_fp16.onnx',
  'onnx/model_quantized.onnx',
].map((path) => file(path));
const seq2seq = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/encoder_model_quantized.onnx',
  'onnx/decoder_model_merged_quantized.onnx',
  'onnx/encoder_model.onnx',
  'onnx/decoder_model_merged.onnx',
  'onnx/decoder_model_merged.onnx_data',
].map((path) => file(path));

const paths = (files: RepoFile[]): string[] => files.map((entry) => entry.path);

describe('planModelFiles', () => {
  it("plans config, tokenizer files and the dtype's weights of an encoder model", () => {
    expect(paths(planModelFiles({ model_type: 'bert' }, 'q8', encoderOnly))).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/model_quantized.onnx',
    ]);
    expect(paths(planModelFiles({}, 'fp32', encoderOnly))).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/model.onnx',
    ]);
    expect(paths(planModelFiles({}, 'fp16', encoderOnly))).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/model_fp16.onnx',
    ]);
  });

  it('plans encoder, merged decoder, generation config and external data of a seq2seq model', () => {
    expect(paths(planModelFiles({ is_encoder_decoder: true }, 'fp32', seq2seq))).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'generation_config.json',
      'onnx/encoder_model.onnx',
      'onnx/decoder_model_merged.onnx',
      'onnx/decoder_model_merged.onnx_data',
    ]);
  });

  it('throws FILE_NOT_FOUND naming the dtypes the repo has', () => {
    const error = (() => {
      try {
        planModelFiles({ is_encoder_decoder: true }, 'fp16', seq2seq);
      } catch (failure) {
        return failure;
      }
      return undefined;
    })();
    expect(isInpageError(error, 'FILE_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toBe(
      'The model has no "onnx/encoder_model_fp16.onnx", so dtype "fp16" is not available (the repo has: fp32, q8).',
    );
  });

  it('throws FILE_NOT_FOUND without tokenizer.json, and keeps optional files optional', () => {
    expect(() =>
      planModelFiles(
        {},
        'fp32',
        encoderOnly.filter((entry) => entry.path !== 'tokenizer.json'),
      ),
    ).toThrow('The model has no "tokenizer.json".');
    expect(
      paths(
        planModelFiles(
          {},
          'fp32',
          encoderOnly.filter((entry) => entry.path !== 'tokenizer_config.json'),
        ),
      ),
    ).toEqual(['config.json', 'tokenizer.json', 'onnx/model.onnx']);
  });

  it('does not take a similarly named file for external data', () => {
    const files = [
      ...encoderOnly,
      file('onnx/model.onnx_data'),
      file('onnx/model.onnx_data_1'),
      file('onnx/model_fp16.onnx_data'),
      file('onnx/model.onnx_database'),
    ];
    expect(paths(planModelFiles({}, 'fp32', files)).slice(3)).toEqual([
      'onnx/model.onnx',
      'onnx/model.onnx_data',
      'onnx/model.onnx_data_1',
    ]);
  });
});

describe('availableDtypes and sessionFiles', () => {
  it('lists the dtypes whose session files all exist', () => {
    expect(availableDtypes({}, encoderOnly)).toEqual(['fp32', 'fp16', 'q8']);
    expect(availableDtypes({ is_encoder_decoder: true }, seq2seq)).toEqual(['fp32', 'q8']);
    expect(availableDtypes({}, seq2seq)).toEqual([]);
  });

  it('names the sessions transformers.js creates', () => {
    expect(sessionFiles({})).toEqual(['model']);
    expect(sessionFiles({ is_encoder_decoder: true })).toEqual(['encoder_model', 'decoder_model_merged']);
  });
});
