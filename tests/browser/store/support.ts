import type { RequestRecord } from '../../hub/server.ts';
import { hub, hubUrl } from '../support/hub.ts';
import type { ControlFaultRule } from '../support/hub.ts';

/** The 3 MiB fp32 sentiment fixture (not gated). */
export const largeRepo = 'inpage-fixtures/sentiment-large';
/** The gated alias of the same files. */
export const gatedRepo = 'inpage-test/gated-large';
/** Size of `onnx/model.onnx` of the large fixture. */
export const largeModelSize = 3_162_180;
/** config.json + tokenizer.json + tokenizer_config.json of the large fixture (every dtype loads them). */
export const largeSharedSize = 723 + 8336 + 1182;
export const chunkSize = 64 * 1024;
export const weights = 'onnx/model.onnx';
export const positiveText = 'I love this wonderful movie';

/**
 * Adds a fault and returns a function removing it (if it has not fired out already).
 * @example
 * const remove = await addFault({ origin: 'cdn', repo, file: weights, cutAfterBytes: 1000, times: 1 });
 */
export async function addFault(rule: ControlFaultRule): Promise<() => Promise<void>> {
  const { id } = await hub.addFault(rule);
  return async () => {
    await fetch(`${hubUrl}/__inpage/faults/${id}`, { method: 'DELETE' });
  };
}

/**
 * The logged requests of one repo since `since` (epoch ms), preflights excluded. Filtering by
 * repo and time (not `clearRequests()`) keeps tests of other files undisturbed.
 */
export async function requestsOf(
  repo: string,
  since: number,
  filter: { file?: string; origin?: 'hub' | 'cdn' } = {},
): Promise<RequestRecord[]> {
  const all = await hub.requests(filter);
  return all.filter((record) => record.repo === repo && record.time >= since && record.method !== 'OPTIONS');
}

/** GET requests for the body of a file (HEAD and preflights excluded). */
export function bodyRequests(records: readonly RequestRecord[]): RequestRecord[] {
  return records.filter((record) => record.method === 'GET');
}

/** Sum of body bytes the server wrote. */
export function bytesSent(records: readonly RequestRecord[]): number {
  return records.reduce((sum, record) => sum + record.bytesSent, 0);
}

/** The first byte a Range request asked for (`bytes=N-`), or 0 without Range. */
export function rangeStart(record: RequestRecord): number {
  const match = /^bytes=(\d+)-/.exec(record.range ?? '');
  return match ? Number(match[1]) : 0;
}

/** The time to use as `since` for {@link requestsOf}: a little before now (same machine clock). */
export const now = (): number => Date.now() - 1;
