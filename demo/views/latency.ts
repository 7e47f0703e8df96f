/**
 * Latency: a ladder of two sentiment models under a latency target. It shows each rung's p95
 * measured on this device, the rung that runs and why, and the switches as they happen; tighten
 * the target and run calls to see the model step down.
 * @module
 */
import type { Model, ModelRoute, RouteEvent } from 'inpage';
import { ladderModels } from '../data/models.ts';
import { describeError, el, labelled } from '../dom.ts';
import type { View, ViewContext } from './view.ts';
import { lazyView, viewSection } from './view.ts';

/** About 128 words: the calls the panel makes, long enough that the heavy rung's cost shows. */
const callText = Array.from({ length: 16 }, () => 'a wonderful movie with a great story').join(' ');
/** Calls in the rolling window that decides a step down. */
const window = 8;

function ms(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(1)} ms`;
}

function rungTable(route: ModelRoute): HTMLElement {
  const body = el('tbody');
  route.rungs.forEach((rung, index) => {
    body.append(
      el(
        'tr',
        index === route.rung ? { class: 'current' } : {},
        el('th', { scope: 'row' }, rung.model),
        el('td', { class: 'number' }, ms(rung.p95)),
        el('td', {}, rung.refused ?? (index === route.rung ? `runs on ${route.device}` : '')),
      ),
    );
  });
  const head = el(
    'thead',
    {},
    el('tr', {}, el('th', { scope: 'col' }, 'Rung'), el('th', { scope: 'col' }, 'p95 here'), el('th', { scope: 'col' }, 'State')),
  );
  return el(
    'div',
    { class: 'table-wrap' },
    el('table', { id: 'latency-rungs' }, el('caption', {}, `Target p95 ${route.target?.p95 ?? '–'} ms`), head, body),
  );
}

/**
 * The latency view.
 * @example
 * const view = createLatencyView(context);
 */
export function createLatencyView({ client, models }: ViewContext): View {
  const element = viewSection(
    'latency',
    'Latency',
    'A ladder of two models under a latency target: the first one whose p95 on this device meets the target runs. Tighten the target and run calls: when a window of calls misses it, the model switches to the faster rung between two calls.',
  );
  const { field, control: target } = labelled(
    'Target p95 (ms)',
    el('input', { id: 'latency-target', type: 'number', min: 0.1, step: 0.1, value: 1000, inputmode: 'decimal' }),
    'Applied to the loaded model at once.',
  );
  const apply = el('button', { type: 'button', id: 'latency-apply', disabled: true }, 'Set target');
  const run = el('button', { type: 'button', id: 'latency-run', class: 'primary', disabled: true }, `Run ${2 * window} calls`);
  const status = el('p', { class: 'status', role: 'status' });
  const rungs = el('div', { id: 'latency-route' });
  const reason = el('p', { id: 'latency-reason' });
  const log = el('ol', { id: 'latency-log', 'aria-label': 'Switches' });
  element.append(field, el('div', { class: 'actions' }, apply, run), status, rungs, reason, el('h3', {}, 'Switches'), log);
  let model: Model<'sentiment-analysis'> | undefined;

  const render = (): void => {
    const route = model?.route;
    if (!route) return;
    rungs.replaceChildren(rungTable(route));
    reason.textContent = `${route.model} runs: ${route.reason}`;
  };
  client.on('route', (event: RouteEvent) => {
    if (event.kind === 'device') return render();
    log.append(el('li', {}, `${event.kind === 'down' ? 'Down' : 'Up'}: ${event.from.model} → ${event.to.model} (${event.reason})`));
    render();
  });
  apply.addEventListener('click', () => {
    try {
      model?.setLatencyTarget({ p95: Number(target.value), window });
      status.textContent = `Target set to ${target.value} ms.`;
      render();
    } catch (error) {
      status.textContent = describeError(error);
    }
  });
  run.addEventListener('click', async () => {
    if (!model) return;
    run.disabled = true;
    status.textContent = 'Running…';
    try {
      // One after another: each call's time goes into the window.
      for (let i = 0; i < 2 * window; i++) await model.run(callText);
      status.textContent = `Ran ${2 * window} calls.`;
    } catch (error) {
      status.textContent = describeError(error);
    } finally {
      run.disabled = false;
      render();
    }
  });

  return lazyView('latency', 'Latency', element, () => {
    status.textContent = 'Loading and measuring the ladder…';
    models.reporter.onStart(ladderModels.join(' → '));
    client
      .load('sentiment-analysis', ladderModels, {
        latencyTarget: { p95: Number(target.value), window },
        onProgress: models.reporter.onProgress,
      })
      .then(
        (loaded) => {
          model = loaded;
          apply.disabled = false;
          run.disabled = false;
          status.textContent = 'Ready.';
          render();
        },
        (error: unknown) => {
          models.reporter.onFailed(ladderModels.join(' → '), error);
          status.textContent = describeError(error);
        },
      );
  });
}
