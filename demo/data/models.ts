/**
 * The models the demo uses (the same ids online and on the local Hub, which serves the fixtures
 * under them).
 * @module
 */

/** Sentiment analysis (SST-2). */
export const sentimentModel = 'Xenova/distilbert-base-uncased-finetuned-sst-2-english';
/** Sentence embeddings for semantic search. */
export const embedderModel = 'Xenova/all-MiniLM-L6-v2';
/**
 * The latency view's ladder, best (slowest) first: a multilingual BERT sentiment model, then
 * DistilBERT SST-2. The local Hub serves the heavy and light sentiment fixtures under these ids.
 */
export const ladderModels: readonly string[] = ['Xenova/bert-base-multilingual-uncased-sentiment', sentimentModel];
/** Named entities (cased). */
export const nerModel = 'Xenova/bert-base-NER';
/** Speech recognition (English Whisper). */
export const speechModel = 'Xenova/whisper-tiny.en';

/** One Opus-MT language pair. */
export interface LanguagePair {
  model: string;
  label: string;
  /** Whether the local Hub has a fixture for it (only these are offered offline). */
  fixture: boolean;
}

/** Opus-MT pairs offered by the translation view. */
export const languagePairs: readonly LanguagePair[] = [
  { model: 'Xenova/opus-mt-en-fr', label: 'English → French', fixture: true },
  { model: 'Xenova/opus-mt-en-de', label: 'English → German', fixture: true },
  { model: 'Xenova/opus-mt-en-es', label: 'English → Spanish', fixture: false },
  { model: 'Xenova/opus-mt-en-it', label: 'English → Italian', fixture: false },
  { model: 'Xenova/opus-mt-fr-en', label: 'French → English', fixture: false },
];

/** What the model manager can install ("make available offline"). */
export const installable: ReadonlyArray<{
  task: 'sentiment-analysis' | 'translation' | 'feature-extraction' | 'token-classification';
  model: string;
  fixture: boolean;
}> = [
  { task: 'sentiment-analysis', model: sentimentModel, fixture: true },
  { task: 'feature-extraction', model: embedderModel, fixture: true },
  { task: 'token-classification', model: nerModel, fixture: true },
  ...languagePairs.map((pair) => ({ task: 'translation' as const, model: pair.model, fixture: pair.fixture })),
];

/** Image classification (offline: the colour classifier fixture, whose label is the dominant colour). */
export const imageClassifierModel = 'Xenova/vit-base-patch16-224';

/** Object detection (offline: the rectangle detector fixture: one box per solid red, green or blue area). */
export const objectDetectorModel = 'Xenova/detr-resnet-50';
/** Background removal (offline: the fixture that makes near-white pixels transparent). */
export const backgroundRemovalModel = 'Xenova/modnet';
