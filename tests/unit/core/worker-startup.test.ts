import { afterEach, describe, expect, it } from 'vitest';
import { createRecordedWorker, workerScriptUrl } from '../../../src/client/worker-startup.ts';
import { explainWorkerStartFailure } from '../../../src/client/worker-startup-diagnosis.ts';
import { diagnoseServedFile } from '../../../src/runtime/served-file.ts';

const scriptUrl = 'https://app.example/sub/assets/inpage-worker-1a2b3c4d.js';

/** A stand-in for the browser's `Worker` (Node has none): remembers what it was created with. */
class FakeWorker {
  readonly created: string;
  constructor(url: string | URL) {
    this.created = String(url);
  }
}

function fakeFetch(status: number, headers: Record<string, string> = {}): typeof fetch {
  return (() => Promise.resolve(new Response(status === 204 ? null : 'body', { status, headers }))) as typeof fetch;
}

const javascript = { 'Content-Type': 'text/javascript; charset=utf-8', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const originalWorker = (globalThis as { Worker?: unknown }).Worker;

afterEach(() => {
  (globalThis as { Worker?: unknown }).Worker = originalWorker;
});

function recorded(url: string): Worker {
  (globalThis as { Worker?: unknown }).Worker = FakeWorker;
  return createRecordedWorker(() => new Worker(url, { type: 'module' }));
}

describe('createRecordedWorker', () => {
  it('records the URL the factory passed to `new Worker` and restores the global Worker', () => {
    const worker = recorded(scriptUrl);
    expect(worker).toBeInstanceOf(FakeWorker);
    expect((worker as unknown as FakeWorker).created).toBe(scriptUrl);
    expect(workerScriptUrl(worker)).toBe(scriptUrl);
    expect(globalThis.Worker).toBe(FakeWorker);
  });

  it('restores the global Worker when the factory throws', () => {
    (globalThis as { Worker?: unknown }).Worker = FakeWorker;
    expect(() =>
      createRecordedWorker(() => {
        throw new Error('factory failed');
      }),
    ).toThrow('factory failed');
    expect(globalThis.Worker).toBe(FakeWorker);
  });

  it('records nothing for a worker created outside the factory', () => {
    (globalThis as { Worker?: unknown }).Worker = FakeWorker;
    const provided = new Worker(scriptUrl);
    expect(workerScriptUrl(createRecordedWorker(() => provided))).toBeUndefined();
  });
});

describe('explainWorkerStartFailure', () => {
  it('names the script URL and its HTTP status when the host does not serve it', async () => {
    const reason = await explainWorkerStartFailure(recorded(scriptUrl), fakeFetch(404));
    expect(reason).toContain(scriptUrl);
    expect(reason).toContain('HTTP 404');
    expect(reason).not.toContain('unknown error');
  });

  it('names an HTML fallback page served in place of the script', async () => {
    const reason = await explainWorkerStartFailure(recorded(scriptUrl), fakeFetch(200, { 'Content-Type': 'text/html' }));
    expect(reason).toContain(`${scriptUrl} was served as "text/html", not as JavaScript`);
    expect(reason).toContain('index.html');
  });

  it('names a failed request', async () => {
    const failing = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    const reason = await explainWorkerStartFailure(recorded(scriptUrl), failing);
    expect(reason).toContain(`${scriptUrl} could not be fetched (Failed to fetch)`);
  });

  it('says the script itself is fine when it is, pointing at its imports', async () => {
    const reason = await explainWorkerStartFailure(recorded(scriptUrl), fakeFetch(200, javascript));
    expect(reason).toContain(`${scriptUrl} is served correctly`);
  });

  it('without a recorded URL, says the worker failed before it could report why', async () => {
    (globalThis as { Worker?: unknown }).Worker = FakeWorker;
    expect(await explainWorkerStartFailure(new Worker(scriptUrl), fakeFetch(404))).toContain('failed to start');
  });
});

describe('diagnoseServedFile', () => {
  it('accepts a JavaScript script and a wasm file served with any type', async () => {
    expect(await diagnoseServedFile(scriptUrl, 'script', { fetch: fakeFetch(200, javascript) })).toBeUndefined();
    const octets = fakeFetch(200, { 'Content-Type': 'application/octet-stream' });
    expect(await diagnoseServedFile('https://app.example/x.wasm', 'wasm', { fetch: octets })).toBeUndefined();
  });

  it('requires COEP on a worker script of a cross-origin-isolated page only', async () => {
    const noCoep = fakeFetch(200, { 'Content-Type': 'text/javascript' });
    expect(await diagnoseServedFile(scriptUrl, 'script', { fetch: noCoep, workerScript: true })).toBeUndefined();
    const problem = await diagnoseServedFile(scriptUrl, 'script', { fetch: noCoep, workerScript: true, isolated: true });
    expect(problem).toContain('without a Cross-Origin-Embedder-Policy header');
  });

  it('names the status of a runtime file the host does not serve', async () => {
    const url = 'https://app.example/ort-wasm-simd-threaded.asyncify-0966b610.mjs';
    expect(await diagnoseServedFile(url, 'script', { fetch: fakeFetch(403) })).toBe(
      `${url} answered HTTP 403: the host does not serve this file; deploy every file the bundler emitted, at the same path`,
    );
  });
});
