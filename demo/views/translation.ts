/**
 * Translation: an Opus-MT pair picker, output streamed piece by piece with `model.stream()`, and
 * a Cancel button that aborts the load or the generation through an `AbortController`.
 * @module
 */
import { isInpageError } from 'inpage';
import { languagePairs } from '../data/models.ts';
import { describeError, el, labelled } from '../dom.ts';
import type { View, ViewContext } from './view.ts';
import { viewSection } from './view.ts';

/**
 * The translation view.
 * @example
 * const view = createTranslationView(context);
 */
export function createTranslationView({ models, hub }: ViewContext): View {
  const element = viewSection(
    'translation',
    'Translation',
    'Pick a language pair and translate: the words appear as the model generates them.',
  );
  const pairs = hub.local ? languagePairs.filter((pair) => pair.fixture) : languagePairs;
  const select = el('select', { id: 'translation-pair' });
  for (const pair of pairs) select.append(el('option', { value: pair.model }, pair.label));
  const { field: pairField } = labelled('Language pair', select);
  const { field: textField, control: input } = labelled(
    'English text',
    el('textarea', { id: 'translation-text', rows: 3, spellcheck: false }),
  );
  input.value = 'the cat eats the fish';
  const translate = el('button', { type: 'submit', class: 'primary' }, 'Translate');
  const cancel = el('button', { type: 'button', disabled: true }, 'Cancel');
  const status = el('p', { class: 'status', role: 'status', id: 'translation-status' });
  const output = el('output', { id: 'translation-output', for: 'translation-text', class: 'translation', 'aria-live': 'off' });
  const form = el('form', { class: 'stack' }, pairField, textField, el('div', { class: 'actions' }, translate, cancel));
  element.append(form, status, el('h3', {}, 'Translation'), output);

  let controller: AbortController | null = null;
  const setRunning = (running: boolean): void => {
    translate.disabled = running;
    cancel.disabled = !running;
    output.setAttribute('aria-busy', String(running));
  };

  const run = async (): Promise<void> => {
    controller?.abort();
    const current = new AbortController();
    controller = current;
    const { signal } = current;
    setRunning(true);
    output.textContent = '';
    try {
      status.textContent = 'Loading the model…';
      const model = await models.get('translation', select.value, signal);
      status.textContent = 'Translating…';
      for await (const piece of model.stream(input.value, { signal })) output.textContent += piece;
      status.textContent = 'Done.';
    } catch (error) {
      status.textContent = isInpageError(error, 'ABORTED') ? 'Cancelled.' : describeError(error);
    } finally {
      if (controller === current) {
        controller = null;
        setRunning(false);
      }
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run();
  });
  cancel.addEventListener('click', () => {
    controller?.abort();
    // Keep the focus in the form when the button it was on becomes disabled.
    translate.focus();
  });

  return { id: 'translation', title: 'Translation', element, activate: () => undefined };
}
