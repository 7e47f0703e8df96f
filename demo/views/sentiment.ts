/**
 * Sentiment: label and score bars that follow the text as you type (coalesced calls); several
 * lines give a table, classified in one batched call.
 * @module
 */
import type { TextClassificationLabel } from 'inpage';
import { sentimentModel } from '../data/models.ts';
import { coalesce, describeError, el, labelled, scoreBars } from '../dom.ts';
import type { View, ViewContext } from './view.ts';
import { lazyView, viewSection } from './view.ts';

const sample = 'I love this wonderful movie';

function resultTable(lines: readonly string[], results: readonly (readonly TextClassificationLabel[])[]): HTMLElement {
  const body = el('tbody');
  lines.forEach((line, index) => {
    const top = results[index]?.[0];
    body.append(
      el(
        'tr',
        {},
        el('td', {}, line),
        el('td', { class: `label label-${top?.label.toLowerCase() ?? 'none'}` }, top?.label ?? '–'),
        el('td', { class: 'number' }, top ? top.score.toFixed(2) : '–'),
      ),
    );
  });
  const head = el(
    'thead',
    {},
    el('tr', {}, el('th', { scope: 'col' }, 'Text'), el('th', { scope: 'col' }, 'Label'), el('th', { scope: 'col' }, 'Score')),
  );
  return el('div', { class: 'table-wrap' }, el('table', {}, el('caption', {}, `${lines.length} lines`), head, body));
}

/**
 * The sentiment view.
 * @example
 * const view = createSentimentView(context);
 */
export function createSentimentView({ models }: ViewContext): View {
  const element = viewSection(
    'sentiment',
    'Sentiment',
    'Type or paste a review: the label updates as you type. Paste several lines to classify each one.',
  );
  const { field, control: input } = labelled(
    'Text',
    el('textarea', { id: 'sentiment-text', rows: 4, spellcheck: false }),
    'One review, or one per line.',
  );
  input.value = sample;
  const status = el('p', { class: 'status', role: 'status' });
  const result = el('div', { class: 'result', id: 'sentiment-result', 'aria-live': 'polite' });
  element.append(field, status, result);

  const update = coalesce(async () => {
    const lines = input.value
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    try {
      const model = await models.get('sentiment-analysis', sentimentModel);
      status.textContent = '';
      if (lines.length === 0) {
        result.replaceChildren();
      } else if (lines.length === 1) {
        const labels = await model.run(lines[0] ?? '', { topK: null });
        const top = labels[0];
        result.replaceChildren(
          el('p', { class: 'verdict' }, el('strong', { class: `label label-${top?.label.toLowerCase() ?? 'none'}` }, top?.label ?? '–')),
          scoreBars(labels, 'sentiment-score'),
        );
      } else {
        result.replaceChildren(resultTable(lines, await model.run(lines)));
      }
    } catch (error) {
      status.textContent = describeError(error);
    }
  });
  input.addEventListener('input', update);

  return lazyView('sentiment', 'Sentiment', element, () => {
    status.textContent = 'Loading the model…';
    update();
  });
}
