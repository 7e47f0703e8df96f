/**
 * What inpage downloads equals what transformers.js then requests, for every fixture, its task
 * and every dtype it ships: the store prepares the plan transformers.js's `ModelRegistry` gave,
 * `pipeline()` loads through the bridge, and the bridge's record of the load must show every
 * planned file served and no other file asked for. Runs in the page (the worker's modules,
 * without the worker), on the project's device.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline } from '@huggingface/transformers';
import type { PipelineType } from '@huggingface/transformers';
import { isInpageError } from '../../../src/errors.ts';
import { hubConfig } from '../../../src/hub/hub-client.ts';
import { ModelStore } from '../../../src/store/idb-store.ts';
import { prepareModel } from '../../../src/store/prepare-model.ts';
import { StoreBridge } from '../../../src/store/transformers-bridge.ts';
import { dtypeOfKey } from '../../../src/runtime/device-plan.ts';
import type { ConcreteDtype, SessionDtypes } from '../../../src/types.ts';
import { filePlanner } from '../../../src/worker/file-plan.ts';
import { runtimeBuild } from '../../../src/runtime/runtime-build.ts';
import { configureTransformers } from '../../../src/worker/transformers-env.ts';
import { COUNTER_CHAT_TEMPLATE, counter4bitFixture } from '../../fixtures/defs/counter-4bit.ts';
import { fixtures } from '../../fixtures/defs/index.ts';
import { DTYPE_SUFFIX } from '../../fixtures/hub-files.ts';
import type { ModelDtype } from '../../fixtures/onnx/graph.ts';
import { hub as hubServer, hubUrl, project, uniqueNamespace } from '../support/hub.ts';

const device = project === 'webgpu' ? 'webgpu' : 'wasm';
/** SwiftShader's adapter (the webgpu project) has no shader-f16: fp16 graphs cannot run there. */
const shaderF16 = false;
const store = new ModelStore(uniqueNamespace('plans'));
const hub = hubConfig({ endpoint: hubUrl });
const bridge = new StoreBridge(store, hub);

beforeAll(() => {
  configureTransformers(
    { hub, storage: { namespace: store.namespace, chunkSize: 1 << 20, concurrency: 4, retries: 1 }, warmup: false, device },
    bridge,
    1,
    runtimeBuild(device),
  );
});
afterAll(() => store.clearAll());

/** Every fixture with its task and each dtype whose weights it ships. */
const cases = fixtures.flatMap((fixture) => {
  const shipped = new Set(
    Object.keys(fixture.files())
      .filter((path) => path.startsWith('onnx/') && path.endsWith('.onnx'))
      .map(dtypeOf),
  );
  return [...shipped].map((dtype: ConcreteDtype) => ({ repo: fixture.id, task: fixture.task, dtype }));
});

/** The dtype of an ONNX file name by its suffix (the longest suffix that matches). */
function dtypeOf(path: string): ModelDtype {
  const matches = (Object.keys(DTYPE_SUFFIX) as ModelDtype[]).filter((dtype) => path.endsWith(`${DTYPE_SUFFIX[dtype]}.onnx`));
  return matches.sort((a, b) => DTYPE_SUFFIX[b].length - DTYPE_SUFFIX[a].length)[0] ?? 'fp32';
}

interface Loaded {
  /** The planned dtype (a per-session map's key). */
  dtype: string;
  planned: string[];
  served: string[];
  unplanned: string[];
  /** The loaded tokenizer's chat template. */
  chatTemplate: unknown;
}

async function load(repo: string, task: string, dtype: ConcreteDtype | SessionDtypes, revision = 'main'): Promise<Loaded> {
  const plan = filePlanner(bridge, { task, dtype, device, shaderF16 });
  const prepared = await prepareModel(
    { repo, revision, dtype, plan, policy: 'pinned' },
    { hub, store, chunkSize: 1 << 20, retries: 1, concurrency: 4 },
  );
  const release = await bridge.activate(prepared);
  let chatTemplate: unknown;
  try {
    const pipe = (await pipeline(task as PipelineType, repo, {
      revision: prepared.commit,
      device,
      dtype: dtypeOfKey(prepared.dtype),
    })) as unknown as {
      tokenizer?: { chat_template?: unknown };
      dispose(): Promise<void>;
    };
    chatTemplate = pipe.tokenizer?.chat_template;
    await pipe.dispose();
  } finally {
    release();
  }
  const requests = bridge.requestsOf(repo);
  return {
    dtype: prepared.dtype,
    planned: prepared.files.map((file) => file.path).sort(),
    served: [...(requests?.served ?? [])].sort(),
    unplanned: [...(requests?.unplanned ?? [])].sort(),
    chatTemplate,
  };
}

describe(`file plans on ${device}: downloads equal requests`, () => {
  it.each(cases)('$repo, $task, $dtype', async ({ repo, task, dtype }) => {
    const halfOnWebgpu = device === 'webgpu' && (dtype === 'fp16' || dtype === 'q4f16');
    if (halfOnWebgpu) {
      const error = await load(repo, task, dtype).catch((caught: unknown) => caught);
      expect(isInpageError(error, 'DEVICE_UNAVAILABLE'), String(error)).toBe(true);
      return;
    }
    const { planned, served, unplanned, chatTemplate } = await load(repo, task, dtype);
    expect(unplanned, 'files transformers.js asked for that inpage did not plan').toEqual([]);
    expect(served, 'planned files transformers.js never asked for').toEqual(planned);
    expect(planned.some((path) => path.startsWith('onnx/'))).toBe(true);
    // chat_template.jinja reaches the tokenizer as its chat_template.
    if (repo === counter4bitFixture.id) expect(chatTemplate).toBe(COUNTER_CHAT_TEMPLATE);
  });
});

describe("file plans follow from_pretrained's class", () => {
  it('a gpt2 repo whose config names the headless GPT2Model still gets the generation config text generation loads', async () => {
    const repo = 'inpage-fixtures/counter';
    const config = JSON.parse(String(fixtures.find((fixture) => fixture.id === repo)?.files()['config.json'])) as Record<string, unknown>;
    const { sha } = await hubServer.commit(repo, { 'config.json': JSON.stringify({ ...config, architectures: ['GPT2Model'] }) });
    const { planned, served, unplanned } = await load(repo, 'text-generation', 'fp32', sha);
    expect(unplanned).toEqual([]);
    expect(served).toEqual(planned);
    expect(planned).toContain('generation_config.json');
  });
});

describe('per-session dtype maps', () => {
  // The encoder's dtype differs from the device's default, which a plan keyed by the registry's session name (`model`) would pick.
  const [encoder, decoder] = device === 'wasm' ? (['fp32', 'q8'] as const) : (['q8', 'fp32'] as const);
  it(`an encoder-decoder fixture with a ${encoder} encoder and a ${decoder} decoder: downloads equal requests`, async () => {
    const repo = 'inpage-fixtures/opus-mt-en-fr';
    const loaded = await load(repo, 'translation', { encoder_model: encoder, decoder_model_merged: decoder });
    expect(loaded.unplanned).toEqual([]);
    expect(loaded.served).toEqual(loaded.planned);
    expect(loaded.dtype).toBe(`decoder_model_merged=${decoder},encoder_model=${encoder}`);
    const suffix = { fp32: '', q8: '_quantized' };
    expect(loaded.planned.filter((path) => path.startsWith('onnx/'))).toEqual([
      `onnx/decoder_model_merged${suffix[decoder]}.onnx`,
      `onnx/encoder_model${suffix[encoder]}.onnx`,
    ]);
  });
});
