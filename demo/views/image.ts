/**
 * Images: drop or pick an image (or take a generated sample), see it, then run an action on it
 * (classify; see `image-actions.ts` for how actions are added). The image goes to the model as the
 * page holds it, a `File` or a `Blob`: inpage decodes it in its worker.
 * @module
 */
import { sampleBlob, sampleImages } from '../data/sample-images.ts';
import { describeError, el, labelled } from '../dom.ts';
import { imageActions } from './image-actions.ts';
import type { ImageAction } from './image-actions.ts';
import type { View, ViewContext } from './view.ts';
import { lazyView, viewSection } from './view.ts';

/** Draws `image` on the preview at its own size (CSS scales it to the column). */
async function drawPreview(preview: HTMLCanvasElement, image: Blob): Promise<void> {
  const bitmap = await createImageBitmap(image);
  preview.width = bitmap.width;
  preview.height = bitmap.height;
  preview.getContext('2d')?.drawImage(bitmap, 0, 0);
  bitmap.close();
}

/**
 * The image view.
 * @example
 * const view = createImageView(context);
 */
export function createImageView({ models }: ViewContext, actions: readonly ImageAction[] = imageActions): View {
  const element = viewSection(
    'image',
    'Images',
    'Drop an image here, pick a file, or take a sample, then run the model on it. The image never leaves this page.',
  );
  const { field: fileField, control: fileInput } = labelled(
    'Image file',
    el('input', { id: 'image-file', type: 'file', accept: 'image/*' }),
    'PNG, JPEG, WebP or GIF; or drop one anywhere on this view.',
  );
  const samples = el(
    'div',
    { class: 'actions', role: 'group', 'aria-label': 'Sample images' },
    ...sampleImages.map((sample, index) => el('button', { type: 'button', 'data-sample': index }, sample.name)),
  );
  const preview = el('canvas', {
    id: 'image-preview',
    class: 'image-preview',
    width: 16,
    height: 16,
    role: 'img',
    'aria-label': 'No image yet',
  });
  const buttons = actions.map((action) =>
    el('button', { type: 'button', class: 'primary', id: `image-action-${action.id}`, disabled: true }, action.label),
  );
  const status = el('p', { class: 'status', role: 'status', id: 'image-status' });
  const result = el('div', { class: 'result', id: 'image-result', 'aria-live': 'polite' });
  element.append(
    fileField,
    el('p', { class: 'hint' }, 'Samples:'),
    samples,
    el('figure', { class: 'image-figure' }, preview),
    el('div', { class: 'actions' }, ...buttons),
    status,
    result,
  );

  let image: Blob | undefined;
  let running: AbortController | undefined;

  const choose = async (chosen: Blob, name: string): Promise<void> => {
    running?.abort();
    image = chosen;
    result.replaceChildren();
    try {
      await drawPreview(preview, chosen);
      preview.setAttribute('aria-label', `The chosen image: ${name}`);
      status.textContent = `Chosen: ${name}.`;
    } catch (error) {
      // The model would refuse it too (INVALID_INPUT); say so at once.
      status.textContent = `This file does not look like an image: ${describeError(error)}`;
    }
    buttons.forEach((button) => (button.disabled = false));
  };

  const run = async (action: ImageAction): Promise<void> => {
    if (!image) return;
    running?.abort();
    const controller = new AbortController();
    running = controller;
    status.textContent = action.busy;
    result.replaceChildren();
    try {
      const shown = await action.run({ models, image, preview, signal: controller.signal });
      if (controller.signal.aborted) return;
      result.replaceChildren(shown);
      status.textContent = 'Done.';
    } catch (error) {
      if (!controller.signal.aborted) status.textContent = describeError(error);
    }
  };

  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file) void choose(file, file.name);
  });
  samples.addEventListener('click', (event) => {
    const index = Number((event.target as HTMLElement).closest('button')?.dataset['sample']);
    const sample = sampleImages[index];
    if (sample) void sampleBlob(sample).then((blob) => choose(blob, sample.name));
  });
  element.addEventListener('dragover', (event) => {
    event.preventDefault();
    element.classList.add('dropping');
  });
  element.addEventListener('dragleave', () => element.classList.remove('dropping'));
  element.addEventListener('drop', (event) => {
    event.preventDefault();
    element.classList.remove('dropping');
    const file = event.dataTransfer?.files[0];
    if (file) void choose(file, file.name);
  });
  actions.forEach((action, index) => buttons[index]?.addEventListener('click', () => void run(action)));

  return lazyView('image', 'Images', element, () => {
    const [first] = sampleImages;
    if (first) void sampleBlob(first).then((blob) => choose(blob, first.name));
  });
}
