/**
 * Chat with text-generation: messages through the chat template, stop sequences, and
 * conversations that reuse the KV cache only when it holds a prefix of the new prompt.
 * The chat fixture answers with the colour mentioned last (read from its KV cache), so a cache
 * of another history gives another answer.
 * @module
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { InpageError } from 'inpage';
import type { ChatMessage, Model } from 'inpage';
import { chatAnswer, fixtureModels } from '../../fixtures/expectations.ts';
import { collect, fileClient } from './task-support.ts';

const client = fileClient();
let model: Model<'text-generation'>;

const blue: ChatMessage[] = [{ role: 'user', content: 'my colour is blue' }];

beforeAll(async () => {
  model = await client.load('text-generation', fixtureModels.chat);
});

describe('chat messages', () => {
  it("run() applies the chat template and returns the assistant's message", async () => {
    expect(await model.run(blue)).toEqual({ role: 'assistant', content: chatAnswer('blue') });
    expect(
      await model.run(
        [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'hello' },
        ],
        { maxNewTokens: 3 },
      ),
    ).toEqual({
      role: 'assistant',
      content: chatAnswer(null, 3),
    });
  });

  it('stream() streams the reply; the pieces joined equal run()', async () => {
    const pieces = await collect(model.stream(blue, { maxNewTokens: 5 }));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(chatAnswer('blue', 5));
  });

  it('reads the template of chat_template.jinja', async () => {
    const jinja = await client.load('text-generation', fixtureModels.chatJinja);
    expect(await jinja.run(blue, { maxNewTokens: 4 })).toEqual({ role: 'assistant', content: chatAnswer('blue', 4) });
    await jinja.dispose();
  });
});

describe('stop sequences', () => {
  it('run() stops at a stop sequence and leaves it out', async () => {
    expect(await model.run(blue, { stop: [' four'] })).toEqual({ role: 'assistant', content: 'blue one two three' });
    expect(await model.run(blue, { stop: 'blue' })).toEqual({ role: 'assistant', content: '' });
  });

  it('stream() never sends text that a stop sequence takes back', async () => {
    // " four" could start " four five": it is held back, then dropped with the stop.
    const pieces = await collect(model.stream(blue, { stop: [' four five'] }));
    expect(pieces.join('')).toBe('blue one two three');
    expect(pieces.length).toBeGreaterThan(1);
  });

  it('stops a prompt without messages too', async () => {
    const counter = await client.load('text-generation', fixtureModels.counter);
    expect(await counter.run('one two three', { stop: [' six'] })).toBe(' four five');
    expect((await collect(counter.stream('one two three', { stop: ' six' }))).join('')).toBe(' four five');
    await counter.dispose();
  });
});

describe('conversations', () => {
  it('turn 2 prefills only its own tokens', async () => {
    const chat = model.chat();
    expect(await chat.send('my colour is blue', { maxNewTokens: 3 })).toEqual({ role: 'assistant', content: chatAnswer('blue', 3) });
    const first = chat.lastTurn;
    expect(first).toMatchObject({ cachedTokens: 0, generatedTokens: 3 });
    expect(first?.prefilledTokens).toBe(first?.promptTokens);
    expect(await chat.send('again', { maxNewTokens: 3 })).toEqual({ role: 'assistant', content: chatAnswer('blue', 3) });
    const second = chat.lastTurn;
    // The cache holds turn 1's prompt and reply except its last token, which was never fed back.
    const cached = (first?.promptTokens ?? 0) + 3 - 1;
    expect(second?.cachedTokens).toBe(cached);
    expect(second?.prefilledTokens).toBe((second?.promptTokens ?? 0) - cached);
    expect(second?.prefilledTokens).toBeLessThan(first?.promptTokens ?? 0);
    await chat.dispose();
  });

  it('a changed history drops the cache and still answers right', async () => {
    const chat = model.chat();
    await chat.send('my colour is blue', { maxNewTokens: 3 });
    // As many tokens as the cached history, but another colour: a blindly reused cache says "blue".
    chat.setMessages([
      { role: 'user', content: 'my colour is red' },
      { role: 'assistant', content: chatAnswer('red', 3) },
    ]);
    expect(await chat.send('again', { maxNewTokens: 3 })).toEqual({ role: 'assistant', content: chatAnswer('red', 3) });
    expect(chat.lastTurn?.cachedTokens).toBe(0);
    await chat.dispose();
  });

  it('stop sequences work in send() and stream(), and the next turn reuses the cache', async () => {
    const chat = model.chat({ messages: [{ role: 'system', content: 'count' }] });
    expect(await chat.send('green', { stop: [' three'] })).toEqual({ role: 'assistant', content: 'green one two' });
    expect((await collect(chat.stream('again', { stop: [' two thr'] }))).join('')).toBe('green one');
    expect(chat.messages.at(-1)).toEqual({ role: 'assistant', content: 'green one' });
    expect(chat.lastTurn?.cachedTokens).toBeGreaterThan(0);
    await chat.dispose();
  });

  it('after an abort, the conversation keeps the reply as streamed, and the next turn matches a fresh conversation', async () => {
    const chat = model.chat();
    const received: string[] = [];
    for await (const piece of chat.stream('my colour is green')) {
      received.push(piece);
      if (received.length === 3) break;
    }
    const history = chat.messages;
    expect(history).toEqual([
      { role: 'user', content: 'my colour is green' },
      { role: 'assistant', content: received.join('') },
    ]);
    const next = await chat.send('and now?', { maxNewTokens: 4 });
    const fresh = model.chat({ messages: history });
    expect(next).toEqual(await fresh.send('and now?', { maxNewTokens: 4 }));
    expect(next).toEqual({ role: 'assistant', content: chatAnswer('green', 4) });
    await Promise.all([chat.dispose(), fresh.dispose()]);
  });

  it('a send() aborted by its signal rejects with ABORTED and the next turn still answers right', async () => {
    const chat = model.chat();
    const controller = new AbortController();
    controller.abort();
    await expect(chat.send('my colour is red', { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(await chat.send('my colour is blue', { maxNewTokens: 2 })).toEqual({ role: 'assistant', content: chatAnswer('blue', 2) });
    await chat.dispose();
  });

  it('a conversation past the context length fails with INVALID_INPUT stating the token counts, and leaves no trace', async () => {
    const chat = model.chat();
    const error = await chat.send('my colour is blue', { maxNewTokens: 1020 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InpageError);
    expect((error as InpageError).code).toBe('INVALID_INPUT');
    expect((error as InpageError).message).toMatch(
      /prompt has \d+ tokens and maxNewTokens is 1020: \d+ tokens do not fit the model's 1024 positions/,
    );
    expect(chat.messages).toEqual([]);
    await chat.dispose();
    expect(() => chat.send('hi')).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
  });
});
