/**
 * Where `client.load()` decides whether a load needs routing; the routing code itself loads on demand
 * (routed-load.ts). Re-exported by the request checks' chunk, so deciding costs no extra request.
 * @module
 */
import type { LoadOne } from '../client/client.ts';
import type { ClientOptions, LoadOptions, ResolvedClientOptions } from '../client/client-options.ts';
import type { ClientEvents } from '../client/events.ts';
import type { ModelHandle } from '../client/model-handle.ts';
import type { Capabilities } from '../runtime/capabilities.ts';
import type { TaskId } from '../tasks/registry.ts';

/** What routing needs from its client. */
export interface RoutingServices {
  loadOne: LoadOne;
  probe: () => Promise<Capabilities>;
  events: ClientEvents;
  resolved: ResolvedClientOptions;
  /** The client's options (`routing` is read). */
  options: ClientOptions;
}

/**
 * A routed load, when the load needs routing (its code loads on demand, see routing/): a ladder, a
 * latency target, or `auto` in a browser with WebGPU (device calibration, unless software adapters
 * are `use`d as they are). `undefined` for a plain load.
 * @throws the errors of `load()`.
 * @example
 * const handle = (await routed(task, model, options, services)) ?? (await loadOne(task, model, options));
 */
export async function routed<T extends TaskId>(
  task: T,
  model: string | readonly string[],
  options: LoadOptions,
  services: RoutingServices,
): Promise<ModelHandle<T> | undefined> {
  const device = (typeof options === 'object' && options?.device) || services.resolved.device;
  const calibrates = device === 'auto' && services.options.routing?.softwareAdapter !== 'use' && globalThis.navigator?.gpu !== undefined;
  if (typeof model === 'string' && options?.latencyTarget === undefined && !calibrates) return undefined;
  const { routedLoad } = await import('../routing/routed-load.ts');
  return routedLoad(task, model, options, services);
}
