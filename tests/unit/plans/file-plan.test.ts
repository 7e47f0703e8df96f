/**
 * File plans from transformers.js's `ModelRegistry` (src/worker/file-plan.ts), on the tree
 * listings of real Hub repos (tests/data/hub-listings/) and on name-only listings covering every
 * dtype. Metadata probes are answered by the store bridge from the listing; any other fetch fails
 * the test.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { env } from '@huggingface/transformers';
import { isInpageError } from '../../../src/errors.ts';
import type { RepoFile, RepoSnapshot } from '../../../src/hub/hub-client.ts';
import type { ModelStore } from '../../../src/store/idb-store.ts';
import type { ModelConfig } from '../../../src/store/prepare-model.ts';
import { StoreBridge } from '../../../src/store/transformers-bridge.ts';
import { asLoaded, availableDtypes, filePlanner } from '../../../src/worker/file-plan.ts';
import type { PlanRequest } from '../../../src/worker/file-plan.ts';
import { dtypes } from '../../../src/types.ts';
import type { ConcreteDtype, ResolvedDtype } from '../../../src/types.ts';

const endpoint = 'https://hub.test';
const noStore = { getFile: async () => undefined, readFile: async () => undefined } as unknown as ModelStore;
const bridge = new StoreBridge(noStore, { endpoint });
const network = vi.fn(async () => {
  throw new Error('the plan touched the network');
});

beforeAll(() => {
  vi.stubGlobal('fetch', network);
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.remoteHost = `${endpoint}/`;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  env.useFSCache = false;
  env.useBrowserCache = false;
  env.useCustomCache = true;
  env.customCache = bridge.cache;
  env.fetch = bridge.fetch;
});
afterAll(() => {
  vi.unstubAllGlobals();
  expect(network).not.toHaveBeenCalled();
});

interface Listing {
  repo: string;
  commit: string;
  config: ModelConfig;
  files: RepoFile[];
}

function hubListing(name: string): Listing {
  return JSON.parse(readFileSync(new URL(`../../data/hub-listings/${name}.json`, import.meta.url), 'utf8')) as Listing;
}

const snapshotOf = (listing: Listing): RepoSnapshot => ({ repo: listing.repo, commit: listing.commit, files: listing.files });
const suffix = (dtype: ConcreteDtype): string => ({ fp32: '', q8: '_quantized' })[dtype as string] ?? `_${dtype}`;
const concrete = dtypes.filter((dtype): dtype is ConcreteDtype => dtype !== 'auto');
let repoCounter = 0;

/** A listing with only file names (sizes made up), e.g. every dtype's `onnx/model{suffix}.onnx`. */
function nameOnly(config: ModelConfig, paths: readonly string[]): Listing {
  repoCounter += 1; // transformers.js memoizes metadata probes per repo: each listing gets its own.
  const files = paths.map((path, index) => ({ path, size: 100 + index, oid: index.toString(16).padStart(40, '0') }));
  return { repo: `inpage-test/name-only-${repoCounter}`, commit: 'c'.repeat(40), config, files };
}

async function plan(listing: Listing, request: Partial<PlanRequest> = {}): Promise<{ dtype: ResolvedDtype; paths: string[] }[]> {
  const full: PlanRequest = { task: 'text-generation', dtype: 'auto', device: 'wasm', shaderF16: false, ...request };
  const plans = await filePlanner(bridge, full)(listing.config, snapshotOf(listing));
  return plans.map((entry) => ({ dtype: entry.dtype, paths: entry.files.map((file) => file.path).sort() }));
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isInpageError(error) ? error.code : String(error);
  }
  return undefined;
}

const tokenizer = ['tokenizer.json', 'tokenizer_config.json'];
const gpt2 = { architectures: ['GPT2LMHeadModel'], model_type: 'gpt2' };

describe('name-only listings: every dtype transformers.js knows', () => {
  const allDtypes = nameOnly(gpt2, [
    'config.json',
    'generation_config.json',
    ...tokenizer,
    ...concrete.map((d) => `onnx/model${suffix(d)}.onnx`),
  ]);

  it.each(concrete)('plans exactly the %s weights, config and tokenizer', async (dtype) => {
    const [only, ...rest] = await plan(allDtypes, { dtype });
    expect(rest).toEqual([]);
    expect(only).toEqual({
      dtype,
      paths: ['config.json', 'generation_config.json', `onnx/model${suffix(dtype)}.onnx`, ...tokenizer].sort(),
    });
  });

  it('finds every dtype in the listing', async () => {
    expect(await availableDtypes(allDtypes.config, snapshotOf(allDtypes), 'wasm')).toEqual(concrete);
  });

  it('refuses a dtype the repo lacks with FILE_NOT_FOUND naming the dtypes it has', async () => {
    const fp32Only = nameOnly(gpt2, ['config.json', ...tokenizer, 'onnx/model.onnx']);
    const error = await plan(fp32Only, { dtype: 'q4' }).catch((caught: unknown) => caught);
    expect(isInpageError(error, 'FILE_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('(the repo has: fp32)');
  });

  it('refuses half-precision dtypes on WebGPU without shader-f16 (DEVICE_UNAVAILABLE)', async () => {
    for (const dtype of ['fp16', 'q4f16', 'q2f16', 'q1f16'] as const) {
      expect(await codeOf(plan(allDtypes, { dtype, device: 'webgpu' }))).toBe('DEVICE_UNAVAILABLE');
      expect((await plan(allDtypes, { dtype, device: 'webgpu', shaderF16: true }))[0]?.dtype).toBe(dtype);
    }
  });
});

describe('auto', () => {
  const generator = nameOnly(gpt2, [
    'config.json',
    ...tokenizer,
    ...(['fp32', 'fp16', 'q8', 'q4', 'q4f16'] as const).map((d) => `onnx/model${suffix(d)}.onnx`),
  ]);
  const bert = { architectures: ['BertForSequenceClassification'], model_type: 'bert' };
  const encoder = nameOnly(bert, [
    'config.json',
    ...tokenizer,
    ...(['fp32', 'fp16', 'q8', 'q4', 'q4f16'] as const).map((d) => `onnx/model${suffix(d)}.onnx`),
  ]);

  it('picks q4f16 for generation on WebGPU with shader-f16, q4 without, q8 on WASM', async () => {
    expect((await plan(generator, { device: 'webgpu', shaderF16: true })).map((p) => p.dtype)).toEqual([
      'q4f16',
      'q4',
      'fp16',
      'fp32',
      'q8',
    ]);
    expect((await plan(generator, { device: 'webgpu' })).map((p) => p.dtype)).toEqual(['q4', 'fp32', 'q8']);
    expect((await plan(generator, { device: 'wasm' })).map((p) => p.dtype)).toEqual(['q8', 'q4', 'fp32', 'fp16']);
  });

  it('keeps the encoder choice (fp16 with shader-f16, else fp32 on WebGPU; q8 on WASM)', async () => {
    const task = 'text-classification';
    expect((await plan(encoder, { task, device: 'webgpu', shaderF16: true }))[0]?.dtype).toBe('fp16');
    expect((await plan(encoder, { task, device: 'webgpu' }))[0]?.dtype).toBe('fp32');
    expect((await plan(encoder, { task, device: 'wasm' }))[0]?.dtype).toBe('q8');
  });

  it("takes the model's transformers.js_config.dtype first, with device_config applied", async () => {
    const config = { ...gpt2, 'transformers.js_config': { dtype: 'fp32', device_config: { webgpu: { dtype: 'q4' } } } };
    const own = nameOnly(
      config,
      generator.files.map((file) => file.path),
    );
    expect((await plan(own, { device: 'wasm' }))[0]?.dtype).toBe('fp32');
    expect((await plan(own, { device: 'webgpu', shaderF16: true }))[0]?.dtype).toBe('q4');
  });
});

describe('external data, chat templates, processors', () => {
  it('plans external data in any number of chunks, also per session and per device', async () => {
    const config = {
      ...gpt2,
      'transformers.js_config': {
        use_external_data_format: { 'model_q4.onnx': 3 },
        device_config: { webgpu: { use_external_data_format: 2 } },
      },
    };
    const chunks = ['onnx/model_q4.onnx_data', 'onnx/model_q4.onnx_data_1', 'onnx/model_q4.onnx_data_2'];
    const listing = nameOnly(config, ['config.json', ...tokenizer, 'onnx/model.onnx', 'onnx/model_q4.onnx', ...chunks]);
    expect((await plan(listing, { dtype: 'q4' }))[0]?.paths).toEqual(['config.json', 'onnx/model_q4.onnx', ...chunks, ...tokenizer].sort());
    expect((await plan(listing, { dtype: 'q4', device: 'webgpu' }))[0]?.paths).toEqual(
      ['config.json', 'onnx/model_q4.onnx', ...chunks.slice(0, 2), ...tokenizer].sort(),
    );
    expect((await plan(listing, { dtype: 'fp32' }))[0]?.paths).toEqual(['config.json', 'onnx/model.onnx', ...tokenizer].sort());
  });

  it('plans chat_template.jinja (passed as chat_template) when the repo has it', async () => {
    const listing = nameOnly(gpt2, ['config.json', ...tokenizer, 'chat_template.jinja', 'onnx/model.onnx']);
    const [only] = await filePlanner(bridge, { task: 'text-generation', dtype: 'fp32', device: 'wasm', shaderF16: false })(
      listing.config,
      snapshotOf(listing),
    );
    expect(only?.chatTemplate).toBe('chat_template.jinja');
    expect(only?.files.map((file) => file.path)).toContain('chat_template.jinja');
  });

  it('plans no tokenizer without tokenizer_config.json, as transformers.js 4.3.1 loads none then', async () => {
    const listing = nameOnly(gpt2, ['config.json', 'tokenizer.json', 'onnx/model.onnx']);
    expect((await plan(listing, { dtype: 'fp32' }))[0]?.paths).toEqual(['config.json', 'onnx/model.onnx']);
  });
});

describe("from_pretrained's class-based sessions", () => {
  it('follows the class the task loads where the config names another architecture', async () => {
    const headless = { architectures: ['GPT2Model'], model_type: 'gpt2' };
    const listing = nameOnly(headless, ['config.json', 'generation_config.json', ...tokenizer, 'onnx/model.onnx']);
    // text-generation loads GPT2LMHeadModel (a decoder with generation_config.json), not the headless GPT2Model.
    expect(asLoaded('text-generation', headless).architectures).toEqual(['GPT2LMHeadModel']);
    expect((await plan(listing, { dtype: 'fp32' }))[0]?.paths).toContain('generation_config.json');
    // feature-extraction loads GPT2Model itself: no generation config.
    expect(asLoaded('feature-extraction', headless)).toBe(headless);
    expect((await plan(listing, { task: 'feature-extraction', dtype: 'fp32' }))[0]?.paths).not.toContain('generation_config.json');
  });

  it("keeps a multimodal model's own architecture for text generation (text-only mode)", () => {
    const gemma3 = hubListing('gemma3-multimodal').config;
    expect(asLoaded('text-generation', gemma3)).toBe(gemma3);
  });
});

describe('tree listings of real Hub repos', () => {
  it('onnx-community/Qwen2.5-Coder-3B-Instruct: external data for every dtype, its own dtype q4f16', async () => {
    const listing = hubListing('qwen2.5-coder-3b-external-data');
    const shared = ['config.json', 'generation_config.json', ...tokenizer];
    expect(await availableDtypes(listing.config, snapshotOf(listing), 'webgpu')).toEqual([
      'fp32',
      'fp16',
      'q8',
      'int8',
      'uint8',
      'q4',
      'bnb4',
      'q4f16',
    ]);
    expect(await plan(listing, { dtype: 'q4', device: 'webgpu' })).toEqual([
      { dtype: 'q4', paths: [...shared, 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data'].sort() },
    ]);
    const auto = await plan(listing, { device: 'webgpu', shaderF16: true });
    expect(auto[0]).toEqual({ dtype: 'q4f16', paths: [...shared, 'onnx/model_q4f16.onnx', 'onnx/model_q4f16.onnx_data'].sort() });
    expect((await plan(listing, { device: 'webgpu' }))[0]?.dtype).toBe('q4');
    expect(await codeOf(plan(listing, { dtype: 'q2' }))).toBe('FILE_NOT_FOUND');
  });

  it('a Gemma3 image-text-to-text layout: text generation plans only embed_tokens and the decoder', async () => {
    const listing = hubListing('gemma3-multimodal');
    expect(await plan(listing, { dtype: 'q4f16', device: 'webgpu', shaderF16: true })).toEqual([
      { dtype: 'q4f16', paths: ['config.json', 'onnx/decoder_model_merged_q4f16.onnx', 'onnx/embed_tokens_q4f16.onnx'] },
    ]);
    expect((await plan(listing, { task: 'image-to-text', dtype: 'q4' }))[0]?.paths).toEqual([
      'config.json',
      'onnx/decoder_model_merged_q4.onnx',
      'onnx/embed_tokens_q4.onnx',
      'onnx/vision_encoder_q4.onnx',
    ]);
    expect(await availableDtypes(listing.config, snapshotOf(listing), 'wasm')).toEqual(['fp32', 'fp16', 'q8', 'q4', 'q4f16']);
  });
});

describe('per-session dtype maps', () => {
  const gemma3 = hubListing('gemma3-multimodal');
  const webgpuF16 = { device: 'webgpu', shaderF16: true } as const;

  it('plans exactly each session in its own dtype, under a canonical key', async () => {
    const dtype = { embed_tokens: 'q4', decoder_model_merged: 'q4f16' } as const;
    expect(await plan(gemma3, { dtype, ...webgpuF16 })).toEqual([
      {
        dtype: 'decoder_model_merged=q4f16,embed_tokens=q4',
        paths: ['config.json', 'onnx/decoder_model_merged_q4f16.onnx', 'onnx/embed_tokens_q4.onnx'],
      },
    ]);
    // The key does not depend on the order of the map's entries.
    const reordered = { decoder_model_merged: 'q4f16', embed_tokens: 'q4' } as const;
    expect((await plan(gemma3, { dtype: reordered, ...webgpuF16 }))[0]?.dtype).toBe('decoder_model_merged=q4f16,embed_tokens=q4');
  });

  it("gives a session the map leaves out transformers.js's default for the device (q8 on WASM, fp32 on WebGPU)", async () => {
    const dtype = { decoder_model_merged: 'q4' } as const;
    expect(await plan(gemma3, { dtype })).toEqual([
      {
        dtype: 'decoder_model_merged=q4,embed_tokens=q8',
        paths: ['config.json', 'onnx/decoder_model_merged_q4.onnx', 'onnx/embed_tokens_quantized.onnx'],
      },
    ]);
    expect((await plan(gemma3, { dtype, device: 'webgpu' }))[0]?.dtype).toBe('decoder_model_merged=q4,embed_tokens=fp32');
    // A WebGPU plan falling back to WASM keeps the WebGPU choice, so it runs the stored bytes.
    expect((await plan(gemma3, { dtype, autoFor: 'webgpu' }))[0]?.dtype).toBe('decoder_model_merged=q4,embed_tokens=fp32');
  });

  it('refuses a session the task does not load with INVALID_INPUT naming the sessions', async () => {
    const error = await plan(gemma3, { dtype: { vision_encoder: 'q4', decoder_model_merged: 'q4' } }).catch((caught: unknown) => caught);
    expect(isInpageError(error, 'INVALID_INPUT'), String(error)).toBe(true);
    expect((error as Error).message).toContain(
      'has no session "vision_encoder": its sessions for this task are "embed_tokens", "decoder_model_merged"',
    );
  });

  it('refuses an unknown dtype in a map with INVALID_INPUT', async () => {
    const dtype = { decoder_model_merged: 'q3' } as unknown as PlanRequest['dtype'];
    expect(await codeOf(plan(gemma3, { dtype }))).toBe('INVALID_INPUT');
  });

  it('refuses a half-precision session on WebGPU without shader-f16 (DEVICE_UNAVAILABLE), runs it on WASM', async () => {
    const dtype = { embed_tokens: 'q4', decoder_model_merged: 'q4f16' } as const;
    expect(await codeOf(plan(gemma3, { dtype, device: 'webgpu' }))).toBe('DEVICE_UNAVAILABLE');
    expect((await plan(gemma3, { dtype }))[0]?.dtype).toBe('decoder_model_merged=q4f16,embed_tokens=q4');
  });

  it('refuses a session dtype the repo lacks with FILE_NOT_FOUND', async () => {
    expect(await codeOf(plan(gemma3, { dtype: { embed_tokens: 'q4', decoder_model_merged: 'int8' } }))).toBe('FILE_NOT_FOUND');
  });

  it("names an encoder-decoder's sessions by their files, as pipeline() reads the map (not the registry's `model`)", async () => {
    const marian = { architectures: ['MarianMTModel'], model_type: 'marian', is_encoder_decoder: true };
    const bases = ['encoder_model', 'decoder_model_merged'];
    const listing = nameOnly(marian, [
      'config.json',
      ...tokenizer,
      ...bases.flatMap((base) => ['', '_fp16', '_quantized'].map((end) => `onnx/${base}${end}.onnx`)),
    ]);
    const task = 'translation';
    const [mixed] = await plan(listing, { task, dtype: { encoder_model: 'fp16', decoder_model_merged: 'q8' } });
    expect(mixed?.dtype).toBe('decoder_model_merged=q8,encoder_model=fp16');
    expect(mixed?.paths.filter((path) => path.startsWith('onnx/'))).toEqual([
      'onnx/decoder_model_merged_quantized.onnx',
      'onnx/encoder_model_fp16.onnx',
    ]);
    const error = await plan(listing, { task, dtype: { model: 'fp16' } }).catch((caught: unknown) => caught);
    expect(isInpageError(error, 'INVALID_INPUT'), String(error)).toBe(true);
    expect((error as Error).message).toContain('"encoder_model", "decoder_model_merged"');
  });

  it('a map on a one-session model is that dtype (same key and files), external data included', async () => {
    const qwen = hubListing('qwen2.5-coder-3b-external-data');
    const [mapped] = await plan(qwen, { dtype: { model: 'q4f16' }, ...webgpuF16 });
    expect(mapped).toEqual((await plan(qwen, { dtype: 'q4f16', ...webgpuF16 }))[0]);
    expect(mapped?.dtype).toBe('q4f16');
    expect(mapped?.paths).toContain('onnx/model_q4f16.onnx_data');
    expect(await codeOf(plan(qwen, { dtype: { decoder_model_merged: 'q4' } }))).toBe('INVALID_INPUT');
  });
});
