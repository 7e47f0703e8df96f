import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from 'inpage';
import { fixtureModels } from '../../fixtures/expectations.ts';
import { toneSequence, wavBytes } from '../../fixtures/audio/tones.ts';
import { fileClient, itOnWasm } from './task-support.ts';

const client = fileClient();
let classifier: Model<'audio-classification'>;

/** Two seconds of mi and one of do: mi has the most energy. */
const words = ['mi', 'mi', 'do'];
const labels = (output: { label: string }[]): string[] => output.map(({ label }) => label);

beforeAll(async () => {
  classifier = await client.load('audio-classification', fixtureModels.toneClassifier);
});

describe('audio-classification', () => {
  it('names the loudest tone first, then the next one (samples at the model rate)', async () => {
    const output = await classifier.run({ samples: toneSequence(words, 16000), samplingRate: 16000 }, { topK: 2 });
    expect(labels(output)).toEqual(['mi', 'do']);
    expect(output[0]?.score).toBeGreaterThan(0.99);
  });

  // Device-independent (main thread and worker JS): WASM only.
  itOnWasm('resamples samples at another rate in the worker (48 kHz), and gives 5 labels by default', async () => {
    const output = await classifier.run({ samples: toneSequence(['ti', null, 'la', 'ti'], 48000), samplingRate: 48000 });
    expect(output).toHaveLength(5);
    expect(labels(output).slice(0, 2)).toEqual(['ti', 'la']);
  });

  itOnWasm('decodes a WAV File on the main thread', async () => {
    const file = new File([wavBytes(toneSequence(['sol', 're', 'sol'], 24000), 24000)], 'tones.wav', { type: 'audio/wav' });
    expect(labels(await classifier.run(file, { topK: 2 }))).toEqual(['sol', 're']);
  });

  itOnWasm('refuses a silent buffer with INVALID_INPUT', async () => {
    await expect(
      Promise.resolve().then(() => classifier.run({ samples: new Float32Array(800), samplingRate: 16000 })),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
