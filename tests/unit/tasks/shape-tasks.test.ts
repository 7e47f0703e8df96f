/**
 * The pure halves of object-detection, image-segmentation and background-removal: option checks,
 * option mapping, one pipeline call per image, raw output → plain output whose buffers are each
 * its own (so the worker can transfer them), and the worker finding those buffers to transfer.
 */
import { describe, expect, it, vi } from 'vitest';
import { backgroundRemovalPipeline, backgroundRemovalTask } from '../../../src/tasks/background-removal.ts';
import { imageSegmentationPipeline, imageSegmentationTask } from '../../../src/tasks/image-segmentation.ts';
import type { ImageSegment } from '../../../src/tasks/image-segmentation.ts';
import { objectDetectionPipeline, objectDetectionTask } from '../../../src/tasks/object-detection.ts';
import type { DecodedImage } from '../../../src/tasks/image-types.ts';
import type { LoadedParts } from '../../../src/tasks/task.ts';
import { transferablesOf } from '../../../src/worker/task-calls.ts';
import { expectInpageError, expectRangeError, expectTypeError } from './helpers.ts';

const pixels = { data: new Uint8ClampedArray(4 * 4 * 4), width: 4, height: 4 };
/** A decoded image as the worker hands it to the pipeline half (a RawImage in the worker). */
const decoded: DecodedImage = { width: 4, height: 4, channels: 4 };
/** A transformers.js RawImage-shaped mask. */
const rawMask = (fill: number, channels = 1): { data: Uint8ClampedArray; width: number; height: number; channels: number } => ({
  data: new Uint8ClampedArray(2 * 2 * channels).fill(fill),
  width: 2,
  height: 2,
  channels,
});

/** A loaded pipeline that answers each call with the next of `answers`, recording the calls. */
function fakePipe(...answers: unknown[]): LoadedParts & ReturnType<typeof vi.fn> & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  const pipe = vi.fn((...args: unknown[]) => {
    calls.push(args);
    return Promise.resolve(answers.shift());
  });
  return Object.assign(pipe, { calls });
}

describe('object-detection', () => {
  it('validates options: threshold in [0, 1], percentage boolean', () => {
    expect(() => objectDetectionTask.validate(pixels, { threshold: 0, percentage: true, transfer: false })).not.toThrow();
    expectRangeError(() => objectDetectionTask.validate(pixels, { threshold: 1.5 }), 'option "threshold" must be a number ≥ 0 and ≤ 1');
    expectRangeError(() => objectDetectionTask.validate(pixels, { threshold: Number.NaN }), 'threshold');
    expectTypeError(() => objectDetectionTask.validate(pixels, { percentage: 'yes' }), 'option "percentage" must be a boolean');
    expectTypeError(() => objectDetectionTask.validate(pixels, { top_k: 3 }), 'unknown option "top_k"');
    expectInpageError(() => objectDetectionTask.validate([], undefined), 'INVALID_INPUT');
  });

  it('runs one image per call (transformers.js detects in one at a time) and reads boxes', async () => {
    const found = { label: 'cat', score: 0.99, box: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 }, extra: true };
    const pipe = fakePipe([found], []);
    const output = await objectDetectionPipeline.run?.(pipe, [decoded, decoded], { threshold: 0.5 });
    expect(pipe.calls).toEqual([
      [decoded, { threshold: 0.5, percentage: false }],
      [decoded, { threshold: 0.5, percentage: false }],
    ]);
    expect(output).toEqual([[{ label: 'cat', score: 0.99, box: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 } }], []]);
    expect(objectDetectionPipeline.toPipelineArgs(decoded)).toEqual([decoded, { threshold: 0.9, percentage: false }]);
    expectInpageError(() => objectDetectionPipeline.fromPipelineOutput([{ label: 'cat', score: 1 }], decoded), 'UNSUPPORTED_MODEL');
  });
});

describe('image-segmentation', () => {
  it('validates options: thresholds in [0, 1], labelIdsToFuse integers ≥ 0', () => {
    const ok = { threshold: 0.9, maskThreshold: 0.1, overlapMaskAreaThreshold: 1, labelIdsToFuse: [0, 3] };
    expect(() => imageSegmentationTask.validate(pixels, ok)).not.toThrow();
    expectRangeError(() => imageSegmentationTask.validate(pixels, { maskThreshold: -0.1 }), 'option "maskThreshold"');
    expectRangeError(() => imageSegmentationTask.validate(pixels, { labelIdsToFuse: [1.5] }), 'option "labelIdsToFuse"');
    expectTypeError(() => imageSegmentationTask.validate(pixels, { labelIdsToFuse: 3 }), 'array of label ids');
    expectTypeError(() => imageSegmentationTask.validate(pixels, { subtask: 'panoptic' }), 'unknown option "subtask"');
  });

  it('maps options to snake_case and reads masks into buffers of their own', async () => {
    const shared = new Uint8ClampedArray(8).fill(255);
    const segments = [
      { label: 'cat', score: 0.9, mask: { ...rawMask(255), data: shared.subarray(0, 4) } },
      { label: null, score: null, mask: rawMask(7, 3) },
    ];
    const pipe = fakePipe(segments);
    const output = await imageSegmentationPipeline.run?.(pipe, decoded, { labelIdsToFuse: [2] });
    expect(pipe.calls).toEqual([
      [decoded, { threshold: 0.5, mask_threshold: 0.5, overlap_mask_area_threshold: 0.8, label_ids_to_fuse: [2] }],
    ]);
    expect(output).toEqual([
      { label: 'cat', score: 0.9, mask: { data: new Uint8ClampedArray(4).fill(255), width: 2, height: 2 } },
      { label: null, score: null, mask: { data: new Uint8ClampedArray(4).fill(7), width: 2, height: 2 } },
    ]);
    // A view of a larger buffer is copied: transferring its buffer would move the rest too.
    expect((output as ImageSegment[])[0]?.mask.data.buffer).not.toBe(shared.buffer);
    expectInpageError(
      () => imageSegmentationPipeline.fromPipelineOutput([{ label: 1, score: null, mask: rawMask(0) }], decoded),
      'UNSUPPORTED_MODEL',
    );
  });
});

describe('background-removal', () => {
  it('takes only transfer, runs one image per call and reads RGBA', async () => {
    expectTypeError(() => backgroundRemovalTask.validate(pixels, { threshold: 0.5 }), 'unknown option "threshold"');
    const rgba = rawMask(9, 4);
    const pipe = fakePipe(rgba, rgba);
    const output = await backgroundRemovalPipeline.run?.(pipe, [decoded, decoded]);
    expect(pipe.calls).toEqual([
      [decoded, {}],
      [decoded, {}],
    ]);
    expect(output).toEqual([
      { data: rgba.data, width: 2, height: 2 },
      { data: rgba.data, width: 2, height: 2 },
    ]);
    expectInpageError(() => backgroundRemovalPipeline.fromPipelineOutput(rawMask(0, 1), decoded), 'UNSUPPORTED_MODEL', '4 channel');
  });
});

describe('abort', () => {
  it('starts no further image once the call is aborted', async () => {
    const controller = new AbortController();
    const pipe = fakePipe([], []);
    pipe.mockImplementationOnce(() => {
      controller.abort();
      return Promise.resolve([]);
    });
    const run = objectDetectionPipeline.run?.(pipe, [decoded, decoded, decoded], {}, controller.signal);
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(pipe).toHaveBeenCalledTimes(1);
  });
});

describe('transferred outputs', () => {
  it('finds every mask buffer of a segmentation of several images, and each buffer once', () => {
    const masks = [0, 1, 2].map(() => rawMask(255));
    const output = [
      [{ label: 'a', score: null, mask: masks[0] }],
      [
        { label: 'b', score: null, mask: masks[1] },
        { label: 'c', score: null, mask: masks[2] },
      ],
    ];
    expect(transferablesOf(output)).toEqual(masks.map((mask) => mask.data.buffer));
    const cutout = rawMask(1, 4);
    expect(transferablesOf([cutout, cutout])).toEqual([cutout.data.buffer]);
  });
});
