/**
 * Device panel: what the browser offers (`client.capabilities()`), and for each loaded model the
 * device and dtype it really runs with, and why it fell back to WASM if it did.
 * @module
 */
import type { Capabilities, Model, TaskId } from 'inpage';
import { describeError, el } from '../dom.ts';
import type { View, ViewContext } from './view.ts';
import { viewSection } from './view.ts';

function facts(entries: ReadonlyArray<readonly [string, string]>): HTMLDListElement {
  const list = el('dl', { class: 'facts' });
  for (const [term, value] of entries) list.append(el('div', {}, el('dt', {}, term), el('dd', {}, value)));
  return list;
}

function capabilityFacts(caps: Capabilities): HTMLDListElement {
  const adapter = caps.webgpu.adapter;
  return facts([
    [
      'WebGPU adapter',
      adapter
        ? [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' · ') +
            (adapter.isFallbackAdapter ? ' (software fallback)' : '') || 'yes (no details)'
        : 'none',
    ],
    ['shader-f16', caps.webgpu.shaderF16 ? 'yes' : 'no'],
    ['WASM SIMD', caps.wasm.simd ? 'yes' : 'no'],
    ['WASM threads', caps.wasm.threads ? `yes, ${caps.wasm.numThreads} used` : 'no (1 thread)'],
    ['Cross-origin isolated', caps.crossOriginIsolated ? 'yes' : 'no'],
    ['Logical cores', String(caps.hardwareConcurrency)],
  ]);
}

function modelsTable(loaded: readonly Model<TaskId>[]): HTMLElement {
  if (loaded.length === 0) return el('p', {}, 'No model loaded yet: open another view.');
  const body = el('tbody');
  for (const model of loaded) {
    body.append(
      el(
        'tr',
        {},
        el('th', { scope: 'row' }, model.model, el('br'), el('small', {}, model.task)),
        el('td', {}, model.device),
        el('td', {}, model.dtype),
        el('td', {}, model.fallback ? `from ${model.fallback.from}: ${model.fallback.reason}` : 'none'),
      ),
    );
  }
  const head = el(
    'thead',
    {},
    el(
      'tr',
      {},
      el('th', { scope: 'col' }, 'Model'),
      el('th', { scope: 'col' }, 'Device'),
      el('th', { scope: 'col' }, 'Dtype'),
      el('th', { scope: 'col' }, 'Fallback'),
    ),
  );
  return el('div', { class: 'table-wrap' }, el('table', { id: 'device-models', 'aria-labelledby': 'device-models-title' }, head, body));
}

/**
 * The device view.
 * @example
 * const view = createDeviceView(context);
 */
export function createDeviceView({ client, models }: ViewContext): View {
  const element = viewSection('device', 'Device', 'What this browser offers for inference, and where each loaded model runs.');
  const capabilities = el('div', { id: 'device-capabilities' }, el('p', {}, 'Probing…'));
  const loaded = el('div', {});
  element.append(el('h3', {}, 'Browser'), capabilities, el('h3', { id: 'device-models-title' }, 'Loaded models'), loaded);
  const renderModels = (): void => loaded.replaceChildren(modelsTable(models.loaded()));
  const restarts = el('p', { role: 'status' });
  // What the client does on its own: a model moved to WASM, a worker restarted.
  client.on('fallback', renderModels);
  client.on('worker-restart', ({ code, reason }) => {
    restarts.textContent = `The worker was restarted (${code}): ${reason}. Models reload on their next call.`;
  });
  element.append(restarts);

  let probed = false;
  return {
    id: 'device',
    title: 'Device',
    element,
    activate() {
      renderModels();
      if (probed) return;
      probed = true;
      client
        .capabilities()
        .then((caps) => capabilities.replaceChildren(capabilityFacts(caps)))
        .catch((error: unknown) => {
          probed = false;
          capabilities.replaceChildren(el('p', {}, describeError(error)));
        });
    },
  };
}
