/**
 * What the demo's model manager view shows, what `client.cache` returns in the same page, and
 * what the fixture files on disk say the stored bytes must be, in one comparable shape.
 * @module
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright';
import type { CacheUsage, CachedModel } from 'inpage';
import { fixturesDir } from '../../demo/hub-mode.ts';
import { formatBytes } from '../../demo/format.ts';
import { fixtureAliases } from '../fixtures/aliases.ts';

/** One stored model as a row of the view shows it (exact values from `<data>`/`<time>`). */
export interface ShownModel {
  model: string;
  dtype: string;
  commit: string;
  /** The abbreviated commit the row displays. */
  commitText: string;
  complete: boolean;
  files: number;
  bytes: number;
  /** The byte count as displayed (`formatBytes`). */
  bytesText: string;
  /** Epoch ms, from `<time datetime>` (0 for "never"). */
  lastUsed: number;
  /** The Pin toggle is pressed. */
  pinned: boolean;
  /** The details say "pinned". */
  markedPinned: boolean;
}

/** The usage line and persistence status as the view shows them. */
export interface ShownUsage {
  modelBytes: number;
  modelBytesText: string;
  quota: number;
  budget: number | null;
  persisted: boolean;
}

/** The whole view. */
export interface ShownManager {
  models: ShownModel[];
  usage: ShownUsage;
}

/** `client.cache.list()` and `client.cache.usage()`, called on the demo's own client. */
export interface CacheState {
  list: CachedModel[];
  usage: CacheUsage;
}

/**
 * Calls `client.cache.list()` and `usage()` on the demo's client (`window.inpageDemo`).
 * @example
 * const { list, usage } = await cacheState(page);
 */
export async function cacheState(page: Page): Promise<CacheState> {
  return page.evaluate(async () => {
    const handle = window.inpageDemo;
    if (!handle) throw new Error('the demo did not expose window.inpageDemo');
    const [list, usage] = await Promise.all([handle.client.cache.list(), handle.client.cache.usage()]);
    return { list, usage };
  });
}

/**
 * Waits until the model manager has finished fetching (`aria-busy="false"`), then reads it.
 * @example
 * const shown = await readManagerView(page);
 */
export async function readManagerView(page: Page): Promise<ShownManager> {
  await page.locator('#manager[aria-busy="false"]').waitFor();
  return page.locator('#manager').evaluate((section): ShownManager => {
    const data = (scope: Element, name: string): HTMLDataElement | null => scope.querySelector<HTMLDataElement>(`data.${name}`);
    const models = [...section.querySelectorAll('#stored-models tbody tr[data-model]')].map((row): ShownModel => {
      const commit = data(row, 'commit');
      const bytes = data(row, 'bytes');
      const time = row.querySelector('time')?.getAttribute('datetime');
      return {
        model: row.querySelector('.model')?.textContent ?? '',
        dtype: row.querySelector('.dtype')?.textContent ?? '',
        commit: commit?.value ?? '',
        commitText: commit?.textContent ?? '',
        complete: row.querySelector('.completeness')?.textContent === 'complete',
        files: Number(data(row, 'files')?.value),
        bytes: Number(bytes?.value),
        bytesText: bytes?.textContent ?? '',
        lastUsed: time ? Date.parse(time) : 0,
        pinned: row.querySelector('button[aria-pressed]')?.getAttribute('aria-pressed') === 'true',
        markedPinned: row.querySelector('th small')?.textContent?.endsWith(' · pinned') ?? false,
      };
    });
    const usage = section.querySelector('#storage-usage-text');
    const modelBytes = usage ? data(usage, 'model-bytes') : null;
    const budget = usage ? data(usage, 'budget') : null;
    return {
      models,
      usage: {
        modelBytes: Number(modelBytes?.value),
        modelBytesText: modelBytes?.textContent ?? '',
        quota: Number((usage ? data(usage, 'quota') : null)?.value),
        budget: budget ? Number(budget.value) : null,
        persisted: section.querySelector<HTMLElement>('#storage-persistence')?.dataset.persisted === 'true',
      },
    };
  });
}

/**
 * What the view must show for a cache state: every entry, in `list()` order, with exact numbers.
 * @example
 * expect(await readManagerView(page)).toEqual(expectedView(await cacheState(page)));
 */
export function expectedView({ list, usage }: CacheState): ShownManager {
  return {
    models: list.map((entry) => ({
      model: entry.model,
      dtype: entry.dtype,
      commit: entry.commit,
      commitText: entry.commit.slice(0, 7),
      complete: entry.complete,
      files: entry.files,
      bytes: entry.bytes,
      bytesText: formatBytes(entry.bytes),
      lastUsed: entry.lastUsed,
      pinned: entry.pinned,
      markedPinned: entry.pinned,
    })),
    usage: {
      modelBytes: usage.modelBytes,
      modelBytesText: formatBytes(usage.modelBytes),
      quota: usage.quota,
      budget: usage.budget,
      persisted: usage.persisted,
    },
  };
}

const dtypeOfSession = (name: string): string => (name.endsWith('_fp16') ? 'fp16' : name.endsWith('_quantized') ? 'q8' : 'fp32');

/**
 * The files a load of a fixture model in `dtype` reads, counted from the fixture folder the local
 * Hub serves: its JSON files (config, tokenizer, generation config) and the ONNX sessions of that
 * dtype. An independent check of `list()`'s byte counts.
 * @example
 * fixtureFootprint('Xenova/all-MiniLM-L6-v2', 'q8'); // { files: 4, bytes: 23040 }
 */
export function fixtureFootprint(model: string, dtype: string): { files: number; bytes: number } {
  const folder = fixtureAliases[model];
  if (!folder) throw new Error(`no fixture serves ${model}`);
  const root = path.join(fixturesDir, folder);
  const json = readdirSync(root)
    .filter((name) => name.endsWith('.json'))
    .map((name) => path.join(root, name));
  const onnx = readdirSync(path.join(root, 'onnx'))
    .filter((name) => name.endsWith('.onnx') && dtypeOfSession(name.slice(0, -'.onnx'.length)) === dtype)
    .map((name) => path.join(root, 'onnx', name));
  const files = [...json, ...onnx];
  return { files: files.length, bytes: files.reduce((sum, file) => sum + statSync(file).size, 0) };
}

/**
 * The view with its quota taken from `expected` when the two differ by less than a MiB: the
 * browser's quota follows the disk's free space, which any write changes between two reads.
 * @example
 * expect(withSettledQuota(await readManagerView(page), expected)).toEqual(expected);
 */
export function withSettledQuota(view: ShownManager, expected: ShownManager): ShownManager {
  const drift = Math.abs(view.usage.quota - expected.usage.quota);
  return drift < 2 ** 20 ? { ...view, usage: { ...view.usage, quota: expected.usage.quota } } : view;
}
