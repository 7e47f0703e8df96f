import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from 'inpage';
import {
  clipClassification,
  clipImageEmbedding,
  quadrantPixels,
  solidPixels,
  visionModels,
  vitFeatures,
} from '../../fixtures/vision-expectations.ts';
import { expectLabels, imageData, pngBlob } from './image-support.ts';
import { fileClient, itOnWasm } from './task-support.ts';

const client = fileClient();
let clip: Model<'zero-shot-image-classification'>;
let features: Model<'image-feature-extraction'>;

beforeAll(async () => {
  [clip, features] = await Promise.all([
    client.load('zero-shot-image-classification', visionModels.clip),
    client.load('image-feature-extraction', visionModels.imageFeatures),
  ]);
});

const red = solidPixels('red');
const mixed = quadrantPixels(['red', 'red', 'blue', 'white']);
const labels = ['red', 'blue', 'yellow', 'dog'];

/** Asserts a float32 tensor equals the expected values to 5 decimals. */
function expectValues(actual: Float32Array, expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, index) => expect(actual[index]).toBeCloseTo(value, 5));
}

describe('zero-shot-image-classification', () => {
  it('scores every candidate label, best first, as the CLIP-shaped towers compute', async () => {
    const output = await clip.run(imageData(mixed), { candidateLabels: labels });
    expectLabels(output, clipClassification(mixed, labels), clip.dtype);
    expect(output.reduce((sum, item) => sum + item.score, 0)).toBeCloseTo(1, 5);
  });

  it('gives one list per image for an array', async () => {
    const output = await clip.run([imageData(red), await pngBlob(solidPixels('blue'))], { candidateLabels: labels });
    expect(output.map((list) => list[0]?.label)).toEqual(['red', 'blue']);
    expectLabels(output[0] ?? [], clipClassification(red, labels), clip.dtype);
  });

  itOnWasm('puts each label into hypothesisTemplate', async () => {
    const template = 'the colour {} or blue';
    const output = await clip.run(imageData(red), { candidateLabels: ['red', 'yellow'], hypothesisTemplate: template });
    expectLabels(output, clipClassification(red, ['red', 'yellow'], template), clip.dtype);
  });

  it('requires candidateLabels and a template with {}', () => {
    // @ts-expect-error candidateLabels is required
    expect(() => clip.run(imageData(red))).toThrow(TypeError);
    expect(() => clip.run(imageData(red), { candidateLabels: [] })).toThrow(/empty/);
    expect(() => clip.run(imageData(red), { candidateLabels: ['red'], hypothesisTemplate: 'no slot' })).toThrow(/must contain "\{\}"/);
  });
});

describe('image-feature-extraction', () => {
  it('gives the hidden states [1, 5, 3]: CLS and the four patch means', async () => {
    const { data, dims } = await features.run(imageData(mixed));
    expect(data).toBeInstanceOf(Float32Array);
    expect(dims).toEqual([1, 5, 3]);
    expectValues(data, vitFeatures(mixed).hidden);
  });

  it('gives the pooled output [n, 3] for an array, moved: the array owns its whole buffer', async () => {
    const { data, dims } = await features.run([imageData(mixed), imageData(red)], { pool: true });
    expect(dims).toEqual([2, 3]);
    expectValues(data, [...vitFeatures(mixed).pooled, ...vitFeatures(red).pooled]);
    expect(data.byteOffset).toBe(0);
    expect(data.buffer.byteLength).toBe(data.byteLength);
  });

  itOnWasm('normalizes each vector with normalize: true', async () => {
    const { data } = await features.run(imageData(mixed), { pool: true, normalize: true });
    const pooled = vitFeatures(mixed).pooled;
    const norm = Math.hypot(...pooled);
    expectValues(
      data,
      pooled.map((value) => value / norm),
    );
  });

  it('embeds images with a CLIP vision tower (vision_model.onnx), as transformers.js plans it', async () => {
    const tower = await client.load('image-feature-extraction', visionModels.clip);
    const { data, dims } = await tower.run([imageData(mixed), imageData(red)]);
    expect(dims).toEqual([2, 3]);
    expectValues(data, [...clipImageEmbedding(mixed), ...clipImageEmbedding(red)]);
    await tower.dispose();
  });

  it('checks its options', () => {
    // @ts-expect-error pool is a boolean
    expect(() => features.run(imageData(red), { pool: 'yes' })).toThrow(TypeError);
    // @ts-expect-error not an option of this task
    expect(() => features.run(imageData(red), { pooling: 'mean' })).toThrow(/unknown option "pooling"/);
  });
});
