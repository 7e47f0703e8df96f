/**
 * Type-level tests of the task types. This file is only type-checked
 * (`npx tsc --noEmit -p tsconfig.json`), never run: each `@ts-expect-error` line proves that a
 * wrong input or option does not compile, and the `Expect<Equal<…>>` lines pin the output type
 * that a given input and options produce.
 * @module
 */
/* eslint-disable @typescript-eslint/no-unused-vars -- the checked values exist only for their types */
import type { Model } from '../../src/client/model-handle.ts';
import type { AssistantMessage } from '../../src/tasks/chat-messages.ts';
import type { EntityGroup, TokenEntity } from '../../src/tasks/token-classification.ts';
import type { FeatureExtractionTensor } from '../../src/tasks/feature-extraction.ts';
import type { FillMaskCandidate } from '../../src/tasks/fill-mask.ts';
import type { SpeechSegment } from '../../src/tasks/automatic-speech-recognition.ts';
import type { QuestionAnswer } from '../../src/tasks/question-answering.ts';
import type {
  BatchableTaskId,
  ExactOptions,
  StreamableTaskId,
  TaskId,
  TaskInput,
  TaskOptions,
  TaskOutput,
  TaskTypes,
} from '../../src/tasks/registry.ts';
import { checkTaskId, isTaskId, loadTask, taskIds } from '../../src/tasks/registry.ts';
import type { AnyTaskDefinition, AnyTaskPipeline } from '../../src/tasks/task.ts';
import { isBatchable, isStreamable, isStreamingPipeline } from '../../src/tasks/task.ts';
import type { TextClassificationLabel } from '../../src/tasks/text-classification.ts';
import type { ZeroShotClassification } from '../../src/tasks/zero-shot-classification.ts';
import type { ImageClassificationLabel } from '../../src/tasks/image-classification.ts';
import type { ImageFeatureExtractionOutput } from '../../src/tasks/image-feature-extraction.ts';
import type { ImageInput } from '../../src/tasks/image-types.ts';
import type { ZeroShotImageLabel } from '../../src/tasks/zero-shot-image-classification.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

/** Tasks with a required option (zero-shot's `candidateLabels`) take options; the others may omit them. */
type RequiredOptionsTaskId = { [K in TaskId]: Record<never, never> extends TaskOptions<K> ? never : K }[TaskId];
type OptionalOptionsTaskId = Exclude<TaskId, RequiredOptionsTaskId>;

/** A `run()` shaped like the client's: the output type follows the input and options given. */
declare function run<T extends OptionalOptionsTaskId, const I extends TaskInput<T>, const O extends TaskOptions<T> = Record<never, never>>(
  task: T,
  input: I,
  options?: ExactOptions<T, O>,
): TaskOutput<T, I, O>;
declare function run<T extends RequiredOptionsTaskId, const I extends TaskInput<T>, const O extends TaskOptions<T>>(
  task: T,
  input: I,
  options: ExactOptions<T, O>,
): TaskOutput<T, I, O>;
declare function stream<T extends StreamableTaskId>(task: T, input: string, options?: TaskOptions<T>): AsyncIterable<string>;

// --- Registry-level types ----------------------------------------------------------------------

export type RegistryChecks = [
  Expect<Equal<RequiredOptionsTaskId, 'zero-shot-classification' | 'zero-shot-image-classification'>>,
  Expect<Equal<{ [K in TaskId]: TaskTypes[K]['output'] }, { [K in TaskId]: TaskOutput<K> }>>,
  Expect<
    Equal<
      StreamableTaskId,
      'translation' | 'summarization' | 'text2text-generation' | 'text-generation' | 'automatic-speech-recognition' | 'asr'
    >
  >,
  Expect<Equal<BatchableTaskId, 'text-classification' | 'sentiment-analysis' | 'token-classification' | 'ner' | 'feature-extraction'>>,
  Expect<Equal<TaskInput<'sentiment-analysis'>, TaskInput<'text-classification'>>>,
  Expect<Equal<TaskOptions<'ner'>, TaskOptions<'token-classification'>>>,
];

const { definition: nerTask } = await loadTask('ner');
nerTask.toItems(['a', 'b']); // a batchable task keeps its batching methods when looked up by literal id
const { definition: anyTask, pipeline: anyPipeline } = await loadTask('some-task-from-the-wire' as unknown);
const typedAnyTask: AnyTaskDefinition = anyTask; // explicit type: `validate` is an assertion
const typedAnyPipeline: AnyTaskPipeline = anyPipeline;
typedAnyTask.validate('input', undefined);
declare const someId: TaskId;
const { definition: someTask } = await loadTask(someId);
if (isBatchable(someTask) && someTask.canBatch(undefined)) someTask.toItems('a union of tasks narrows too');
if (isStreamable(typedAnyTask)) typedAnyTask.validate('text', undefined);
// @ts-expect-error the main-thread half has no worker half
anyTask.toPipelineArgs('text', undefined);
if (isStreamingPipeline(anyPipeline)) anyPipeline.streamerOptions('text');
// A pipeline looked up by literal id keeps its exact types.
const translated0: string | string[] = (await loadTask('translation')).pipeline.fromPipelineOutput([], 'Hello');
(await loadTask('text-generation')).pipeline.streamerOptions('Once upon a time', { returnFullText: true });
// @ts-expect-error fill-mask does not stream
(await loadTask('fill-mask')).pipeline.streamerOptions('x [MASK]');
const candidate: unknown = 'fill-mask';
if (isTaskId(candidate)) {
  const definition: AnyTaskDefinition = (await loadTask(candidate)).definition;
  definition.validate('text', undefined);
}
const checked: TaskId = checkTaskId(candidate);

// @ts-expect-error the id list is read-only
taskIds.push('ner');

// --- Outputs narrowed by input and options ------------------------------------------------------

const labels = run('sentiment-analysis', 'I love it');
const labelLists = run('text-classification', ['good', 'bad'], { topK: null });
const tokens = run('ner', 'Sarah lives in London');
const groups = run('token-classification', ['a', 'b'], { aggregationStrategy: 'simple' });
const embedding = run('feature-extraction', 'hello', { pooling: 'mean', normalize: true });
const bits = run('feature-extraction', ['a'], { pooling: 'cls', quantize: true });
const ubits = run('feature-extraction', ['a'], { pooling: 'cls', quantize: true, precision: 'ubinary' });
const translated = run('translation', 'Hello', { srcLang: 'eng_Latn', tgtLang: 'fra_Latn', maxNewTokens: 40 });
const summaries = run('summarization', ['a', 'b']);
const generated = run('text2text-generation', 'Translate to German: hi');
const continuation = run('text-generation', 'Once upon a time', { maxNewTokens: 20, returnFullText: false });
const continuations = run('text-generation', ['a', 'b'], { doSample: true, temperature: 0.7, topK: 40, topP: 0.9 });
const reply = run('text-generation', [{ role: 'user', content: 'hi' }], { stop: ['\n'] });
const masks = run('fill-mask', 'The goal of life is [MASK].', { topK: 3 });
const answer = run('question-answering', { question: 'Who?', context: 'Jim Henson was a puppeteer.' });
const answerOne = run('question-answering', { question: 'Who?', context: 'Jim.' }, { topK: 1 });
const answers = run('question-answering', { question: 'Who?', context: 'Jim.' }, { topK: 3 });
const zeroShot = run('zero-shot-classification', 'I love it', { candidateLabels: ['positive', 'negative'] });
const zeroShots = run('zero-shot-classification', ['a', 'b'], {
  candidateLabels: ['x'],
  multiLabel: true,
  hypothesisTemplate: 'It is {}.',
});

export type OutputChecks = [
  Expect<Equal<typeof labels, TextClassificationLabel[]>>,
  Expect<Equal<typeof labelLists, TextClassificationLabel[][]>>,
  Expect<Equal<typeof tokens, TokenEntity[]>>,
  Expect<Equal<typeof groups, EntityGroup[][]>>,
  Expect<Equal<typeof embedding, FeatureExtractionTensor<Float32Array>>>,
  Expect<Equal<typeof bits, FeatureExtractionTensor<Int8Array>>>,
  Expect<Equal<typeof ubits, FeatureExtractionTensor<Uint8Array>>>,
  Expect<Equal<typeof translated, string>>,
  Expect<Equal<typeof summaries, string[]>>,
  Expect<Equal<typeof generated, string>>,
  Expect<Equal<typeof continuation, string>>,
  Expect<Equal<typeof continuations, string[]>>,
  Expect<Equal<typeof reply, AssistantMessage>>,
  Expect<Equal<typeof masks, FillMaskCandidate[]>>,
  Expect<Equal<typeof answer, QuestionAnswer>>,
  Expect<Equal<typeof answerOne, QuestionAnswer>>,
  Expect<Equal<typeof answers, QuestionAnswer[]>>,
  Expect<Equal<typeof zeroShot, ZeroShotClassification>>,
  Expect<Equal<typeof zeroShots, ZeroShotClassification[]>>,
  // Without literal knowledge, the general union:
  Expect<Equal<TaskOutput<'ner'>, TokenEntity[] | EntityGroup[] | (TokenEntity[] | EntityGroup[])[]>>,
  Expect<Equal<TaskOutput<'question-answering'>, QuestionAnswer | QuestionAnswer[]>>,
];

const readonlyTexts = ['a', 'b'] as const;
run('text-classification', readonlyTexts);
stream('text-generation', 'Once upon a time', { maxNewTokens: 10 });
stream('translation', 'Hello', { tgtLang: 'de' });

// --- Wrong input does not compile ----------------------------------------------------------------

// @ts-expect-error input must be a string or an array of strings
run('sentiment-analysis', 42);
// @ts-expect-error not an array of strings
run('feature-extraction', ['a', 1]);
// @ts-expect-error not a chat role
run('text-generation', [{ role: 'bot', content: 'hi' }]);
// @ts-expect-error question-answering takes { question, context }
run('question-answering', 'Who was Jim Henson?');
// @ts-expect-error the context is missing
run('question-answering', { question: 'Who?' });
// @ts-expect-error not a task id
run('object-detection-3d', 'cat.png');

// --- Wrong options do not compile ----------------------------------------------------------------

// @ts-expect-error a typo in an option name (topk)
run('sentiment-analysis', 'x', { topk: 2 });
// @ts-expect-error topK is a number or null
run('sentiment-analysis', 'x', { topK: '2' });
// @ts-expect-error snake_case transformers.js names are not options
run('translation', 'x', { src_lang: 'en' });
// @ts-expect-error maxNewTokens is a number
run('summarization', 'x', { maxNewTokens: '10' });
// @ts-expect-error returnFullText is a boolean
run('text-generation', 'x', { returnFullText: 'yes' });
// @ts-expect-error 'first' is not an aggregation strategy here
run('ner', 'x', { aggregationStrategy: 'first' });
// @ts-expect-error ignoreLabels is an array
run('ner', 'x', { ignoreLabels: 'O' });
// @ts-expect-error 'max' is not a pooling
run('feature-extraction', 'x', { pooling: 'max' });
// @ts-expect-error precision is 'binary' or 'ubinary'
run('feature-extraction', 'x', { pooling: 'mean', quantize: true, precision: 'int8' });
// @ts-expect-error fill-mask has no aggregation
run('fill-mask', 'x [MASK]', { aggregationStrategy: 'simple' });
// @ts-expect-error zero-shot needs options with candidateLabels
run('zero-shot-classification', 'x');
// @ts-expect-error candidateLabels is required
run('zero-shot-classification', 'x', { multiLabel: true });
// @ts-expect-error candidateLabels is an array of strings
run('zero-shot-classification', 'x', { candidateLabels: 'positive' });
// @ts-expect-error a typo next to a required option (multilabel)
run('zero-shot-classification', 'x', { candidateLabels: ['a'], multilabel: true });
// @ts-expect-error fill-mask is not streamable
stream('fill-mask', 'x [MASK]');
// @ts-expect-error stream takes a single string
stream('text-generation', ['a', 'b']);

// --- The real model handle narrows the same way ------------------------------------------------

declare const nerModel: Model<'ner'>;
declare const qaModel: Model<'question-answering'>;
declare const embedderModel: Model<'feature-extraction'>;
declare const translatorModel: Model<'translation'>;
declare const asrModel: Model<'automatic-speech-recognition'>;
const handleTranscript = asrModel.run(new Blob());
const handleTimedTranscript = asrModel.run(new Blob(), { returnTimestamps: true, chunkLengthS: 10 });
const handleTokens = nerModel.run('Sarah lives in London');
const handleGroups = nerModel.run(['a'], { aggregationStrategy: 'simple' });
const handleAnswer = qaModel.run({ question: 'Who?', context: 'Jim.' });
const handleAnswers = qaModel.run({ question: 'Who?', context: 'Jim.' }, { topK: 2, signal: AbortSignal.timeout(1000) });
const handleEmbedding = embedderModel.run('hello', { pooling: 'mean' });
const handleTranslation = translatorModel.run('hello');

export type HandleChecks = [
  // Omitted options mean the defaults, as in `run()` above (not the general union).
  Expect<Equal<typeof handleTokens, Promise<TokenEntity[]>>>,
  Expect<Equal<typeof handleGroups, Promise<EntityGroup[][]>>>,
  Expect<Equal<typeof handleAnswer, Promise<QuestionAnswer>>>,
  Expect<Equal<typeof handleAnswers, Promise<QuestionAnswer[]>>>,
  Expect<Equal<typeof handleEmbedding, Promise<FeatureExtractionTensor<Float32Array>>>>,
  Expect<Equal<typeof handleTranslation, Promise<string>>>,
  Expect<Equal<typeof handleTranscript, Promise<{ text: string }>>>,
  Expect<Equal<typeof handleTimedTranscript, Promise<{ text: string; chunks: SpeechSegment[] }>>>,
];

// @ts-expect-error stream() is only on text generation models
nerModel.stream('x');

declare const zeroShotModel: Model<'zero-shot-classification'>;
// @ts-expect-error candidateLabels is required
void zeroShotModel.run('x');
void zeroShotModel.run('x', { candidateLabels: ['a', 'b'] });

// --- Vision tasks: one result per image, a list per array ---------------------------------------

export type VisionChecks = [
  Expect<Equal<TaskOutput<'image-classification', Blob>, ImageClassificationLabel[]>>,
  Expect<Equal<TaskOutput<'image-classification', readonly [Blob, ImageData]>, ImageClassificationLabel[][]>>,
  Expect<Equal<TaskOutput<'image-classification'>, ImageClassificationLabel[] | ImageClassificationLabel[][]>>,
  Expect<Equal<TaskOutput<'zero-shot-image-classification', string>, ZeroShotImageLabel[]>>,
  Expect<Equal<TaskOutput<'image-feature-extraction', HTMLCanvasElement[]>, ImageFeatureExtractionOutput>>,
  Expect<Equal<TaskInput<'image-classification'>, ImageInput | readonly ImageInput[]>>,
];
// @ts-expect-error a number is no image
run('image-classification', 42);
// @ts-expect-error candidateLabels is required
run('zero-shot-image-classification', new Blob());
// @ts-expect-error not an option of image-classification
run('image-classification', new Blob(), { pooling: 'mean' });
run('image-feature-extraction', new Blob(), { pool: true, normalize: true, transfer: true });
