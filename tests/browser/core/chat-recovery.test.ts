/**
 * A conversation whose worker died: the next turn runs in a fresh worker, which has no KV cache,
 * so it prefills the whole conversation and answers as before.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { chatAnswer, fixtureModels } from '../../fixtures/expectations.ts';
import { testClient } from '../support/client.ts';
import { project } from '../support/hub.ts';
import { workerProbe } from './worker-probe.ts';

describe('conversation after a worker restart', () => {
  // Device-independent (the client's recovery and the worker's cache): on wasm only, as a restart costs seconds.
  it.skipIf(project === 'webgpu')('re-prefills the conversation in the new worker, with the same answer', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const model = await client.load('text-generation', fixtureModels.chat);
    const chat = model.chat();
    await chat.send('my colour is green', { maxNewTokens: 3 });
    await chat.send('again', { maxNewTokens: 3 });
    expect(chat.lastTurn?.cachedTokens).toBeGreaterThan(0);
    const lost = new Promise((resolve) => client.on('worker-restart', resolve));
    probe.trigger('test:crash');
    await lost;
    expect(await chat.send('and now?', { maxNewTokens: 3 })).toEqual({ role: 'assistant', content: chatAnswer('green', 3) });
    expect(chat.lastTurn?.cachedTokens).toBe(0);
    expect(chat.lastTurn?.prefilledTokens).toBe(chat.lastTurn?.promptTokens);
    expect(probe.workers.length).toBe(2);
    await chat.dispose();
  });
});
