import {
  AutoModel,
  AutoModelForImageFeatureExtraction,
  AutoModelForAudioClassification,
  AutoModelForCausalLM,
  AutoModelForCTC,
  AutoModelForImageClassification,
  AutoModelForMaskedLM,
  AutoModelForQuestionAnswering,
  AutoModelForSeq2SeqLM,
  AutoModelForSequenceClassification,
  AutoModelForSpeechSeq2Seq,
  AutoModelForTokenClassification,
  AutoModelForVision2Seq,
  ModelRegistry,
} from '@huggingface/transformers';
import type { PretrainedConfig } from '@huggingface/transformers';
import {
  AutoModelForImageSegmentation,
  AutoModelForObjectDetection,
  AutoModelForSemanticSegmentation,
  AutoModelForUniversalSegmentation,
} from '@huggingface/transformers';
import { InpageError } from '../errors.ts';
import type { RepoFile, RepoSnapshot } from '../hub/hub-client.ts';
import { assertRunnable, autoDtypes, chooseDtype, dtypeKey, dtypeOfKey, sessionDefaultDtype } from '../runtime/device-plan.ts';
import type { FilePlan, FilePlanner, ModelConfig } from '../store/prepare-model.ts';
import type { StoreBridge } from '../store/transformers-bridge.ts';
import type { ConcreteDtype, Dtype, ResolvedDevice, ResolvedDtype, SessionDtypes } from '../types.ts';
import { dtypes } from '../types.ts';

/** What a load asks for, as the planner needs it. */
export interface PlanRequest {
  /** The transformers.js pipeline task, e.g. `text-generation`. */
  task: string;
  /** A dtype, or a per-session map (checked against the model's sessions). */
  dtype: Dtype | SessionDtypes;
  device: ResolvedDevice;
  /** Whether the WebGPU adapter has `shader-f16`. */
  shaderF16: boolean;
  /**
   * Choose an `auto` dtype as if for this device (a WebGPU load falling back to WASM keeps the
   * WebGPU choice, so it runs the stored bytes). @default `device`
   */
  autoFor?: ResolvedDevice;
}

/** Pipeline tasks whose models generate: their `auto` dtype prefers 4-bit weights (see {@link autoDtypes}). */
const generationTasks: ReadonlySet<string> = new Set(['text-generation', 'text2text-generation', 'translation', 'summarization']);

/** The part of `config.json` transformers.js reads for loading (`transformers.js_config`). */
interface LoadingConfig {
  dtype?: unknown;
  device_config?: Record<string, Record<string, unknown> | undefined>;
}

/** The model classes `pipeline()` tries, in order, for image-segmentation and background-removal. */
const segmentationModels = {
  MODEL_CLASS_MAPPINGS: [AutoModelForImageSegmentation, AutoModelForSemanticSegmentation, AutoModelForUniversalSegmentation].flatMap(
    (model) => model.MODEL_CLASS_MAPPINGS,
  ),
};

/** The model class `pipeline()` loads for each task inpage runs (transformers.js 4.3.1's `SUPPORTED_TASKS`). */
const taskModels: Readonly<Record<string, { MODEL_CLASS_MAPPINGS: Map<string, string>[] }>> = {
  'object-detection': AutoModelForObjectDetection,
  'image-segmentation': segmentationModels,
  'background-removal': segmentationModels,
  'text-classification': AutoModelForSequenceClassification,
  'zero-shot-classification': AutoModelForSequenceClassification,
  'token-classification': AutoModelForTokenClassification,
  'question-answering': AutoModelForQuestionAnswering,
  'fill-mask': AutoModelForMaskedLM,
  'feature-extraction': AutoModel,
  'text-generation': AutoModelForCausalLM,
  'text2text-generation': AutoModelForSeq2SeqLM,
  translation: AutoModelForSeq2SeqLM,
  summarization: AutoModelForSeq2SeqLM,
  // audio
  'automatic-speech-recognition': {
    MODEL_CLASS_MAPPINGS: [...AutoModelForSpeechSeq2Seq.MODEL_CLASS_MAPPINGS, ...AutoModelForCTC.MODEL_CLASS_MAPPINGS],
  },
  'audio-classification': AutoModelForAudioClassification,
  'image-to-text': AutoModelForVision2Seq,
  'image-classification': AutoModelForImageClassification,
  'zero-shot-image-classification': AutoModel,
  // As transformers.js: AutoModelForImageFeatureExtraction (CLIP/SigLIP vision towers) first, then AutoModel.
  'image-feature-extraction': {
    MODEL_CLASS_MAPPINGS: [...AutoModelForImageFeatureExtraction.MODEL_CLASS_MAPPINGS, ...AutoModel.MODEL_CLASS_MAPPINGS],
  },
};

const concreteDtypes = dtypes.filter((dtype): dtype is ConcreteDtype => dtype !== 'auto');
const chatTemplateFile = 'chat_template.jinja';
/** Files without which `pipeline()` fails; any other planned file is optional (loaded when the repo has it). */
const isRequired = (path: string): boolean => path.startsWith('onnx/') || path === 'config.json' || path === 'tokenizer.json';

/**
 * Asks transformers.js which files a load needs: `ModelRegistry.get_pipeline_files` with the
 * model's `device_config[device]` merged into its verified `config.json` (as `session.js` does
 * when it creates the sessions), its metadata probes answered by the bridge from the commit's
 * tree listing (never the network). The dtypes a repo has are those whose session files all
 * exist in the listing. With `auto`, the model's own `transformers.js_config.dtype` comes first
 * when the device can run it, then inpage's choice ({@link autoDtypes}).
 *
 * @returns a planner for {@link prepareModel}: the preferred plan first, then (for `auto`) the
 *   other runnable ones.
 * @throws InpageError `DEVICE_UNAVAILABLE` (an explicit dtype the device cannot run),
 *   `FILE_NOT_FOUND` (the repo lacks a file the dtype needs; the message lists the dtypes it has).
 * @example
 * const plan = filePlanner(bridge, { task: 'text-generation', dtype: 'q4', device: 'webgpu', shaderF16: false });
 * const [preferred] = await plan(config, snapshot);
 * preferred.files.map((file) => file.path); // ['config.json', 'onnx/model_q4.onnx', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json']
 */
export function filePlanner(bridge: Pick<StoreBridge, 'listing'>, request: PlanRequest): FilePlanner {
  return async (config, snapshot) => {
    const merged = asLoaded(request.task, withDeviceConfig(config, request.device));
    const available = await availableDtypes(merged, snapshot, request.device);
    const { device, shaderF16 } = request;
    const autoFor = request.autoFor ?? device;
    const generation = generationTasks.has(request.task);
    if (typeof request.dtype === 'object') {
      const { key, registryDtype } = await sessionMap(bridge, request.task, merged, snapshot, request.dtype, autoFor);
      assertRunnable(dtypeOfKey(key), device, shaderF16);
      return [await planDtype(bridge, request.task, merged, snapshot, key, device, available, registryDtype)];
    }
    const choices: ConcreteDtype[] =
      request.dtype === 'auto'
        ? [...new Set([...modelDefault(merged, autoFor, available, shaderF16), ...autoDtypes(autoFor, available, shaderF16, generation)])]
        : [chooseDtype(request.dtype, device, available, shaderF16)];
    if (choices.length === 0) chooseDtype('auto', autoFor, available, shaderF16, generation); // throws FILE_NOT_FOUND
    const plans: FilePlan[] = [];
    for (const dtype of choices) plans.push(await planDtype(bridge, request.task, merged, snapshot, dtype, device, available));
    return plans;
  };
}

/** `config.json` with `transformers.js_config.device_config[device]` applied over `transformers.js_config`. */
export function withDeviceConfig(config: ModelConfig, device: ResolvedDevice): ModelConfig {
  const loading = config['transformers.js_config'] as LoadingConfig | undefined;
  const overrides = loading?.device_config?.[device];
  return overrides ? { ...config, 'transformers.js_config': { ...loading, ...overrides } } : config;
}

/**
 * `config.json` as `from_pretrained` sees it for a task. `ModelRegistry` picks the sessions by the
 * config's first architecture; `from_pretrained` by the class the task loads (`gpt2` with
 * `architectures: ['GPT2Model']` is headless for the registry, a `GPT2LMHeadModel` with
 * `generation_config.json` for text generation). Where they differ, the plan follows
 * `from_pretrained`: the registry is asked with that class as the architecture. Loading a
 * `…ForConditionalGeneration` model with a `…ForCausalLM` class is `from_pretrained`'s text-only
 * mode, which `get_pipeline_files` already applies.
 * @example
 * asLoaded('text-generation', { model_type: 'gpt2', architectures: ['GPT2Model'] }).architectures; // ['GPT2LMHeadModel']
 */
export function asLoaded(task: string, config: ModelConfig): ModelConfig {
  const modelType = config.model_type;
  const native = (config.architectures as string[] | undefined)?.[0];
  let loaded: string | undefined;
  for (const mapping of taskModels[task]?.MODEL_CLASS_MAPPINGS ?? []) {
    loaded ??=
      typeof modelType === 'string' ? (mapping.get(modelType) ?? [...mapping.values()].find((name) => name === modelType)) : undefined;
  }
  if (!loaded || loaded === native) return config;
  if (loaded.endsWith('ForCausalLM') && native?.endsWith('ForConditionalGeneration')) return config;
  return { ...config, architectures: [loaded] };
}

/**
 * The concrete dtypes whose session files (and declared external data) all exist in the listing.
 * @example
 * await availableDtypes(config, snapshot, 'wasm'); // ['fp32', 'fp16', 'q8', 'q4', 'q4f16']
 */
export async function availableDtypes(config: ModelConfig, snapshot: RepoSnapshot, device: ResolvedDevice): Promise<ConcreteDtype[]> {
  const paths = new Set(snapshot.files.map((file) => file.path));
  const found: ConcreteDtype[] = [];
  for (const dtype of concreteDtypes) {
    const files = await ModelRegistry.get_model_files(snapshot.repo, { ...registryConfig(config), dtype, device });
    if (files.filter((path) => path.startsWith('onnx/')).every((path) => paths.has(path))) found.push(dtype);
  }
  return found;
}

/** The model's own `transformers.js_config.dtype`, when it is one dtype the repo has and the device can run. */
function modelDefault(
  config: ModelConfig,
  device: ResolvedDevice,
  available: readonly ConcreteDtype[],
  shaderF16: boolean,
): ConcreteDtype[] {
  const own = (config['transformers.js_config'] as LoadingConfig | undefined)?.dtype;
  const dtype = concreteDtypes.find((candidate) => candidate === own);
  if (!dtype || !available.includes(dtype)) return [];
  try {
    return [chooseDtype(dtype, device, available, shaderF16)];
  } catch {
    return [];
  }
}

async function planDtype(
  bridge: Pick<StoreBridge, 'listing'>,
  task: string,
  config: ModelConfig,
  snapshot: RepoSnapshot,
  dtype: ResolvedDtype,
  device: ResolvedDevice,
  available: readonly ConcreteDtype[],
  registryDtype: ConcreteDtype | SessionDtypes = dtypeOfKey(dtype),
): Promise<FilePlan> {
  const byPath = new Map(snapshot.files.map((file) => [file.path, file]));
  const paths = await bridge.listing(snapshot, () =>
    ModelRegistry.get_pipeline_files(task, snapshot.repo, { ...registryConfig(config), dtype: registryDtype, device }),
  );
  const files: RepoFile[] = [];
  for (const path of new Set(paths)) {
    const file = byPath.get(path);
    if (file) files.push(file);
    else if (isRequired(path)) {
      const has = available.join(', ') || 'none';
      throw new InpageError(
        'FILE_NOT_FOUND',
        `"${snapshot.repo}" has no "${path}", so dtype "${dtype}" is not available (the repo has: ${has}).`,
      );
    }
  }
  const plan: FilePlan = { dtype, files };
  const template = byPath.get(chatTemplateFile);
  if (template && paths.includes('tokenizer_config.json')) {
    files.push(template);
    plan.chatTemplate = chatTemplateFile;
  }
  return plan;
}

/**
 * The canonical dtype of a per-session map ({@link dtypeKey}) after checking it against the
 * sessions the task loads: every session named must be one of them, and a session left out gets
 * transformers.js's default for the device (so the key and the files name every session).
 *
 * Sessions are named by their ONNX file (`encoder_model`), as `pipeline()` reads the map when it
 * creates them (`session.js`). transformers.js 4.3.1's `ModelRegistry` reads it by its session
 * key instead, which differs for one session only: the file a model type loads as `model`
 * (`encoder_model` for encoder-decoders, `vision_encoder`, `text_encoder`, `language_model`). The
 * registry is given the map with that alias too (`registryDtype`), so both pick the same files.
 * @throws InpageError `INVALID_INPUT` naming the model's sessions.
 */
async function sessionMap(
  bridge: Pick<StoreBridge, 'listing'>,
  task: string,
  config: ModelConfig,
  snapshot: RepoSnapshot,
  map: SessionDtypes,
  device: ResolvedDevice,
): Promise<{ key: ResolvedDtype; registryDtype: SessionDtypes }> {
  const paths = await bridge.listing(snapshot, () =>
    ModelRegistry.get_pipeline_files(task, snapshot.repo, { ...registryConfig(config), dtype: 'fp32', device }),
  );
  const sessions = paths.flatMap((path) => /^onnx\/(.+)\.onnx$/.exec(path)?.[1] ?? []);
  const unknown = Object.keys(map).filter((name) => !sessions.includes(name));
  const invalid = Object.values(map).filter((dtype) => !concreteDtypes.includes(dtype));
  if (unknown.length > 0 || invalid.length > 0) {
    const what =
      unknown.length > 0 ? `has no session ${unknown.map((name) => `"${name}"`).join(', ')}` : `has no dtype ${invalid.join(', ')}`;
    throw new InpageError(
      'INVALID_INPUT',
      `The dtype map for "${snapshot.repo}" ${what}: its sessions for this task are ${sessions.map((name) => `"${name}"`).join(', ')}, each one of ${concreteDtypes.join(', ')}.`,
    );
  }
  const full: Record<string, ConcreteDtype> = Object.fromEntries(sessions.map((name) => [name, map[name] ?? sessionDefaultDtype[device]]));
  const key = dtypeKey(full);
  if (sessions.includes('model')) return { key, registryDtype: full };
  // Which file the registry keys as `model`: the one a marker dtype for `model` renames.
  const marker: SessionDtypes = { ...Object.fromEntries(sessions.map((name) => [name, 'fp32'])), model: 'q1' };
  const marked = await bridge.listing(snapshot, () =>
    ModelRegistry.get_model_files(snapshot.repo, { ...registryConfig(config), dtype: marker, device }),
  );
  const aliased = sessions.find((name) => marked.includes(`onnx/${name}_q1.onnx`));
  return { key, registryDtype: aliased ? { ...full, model: full[aliased] as ConcreteDtype } : full };
}

/** Vision towers whose `from_pretrained` loads `vision_model.onnx` instead of `model.onnx` (transformers.js 4.3.1). */
const visionTowers = new Set(['CLIPVisionModelWithProjection', 'SiglipVisionModel', 'JinaCLIPVisionModel']);

/** The registry's options for a loaded config: the config, and the model file name its class loads. */
function registryConfig(config: ModelConfig): { config: PretrainedConfig; model_file_name?: string } {
  const loaded = (config.architectures as string[] | undefined)?.[0];
  return loaded !== undefined && visionTowers.has(loaded)
    ? { config: asPretrained(config), model_file_name: 'vision_model' }
    : { config: asPretrained(config) };
}

function asPretrained(config: ModelConfig): PretrainedConfig {
  return config as unknown as PretrainedConfig;
}
