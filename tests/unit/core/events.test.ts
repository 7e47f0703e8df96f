import { describe, expect, it, vi } from 'vitest';
import { createClientOn } from '../../../src/client/client.ts';
import { ClientEvents } from '../../../src/client/events.ts';
import type { ClientEventMap } from '../../../src/client/events.ts';
import { noWebLocksMessage, webLocksSupport } from '../../../src/runtime/capabilities.ts';
import { fakeWorkers } from './fake-engine.ts';

describe('ClientEvents', () => {
  it('delivers a payload to each listener of its type only', () => {
    const events = new ClientEvents();
    const fallbacks: string[] = [];
    const restarts: string[] = [];
    events.on('fallback', (event) => fallbacks.push(`${event.model}: ${event.reason}`));
    events.on('worker-restart', (event) => restarts.push(event.code));
    events.emit('fallback', { model: 'org/m', from: 'webgpu', to: 'wasm', reason: 'device lost' });
    expect(fallbacks).toEqual(['org/m: device lost']);
    expect(restarts).toEqual([]);
  });

  it('on() returns the removal of that listener', () => {
    const events = new ClientEvents();
    const seen: number[] = [];
    const off = events.on('eviction', (event) => seen.push(event.bytes));
    events.emit('eviction', { models: ['a'], bytes: 1 });
    off();
    events.emit('eviction', { models: ['b'], bytes: 2 });
    expect(seen).toEqual([1]);
  });

  it('a throwing listener neither stops the others nor throws into emit()', async () => {
    const events = new ClientEvents();
    const seen: string[] = [];
    const uncaught = vi.fn();
    process.once('uncaughtException', uncaught);
    events.on('worker-restart', () => {
      throw new Error('listener bug');
    });
    events.on('worker-restart', (event) => seen.push(event.reason));
    expect(() => events.emit('worker-restart', { reason: 'crashed', code: 'WORKER_CRASHED' })).not.toThrow();
    expect(seen).toEqual(['crashed']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(uncaught).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener bug' }), expect.anything());
  });

  it('clear() drops every listener', () => {
    const events = new ClientEvents();
    const seen: string[] = [];
    events.on('fallback', (event) => seen.push(event.model));
    events.clear();
    events.emit('fallback', { model: 'x', from: 'webgpu', to: 'wasm', reason: 'r' });
    expect(seen).toEqual([]);
  });
});

describe("client.on('eviction')", () => {
  it('fires with the plain data of the worker’s eviction notice, from any worker the client started', async () => {
    const fake = fakeWorkers({});
    const client = createClientOn({ worker: fake.factory }, { liveness: fake.liveness });
    const seen: ClientEventMap['eviction'][] = [];
    client.on('eviction', (event) => seen.push(event));
    await client.cache.list(); // the worker has started
    const worker = fake.workers[0];
    await worker?.onNotice?.({ type: 'eviction', models: ['org/old'], bytes: 300 });
    expect(seen).toEqual([{ models: ['org/old'], bytes: 300 }]);
    await client.dispose();
  });
});

describe("client.on('warning')", () => {
  it('fires with the worker’s NO_WEB_LOCKS notice, and the eviction listeners hear nothing of it', async () => {
    const fake = fakeWorkers({});
    const client = createClientOn({ worker: fake.factory }, { liveness: fake.liveness });
    const warnings: ClientEventMap['warning'][] = [];
    const evictions: ClientEventMap['eviction'][] = [];
    client.on('warning', (event) => warnings.push(event));
    client.on('eviction', (event) => evictions.push(event));
    await client.cache.list(); // the worker has started
    await fake.workers[0]?.onNotice?.({ type: 'warning', code: 'NO_WEB_LOCKS', message: noWebLocksMessage });
    expect(warnings).toEqual([{ code: 'NO_WEB_LOCKS', message: noWebLocksMessage }]);
    expect(evictions).toEqual([]);
    await client.dispose();
  });
});

describe('webLocksSupport', () => {
  it('names the guarantees lost without navigator.locks, and none with it', () => {
    expect(webLocksSupport(undefined)).toEqual({ available: false, lost: ['cross-tab-coordination', 'liveness-lock'] });
    expect(webLocksSupport({} as LockManager)).toEqual({ available: true, lost: [] });
    // Node 20 has no navigator.locks: the default reads the real global.
    expect(webLocksSupport().available).toBe(Boolean(globalThis.navigator?.locks));
  });
});
