/**
 * object-detection, image-segmentation and background-removal on the shape-finding fixtures
 * (`tests/fixtures/defs/colour-shapes.ts`): exact boxes, masks and RGBA, on each device. One
 * client and one load per model for the whole file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadProgressEvent, Model } from 'inpage';
import { fixtureModels } from '../../fixtures/expectations.ts';
import { drawShapes, expectedCutout, expectedMask, shapeScene, shapeSceneObjects } from '../../fixtures/defs/colour-shapes.ts';
import type { ShapeImage } from '../../fixtures/defs/colour-shapes.ts';
import { fileClient, itOnWasm, project } from './task-support.ts';

const client = fileClient();
let detector: Model<'object-detection'>;
let segmenter: Model<'image-segmentation'>;
let remover: Model<'background-removal'>;
const detectorProgress: LoadProgressEvent[] = [];

beforeAll(async () => {
  [detector, segmenter, remover] = await Promise.all([
    client.load('object-detection', fixtureModels.detector, { onProgress: (event) => detectorProgress.push(event) }),
    client.load('image-segmentation', fixtureModels.segmenter),
    client.load('background-removal', fixtureModels.backgroundRemover),
  ]);
});

/** A fresh `ImageData` of a test image (each call may transfer or copy it). */
const imageData = (image: ShapeImage): ImageData => new ImageData(Uint8ClampedArray.from(image.data), image.width, image.height);

/** The objects of the scene with scores rounded as the fixture's float32 logits allow. */
const expectedObjects = (objects: readonly { score: number }[]): unknown[] =>
  objects.map((object) => ({ ...object, score: expect.closeTo(object.score, 6) }));

describe('object-detection', () => {
  it('finds each solid rectangle with its exact box, label and fill score', async () => {
    const objects = await detector.run(imageData(shapeScene), { threshold: 0.5 });
    expect(objects).toEqual(expectedObjects(shapeSceneObjects));
    const [red, , blue] = objects;
    expect([red?.score, blue?.score]).toEqual([1, 1]);
    const total = detectorProgress.findLast((event) => event.phase === 'total');
    expect(total?.phase === 'total' && total.loaded > 0 && total.loaded === total.total).toBe(true);
    expect(detectorProgress.at(-1)?.phase).toBe('ready');
    expect([detector.device, segmenter.device, remover.device]).toEqual(Array(3).fill(project === 'webgpu' ? 'webgpu' : 'wasm'));
  });

  itOnWasm('keeps only scores ≥ threshold (0.9 by default), boxes as fractions with percentage', async () => {
    expect((await detector.run(imageData(shapeScene))).map((object) => object.label)).toEqual(['red', 'blue']);
    const [red] = await detector.run(imageData(shapeScene), { threshold: 0.95, percentage: true });
    expect(red).toEqual({ label: 'red', score: 1, box: { xmin: 8 / 64, ymin: 16 / 64, xmax: 32 / 64, ymax: 28 / 64 } });
  });

  itOnWasm('gives one list per image for an array, and an aborted call rejects without harm', async () => {
    const blank = drawShapes(32, 32, []);
    const lists = await detector.run([imageData(blank), imageData(shapeScene)], { threshold: 0.5 });
    expect(lists).toEqual([[], expectedObjects(shapeSceneObjects)]);
    const aborted = detector.run(imageData(shapeScene), { signal: AbortSignal.abort() });
    await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });
    expect(await detector.run(imageData(blank))).toEqual([]);
  });
});

describe('image-segmentation', () => {
  it('gives one exact mask per colour present, and the background', async () => {
    const segments = await segmenter.run(imageData(shapeScene));
    expect(segments.map(({ label, score }) => [label, score])).toEqual([
      ['background', null],
      ['red', null],
      ['green', null],
      ['blue', null],
    ]);
    for (const { label, mask } of segments) {
      expect([mask.width, mask.height]).toEqual([64, 64]);
      expect(mask.data).toEqual(expectedMask(shapeScene, label ?? ''));
      expect(mask.data.buffer.byteLength).toBe(64 * 64); // its own buffer, as transferred
    }
  });

  itOnWasm('gives one list per image for an array', async () => {
    const red = drawShapes(16, 16, [{ colour: 'red', x: 0, y: 0, width: 16, height: 16 }]);
    const lists = await segmenter.run([imageData(red), imageData(drawShapes(16, 16, []))]);
    expect(lists.map((segments) => segments.map((segment) => segment.label))).toEqual([['red'], ['background']]);
    expect(lists[0]?.[0]?.mask.data).toEqual(new Uint8ClampedArray(16 * 16).fill(255));
  });
});

describe('background-removal', () => {
  it('gives the RGBA image with alpha 0 on the white background', async () => {
    const cutout = await remover.run(imageData(shapeScene));
    expect([cutout.width, cutout.height]).toEqual([64, 64]);
    expect(cutout.data).toEqual(expectedCutout(shapeScene));
    expect(cutout.data.buffer.byteLength).toBe(64 * 64 * 4);
  });

  itOnWasm('gives one image per input image for an array', async () => {
    const small = drawShapes(8, 8, [{ colour: 'blue', x: 2, y: 2, width: 4, height: 4 }]);
    const cutouts = await remover.run([imageData(small), imageData(shapeScene)]);
    expect(cutouts.map((cutout) => cutout.data)).toEqual([expectedCutout(small), expectedCutout(shapeScene)]);
  });
});
