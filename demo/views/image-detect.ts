/**
 * The image view's "Detect objects" and "Remove background" actions: boxes drawn on an enlarged
 * copy of the image, and the image without its background over a checkerboard (where alpha is 0).
 * @module
 */
import type { DetectedObject, RgbaImage } from 'inpage';
import { backgroundRemovalModel, objectDetectorModel } from '../data/models.ts';
import { el } from '../dom.ts';
import type { ImageAction } from './image-actions.ts';

/** Results are drawn at least this wide (CSS scales them down to the column), so small images stay legible. */
const minimumDrawnWidth = 256;

/** A canvas at `width × height` scaled up by a whole factor, with the pixels kept sharp. */
function enlargedCanvas(width: number, height: number, label: string): { canvas: HTMLCanvasElement; scale: number } {
  const scale = Math.max(1, Math.ceil(minimumDrawnWidth / width));
  const canvas = el('canvas', {
    class: 'image-result-canvas',
    width: width * scale,
    height: height * scale,
    role: 'img',
    'aria-label': label,
  });
  const context = canvas.getContext('2d');
  if (context) context.imageSmoothingEnabled = false;
  return { canvas, scale };
}

function describeObject({ label, score, box }: DetectedObject): string {
  return `${label} (${score.toFixed(2)}) at ${box.xmin},${box.ymin}–${box.xmax},${box.ymax}`;
}

/** Detects objects: their boxes and labels drawn on the image, and listed. */
export const detectAction: ImageAction = {
  id: 'detect',
  label: 'Detect objects',
  busy: 'Detecting objects…',
  async run({ models, image, preview, signal }) {
    const detector = await models.get('object-detection', objectDetectorModel, signal);
    const objects = await detector.run(image, { signal });
    const names = objects.map((object) => object.label).join(', ');
    const { canvas, scale } = enlargedCanvas(
      preview.width,
      preview.height,
      `The image with ${objects.length} boxes${names ? `: ${names}` : ''}`,
    );
    const context = canvas.getContext('2d');
    if (context) {
      context.drawImage(preview, 0, 0, canvas.width, canvas.height);
      context.lineWidth = 3;
      context.font = 'bold 14px system-ui, sans-serif';
      for (const { label, box } of objects) {
        const [x, y, width, height] = [box.xmin * scale, box.ymin * scale, (box.xmax - box.xmin) * scale, (box.ymax - box.ymin) * scale];
        context.strokeStyle = '#1b1b1f';
        context.strokeRect(x, y, width, height);
        context.fillStyle = '#1b1b1f';
        context.fillRect(x, y, context.measureText(label).width + 8, 18);
        context.fillStyle = '#ffffff';
        context.fillText(label, x + 4, y + 14);
      }
    }
    const list = el('ul', { class: 'objects', id: 'image-objects' }, ...objects.map((object) => el('li', {}, describeObject(object))));
    const summary = objects.length === 0 ? 'No objects found.' : `${objects.length} object${objects.length === 1 ? '' : 's'} found.`;
    return el(
      'div',
      {},
      el('p', { class: 'verdict', id: 'image-objects-summary' }, summary),
      el('figure', { class: 'image-figure' }, canvas),
      list,
    );
  },
};

function kept(cutout: RgbaImage): number {
  let opaque = 0;
  for (let i = 3; i < cutout.data.length; i += 4) if ((cutout.data[i] ?? 0) > 0) opaque++;
  return opaque;
}

/** Removes the background: the RGBA result over a checkerboard, and how many pixels were kept. */
export const removeBackgroundAction: ImageAction = {
  id: 'remove-background',
  label: 'Remove background',
  busy: 'Removing the background…',
  async run({ models, image, signal }) {
    const remover = await models.get('background-removal', backgroundRemovalModel, signal);
    const cutout = await remover.run(image, { signal });
    const pixels = cutout.width * cutout.height;
    const foreground = kept(cutout);
    const { canvas, scale } = enlargedCanvas(
      cutout.width,
      cutout.height,
      `The image without its background: ${foreground} of ${pixels} pixels kept`,
    );
    canvas.classList.add('cutout');
    const source = new OffscreenCanvas(cutout.width, cutout.height);
    source.getContext('2d')?.putImageData(new ImageData(cutout.data, cutout.width, cutout.height), 0, 0);
    canvas.getContext('2d')?.drawImage(source, 0, 0, cutout.width * scale, cutout.height * scale);
    return el(
      'div',
      {},
      el('p', { class: 'verdict', id: 'image-cutout-summary' }, `${foreground} of ${pixels} pixels kept.`),
      el('figure', { class: 'image-figure' }, canvas),
    );
  },
};
