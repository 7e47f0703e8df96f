/**
 * The public types of the tasks, for the package entry (`export type * from './tasks/public-types.ts'`).
 * Types only: the task modules themselves are internal.
 * @module
 */
export type {
  BatchableTaskId,
  ExactOptions,
  StreamableTaskId,
  TaskId,
  TaskInput,
  TaskOptions,
  TaskOutput,
  TaskOutputMap,
  TaskTypes,
} from './registry.ts';
export type { GenerationOptions } from './generation-options.ts';
export type {
  TextClassificationInput,
  TextClassificationLabel,
  TextClassificationOptions,
  TextClassificationOutput,
} from './text-classification.ts';
export type {
  AggregationStrategy,
  EntityGroup,
  TokenClassificationEntities,
  TokenClassificationInput,
  TokenClassificationOptions,
  TokenClassificationOutput,
  TokenEntity,
} from './token-classification.ts';
export type {
  EmbeddingData,
  EmbeddingDataFor,
  FeatureExtractionInput,
  FeatureExtractionOptions,
  FeatureExtractionOutput,
  FeatureExtractionTensor,
  Pooling,
  QuantizedData,
  QuantizePrecision,
} from './feature-extraction.ts';
export type {
  BoundingBox,
  DetectedObject,
  ObjectDetectionInput,
  ObjectDetectionOptions,
  ObjectDetectionOutput,
} from './object-detection.ts';
export type {
  ImageSegment,
  ImageSegmentationInput,
  ImageSegmentationOptions,
  ImageSegmentationOutput,
  SegmentMask,
} from './image-segmentation.ts';
export type { BackgroundRemovalInput, BackgroundRemovalOptions, BackgroundRemovalOutput, RgbaImage } from './background-removal.ts';
export type { TranslationInput, TranslationOptions, TranslationOutput } from './translation.ts';
export type { SummarizationInput, SummarizationOptions, SummarizationOutput } from './summarization.ts';
export type { Text2TextGenerationInput, Text2TextGenerationOptions, Text2TextGenerationOutput } from './text2text-generation.ts';
export type { TextGenerationInput, TextGenerationOptions, TextGenerationOutput } from './text-generation.ts';
export type { AssistantMessage, ChatMessage, ChatRole } from './chat-messages.ts';
export type { ChatOptions, ChatTurnStats } from './chat-turn.ts';
export type { FillMaskCandidate, FillMaskInput, FillMaskOptions, FillMaskOutput } from './fill-mask.ts';
export type {
  AnswersFor,
  QuestionAnswer,
  QuestionAnsweringInput,
  QuestionAnsweringOptions,
  QuestionAnsweringOutput,
} from './question-answering.ts';
export type {
  ZeroShotClassification,
  ZeroShotClassificationInput,
  ZeroShotClassificationOptions,
  ZeroShotClassificationOutput,
} from './zero-shot-classification.ts';
export type { AudioCallOptions, AudioInput, AudioSamples } from './audio-input.ts';
export type {
  AutomaticSpeechRecognitionInput,
  AutomaticSpeechRecognitionOptions,
  AutomaticSpeechRecognitionOutput,
  AutomaticSpeechRecognitionResult,
  SpeechSegment,
} from './automatic-speech-recognition.ts';
export type {
  AudioClassificationInput,
  AudioClassificationLabel,
  AudioClassificationOptions,
  AudioClassificationOutput,
} from './audio-classification.ts';
export type { ImageToTextInput, ImageToTextOptions, ImageToTextOutput } from './image-to-text.ts';
export type { PerText, OptionValue } from './task.ts';
export type { ImageInput, ImagePixels, ImagesInput, ImageTransferOption } from './image-types.ts';
export type {
  ImageClassificationInput,
  ImageClassificationLabel,
  ImageClassificationOptions,
  ImageClassificationOutput,
} from './image-classification.ts';
export type {
  ZeroShotImageClassificationInput,
  ZeroShotImageClassificationOptions,
  ZeroShotImageClassificationOutput,
  ZeroShotImageLabel,
} from './zero-shot-image-classification.ts';
export type {
  ImageFeatureExtractionInput,
  ImageFeatureExtractionOptions,
  ImageFeatureExtractionOutput,
} from './image-feature-extraction.ts';
