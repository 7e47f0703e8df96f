/**
 * The progress panel: per load, a bar per file and a total bar with bytes and ETA, and the
 * phase (resolving, downloading, compiling, ready).
 * @module
 */
import type { LoadProgressEvent } from 'inpage';
import { describeError, el } from './dom.ts';
import { formatBytes, formatDuration } from './format.ts';
import type { LoadReporter } from './models.ts';

interface LoadRow {
  element: HTMLElement;
  phase: HTMLElement;
  total: HTMLProgressElement;
  totalText: HTMLElement;
  files: HTMLElement;
  fileCount: HTMLElement;
  fileBars: Map<string, { bar: HTMLProgressElement; text: HTMLElement }>;
  startedAt: number;
  startBytes: number | null;
}

function bar(label: string): { row: HTMLElement; bar: HTMLProgressElement; text: HTMLElement } {
  const progress = el('progress', { max: 1, value: 0, 'aria-label': label });
  const text = el('span', { class: 'bytes' });
  return { row: el('div', { class: 'bar' }, el('span', { class: 'name' }, label), progress, text), bar: progress, text };
}

/**
 * Creates the panel, and the reporter that loads and installs report to.
 * @example
 * const progress = createProgressPanel();
 * document.body.append(progress.element);
 * const models = createModelLoader(client, progress.reporter);
 */
export function createProgressPanel(): { element: HTMLElement; reporter: LoadReporter } {
  const list = el('div', { class: 'loads' }, el('p', { class: 'hint' }, 'Nothing loading.'));
  const panel = el(
    'section',
    { id: 'progress', class: 'panel', 'aria-labelledby': 'progress-title' },
    el('h2', { id: 'progress-title' }, 'Downloads'),
    list,
  );
  const rows = new Map<string, LoadRow>();

  const rowFor = (model: string): LoadRow => {
    let row = rows.get(model);
    if (!row) {
      if (rows.size === 0) list.replaceChildren();
      const total = bar('Total');
      const phase = el('p', { class: 'phase', role: 'status' }, 'Starting…');
      const files = el('div', {});
      const fileCount = el('summary', {}, 'Files');
      const element = el(
        'article',
        { class: 'load', 'data-model': model },
        el('h3', {}, model),
        phase,
        total.row,
        el('details', { class: 'files' }, fileCount, files),
      );
      row = {
        element,
        phase,
        total: total.bar,
        totalText: total.text,
        files,
        fileCount,
        fileBars: new Map(),
        startedAt: performance.now(),
        startBytes: null,
      };
      rows.set(model, row);
      list.prepend(element);
    }
    return row;
  };

  const fileBar = (row: LoadRow, file: string): { bar: HTMLProgressElement; text: HTMLElement } => {
    let entry = row.fileBars.get(file);
    if (!entry) {
      const created = bar(file);
      row.files.append(created.row);
      entry = { bar: created.bar, text: created.text };
      row.fileBars.set(file, entry);
      row.fileCount.textContent = `Files (${row.fileBars.size})`;
    }
    return entry;
  };

  const onProgress = (event: LoadProgressEvent): void => {
    const row = rowFor(event.model);
    switch (event.phase) {
      case 'resolve':
        row.phase.textContent = `Resolving ${event.revision}…`;
        break;
      case 'cached': {
        const entry = fileBar(row, event.file);
        entry.bar.value = 1;
        entry.text.textContent = `${formatBytes(event.total)} · stored`;
        break;
      }
      case 'download': {
        const entry = fileBar(row, event.file);
        entry.bar.value = event.total > 0 ? event.loaded / event.total : 0;
        entry.text.textContent = `${formatBytes(event.loaded)} / ${formatBytes(event.total)}`;
        break;
      }
      case 'total': {
        row.phase.textContent = event.loaded < event.total ? 'Downloading…' : 'Downloaded.';
        row.startBytes ??= event.loaded;
        const seconds = (performance.now() - row.startedAt) / 1000;
        const rate = seconds > 0 ? (event.loaded - row.startBytes) / seconds : 0;
        const eta =
          event.loaded >= event.total ? 'done' : rate > 0 ? `ETA ${formatDuration((event.total - event.loaded) / rate)}` : 'ETA …';
        row.total.value = event.total > 0 ? event.loaded / event.total : 1;
        row.totalText.textContent = `${formatBytes(event.loaded)} / ${formatBytes(event.total)} · ${event.files} files · ${eta}`;
        break;
      }
      case 'compile':
        row.phase.textContent = `Compiling for ${event.device} (${event.dtype})…`;
        break;
      case 'ready':
        row.phase.textContent = `Ready on ${event.device} (${event.dtype}).`;
        row.total.value = 1;
        break;
    }
  };

  const reporter: LoadReporter = {
    onStart: (model) => {
      const row = rowFor(model);
      row.startedAt = performance.now();
      row.startBytes = null;
      row.phase.textContent = 'Starting…';
    },
    onProgress,
    onFailed: (model, error) => {
      rowFor(model).phase.textContent = describeError(error);
    },
  };
  return { element: panel, reporter };
}
