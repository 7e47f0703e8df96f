import { describe, expect, it } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import { ClientEvents } from '../../../src/client/events.ts';
import type { LoadOne } from '../../../src/client/client.ts';
import { resolveClientOptions } from '../../../src/client/client-options.ts';
import type { Capabilities } from '../../../src/runtime/capabilities.ts';
import { routedLoad } from '../../../src/routing/routed-load.ts';
import type { RoutingServices } from '../../../src/routing/route-entry.ts';

/** Services whose loads must never be reached: the checks come first. */
function services(loads: string[]): RoutingServices {
  const loadOne = (async (_task: unknown, model: string) => {
    loads.push(model);
    throw new Error('not reached');
  }) as unknown as LoadOne;
  return {
    loadOne,
    probe: async () => ({}) as Capabilities,
    events: new ClientEvents(),
    resolved: resolveClientOptions({}),
    options: {},
  };
}

async function failure(call: () => Promise<unknown>): Promise<unknown> {
  return call().then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

describe('routedLoad refuses a malformed ladder or target before any load', () => {
  const task = 'sentiment-analysis' as const;
  it.each([
    ['an empty ladder', [], { latencyTarget: { p95: 100 } }, TypeError],
    ['a ladder without a target', ['org/a', 'org/b'], {}, TypeError],
    ['a rung that is not a string', ['org/a', 42], { latencyTarget: { p95: 100 } }, TypeError],
    ['a target that is not a number', ['org/a'], { latencyTarget: { p95: '100' } }, TypeError],
    ['a negative target', ['org/a'], { latencyTarget: { p95: -1 } }, RangeError],
    ['a one-call window', ['org/a'], { latencyTarget: { p95: 100, window: 1 } }, RangeError],
  ])('%s', async (_name, model, options, kind) => {
    const loads: string[] = [];
    const error = await failure(() => routedLoad(task, model as string[], options as never, services(loads)));
    expect(error).toBeInstanceOf(kind);
    expect(loads).toEqual([]);
  });

  it('a rung id that is not a Hub id, even the last one', async () => {
    const loads: string[] = [];
    const error = await failure(() => routedLoad(task, ['org/a', 'not an id'], { latencyTarget: { p95: 100 } }, services(loads)));
    expect(isInpageError(error, 'INVALID_INPUT')).toBe(true);
    expect(loads).toEqual([]);
  });

  it('a software adapter policy it does not know', async () => {
    const loads: string[] = [];
    const bad = { ...services(loads), options: { routing: { softwareAdapter: 'always' as never } } };
    expect(await failure(() => routedLoad(task, ['org/a'], { latencyTarget: { p95: 100 } }, bad))).toBeInstanceOf(TypeError);
    expect(loads).toEqual([]);
  });
});
