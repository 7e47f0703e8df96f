/**
 * Semantic search: the built-in corpus is embedded once (mean pooling, normalized), and ranked by
 * cosine similarity to the query as you type.
 * @module
 */
import type { Model } from 'inpage';
import { embedderModel } from '../data/models.ts';
import { searchCorpus } from '../data/search-corpus.ts';
import { coalesce, describeError, el, labelled } from '../dom.ts';
import type { View, ViewContext } from './view.ts';
import { lazyView, viewSection } from './view.ts';

const embedding = { pooling: 'mean', normalize: true } as const;

/** Rows of a `[n, d]` tensor. */
function rows(data: Float32Array, dims: readonly number[]): Float32Array[] {
  const [count = 0, size = 0] = dims;
  return Array.from({ length: count }, (_, i) => data.subarray(i * size, (i + 1) * size));
}

/** Cosine similarity of unit vectors (a dot product). */
function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

/**
 * The semantic search view.
 * @example
 * const view = createSearchView(context);
 */
export function createSearchView({ models }: ViewContext): View {
  const element = viewSection(
    'search',
    'Semantic search',
    `Search ${searchCorpus.length} sentences by meaning, not by words: try "kitten", "truck" or "medicine".`,
  );
  const { field, control: input } = labelled(
    'Query',
    el('input', { id: 'search-query', type: 'search', autocomplete: 'off', spellcheck: false }),
  );
  const status = el('p', { class: 'status', role: 'status' });
  const results = el('ol', { class: 'ranking', id: 'search-results', 'aria-label': 'Sentences, best match first' });
  element.append(field, status, results);

  let corpus: Promise<{ model: Model<'feature-extraction'>; vectors: Float32Array[] }> | undefined;
  const prepare = (): NonNullable<typeof corpus> =>
    (corpus ??= (async () => {
      const model = await models.get('feature-extraction', embedderModel);
      const { data, dims } = await model.run(searchCorpus, embedding);
      return { model, vectors: rows(data, dims) };
    })());

  const render = (scores: readonly number[] | null): void => {
    const order = searchCorpus
      .map((text, index) => ({ text, score: scores?.[index] ?? null }))
      .sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
    results.classList.toggle('scored', scores !== null);
    results.replaceChildren(
      ...order.map(({ text, score }) =>
        el(
          'li',
          { class: 'hit' },
          el('span', { class: 'text' }, text),
          score === null ? null : el('span', { class: 'number', 'aria-label': `similarity ${score.toFixed(2)}` }, score.toFixed(2)),
        ),
      ),
    );
  };

  const update = coalesce(async () => {
    try {
      const { model, vectors } = await prepare();
      const query = input.value.trim();
      if (query === '') {
        status.textContent = 'Type a query.';
        render(null);
        return;
      }
      const { data } = await model.run(query, embedding);
      status.textContent = '';
      render(vectors.map((vector) => cosine(vector, data)));
    } catch (error) {
      corpus = undefined;
      status.textContent = describeError(error);
    }
  });
  input.addEventListener('input', update);

  return lazyView('search', 'Semantic search', element, () => {
    render(null);
    status.textContent = 'Loading the model and embedding the corpus…';
    update();
  });
}
