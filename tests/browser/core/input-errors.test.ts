/**
 * Input and model mistakes found in the worker are `INVALID_INPUT` / `UNSUPPORTED_MODEL`: the
 * worker keeps running with its loaded models (no restart, no reload, no demotion). And the limits
 * hold: truncation to the model's positions without `model_max_length`, generation prompts refused
 * (never cut), `maxLength`/`minLength` within the positions, sparse arrays refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isInpageError } from 'inpage';
import type { InpageClient } from 'inpage';
import { hubUrl, project, uniqueNamespace } from '../support/hub.ts';
import { models } from './models.ts';

/** One client per describe, whose workers are counted (a restart starts a second one); its models stay loaded between tests. */
function sharedClient(entry: 'inpage' | 'reject-ort'): { client: () => InpageClient; workers: Worker[] } {
  const workers: Worker[] = [];
  let client: InpageClient | undefined;
  beforeAll(() => {
    const worker = (): Worker => {
      const started =
        entry === 'reject-ort'
          ? new Worker(new URL('../workers/reject-ort.ts', import.meta.url), { type: 'module' })
          : new Worker(new URL('../workers/instrumented.ts', import.meta.url), { type: 'module' });
      workers.push(started);
      return started;
    };
    client = createClient({ hub: { endpoint: hubUrl }, storage: { namespace: uniqueNamespace() }, device: 'wasm', worker });
  });
  afterAll(() => client?.dispose());
  return {
    client: () => {
      if (!client) throw new Error('the client starts in beforeAll');
      return client;
    },
    workers,
  };
}

/** Makes the worker's next ORT session runs or creates reject. */
function rejectOrt(worker: Worker | undefined, counts: { runs?: number; creates?: number }): Promise<void> {
  if (!worker) throw new Error('no worker yet');
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent<unknown>): void => {
      if ((event.data as { type?: unknown } | null)?.type !== 'test:reject-ort-set') return;
      worker.removeEventListener('message', onMessage);
      resolve();
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ type: 'test:reject-ort', ...counts });
  });
}

async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** `count` counter words: one token each (byte-level, a space before each but the first). */
const counterPrompt = (count: number): string => Array.from({ length: count }, () => 'one').join(' ');

// On WASM in both projects: run once, in wasm-only (the WebGPU classification has unit tests).
describe.skipIf(project === 'webgpu')('input errors in the worker keep the worker and its loaded models', () => {
  const { client, workers } = sharedClient('inpage');

  it('fill-mask text without the mask token is INVALID_INPUT, and the models keep working on the same worker', async () => {
    const unmasker = await client().load('fill-mask', 'inpage-fixtures/fill-mask');
    const sentiment = await client().load('sentiment-analysis', models.sentiment);
    const error = await failure(() => unmasker.run('paris is the capital of france'));
    expect(isInpageError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toContain('[MASK]');
    const [top] = await unmasker.run('paris is the capital of [MASK]');
    expect(top?.tokenStr).toBe('france');
    expect((await sentiment.run('I love this wonderful movie'))[0]?.label).toBe('POSITIVE');
    expect(workers.length).toBe(1);
  });

  it('truncates to the positions without model_max_length (RoBERTa: 514 − (padding_idx + 1) = 512 tokens)', async () => {
    const model = await client().load('sentiment-analysis', 'inpage-fixtures/sentiment-roberta');
    // [CLS] + 510 neutral words + "wonderful" are the first 512 tokens; "terrible awful" come after.
    const text = `${Array.from({ length: 510 }, () => 'this').join(' ')} wonderful terrible awful`;
    const [top] = await model.run(text);
    expect(top?.label).toBe('POSITIVE');
    expect(top?.score).toBeCloseTo(0.9461, 3);
    // The same words within the limit count.
    expect((await model.run('this wonderful terrible awful'))[0]?.label).toBe('NEGATIVE');
  });

  it('refuses a generation prompt that does not fit with maxNewTokens, stating both token counts; never cuts it', async () => {
    const counter = await client().load('text-generation', models.counter);
    const error = await failure(() => counter.run(counterPrompt(1020), { maxNewTokens: 8 }));
    expect(isInpageError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toContain('the prompt has 1020 tokens and maxNewTokens is 8');
    expect((error as Error).message).toContain("1028 tokens do not fit the model's 1024 positions");
    const streamError = await failure(async () => {
      for await (const piece of counter.stream(counterPrompt(1020), { maxNewTokens: 8 })) void piece;
    });
    expect(isInpageError(streamError, 'INVALID_INPUT')).toBe(true);
    // A prompt that fits exactly is generated whole.
    expect(await counter.run(counterPrompt(1016), { maxNewTokens: 8 })).toBe(' two three four five six seven eight nine');
    expect(workers.length).toBe(1);
  });

  it('bounds maxLength and minLength by the model positions', async () => {
    const counter = await client().load('text-generation', models.counter);
    const tooLong = await failure(() => counter.run('one two', { maxLength: 5000 }));
    expect(isInpageError(tooLong, 'INVALID_INPUT')).toBe(true);
    expect((tooLong as Error).message).toContain('option "maxLength" (5000)');
    const tooShort = await failure(() => counter.run('one two', { maxNewTokens: 4, minLength: 2000 }));
    expect(isInpageError(tooShort, 'INVALID_INPUT')).toBe(true);
    expect((tooShort as Error).message).toContain('option "minLength" (2000)');
    expect(await counter.run('one two', { maxLength: 5 })).toBe(' three four five');
    expect(workers.length).toBe(1);
  });

  it('refuses sparse arrays before they reach the worker', async () => {
    const sentiment = await client().load('sentiment-analysis', models.sentiment);
    expect(() => sentiment.run(new Array<string>(5))).toThrow('input[0] must be a string');
    expect(() => sentiment.run(new Array<string>(5))).toThrow(TypeError);
    expect((await sentiment.run(['I love this wonderful movie']))[0]?.[0]?.label).toBe('POSITIVE');
    expect(workers.length).toBe(1);
  });
});

describe.skipIf(project === 'webgpu')('rejected ONNX Runtime calls do not poison the worker', () => {
  const { client, workers } = sharedClient('reject-ort');

  it('a rejected ORT run is classified, and the next run on the same worker succeeds (the session chain is healed)', async () => {
    const sentiment = await client().load('sentiment-analysis', models.sentiment);
    await rejectOrt(workers[0], { runs: 1 });
    const error = await failure(() => sentiment.run('I love this wonderful movie'));
    expect(isInpageError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toContain('test: run rejected on purpose');
    const [top] = await sentiment.run('this is a terrible, awful film');
    expect(top?.label).toBe('NEGATIVE');
    expect(workers.length).toBe(1);
  });

  it('a rejected ORT session create is classified, and the next load on the same worker succeeds', async () => {
    const sentiment = await client().load('sentiment-analysis', models.sentiment);
    await rejectOrt(workers[0], { creates: 1 });
    const error = await failure(() => client().load('token-classification', models.ner));
    expect(isInpageError(error, 'UNSUPPORTED_MODEL')).toBe(true);
    expect((error as Error).message).toContain('test: create rejected on purpose');
    const ner = await client().load('token-classification', models.ner);
    expect((await ner.run('Alice lives in Paris')).length).toBeGreaterThan(0);
    expect((await sentiment.run('I love this wonderful movie'))[0]?.label).toBe('POSITIVE');
    expect(workers.length).toBe(1);
  });
});
