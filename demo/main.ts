/**
 * The demo's entry: one inpage client, the views behind `#hash` routes, the Hub banner and the
 * progress panel.
 * @module
 */
import { createClient } from 'inpage';
import { hubSettings } from './config.ts';
import { exposeDemoHandle } from './console-handle.ts';
import { el } from './dom.ts';
import { createModelLoader } from './models.ts';
import { createProgressPanel } from './progress.ts';
import { registerServiceWorker } from './sw-register.ts';
import { createChatView } from './views/chat.ts';
import { createDeviceView } from './views/device.ts';
import { createImageView } from './views/image.ts';
import { createLatencyView } from './views/latency.ts';
import { createManagerView } from './views/manager.ts';
import { createNerView } from './views/ner.ts';
import { createSearchView } from './views/search.ts';
import { createSentimentView } from './views/sentiment.ts';
import { createTranslationView } from './views/translation.ts';
import { createTranscriptionView } from './views/transcription.ts';
import type { View, ViewContext } from './views/view.ts';

// `auto` avoids a software WebGPU adapter; `?gpu=software` lets it use one (SwiftShader in the e2e tests).
const softwareAdapter = new URLSearchParams(location.search).get('gpu') === 'software' ? 'use' : 'avoid';
const client = createClient({ hub: { endpoint: hubSettings.endpoint }, routing: { softwareAdapter } });
const progress = createProgressPanel();
const models = createModelLoader(client, progress.reporter);
const context: ViewContext = { client, models, hub: hubSettings };
exposeDemoHandle(client);
const views: readonly View[] = [
  createSentimentView,
  createTranslationView,
  createChatView,
  createSearchView,
  createNerView,
  createImageView,
  createTranscriptionView,
  createManagerView,
  createDeviceView,
  createLatencyView,
].map((create) => create(context));

const banner = document.getElementById('hub-banner');
if (banner) {
  banner.hidden = false;
  banner.textContent = hubSettings.local
    ? `Offline mode: models come from a local Hub serving small test models (${hubSettings.reason}). Their answers are only meant to check the app.`
    : `Models come from ${hubSettings.endpoint}.`;
  banner.classList.toggle('offline', hubSettings.local);
}

const nav = document.getElementById('views-nav');
const main = document.getElementById('main');
const links = views.map((view) => el('a', { href: `#${view.id}` }, view.title));
nav?.append(el('ul', {}, ...links.map((link) => el('li', {}, link))));
main?.append(...views.map((view) => view.element));
document.getElementById('aside')?.append(progress.element);

/** Shows the view of the current hash (the first one by default). */
function route(moveFocus: boolean): void {
  const id = location.hash.slice(1);
  const current = views.find((view) => view.id === id) ?? views[0];
  if (!current) return;
  views.forEach((view, index) => {
    view.element.hidden = view !== current;
    if (view === current) links[index]?.setAttribute('aria-current', 'page');
    else links[index]?.removeAttribute('aria-current');
  });
  document.title = `${current.title} · inpage demo`;
  current.activate();
  if (moveFocus) current.element.querySelector<HTMLElement>('h2')?.focus();
}

window.addEventListener('hashchange', () => route(true));
route(false);
registerServiceWorker();
