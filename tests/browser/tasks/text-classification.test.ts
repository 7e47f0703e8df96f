import { beforeAll, describe, expect, it } from 'vitest';
import type { ConcreteDtype, Model, ResolvedDevice } from 'inpage';
import { fixtureModels, sentimentExamples, sentimentLabels } from '../../fixtures/expectations.ts';
import { defaultDtype, expectScore, fileClient, itOnWasm, project } from './task-support.ts';

const client = fileClient();
let sentiment: Model<'sentiment-analysis'>;
let classifier: Model<'text-classification'>;

beforeAll(async () => {
  [sentiment, classifier] = await Promise.all([
    client.load('sentiment-analysis', fixtureModels.sentiment),
    client.load('text-classification', fixtureModels.sentiment),
  ]);
});

describe('text-classification and its alias sentiment-analysis', () => {
  it('loads with the project default dtype', () => {
    expect(sentiment.task).toBe('sentiment-analysis');
    expect(classifier.task).toBe('text-classification');
    expect(sentiment.dtype).toBe(defaultDtype);
    expect(sentiment.device).toBe(project === 'webgpu' ? 'webgpu' : 'wasm');
  });

  it.each(sentimentExamples)('labels "$text" as $label ($score)', async ({ text, label, score }) => {
    const output = await sentiment.run(text);
    expect(output).toHaveLength(1);
    expect(output[0]?.label).toBe(label);
    expectScore(output[0]?.score, score, sentiment.dtype);
  });

  it('text-classification gives the same output as its alias', async () => {
    const [example] = sentimentExamples;
    expect(await classifier.run(example?.text ?? '')).toEqual(await sentiment.run(example?.text ?? ''));
  });

  it('gives one list per text for an array, in input order', async () => {
    const output = await sentiment.run(sentimentExamples.map((example) => example.text));
    expect(output.map((labels) => labels.map((entry) => entry.label))).toEqual(sentimentExamples.map((example) => [example.label]));
    output.forEach((labels, index) => expectScore(labels[0]?.score, sentimentExamples[index]?.score ?? Number.NaN, sentiment.dtype));
  });

  it('returns every label with topK null, best first, scores summing to 1', async () => {
    const [positive, negative] = sentimentExamples;
    const output = await classifier.run([positive?.text ?? '', negative?.text ?? ''], { topK: null });
    expect(output.map((labels) => labels.map((entry) => entry.label))).toEqual([
      ['POSITIVE', 'NEGATIVE'],
      ['NEGATIVE', 'POSITIVE'],
    ]);
    for (const labels of output) {
      expect([...labels.map((entry) => entry.label)].sort()).toEqual([...sentimentLabels]);
      expect((labels[0]?.score ?? 0) + (labels[1]?.score ?? 0)).toBeCloseTo(1, 5);
    }
    expectScore(output[0]?.[1]?.score, 1 - (positive?.score ?? 0), classifier.dtype);
  });

  itOnWasm('returns topK labels for a single text', async () => {
    const output = await sentiment.run('good', { topK: 2 });
    expect(output.map((entry) => entry.label)).toEqual(['POSITIVE', 'NEGATIVE']);
  });

  itOnWasm('coalesces concurrent calls and still answers each caller', async () => {
    const outputs = await Promise.all(sentimentExamples.map((example) => sentiment.run(example.text)));
    expect(outputs.map((output) => output[0]?.label)).toEqual(sentimentExamples.map((example) => example.label));
    outputs.forEach((output, index) => expectScore(output[0]?.score, sentimentExamples[index]?.score ?? Number.NaN, sentiment.dtype));
  });
});

describe('explicit dtypes give the same labels', () => {
  // wasm-only: fp16 and fp32 on WASM; webgpu: fp32 on the adapter and q8 on WASM.
  const loads: readonly { dtype: ConcreteDtype; device: ResolvedDevice }[] =
    project === 'webgpu'
      ? [
          { dtype: 'fp32', device: 'webgpu' },
          { dtype: 'q8', device: 'wasm' },
        ]
      : [
          { dtype: 'fp16', device: 'wasm' },
          { dtype: 'fp32', device: 'wasm' },
        ];

  it.each(loads)('$dtype on $device', async ({ dtype, device }) => {
    const model = await client.load('sentiment-analysis', fixtureModels.sentiment, { dtype, device });
    try {
      expect(model.dtype).toBe(dtype);
      expect(model.device).toBe(device);
      const output = await model.run(sentimentExamples.map((example) => example.text));
      expect(output.map((labels) => labels[0]?.label)).toEqual(sentimentExamples.map((example) => example.label));
      output.forEach((labels, index) => expectScore(labels[0]?.score, sentimentExamples[index]?.score ?? Number.NaN, dtype));
    } finally {
      await model.dispose();
    }
  });
});
