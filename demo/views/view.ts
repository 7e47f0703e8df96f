/**
 * What every view gets and gives.
 * @module
 */
import type { InpageClient } from 'inpage';
import type { HubSettings } from '../config.ts';
import type { ModelLoader } from '../models.ts';

/** Shared services of the views. */
export interface ViewContext {
  client: InpageClient;
  models: ModelLoader;
  hub: HubSettings;
}

/** One page of the demo, shown by its `#id` route. */
export interface View {
  /** Route and element id, e.g. `sentiment`. */
  id: string;
  /** Navigation label and heading. */
  title: string;
  /** The view's section (its heading included). */
  element: HTMLElement;
  /** Called each time the view is shown (the first call starts its model load). */
  activate(): void;
}

/**
 * The section of a view with its heading (the target of the route's focus).
 * @example
 * const section = viewSection('sentiment', 'Sentiment', 'Type a review.');
 */
export function viewSection(id: string, title: string, intro: string): HTMLElement {
  const section = document.createElement('section');
  section.id = id;
  section.className = 'view';
  section.setAttribute('aria-labelledby', `${id}-title`);
  section.hidden = true;
  const heading = document.createElement('h2');
  heading.id = `${id}-title`;
  heading.tabIndex = -1;
  heading.textContent = title;
  const lead = document.createElement('p');
  lead.className = 'intro';
  lead.textContent = intro;
  section.append(heading, lead);
  return section;
}

/**
 * A view whose model work starts the first time it is shown (later activations do nothing).
 * @example
 * return lazyView('ner', 'Named entities', element, () => update());
 */
export function lazyView(id: string, title: string, element: HTMLElement, start: () => void): View {
  let started = false;
  return {
    id,
    title,
    element,
    activate() {
      if (started) return;
      started = true;
      start();
    },
  };
}
