/**
 * Model manager: stored models with their sizes and last use, delete, pin, "make available
 * offline" (with whether the model fits, checked before any download), the storage usage bar and
 * the persistence status, through `client.cache`.
 * @module
 */
import type { CacheAdmin, CacheUsage, CachedModel, FitReport } from 'inpage';
import { installable } from '../data/models.ts';
import { describeError, el, labelled } from '../dom.ts';
import { formatBytes, formatTime } from '../format.ts';
import type { View, ViewContext } from './view.ts';
import { viewSection } from './view.ts';

/** A byte count shown for humans, with the exact count as its machine-readable value (and tooltip). */
function bytesData(bytes: number, className: string): HTMLDataElement {
  return el('data', { class: className, value: String(bytes), title: `${bytes.toLocaleString('en-US')} bytes` }, formatBytes(bytes));
}

/** A time shown for humans, with the exact instant in `datetime`; "never" for 0. */
function timeElement(epochMs: number): HTMLElement {
  return epochMs > 0 ? el('time', { datetime: new Date(epochMs).toISOString() }, formatTime(epochMs)) : el('span', {}, formatTime(epochMs));
}

function modelRow(entry: CachedModel, act: (label: string, work: () => Promise<unknown>) => void, cache: CacheAdmin): HTMLTableRowElement {
  // A toggle keeps its name ("Pin"); `aria-pressed` (shown filled) and "· pinned" in the details say the state.
  const pin = el('button', { type: 'button', 'aria-pressed': String(entry.pinned), 'aria-label': `Pin ${entry.model}` }, 'Pin');
  pin.addEventListener('click', () =>
    act(entry.pinned ? 'Unpinning' : 'Pinning', () => (entry.pinned ? cache.unpin(entry.model) : cache.pin(entry.model))),
  );
  const remove = el('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${entry.model}` }, 'Delete');
  remove.addEventListener('click', () => act('Deleting', () => cache.delete(entry.model)));
  const details = el(
    'small',
    {},
    el('span', { class: 'dtype' }, entry.dtype),
    ' · ',
    el('data', { class: 'commit', value: entry.commit, title: `commit ${entry.commit}` }, entry.commit.slice(0, 7)),
    ' · ',
    el('span', { class: entry.complete ? 'completeness' : 'completeness incomplete' }, entry.complete ? 'complete' : 'incomplete'),
    entry.pinned ? ' · pinned' : '',
  );
  return el(
    'tr',
    { 'data-model': entry.model },
    el('th', { scope: 'row' }, el('span', { class: 'model' }, entry.model), el('br'), details),
    el(
      'td',
      { class: 'number' },
      bytesData(entry.bytes, 'bytes'),
      el('br'),
      el('small', {}, el('data', { class: 'files', value: String(entry.files) }, String(entry.files)), ' files'),
    ),
    el('td', {}, timeElement(entry.lastUsed)),
    el('td', {}, el('div', { class: 'actions' }, pin, remove)),
  );
}

/** The usage line under the bar: inpage's exact model bytes, then the browser's estimate and the budget. */
function usageLine(usage: CacheUsage): Array<Node | string> {
  return [
    bytesData(usage.modelBytes, 'model-bytes'),
    ' of models · ',
    bytesData(usage.originUsage, 'origin-usage'),
    ' used of ',
    bytesData(usage.quota, 'quota'),
    ' · budget ',
    usage.budget === null ? el('span', { class: 'budget' }, 'none') : bytesData(usage.budget, 'budget'),
  ];
}

/**
 * The model manager view.
 * @example
 * const view = createManagerView(context);
 */
export function createManagerView({ client, models, hub }: ViewContext): View {
  const element = viewSection(
    'manager',
    'Model manager',
    'Models stored in this browser: sizes, last use, pinning (never evicted), and downloads for offline use.',
  );
  const status = el('p', { class: 'status', role: 'status' });
  element.append(status);
  const { cache } = client;

  const usageMeter = el('meter', { id: 'storage-usage', min: 0, max: 1, value: 0 });
  const usageText = el('p', { class: 'hint', id: 'storage-usage-text' });
  const persisted = el('p', { id: 'storage-persistence' });
  const tableBody = el('tbody');
  const table = el(
    'table',
    { id: 'stored-models' },
    el('caption', {}, 'Stored models'),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, 'Model'),
        el('th', { scope: 'col' }, 'Size'),
        el('th', { scope: 'col' }, 'Last used'),
        el('th', { scope: 'col' }, 'Actions'),
      ),
    ),
    tableBody,
  );
  const choices = hub.local ? installable.filter((item) => item.fixture) : installable;
  const select = el('select', { id: 'install-model' });
  choices.forEach((item, index) => select.append(el('option', { value: String(index) }, `${item.model} (${item.task})`)));
  const install = el('button', { type: 'submit', class: 'primary' }, 'Make available offline');
  // Will it fit? Checked (revision, file list and config only, no weight byte) before Install is pressed.
  const fit = el('p', { class: 'hint', id: 'install-fit', 'aria-live': 'polite' });
  const form = el('form', { class: 'stack' }, labelled('Model', select).field, fit, el('div', { class: 'actions' }, install));
  const clear = el('button', { type: 'button', class: 'danger' }, 'Delete all models');
  element.append(
    el('div', { class: 'field' }, el('label', { for: 'storage-usage' }, 'Storage used by this site'), usageMeter, usageText),
    persisted,
    el('div', { class: 'table-wrap' }, table),
    el('h3', {}, 'Make a model available offline'),
    form,
    el('div', { class: 'actions' }, clear),
  );

  // `aria-busy` is true while the numbers are being fetched (assistive technology waits; so do the tests).
  let refreshing = 0;
  const refresh = async (): Promise<void> => {
    refreshing += 1;
    element.setAttribute('aria-busy', 'true');
    try {
      const [entries, usage] = await Promise.all([cache.list(), cache.usage()]);
      usageMeter.value = usage.quota > 0 ? usage.originUsage / usage.quota : 0;
      usageText.replaceChildren(...usageLine(usage));
      persisted.dataset.persisted = String(usage.persisted);
      persisted.textContent = usage.persisted
        ? 'Storage is persistent: the browser will not evict it under pressure.'
        : 'Storage is not persistent: the browser may evict models under storage pressure (pin models you need).';
      tableBody.replaceChildren(
        ...(entries.length > 0
          ? entries.map((entry) => modelRow(entry, act, cache))
          : [el('tr', {}, el('td', { colspan: 4 }, 'No models stored yet.'))]),
      );
    } catch (error) {
      status.textContent = describeError(error);
    } finally {
      refreshing -= 1;
      element.setAttribute('aria-busy', String(refreshing > 0));
    }
  };

  /** Runs an action, then shows the new numbers; the status says "done" once they are shown. */
  function act(label: string, work: () => Promise<unknown>): void {
    status.textContent = `${label}…`;
    const outcome = work().then(
      () => `${label}: done.`,
      (error: unknown) => describeError(error),
    );
    void outcome.then(async (message) => {
      await refresh();
      status.textContent = message;
    });
  }

  let fitChecks = 0;
  const checkFit = async (): Promise<void> => {
    const choice = choices[Number(select.value)];
    if (!choice) return;
    const check = ++fitChecks;
    fit.textContent = `Checking whether ${choice.model} fits…`;
    const text = await cache.fit(choice.task, choice.model).then(fitLine, (error: unknown) => `Fit not checked: ${describeError(error)}`);
    if (check === fitChecks) fit.textContent = text;
  };
  select.addEventListener('change', () => void checkFit());

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const choice = choices[Number(select.value)];
    if (!choice) return;
    install.disabled = true;
    models.reporter.onStart(choice.model);
    act(`Installing ${choice.model}`, async () => {
      try {
        await cache.install(choice.task, choice.model, { onProgress: models.reporter.onProgress });
      } finally {
        install.disabled = false;
      }
    });
  });
  clear.addEventListener('click', () => {
    if (window.confirm('Delete every stored model?')) act('Deleting all models', () => cache.clear());
  });

  // A download that made room by evicting models: say so, and show the list without them.
  client.on('eviction', ({ models: evicted, bytes }) => {
    void refresh().then(() => (status.textContent = `Evicted ${evicted.join(', ')} (${formatBytes(bytes)}) to stay within the budget.`));
  });

  return {
    id: 'manager',
    title: 'Model manager',
    element,
    activate: () => {
      void refresh();
      void checkFit();
    },
  };
}

/** One sentence for a fit report: the verdict, the download and where it would run, and why not. */
function fitLine(report: FitReport): string {
  const what = `${formatBytes(report.bytes)} (${report.dtype} on ${report.device === 'webgpu' ? 'WebGPU' : 'WASM'})`;
  if (report.verdict === 'fits') return `Fits: ${what}.`;
  const verdict = report.verdict === 'risky' ? `Fits, with a warning: ${what}.` : `Will not fit: ${what}.`;
  return [verdict, ...report.reasons].join(' ');
}
