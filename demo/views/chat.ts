/**
 * Chat: a conversation with a small instruction model (`model.chat()`), the reply streamed as it
 * is generated, Stop (the conversation keeps the reply as far as it was streamed), and New
 * conversation. Each reply says how many prompt tokens the KV cache saved.
 * @module
 */
import { isInpageError } from 'inpage';
import type { ChatRole, Conversation } from 'inpage';
import { describeError, el, labelled } from '../dom.ts';
import type { View, ViewContext } from './view.ts';
import { viewSection } from './view.ts';

/** The chat model: SmolLM2-135M-Instruct on the Hub; offline, the chat fixture served under its id. */
export const chatModel = 'HuggingFaceTB/SmolLM2-135M-Instruct';

const roleLabels: Readonly<Record<ChatRole, string>> = { system: 'System', user: 'You', assistant: 'Model' };

/**
 * The chat view.
 * @example
 * const view = createChatView(context);
 */
export function createChatView({ models }: ViewContext): View {
  const element = viewSection('chat', 'Chat', 'Talk with a small instruction model; the reply appears as the model writes it.');
  const log = el('ol', { id: 'chat-log', class: 'chat-log', 'aria-label': 'Conversation', 'aria-live': 'off' });
  const { field, control: input } = labelled('Your message', el('textarea', { id: 'chat-input', rows: 2, spellcheck: true }));
  input.value = 'My favourite colour is blue.';
  const send = el('button', { type: 'submit', class: 'primary' }, 'Send');
  const stop = el('button', { type: 'button', disabled: true }, 'Stop');
  const fresh = el('button', { type: 'button' }, 'New conversation');
  const status = el('p', { class: 'status', role: 'status', id: 'chat-status' });
  const form = el('form', { class: 'stack' }, field, el('div', { class: 'actions' }, send, stop, fresh));
  element.append(log, form, status);

  let conversation: Conversation | null = null;
  let controller: AbortController | null = null;
  const setRunning = (running: boolean): void => {
    send.disabled = running;
    stop.disabled = !running;
    log.setAttribute('aria-busy', String(running));
  };
  const entry = (role: ChatRole, text: string): HTMLElement => {
    const content = el('p', {}, text);
    log.append(el('li', { class: `chat-${role}` }, el('strong', {}, `${roleLabels[role]}: `), content));
    return content;
  };

  const run = async (): Promise<void> => {
    const text = input.value.trim();
    if (!text) return;
    const current = new AbortController();
    controller = current;
    const { signal } = current;
    setRunning(true);
    try {
      status.textContent = 'Loading the model…';
      const model = await models.get('text-generation', chatModel, signal);
      conversation ??= model.chat({ messages: [{ role: 'system', content: 'You are a helpful assistant. Answer briefly.' }] });
      entry('user', text);
      input.value = '';
      const reply = entry('assistant', '');
      status.textContent = 'Writing…';
      for await (const piece of conversation.stream(text, { maxNewTokens: 128, signal })) reply.textContent += piece;
      const turn = conversation.lastTurn;
      status.textContent = turn
        ? `Done: ${turn.generatedTokens} tokens generated; ${turn.cachedTokens} of ${turn.promptTokens} prompt tokens came from the cache.`
        : 'Done.';
    } catch (error) {
      status.textContent = isInpageError(error, 'ABORTED') ? 'Stopped.' : describeError(error);
    } finally {
      if (controller === current) {
        controller = null;
        setRunning(false);
      }
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run();
  });
  stop.addEventListener('click', () => {
    controller?.abort();
    input.focus();
  });
  fresh.addEventListener('click', () => {
    controller?.abort();
    void conversation?.dispose();
    conversation = null;
    log.replaceChildren();
    status.textContent = 'New conversation.';
    input.focus();
  });

  return { id: 'chat', title: 'Chat', element, activate: () => undefined };
}
