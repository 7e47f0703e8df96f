/**
 * What the image view can do with the chosen image: one {@link ImageAction} per button. To add one
 * (detect objects, remove the background), write it in its own file and list it in
 * {@link imageActions}.
 * @module
 */
import { imageClassifierModel } from '../data/models.ts';
import { el, scoreBars } from '../dom.ts';
import type { ModelLoader } from '../models.ts';
import { detectAction, removeBackgroundAction } from './image-detect.ts';

/** What an action gets: the image as picked (a File or a sample's PNG Blob) and the view's parts. */
export interface ImageActionContext {
  models: ModelLoader;
  /** The chosen image. */
  image: Blob;
  /** The preview canvas, showing the image at its own size (actions may draw over it: boxes, masks). */
  preview: HTMLCanvasElement;
  /** Aborts the action when another one starts or another image is chosen. */
  signal: AbortSignal;
}

/** One button of the image view. */
export interface ImageAction {
  /** Used in element ids (`image-action-<id>`). */
  id: string;
  /** The button's text, e.g. "Classify". */
  label: string;
  /** What the status says while it runs, e.g. "Classifying…". */
  busy: string;
  /** Runs the action and returns what the result area shows. */
  run(context: ImageActionContext): Promise<HTMLElement>;
}

/** Classifies the image: the top label, and the three best labels with their scores. */
export const classifyAction: ImageAction = {
  id: 'classify',
  label: 'Classify',
  busy: 'Classifying…',
  async run({ models, image, signal }) {
    const classifier = await models.get('image-classification', imageClassifierModel, signal);
    const labels = await classifier.run(image, { topK: 3, signal });
    return el(
      'div',
      {},
      el('p', { class: 'verdict' }, el('strong', { id: 'image-top-label' }, labels[0]?.label ?? '–')),
      scoreBars(labels, 'image-score'),
    );
  },
};

/** The image view's actions, in button order. */
export const imageActions: readonly ImageAction[] = [classifyAction, detectAction, removeBackgroundAction];
