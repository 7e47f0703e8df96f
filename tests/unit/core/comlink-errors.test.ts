import { afterEach, describe, expect, it } from 'vitest';
import { InpageError, isInpageError } from '../../../src/errors.ts';
import { connectWorker, exposeWorkerApi, workerExposed } from '../../../src/rpc/comlink.ts';
import type { WorkerApi } from '../../../src/rpc/contract.ts';
import type { Capabilities } from '../../../src/runtime/capabilities.ts';

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

/** Both ends of the worker boundary on one MessageChannel; `capabilities()` throws `thrown`. */
async function remoteThrowing(thrown: () => unknown): Promise<ReturnType<typeof connectWorker>> {
  const channel = new MessageChannel();
  channels.push(channel);
  const exposed = workerExposed(channel.port2);
  const api = {
    ping: () => 1,
    capabilities: async (): Promise<Capabilities> => {
      throw thrown();
    },
  } as unknown as WorkerApi;
  exposeWorkerApi(api, channel.port1);
  await exposed;
  return connectWorker(channel.port2);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('errors across the comlink boundary', () => {
  it('announces that the API is exposed', async () => {
    const remote = await remoteThrowing(() => new Error('unused'));
    expect(await remote.ping()).toBe(1);
  });

  it('keeps the InpageError class, code, message and cause chain', async () => {
    const remote = await remoteThrowing(
      () =>
        new InpageError('MODEL_NOT_FOUND', 'No model "org/x".', {
          cause: new InpageError('NETWORK', 'HTTP 404', { cause: new TypeError('inner') }),
        }),
    );
    const error = await rejection(remote.capabilities());
    expect(error).toBeInstanceOf(InpageError);
    expect(isInpageError(error, 'MODEL_NOT_FOUND')).toBe(true);
    expect((error as InpageError).message).toBe('No model "org/x".');
    expect((error as InpageError).name).toBe('InpageError');
    const cause = (error as InpageError).cause;
    expect(isInpageError(cause, 'NETWORK')).toBe(true);
    expect((cause as InpageError).message).toBe('HTTP 404');
    const inner = (cause as InpageError).cause;
    expect(inner).toBeInstanceOf(TypeError);
    expect((inner as TypeError).message).toBe('inner');
  });

  it('keeps built-in classes and names, and turns non-errors into errors', async () => {
    expect(await rejection((await remoteThrowing(() => new RangeError('too big'))).capabilities())).toBeInstanceOf(RangeError);
    expect(await rejection((await remoteThrowing(() => new TypeError('wrong'))).capabilities())).toBeInstanceOf(TypeError);
    const abort = await rejection((await remoteThrowing(() => new DOMException('stop', 'AbortError'))).capabilities());
    expect((abort as Error).name).toBe('AbortError');
    const text = await rejection((await remoteThrowing(() => 'just a string')).capabilities());
    expect(text).toBeInstanceOf(Error);
    expect((text as Error).message).toBe('just a string');
    expect(isInpageError(text)).toBe(false);
  });

  it('isInpageError recognizes a plain object from another realm by name and code', () => {
    const foreign = Object.assign(new Error('x'), { name: 'InpageError', code: 'ABORTED' });
    expect(isInpageError(foreign, 'ABORTED')).toBe(true);
    expect(isInpageError(foreign, 'RUNTIME')).toBe(false);
    expect(isInpageError({ name: 'InpageError', code: 'NOT_A_CODE' })).toBe(false);
  });
});
