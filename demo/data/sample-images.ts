/**
 * Sample images the image view offers, drawn in code (no image files to ship): blocks of solid
 * colour at the fixture models' 16×16 size, so that their offline answers are exact.
 * @module
 */

/** One sample: its name and how to paint it on a 16×16 canvas. */
export interface SampleImage {
  name: string;
  /** Fills `[x, y, width, height, colour]` rectangles in order. */
  rectangles: readonly (readonly [number, number, number, number, string])[];
}

/** Width and height of the samples. */
export const sampleSize = 16;

/** The samples, in the order the view lists them. */
export const sampleImages: readonly SampleImage[] = [
  { name: 'Red square', rectangles: [[0, 0, 16, 16, '#ff0000']] },
  {
    name: 'Blue with a yellow corner',
    rectangles: [
      [0, 0, 16, 16, '#0000ff'],
      [8, 8, 8, 8, '#ffff00'],
    ],
  },
  {
    name: 'Green and white stripes',
    rectangles: [
      [0, 0, 16, 16, '#ffffff'],
      [0, 0, 16, 4, '#00ff00'],
      [0, 8, 16, 4, '#00ff00'],
      [0, 12, 16, 4, '#00ff00'],
    ],
  },
];

/**
 * Draws a sample as a PNG Blob, the way a picked file arrives.
 * @example
 * const blob = await sampleBlob(sampleImages[0]);
 */
export function sampleBlob(sample: SampleImage): Promise<Blob> {
  const canvas = new OffscreenCanvas(sampleSize, sampleSize);
  const context = canvas.getContext('2d');
  for (const [x, y, width, height, colour] of sample.rectangles) {
    if (!context) break;
    context.fillStyle = colour;
    context.fillRect(x, y, width, height);
  }
  return canvas.convertToBlob({ type: 'image/png' });
}
