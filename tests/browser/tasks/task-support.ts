/**
 * Helpers of the browser task tests: one client per test file (models load once, in
 * `beforeAll`), score tolerance by dtype, and vector maths for embeddings.
 * @module
 */
import { afterAll, expect, it } from 'vitest';
import { createClient } from 'inpage';
import type { ClientOptions, InpageClient, ResolvedDtype } from 'inpage';
import { scoreTolerance } from '../../fixtures/expectations.ts';
import { hubUrl, project, uniqueNamespace } from '../support/hub.ts';

export { project };

const clients: InpageClient[] = [];

/**
 * A client on the local Hub with its own storage namespace, disposed after the file's tests
 * (`testClient()` disposes after each test, which would reload every model per test).
 * @example
 * const client = fileClient();
 * beforeAll(async () => (model = await client.load('ner', fixtureModels.ner)));
 */
export function fileClient(options: ClientOptions = {}): InpageClient {
  const client = createClient({
    // The WebGPU project's only adapter is SwiftShader, a software one: `auto` uses it as it is
    // (the routing tests measure it with `softwareAdapter: 'measure'`).
    routing: { softwareAdapter: 'use' },
    ...options,
    hub: { endpoint: hubUrl, ...options.hub },
    storage: { namespace: uniqueNamespace('task'), ...options.storage },
  });
  clients.push(client);
  return client;
}

afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

/** The dtype each project loads by default: fp32 on the SwiftShader adapter (no shader-f16), q8 on WASM. */
export const defaultDtype: ResolvedDtype = project === 'webgpu' ? 'fp32' : 'q8';

/**
 * Asserts a score within the dtype's tolerance of the expected fp32 value.
 * @example
 * expectScore(top.score, 0.9727, model.dtype);
 */
export function expectScore(actual: number | undefined, expected: number, dtype: ResolvedDtype): void {
  expect(actual).toBeTypeOf('number');
  const distance = Math.abs((actual ?? Number.NaN) - expected);
  expect(distance, `score ${actual} vs ${expected} (${dtype})`).toBeLessThanOrEqual(scoreTolerance[dtype as keyof typeof scoreTolerance]);
}

/** Row `index` of a `[rows, d]` tensor. */
export function row(data: Float32Array, dims: readonly number[], index: number): Float32Array {
  const width = dims.at(-1) ?? 0;
  return data.subarray(index * width, (index + 1) * width);
}

/** The dot product of two vectors (the cosine when both are normalized). */
export function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
}

/** The L2 norm of a vector. */
export function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}

/**
 * Collects an async iterable's items.
 * @example
 * const pieces = await collect(model.stream('one two three'));
 */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/**
 * A test of device-independent logic (option mapping, batching, grouping): it runs in the
 * `wasm-only` project only, because every extra inference costs seconds on the SwiftShader
 * adapter and the `webgpu` project checks correctness of the main outputs.
 * @example
 * itOnWasm('leaves out ignoreLabels', async () => { ... });
 */
export const itOnWasm = it.skipIf(project === 'webgpu');
