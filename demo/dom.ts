/**
 * Small DOM helpers shared by the views (formatting is in `format.ts`).
 * @module
 */
import { isInpageError } from 'inpage';

type Attributes = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

/**
 * Creates an element with attributes (`true` → present, `false`/`undefined` → absent) and children.
 * @example
 * el('button', { type: 'button', class: 'primary' }, 'Translate');
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/**
 * Runs `work` so that at most one call is in flight: calls made meanwhile collapse into one
 * more run with the latest state (inputs typed during an inference are not queued one by one).
 * @example
 * const update = coalesce(async () => render(await model.run(textarea.value)));
 * textarea.addEventListener('input', update);
 */
export function coalesce(work: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const kick = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await work();
      } while (again);
    } finally {
      running = false;
    }
  };
  return () => void kick();
}

/**
 * A message for an error, with its inpage code when it has one.
 * @example
 * status.textContent = describeError(error); // 'NETWORK: …'
 */
export function describeError(error: unknown): string {
  if (isInpageError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A labelled form control wrapped in a field container.
 * @example
 * const { field, control } = labelled('Text', el('textarea', { id: 'sentiment-text' }));
 */
export function labelled<C extends HTMLElement>(label: string, control: C, hint?: string): { field: HTMLElement; control: C } {
  const id = control.id;
  const hintId = hint ? `${id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  const field = el(
    'div',
    { class: 'field' },
    el('label', { for: id }, label),
    hint ? el('p', { class: 'hint', id: hintId }, hint) : null,
    control,
  );
  return { field, control };
}

/**
 * Labels with their scores as a list of meters (each labelled by its label, whose id is
 * `${idPrefix}-${index}`).
 * @example
 * result.replaceChildren(scoreBars(await model.run(text), 'sentiment-score'));
 */
export function scoreBars(labels: readonly { label: string; score: number }[], idPrefix: string): HTMLElement {
  const list = el('ul', { class: 'scores', 'aria-label': 'Scores' });
  labels.forEach(({ label, score }, index) => {
    const id = `${idPrefix}-${index}`;
    list.append(
      el(
        'li',
        { class: 'score' },
        el('span', { id }, label),
        el('meter', { min: 0, max: 1, value: score, 'aria-labelledby': id }),
        el('span', { class: 'number' }, score.toFixed(2)),
      ),
    );
  });
  return list;
}
