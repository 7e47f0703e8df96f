import { inject } from 'vitest';
import type { RequestRecord } from '../../hub/server.ts';

/** The local Hub server's URLs (started by the browser projects' global setup). */
export const hubUrl = inject('hubUrl');
export const cdnUrl = inject('cdnUrl');
/** Which browser project runs this test. */
export const project = inject('project');

/** A fault rule as the control API takes it (`file` may be a `{ regex }`). */
export interface ControlFaultRule {
  origin?: 'hub' | 'cdn' | 'any';
  repo?: string;
  file?: string | { regex: string };
  times?: number;
  cutAfterBytes?: number;
  endAfterBytes?: number;
  latencyMs?: number;
  corruptAt?: number[];
  status?: number;
  bytesPerSecond?: number;
  stallAfterBytes?: number;
  holdAfterBytes?: number;
}

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${hubUrl}/__inpage/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  if (!response.ok) throw new Error(`control ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Drives the local Hub server from a browser test. */
export const hub = {
  addFault: (rule: ControlFaultRule) => control<{ id: number }>('POST', 'faults', rule),
  clearFaults: () => control<void>('DELETE', 'faults'),
  requests: (filter: { file?: string; origin?: 'hub' | 'cdn' } = {}) =>
    control<RequestRecord[]>('GET', `requests?${new URLSearchParams(filter as Record<string, string>)}`),
  clearRequests: () => control<void>('DELETE', 'requests'),
  setOffline: (offline: boolean) => control<void>('POST', 'offline', { offline }),
  commit: (repo: string, files: Record<string, string | null>, revision = 'main') =>
    control<{ sha: string }>('POST', 'commit', {
      repo,
      revision,
      files: Object.fromEntries(Object.entries(files).map(([path, text]) => [path, text === null ? null : btoa(text)])),
    }),
  reset: () => control<void>('POST', 'reset'),
};

let counter = 0;
/** A storage namespace no other test uses (browser storage outlives a test). */
export function uniqueNamespace(label = 't'): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}
