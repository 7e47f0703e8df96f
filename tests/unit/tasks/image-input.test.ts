import { describe, expect, it } from 'vitest';
import { imageClassificationPipeline } from '../../../src/tasks/image-classification.ts';
import { checkImages, toWireImages, wireTransfers } from '../../../src/tasks/image-input.ts';
import { imageLimits } from '../../../src/tasks/image-types.ts';
import type { DecodedImage, WireImage } from '../../../src/tasks/image-types.ts';
import { zeroShotImageClassificationPipeline } from '../../../src/tasks/zero-shot-image-classification.ts';
import { expectInpageError, expectRangeError, expectTypeError } from './helpers.ts';

const task = 'image-classification';
const pixels = (): { data: Uint8Array; width: number; height: number } => ({ data: new Uint8Array(2 * 2 * 4), width: 2, height: 2 });

describe('checkImages', () => {
  it('accepts a Blob, pixels, a URL and an array of them', () => {
    expect(() => checkImages(task, new Blob(['x']))).not.toThrow();
    expect(() => checkImages(task, pixels())).not.toThrow();
    expect(() => checkImages(task, { data: new Uint8ClampedArray(12), width: 2, height: 2, channels: 3 })).not.toThrow();
    expect(() => checkImages(task, new URL('https://example.com/cat.png'))).not.toThrow();
    expect(() => checkImages(task, ['https://example.com/cat.png', new Blob(['x'])])).not.toThrow();
  });

  it('refuses what is no image with a TypeError, and bad channels with a RangeError', () => {
    expectTypeError(() => checkImages(task, 42), `${task}: the image must be a Blob/File`);
    expectTypeError(() => checkImages(task, [new Blob(['x']), {}]), 'image 1 must be');
    expectTypeError(() => checkImages(task, { data: new Float32Array(16), width: 2, height: 2 }), 'Uint8Array or Uint8ClampedArray');
    expectRangeError(() => checkImages(task, { ...pixels(), channels: 2 }), 'channels must be 1, 3 or 4');
  });

  it('refuses unusable images with INVALID_INPUT', () => {
    expectInpageError(() => checkImages(task, new Blob([])), 'INVALID_INPUT', 'empty Blob');
    expectInpageError(() => checkImages(task, { data: new Uint8Array(0), width: 0, height: 2 }), 'INVALID_INPUT', 'has no pixels (0×2)');
    const detached = pixels();
    structuredClone(detached.data.buffer, { transfer: [detached.data.buffer] });
    expectInpageError(() => checkImages(task, detached), 'INVALID_INPUT', 'detached buffer');
    expectInpageError(() => checkImages(task, { ...pixels(), data: new Uint8Array(15) }), 'INVALID_INPUT', 'has 15 bytes');
    expectInpageError(() => checkImages(task, 'ftp://example.com/cat.png'), 'INVALID_INPUT', 'unsupported URL scheme "ftp:"');
    expectInpageError(() => checkImages(task, []), 'INVALID_INPUT', 'empty array');
    const many = Array.from({ length: imageLimits.maxImages + 1 }, () => 'https://example.com/cat.png');
    expectInpageError(() => checkImages(task, many), 'INVALID_INPUT', `the limit is ${imageLimits.maxImages}`);
  });
});

describe('toWireImages and wireTransfers', () => {
  it('copies the caller’s pixels unless transfer, and moves only pixel buffers', async () => {
    const mine = pixels();
    const copied = (await toWireImages(task, mine, false)) as WireImage;
    expect(copied).toMatchObject({ kind: 'pixels', width: 2, height: 2, channels: 4 });
    expect(copied.kind === 'pixels' && copied.data).not.toBe(mine.data);
    expect(wireTransfers(copied)).toEqual([copied.kind === 'pixels' ? copied.data.buffer : null]);
    const moved = (await toWireImages(task, mine, true)) as WireImage;
    expect(moved.kind === 'pixels' && moved.data).toBe(mine.data);
    const sent = await toWireImages(task, [new Blob(['x']), 'https://example.com/a.png'], false);
    expect(sent).toEqual([
      { kind: 'blob', blob: expect.any(Blob) as unknown },
      { kind: 'url', url: 'https://example.com/a.png' },
    ]);
    expect(wireTransfers(sent)).toEqual([]);
  });
});

describe('vision pipelines', () => {
  const image: DecodedImage = { width: 16, height: 16, channels: 4 };

  it('map options to transformers.js and keep one result per image', () => {
    expect(imageClassificationPipeline.toPipelineArgs(image, { topK: null })).toEqual([image, { top_k: null }]);
    expect(imageClassificationPipeline.toPipelineArgs([image], {})).toEqual([[image], { top_k: 5 }]);
    const labels = [{ label: 'red', score: 0.9 }];
    expect(imageClassificationPipeline.fromPipelineOutput(labels, image)).toEqual(labels);
    expect(imageClassificationPipeline.fromPipelineOutput([labels, labels], [image, image])).toEqual([labels, labels]);
    expectInpageError(() => imageClassificationPipeline.fromPipelineOutput([labels], [image, image]), 'UNSUPPORTED_MODEL');
    expect(zeroShotImageClassificationPipeline.toPipelineArgs(image, { candidateLabels: ['a'] })).toEqual([
      image,
      ['a'],
      { hypothesis_template: 'This is a photo of {}' },
    ]);
  });
});
