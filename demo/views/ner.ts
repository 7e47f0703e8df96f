/**
 * Named entities: people, organizations and places highlighted inline, using the entities'
 * `start`/`end` character offsets into the text.
 * @module
 */
import type { EntityGroup } from 'inpage';
import { nerModel } from '../data/models.ts';
import { coalesce, describeError, el, labelled } from '../dom.ts';
import type { View, ViewContext } from './view.ts';
import { lazyView, viewSection } from './view.ts';

const entityNames: Readonly<Record<string, string>> = { PER: 'person', ORG: 'organization', LOC: 'location', MISC: 'other' };

/** The text with each entity wrapped in a labelled `<mark>`. */
function highlight(text: string, entities: readonly EntityGroup[]): HTMLElement {
  const paragraph = el('p', { class: 'entities', id: 'ner-output' });
  let cursor = 0;
  for (const entity of [...entities].sort((a, b) => a.start - b.start)) {
    if (entity.start < cursor || entity.end <= entity.start) continue;
    paragraph.append(text.slice(cursor, entity.start));
    const name = entityNames[entity.entityGroup] ?? entity.entityGroup;
    paragraph.append(
      el(
        'mark',
        { class: `entity entity-${entity.entityGroup.toLowerCase()}`, 'data-entity': entity.entityGroup },
        text.slice(entity.start, entity.end),
        el('span', { class: 'tag' }, ` ${entity.entityGroup}`, el('span', { class: 'visually-hidden' }, ` (${name})`)),
      ),
    );
    cursor = entity.end;
  }
  paragraph.append(text.slice(cursor));
  return paragraph;
}

/**
 * The NER view.
 * @example
 * const view = createNerView(context);
 */
export function createNerView({ models }: ViewContext): View {
  const element = viewSection(
    'ner',
    'Named entities',
    'People (PER), organizations (ORG), places (LOC) and other names (MISC) are highlighted as you type. The model is cased: capitalize names.',
  );
  const { field, control: input } = labelled('Text', el('textarea', { id: 'ner-text', rows: 3, spellcheck: false }));
  input.value = 'Bobby works for Google in New York. Alice lives in Paris.';
  const status = el('p', { class: 'status', role: 'status' });
  const result = el('div', { class: 'result', 'aria-live': 'polite' });
  element.append(field, status, el('h3', {}, 'Entities'), result);

  const update = coalesce(async () => {
    const text = input.value;
    try {
      const model = await models.get('token-classification', nerModel);
      const entities = await model.run(text, { aggregationStrategy: 'simple' });
      status.textContent = entities.length === 0 ? 'No entities found.' : `${entities.length} entities.`;
      result.replaceChildren(highlight(text, entities));
    } catch (error) {
      status.textContent = describeError(error);
    }
  });
  input.addEventListener('input', update);

  return lazyView('ner', 'Named entities', element, () => {
    status.textContent = 'Loading the model…';
    update();
  });
}
