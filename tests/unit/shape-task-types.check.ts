/**
 * Type-level tests of object-detection, image-segmentation and background-removal (only
 * type-checked, never run; see `task-types.check.ts`): one image gives one result, an array one
 * per image, and wrong options do not compile.
 * @module
 */
/* eslint-disable @typescript-eslint/no-unused-vars -- the checked values exist only for their types */
import type { Model } from '../../src/client/model-handle.ts';
import type { RgbaImage } from '../../src/tasks/background-removal.ts';
import type { ImageSegment } from '../../src/tasks/image-segmentation.ts';
import type { DetectedObject } from '../../src/tasks/object-detection.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

declare const detector: Model<'object-detection'>;
declare const segmenter: Model<'image-segmentation'>;
declare const remover: Model<'background-removal'>;
declare const blob: Blob;
declare const imageData: ImageData;

const objects = detector.run(blob, { threshold: 0.5, percentage: true });
const objectLists = detector.run([blob, '/photo.png']);
const segments = segmenter.run(imageData, { maskThreshold: 0.4, labelIdsToFuse: [1], transfer: true });
const segmentLists = segmenter.run([imageData]);
const cutout = remover.run(blob);
const cutouts = remover.run([blob, blob]);

export type ShapeOutputChecks = [
  Expect<Equal<typeof objects, Promise<DetectedObject[]>>>,
  Expect<Equal<typeof objectLists, Promise<DetectedObject[][]>>>,
  Expect<Equal<typeof segments, Promise<ImageSegment[]>>>,
  Expect<Equal<typeof segmentLists, Promise<ImageSegment[][]>>>,
  Expect<Equal<typeof cutout, Promise<RgbaImage>>>,
  Expect<Equal<typeof cutouts, Promise<RgbaImage[]>>>,
];

// @ts-expect-error threshold is a number
void detector.run(blob, { threshold: '0.5' });
// @ts-expect-error the subtask is the model's (transformers.js 4.3.1 fails when it is named)
void segmenter.run(blob, { subtask: 'semantic' });
// @ts-expect-error background-removal has no threshold
void remover.run(blob, { threshold: 0.5 });
// @ts-expect-error text is no image input
void remover.run(42);
