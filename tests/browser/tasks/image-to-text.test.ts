import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from 'inpage';
import { fixtureModels } from '../../fixtures/expectations.ts';
import { quadrantPixels, solidPixels } from '../../fixtures/vision-expectations.ts';
import { imageData, pngBlob } from './image-support.ts';
import { fileClient } from './task-support.ts';

const client = fileClient();
let captioner: Model<'image-to-text'>;

beforeAll(async () => {
  captioner = await client.load('image-to-text', fixtureModels.captioner);
});

describe('image-to-text', () => {
  it('names the dominant colour of a PNG Blob', async () => {
    expect(await captioner.run(await pngBlob(solidPixels('red')))).toBe('a photo of red');
  });

  it('captions an array of images (ImageData, pixels) in input order', async () => {
    const pixels = { data: quadrantPixels(['green', 'green', 'green', 'magenta']), width: 16, height: 16 };
    expect(await captioner.run([imageData(solidPixels('blue')), pixels])).toEqual(['a photo of blue', 'a photo of green']);
  });

  it('stops at maxNewTokens', async () => {
    expect(await captioner.run(imageData(solidPixels('white')), { maxNewTokens: 2 })).toBe('a photo');
  });
});
