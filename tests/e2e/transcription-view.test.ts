/**
 * The demo's transcription view end to end, on the Whisper fixture served under the real model's
 * id: a WAV file transcribed exactly, a microphone recording (Chromium's fake capture device
 * playing a WAV of repeated "la" tones) transcribed as "la"s, no serious axe violation and no
 * horizontal scroll at 360×740.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toneSequence, wavBytes } from '../fixtures/audio/tones.ts';
import { speechExample } from '../fixtures/expectations.ts';
import { openView } from './view-page.ts';

let close: () => Promise<void> = async () => undefined;
let page: Page;
let micDir = '';
let problems: string[] = [];

const status = (): Promise<string | null> => page.locator('#transcription-status').textContent();
const output = (): Promise<string | null> => page.locator('#transcription-output').textContent();

beforeAll(async () => {
  micDir = await mkdtemp(path.join(os.tmpdir(), 'inpage-mic-'));
  const micFile = path.join(micDir, 'la.wav');
  await writeFile(
    micFile,
    wavBytes(
      toneSequence(
        Array.from({ length: 20 }, () => 'la'),
        48000,
      ),
      48000,
    ),
  );
  ({ page, problems, close } = await openView('transcription', {
    args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${micFile}`],
    permissions: ['microphone'],
  }));
});

afterAll(async () => {
  await close();
  if (micDir) await rm(micDir, { recursive: true, force: true });
});

describe('demo transcription view', () => {
  it('transcribes a WAV file exactly', async () => {
    const buffer = Buffer.from(wavBytes(toneSequence(speechExample.words, 16000), 16000));
    await page.locator('#transcription-file').setInputFiles({ name: 'tones.wav', mimeType: 'audio/wav', buffer });
    await expect.poll(status, { timeout: 60_000 }).toBe('Done.');
    expect(await output()).toBe(speechExample.text);
  });

  it('records from the microphone and transcribes the recording', async () => {
    await page.getByRole('button', { name: 'Record' }).click();
    await expect.poll(status).toMatch(/^Recording/);
    await page.waitForTimeout(3000); // the recording's length, not an assertion
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(status, { timeout: 60_000 }).toBe('Done.');
    expect(await output()).toMatch(/^( la)+$/);
  });

  it('fits 360×740 without horizontal scroll, with no serious or critical axe violation', async () => {
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const { violations } = await new AxeBuilder({ page }).include('#transcription').analyze();
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });

  it('logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
