/**
 * `npx tsx bench/chat.ts [--layers 12] [--width 768] [--repetitions 3]`: time to first token and
 * decode tokens/s of turns 1 and 5 of a conversation, for
 * - inpage's conversation loop (src/worker/conversations.ts: the KV cache reused only when it holds
 *   a prefix of the new prompt),
 * - transformers.js 4.3.1 re-running the whole conversation each turn (its documented chat usage),
 * - transformers.js reusing one `DynamicCache` by hand (`past_key_values`, no prefix check).
 *
 * All three run the same model in the same process: Node with onnxruntime-node on the CPU (not the
 * browser), on the chat fixture with ballast layers (tests/fixtures/defs/chat.ts), so that each
 * token costs about what it costs in a small real model. Writes bench/results/chat.json and
 * bench/results/chat.md. Not part of `npm run bench` (nor its quick mode).
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { BaseStreamer, DynamicCache, pipeline } from '@huggingface/transformers';
import { chatBenchFixture } from '../tests/fixtures/defs/chat.ts';
import { generateForNode } from '../tests/fixtures/node-env.ts';
import type { ChatMessage } from '../src/tasks/chat-messages.ts';
import { ConversationCaches } from '../src/worker/conversations.ts';
import type { LoadedPipeline } from '../src/worker/loaded-pipelines.ts';
import { median } from './lib/stats.ts';

type Contender = 'inpage' | 'tfjs-full' | 'tfjs-cache';
const contenders: readonly Contender[] = ['inpage', 'tfjs-full', 'tfjs-cache'];
const labels: Readonly<Record<Contender, string>> = {
  inpage: 'inpage conversation (prefix-checked cache)',
  'tfjs-full': 'transformers.js, whole conversation each turn',
  'tfjs-cache': 'transformers.js, DynamicCache reused by hand',
};

/** One turn's timing. */
interface TurnTiming {
  promptTokens: number;
  ttftMs: number;
  tokensPerS: number;
}

const TURNS = 5;
const MAX_NEW_TOKENS = 24;
/** A user message of about 120 byte-level tokens (the fixture knows few words). */
const userMessage = (turn: number): string =>
  `Turn ${turn}: here is a longer message, so that the conversation grows by about a hundred tokens a turn. My colour is blue.`;

/** Calls `onToken` for each generated token (the first `put` is the prompt). */
class TokenClock extends BaseStreamer {
  #prompt = true;
  constructor(private readonly onToken: () => void) {
    super();
  }
  override put(): void {
    if (this.#prompt) this.#prompt = false;
    else this.onToken();
  }
  override end(): void {}
}

async function timeTurn(run: (onToken: () => void) => Promise<number>): Promise<Omit<TurnTiming, 'promptTokens'> & { tokens: number }> {
  const start = performance.now();
  let first = 0;
  let tokens = 0;
  const generated = await run(() => {
    tokens += 1;
    if (first === 0) first = performance.now();
  });
  const end = performance.now();
  // inpage reports its token count (pieces are text, and the end-of-sequence token has none).
  const count = Math.max(generated, tokens);
  return { ttftMs: first - start, tokensPerS: count > 1 ? ((count - 1) * 1000) / (end - first) : 0, tokens: count };
}

async function conversation(contender: Contender, pipe: LoadedPipeline, tokenCount: (m: ChatMessage[]) => number): Promise<TurnTiming[]> {
  const messages: ChatMessage[] = [];
  const caches = new ConversationCaches();
  const cache = new DynamicCache();
  const timings: TurnTiming[] = [];
  const signal = new AbortController().signal;
  for (let turn = 1; turn <= TURNS; turn++) {
    messages.push({ role: 'user', content: userMessage(turn) });
    const promptTokens = tokenCount(messages);
    let reply = '';
    const timing = await timeTurn(async (onToken) => {
      if (contender === 'inpage') {
        const request = { conversationId: 'bench', messages: [...messages], options: { maxNewTokens: MAX_NEW_TOKENS } };
        const result = await caches.turn('bench', pipe, request, signal, onToken);
        reply = result.message.content;
        return result.stats.generatedTokens;
      }
      const options = {
        max_new_tokens: MAX_NEW_TOKENS,
        streamer: new TokenClock(onToken),
        ...(contender === 'tfjs-cache' ? { past_key_values: cache } : {}),
      };
      const output = (await pipe([...messages], options)) as { generated_text: ChatMessage[] }[];
      reply = output[0]?.generated_text.at(-1)?.content ?? '';
      return 0;
    });
    messages.push({ role: 'assistant', content: reply });
    timings.push({ promptTokens, ttftMs: timing.ttftMs, tokensPerS: timing.tokensPerS });
  }
  await caches.drop('bench');
  await cache.dispose();
  return timings;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      layers: { type: 'string', default: '12' },
      width: { type: 'string', default: '768' },
      repetitions: { type: 'string', default: '3' },
    },
  });
  const layers = Number(values.layers);
  const width = Number(values.width);
  const repetitions = Number(values.repetitions);
  const fixture = chatBenchFixture(layers, width);
  const generated = await generateForNode([fixture]);
  try {
    const pipe = (await pipeline('text-generation', fixture.id, { dtype: 'fp32' })) as unknown as LoadedPipeline;
    const tokenizer = pipe.tokenizer as { apply_chat_template(m: ChatMessage[], o: object): number[] };
    const tokenCount = (messages: ChatMessage[]): number =>
      tokenizer.apply_chat_template(messages, { add_generation_prompt: true, return_tensor: false, return_dict: false }).length;
    await conversation('inpage', pipe, tokenCount); // warm-up
    const samples: Record<Contender, TurnTiming[][]> = { inpage: [], 'tfjs-full': [], 'tfjs-cache': [] };
    for (let rep = 0; rep < repetitions; rep++) {
      for (const contender of contenders) samples[contender].push(await conversation(contender, pipe, tokenCount));
    }
    const rows = contenders.map((contender) => {
      const turn = (n: number, key: 'ttftMs' | 'tokensPerS'): number => median(samples[contender].map((run) => run[n - 1]?.[key] ?? 0));
      return {
        contender,
        label: labels[contender],
        turn1: { ttftMs: turn(1, 'ttftMs'), tokensPerS: turn(1, 'tokensPerS') },
        turn5: { ttftMs: turn(5, 'ttftMs'), tokensPerS: turn(5, 'tokensPerS') },
      };
    });
    const promptTokens = samples.inpage[0]?.map((t) => t.promptTokens) ?? [];
    const environment = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
      loadAverage: os.loadavg().map((v) => Number(v.toFixed(1))),
      backend: 'onnxruntime-node (CPU), transformers.js 4.3.1 node build',
      model: `${fixture.id}: ${layers} ballast layers × ${width}, fp32`,
      repetitions,
      maxNewTokens: MAX_NEW_TOKENS,
      promptTokensPerTurn: promptTokens,
    };
    await mkdir(new URL('./results/', import.meta.url), { recursive: true });
    await writeFile(new URL('./results/chat.json', import.meta.url), `${JSON.stringify({ environment, rows, samples }, null, 2)}\n`);
    const fmt = (n: number, digits: number): string => n.toFixed(digits);
    const markdown = [
      '## Chat: turns 1 and 5 of a conversation',
      '',
      `${environment.model}; ${environment.backend}; ${environment.cpus}, load average ${environment.loadAverage.join(' ')}; ` +
        `median of ${repetitions} conversations; prompt tokens per turn ${promptTokens.join(', ')}; up to ${MAX_NEW_TOKENS} new tokens a turn. ` +
        'Measured by `npx tsx bench/chat.ts` (Node, not the browser).',
      '',
      '| contender | turn 1 TTFT (ms) | turn 1 tokens/s | turn 5 TTFT (ms) | turn 5 tokens/s |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows.map(
        (row) =>
          `| ${row.label} | ${fmt(row.turn1.ttftMs, 1)} | ${fmt(row.turn1.tokensPerS, 0)} | ${fmt(row.turn5.ttftMs, 1)} | ${fmt(row.turn5.tokensPerS, 0)} |`,
      ),
      '',
    ].join('\n');
    await writeFile(new URL('./results/chat.md', import.meta.url), markdown);
    console.log(markdown);
    await (pipe as unknown as { dispose(): Promise<void> }).dispose();
  } finally {
    await generated.dispose();
  }
}

await main();
