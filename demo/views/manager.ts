/**
 * Model manager: stored models with their sizes and last use, delete, pin, "make available
 * offline", the storage usage bar and the persistence status, through `client.cache`.
 * @module
 */
import type { CacheAdmin, CachedModel } from 'inpage';
import { formatLastUsed } from '../cache-adapter.ts';
import { installable } from '../data/models.ts';
import { describeError, el, formatBytes, labelled } from '../dom.ts';
import type { View, ViewContext } from './view.ts';
import { viewSection } from './view.ts';

function modelRow(entry: CachedModel, act: (label: string, work: () => Promise<unknown>) => void, cache: CacheAdmin): HTMLTableRowElement {
  const { files } = entry;
  const pin = el('button', { type: 'button', 'aria-pressed': String(entry.pinned), 'aria-label': `Pin ${entry.model}` }, entry.pinned ? 'Pinned' : 'Pin');
  pin.addEventListener('click', () => act(entry.pinned ? 'Unpinning' : 'Pinning', () => (entry.pinned ? cache.unpin(entry.model) : cache.pin(entry.model))));
  const remove = el('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${entry.model}` }, 'Delete');
  remove.addEventListener('click', () => act('Deleting', () => cache.delete(entry.model)));
  return el(
    'tr',
    {},
    el('th', { scope: 'row' }, entry.model, el('br'), el('small', {}, `${entry.dtype} · ${entry.commit.slice(0, 7)}${entry.complete ? '' : ' · incomplete'}`)),
    el('td', { class: 'number' }, formatBytes(entry.bytes), el('br'), el('small', {}, `${files} files`)),
    el('td', {}, formatLastUsed(entry.lastUsed)),
    el('td', {}, el('div', { class: 'actions' }, pin, remove)),
  );
}

/**
 * The model manager view.
 * @example
 * const view = createManagerView(context);
 */
export function createManagerView({ client, models, hub }: ViewContext): View {
  const element = viewSection('manager', 'Model manager', 'Models stored in this browser: sizes, last use, pinning (never evicted), and downloads for offline use.');
  const status = el('p', { class: 'status', role: 'status' });
  element.append(status);
  const { cache } = client;

  const usageMeter = el('meter', { id: 'storage-usage', min: 0, max: 1, value: 0 });
  const usageText = el('p', { class: 'hint' });
  const persisted = el('p', {});
  const tableBody = el('tbody');
  const table = el(
    'table',
    {},
    el('caption', {}, 'Stored models'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Model'), el('th', { scope: 'col' }, 'Size'), el('th', { scope: 'col' }, 'Last used'), el('th', { scope: 'col' }, 'Actions'))),
    tableBody,
  );
  const choices = hub.local ? installable.filter((item) => item.fixture) : installable;
  const select = el('select', { id: 'install-model' });
  choices.forEach((item, index) => select.append(el('option', { value: String(index) }, `${item.model} (${item.task})`)));
  const install = el('button', { type: 'submit', class: 'primary' }, 'Make available offline');
  const form = el('form', { class: 'stack' }, labelled('Model', select).field, el('div', { class: 'actions' }, install));
  const clear = el('button', { type: 'button', class: 'danger' }, 'Delete all models');
  element.append(
    el('div', { class: 'field' }, el('label', { for: 'storage-usage' }, 'Storage used by this site'), usageMeter, usageText),
    persisted,
    el('div', { class: 'table-wrap' }, table),
    el('h3', {}, 'Make a model available offline'),
    form,
    el('div', { class: 'actions' }, clear),
  );

  const refresh = async (): Promise<void> => {
    try {
      const [entries, usage] = await Promise.all([cache.list(), cache.usage()]);
      usageMeter.value = usage.quota > 0 ? usage.originUsage / usage.quota : 0;
      usageText.textContent = `${formatBytes(usage.modelBytes)} of models · ${formatBytes(usage.originUsage)} used of ${formatBytes(usage.quota)} · budget ${usage.budget === null ? 'none' : formatBytes(usage.budget)}`;
      persisted.textContent = usage.persisted ? 'Storage is persistent: the browser will not evict it under pressure.' : 'Storage is not persistent: the browser may evict models under storage pressure (pin models you need).';
      tableBody.replaceChildren(...(entries.length > 0 ? entries.map((entry) => modelRow(entry, act, cache)) : [el('tr', {}, el('td', { colspan: 4 }, 'No models stored yet.'))]));
    } catch (error) {
      status.textContent = describeError(error);
    }
  };

  function act(label: string, work: () => Promise<unknown>): void {
    status.textContent = `${label}…`;
    work()
      .then(() => (status.textContent = `${label}: done.`))
      .catch((error: unknown) => (status.textContent = describeError(error)))
      .finally(() => void refresh());
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const choice = choices[Number(select.value)];
    if (!choice) return;
    install.disabled = true;
    models.report.onStart(choice.model);
    act(`Installing ${choice.model}`, async () => {
      try {
        await cache.install(choice.task, choice.model, { onProgress: models.report.onProgress });
      } finally {
        install.disabled = false;
      }
    });
  });
  clear.addEventListener('click', () => {
    if (window.confirm('Delete every stored model?')) act('Deleting all models', () => cache.clear());
  });

  return { id: 'manager', title: 'Model manager', element, activate: () => void refresh() };
}
