/**
 * transformers.js 4.3.1's own TokenClassificationPipeline and QuestionAnsweringPipeline over the
 * generated 30k uncased tokenizer, with small rule models in place of ONNX sessions, and the call
 * the worker makes. The offsets tests run the task modules exactly as the worker does.
 * @module
 */
import { BertTokenizer, QuestionAnsweringPipeline, Tensor, TokenClassificationPipeline } from '@huggingface/transformers';
import type { TaskPipeline } from '../../../src/tasks/task.ts';
import { NER_LABELS } from '../../fixtures/defs/lexicon.ts';
import { buildUncased30kTokenizer } from '../../fixtures/wordpiece-vocab.ts';
import type { WordPieceTokenizer } from '../../fixtures/tokenizer.ts';

/** Token → label of the rule NER model (every other token is O). */
export const NER_RULES: Readonly<Record<string, string>> = {
  zurich: 'B-LOC',
  airport: 'I-LOC',
  paris: 'B-LOC',
  berlin: 'B-LOC',
  new: 'B-LOC',
  york: 'I-LOC',
  東: 'B-LOC',
  京: 'I-LOC',
  北: 'B-LOC',
  上: 'B-LOC',
  海: 'I-LOC',
  alice: 'B-PER',
  bob: 'B-PER',
  jose: 'B-PER',
  muller: 'I-PER',
  francois: 'B-PER',
  face: 'B-ORG',
  '##book': 'I-ORG',
  οδος: 'B-LOC',
  λογος: 'B-MISC',
  αθηνα: 'B-LOC',
  istan: 'B-LOC',
  '##bul': 'I-LOC',
  mother: 'B-MISC',
  law: 'I-MISC',
};

/** The rule NER model's logit for its label (0 for the others). */
const NER_LOGIT = 6;
/** The score of every labelled token: softmax over 9 labels with one logit at 6, in float32. */
export const NER_SCORE = Math.fround(Math.exp(NER_LOGIT) / (Math.exp(NER_LOGIT) + NER_LABELS.length - 1));

/** The loaded pipeline as the worker holds it: callable, with its tokenizer and model. */
export type LoadedPipeline = ((...args: unknown[]) => Promise<unknown>) & { tokenizer: BertTokenizer; model: unknown };

let shared: BertTokenizer | undefined;

/** The 30k tokenizer as transformers.js loads it (the default one is built once and shared). */
export function loadTokenizer(fixture?: WordPieceTokenizer): BertTokenizer {
  if (fixture) return new BertTokenizer(fixture.tokenizerJson, fixture.tokenizerConfig);
  shared ??= loadTokenizer(buildUncased30kTokenizer());
  return shared;
}

const vocabularies = new WeakMap<BertTokenizer, Map<string, number>>();

/** Token → id of a tokenizer (built once per tokenizer). */
function vocabOf(tokenizer: BertTokenizer): Map<string, number> {
  let vocab = vocabularies.get(tokenizer);
  if (!vocab) {
    vocab = tokenizer.get_vocab() as Map<string, number>;
    vocabularies.set(tokenizer, vocab);
  }
  return vocab;
}

function idsOf(inputs: unknown): { ids: bigint[][]; dims: number[] } {
  const tensor = (inputs as { input_ids: Tensor }).input_ids;
  return { ids: tensor.tolist() as bigint[][], dims: tensor.dims };
}

/** transformers.js's TokenClassificationPipeline with the rule model {@link NER_RULES}. */
export function nerPipeline(tokenizer: BertTokenizer = loadTokenizer()): LoadedPipeline {
  const vocab = vocabOf(tokenizer);
  const tokens = new Map([...vocab].map(([token, id]) => [id, token]));
  const id2label = Object.fromEntries(NER_LABELS.map((label, index) => [String(index), label]));
  const model = Object.assign(
    async (inputs: unknown) => {
      const { ids, dims } = idsOf(inputs);
      const [batch = 0, length = 0] = dims;
      const logits = new Float32Array(batch * length * NER_LABELS.length);
      ids.forEach((row, b) =>
        row.forEach((id, t) => {
          const label = NER_RULES[tokens.get(Number(id)) ?? ''] ?? 'O';
          logits[(b * length + t) * NER_LABELS.length + NER_LABELS.indexOf(label as (typeof NER_LABELS)[number])] = NER_LOGIT;
        }),
      );
      return { logits: new Tensor('float32', logits, [batch, length, NER_LABELS.length]) };
    },
    { config: { id2label }, dispose: async () => undefined },
  );
  return new TokenClassificationPipeline({ task: 'token-classification', model: model as never, tokenizer }) as unknown as LoadedPipeline;
}

/**
 * transformers.js's QuestionAnsweringPipeline with a rule model: the start logit is 8 at the last
 * context token `startToken` and the end logit 8 at the last `endToken` (0 elsewhere), so the
 * model answers where the text does not first say it.
 */
export function qaPipeline(startToken: string, endToken: string = startToken, tokenizer: BertTokenizer = loadTokenizer()): LoadedPipeline {
  const vocab = vocabOf(tokenizer);
  const model = Object.assign(
    async (inputs: unknown) => {
      const { ids, dims } = idsOf(inputs);
      const [batch = 0, length = 0] = dims;
      const start = new Float32Array(batch * length);
      const end = new Float32Array(batch * length);
      ids.forEach((row, b) => {
        const last = (token: string): number => row.findLastIndex((id) => Number(id) === vocab.get(token));
        if (last(startToken) >= 0) start[b * length + last(startToken)] = 8;
        if (last(endToken) >= 0) end[b * length + last(endToken)] = 8;
      });
      return { start_logits: new Tensor('float32', start, [batch, length]), end_logits: new Tensor('float32', end, [batch, length]) };
    },
    { config: {}, dispose: async () => undefined },
  );
  return new QuestionAnsweringPipeline({ task: 'question-answering', model: model as never, tokenizer }) as unknown as LoadedPipeline;
}

/** What the worker does with a task pipeline: its own `run`, or the pipeline call then `fromPipelineOutput`. */
export async function runLikeWorker<I, O, R>(pipeline: TaskPipeline<I, O, R>, pipe: LoadedPipeline, input: I, options?: O): Promise<R> {
  const custom = (pipeline as { run?: (pipe: LoadedPipeline, input: I, options?: O) => Promise<R> }).run;
  if (custom) return custom.call(pipeline, pipe, input, options);
  return pipeline.fromPipelineOutput(await pipe(...pipeline.toPipelineArgs(input, options)), input, options);
}
