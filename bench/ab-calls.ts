/**
 * `npx tsx bench/ab-calls.ts`: in-worker call times of inpage and transformers.js on the calls
 * model (2 threads), each with either ONNX Runtime build, the variants alternating over rounds
 * (reversed every other round) so that a change in the machine's load hits all of them. Prints
 * min / p25 / p50 of the in-worker pipeline time, the call p50 and the hop p50 per variant.
 * `AB=inpage:plain,transformers.js:asyncify` picks variants, `ROUNDS=4` the rounds.
 *
 * `MODE=padding`: what padding costs. transformers.js (plain build) runs the throughput step's 63
 * coalesced texts as one batch in their order, then as inpage's length-sorted inferences
 * (`inferenceChunks`), alternating, and prints the in-worker times of both.
 *
 * @module
 */
import { realisticAliases } from '../tests/fixtures/realistic/generate.ts';
import { inferenceChunks } from '../src/client/inference-chunks.ts';
import { benchConfig, sentences } from './lib/config.ts';
import { specFor } from './lib/loads.ts';
import { callBench, launchProfile, openBenchPage, startEnvironment } from './lib/servers.ts';
import type { Contender } from './page/protocol.ts';

type Build = 'plain' | 'asyncify';
const variants = (process.env['AB'] ?? 'inpage:plain,transformers.js:asyncify,inpage:asyncify,transformers.js:plain')
  .split(',')
  .map((variant) => variant.split(':') as [Contender, Build]);
const rounds = Number(process.env['ROUNDS'] ?? 2);
const quantile = (values: number[], at: number): number => [...values].sort((a, b) => a - b)[Math.floor(values.length * at)] ?? NaN;
const ms = (value: number): string => value.toFixed(2);

const config = benchConfig(false);
const env = await startEnvironment(config.modelsRoot, realisticAliases);
const profiles = { inpage: await launchProfile(), 'transformers.js': await launchProfile() };
async function padding(): Promise<void> {
  const page = await openBenchPage(profiles['transformers.js'].context, env.url);
  const loaded = await callBench(
    page,
    'load',
    'transformers.js',
    specFor(env, config.sentimentModel, { threads: config.callThreads, build: 'plain' }),
  );
  if (loaded.error) throw new Error(loaded.error);
  const texts = sentences(config.throughputSentences).slice(1); // the first call runs alone
  const chunks = inferenceChunks([...texts].sort((a, b) => a.length - b.length));
  // The page's `latency` step passes its text to the pipeline as it is: here, a batch.
  const timeOf = async (batch: string[]): Promise<number> =>
    (await callBench(page, 'latency', 'transformers.js', batch as unknown as string, 0, 1)).inner[0] ?? NaN;
  await timeOf(texts);
  for (let round = 0; round < rounds; round++) {
    const whole = await timeOf(texts);
    let sorted = 0;
    for (const chunk of chunks) sorted += await timeOf(chunk);
    console.log(
      `63 texts: one batch ${ms(whole)} ms, ${chunks.length} length-sorted inferences (${chunks.map((c) => c.length).join('+')}) ${ms(sorted)} ms`,
    );
  }
  await page.close();
}

try {
  if (process.env['MODE'] === 'padding') await padding();
  else
    for (let round = 0; round < rounds; round++) {
      for (const [contender, build] of round % 2 ? [...variants].reverse() : variants) {
        const page = await openBenchPage(profiles[contender].context, env.url);
        const loaded = await callBench(
          page,
          'load',
          contender,
          specFor(env, config.sentimentModel, { threads: config.callThreads, build }),
        );
        if (loaded.error) throw new Error(`${contender} ${build}: ${loaded.error}`);
        const { inner, calls } = await callBench(page, 'latency', contender, config.text, config.warmupCalls, config.latencyCalls);
        await page.close();
        const hops = calls.map((call, i) => call - (inner[i] ?? 0));
        console.log(
          `${contender.padEnd(16)} ${build.padEnd(9)} in-worker min ${ms(quantile(inner, 0))} p25 ${ms(quantile(inner, 0.25))} ` +
            `p50 ${ms(quantile(inner, 0.5))} | call p50 ${ms(quantile(calls, 0.5))} | hop p50 ${ms(quantile(hops, 0.5))}`,
        );
      }
    }
} finally {
  await Promise.all(Object.values(profiles).map((profile) => profile.close()));
  await env.close();
}
