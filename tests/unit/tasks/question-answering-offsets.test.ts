import { describe, expect, it } from 'vitest';
import { bertNormalize } from '../../../src/tasks/bert-normalizer.ts';
import { questionAnsweringPipeline as pipeline } from '../../../src/tasks/question-answering.ts';
import type { QuestionAnswer, QuestionAnsweringInput, QuestionAnsweringOptions } from '../../../src/tasks/question-answering.ts';
import { buildUncased30kTokenizer } from '../../fixtures/wordpiece-vocab.ts';
import { loadTokenizer, qaPipeline, runLikeWorker } from './offset-pipelines.ts';
import type { LoadedPipeline } from './offset-pipelines.ts';

const normalizer = { clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true };

const ask = (pipe: LoadedPipeline, question: string, context: string, options?: QuestionAnsweringOptions) =>
  runLikeWorker(pipeline, pipe, { question, context } satisfies QuestionAnsweringInput, options) as Promise<
    QuestionAnswer | QuestionAnswer[]
  >;

/** The answer's characters, normalized and without spaces: what its tokens spell. */
const spelled = (context: string, { start, end }: QuestionAnswer): string =>
  bertNormalize(context.slice(start, end), normalizer).replace(/\s/g, '');

describe('question-answering offsets at the model span (30k uncased WordPiece, transformers.js tokenizer)', () => {
  it('places an answer whose text appears earlier in the context where the model found it', async () => {
    const context = 'Facebook staff said she washed her face.';
    const answer = (await ask(qaPipeline('face'), 'What did she wash?', context)) as QuestionAnswer;
    expect(answer).toMatchObject({ answer: 'face', start: 35, end: 39 });
    expect(context.slice(answer.start, answer.end)).toBe('face');
  });

  it('places a multi-token answer repeated in the context at the later occurrence', async () => {
    const context = 'New York Times reporters moved to New  York.';
    const answer = (await ask(qaPipeline('new', 'york'), 'Where did they move?', context)) as QuestionAnswer;
    expect(answer).toMatchObject({ answer: 'new york', start: 34, end: 43 });
  });

  it('places CJK, accented and whitespace-separated answers at the model span', async () => {
    const cjk = 'Alice visited 東京大学 and 北京, then 東京。';
    expect(await ask(qaPipeline('東', '京'), 'Where?', cjk)).toMatchObject({ start: 32, end: 34 });
    const accents = 'Zu\u0308rich airport is near Zürich.';
    expect(await ask(qaPipeline('zurich'), 'Where?', accents)).toMatchObject({ answer: 'zurich', start: 24, end: 30 });
    const spaced = 'Alice moved from Zürich to  New\tYork in June.';
    expect(await ask(qaPipeline('new', 'york'), 'Where?', spaced)).toMatchObject({ start: 28, end: 36 });
    const unknown = 'Zürich😍 Zürich airport';
    expect(await ask(qaPipeline('zurich', 'airport'), 'Where?', unknown)).toMatchObject({ start: 9, end: 23 });
  });

  it('gives the same answers and scores as transformers.js, each at its own span (topK)', async () => {
    const pipe = qaPipeline('face', 'book');
    const context = 'Her face, then Facebook, then a book.';
    const question = 'Which?';
    const expected = (await pipe(question, context, { top_k: 4 })) as { answer: string; score: number }[];
    const answers = (await ask(pipe, question, context, { topK: 4 })) as QuestionAnswer[];
    expect(answers.map(({ answer, score }) => ({ answer, score }))).toEqual(expected);
    for (const answer of answers) expect(spelled(context, answer)).toBe(answer.answer.replace(/\s/g, ''));
    expect(answers.map(({ start, end }) => [start, end])).toEqual([
      [15, 36],
      [0, 36],
      [4, 36],
      [8, 36],
    ]);
    const repeated = 'The book on Facebook is a book.';
    const books = (await ask(qaPipeline('book'), question, repeated, { topK: 2 })) as QuestionAnswer[];
    expect(books.map(({ answer, start, end }) => [answer, start, end])).toEqual([
      ['book', 26, 30],
      ['the book on facebook is a book', 0, 30],
    ]);
    // Past the spans with a positive score, transformers.js lists the zero-score ones in start-then-end order.
    const many = (await ask(pipe, question, context, { topK: 60 })) as QuestionAnswer[];
    expect(many.map(({ answer, score }) => ({ answer, score }))).toEqual(await pipe(question, context, { top_k: 60 }));
    const one = (await ask(pipe, question, context)) as QuestionAnswer;
    expect({ answer: one.answer, score: one.score }).toEqual(await pipe(question, context));
  });

  it('answers from the tokens the model saw past the maximum length', async () => {
    const pipe = qaPipeline('paris', 'paris', loadTokenizer(buildUncased30kTokenizer(16)));
    // [CLS] where ? [SEP] paris and paris is big , but in the end we will | all go back to paris
    const context = 'Paris and Paris is big, but in the end we will all go back to Paris';
    expect(await ask(pipe, 'Where?', context)).toMatchObject({ answer: 'paris', start: 10, end: 15 });
  });

  it('falls back to searching the context for a tokenizer it does not track', async () => {
    const fixture = buildUncased30kTokenizer();
    const untracked = { ...fixture, tokenizerJson: { ...fixture.tokenizerJson, pre_tokenizer: { type: 'WhitespaceSplit' } } };
    const pipe = qaPipeline('paris', 'paris', loadTokenizer(untracked));
    expect(await ask(pipe, 'Where?', 'Alice lives in Paris')).toMatchObject({ answer: 'paris', start: 15, end: 20 });
  });
});
