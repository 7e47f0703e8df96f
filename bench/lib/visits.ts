/**
 * Returning visits: one new persistent profile per contender, visited `config.visits` times with
 * the browser restarted before each visit (visit 1 is the first, cold one). Each visit loads the
 * call model and times calls, so an effect that depends on the visit (a code cache that fills
 * late, a cache that stops being used) shows per visit instead of hiding in a median.
 *
 * @module
 */
import type { Contender } from '../page/protocol.ts';
import type { BenchConfig } from './config.ts';
import { alternate, specFor } from './loads.ts';
import { callBench, launchProfile, openBenchPage } from './servers.ts';
import type { BenchEnvironment, Profile } from './servers.ts';
import { percentile } from './stats.ts';

/** One visit of one contender. */
export interface VisitSample {
  contender: Contender;
  /** 1 for the first (cold) visit. */
  visit: number;
  /** Time to a usable model (the contender's `readyMs`). */
  loadMs: number;
  /** Round trips of the timed calls, after `config.warmupCalls` untimed ones. */
  calls: number[];
  /** Pipeline time inside the worker (transformers.js only). */
  inner: number[];
  error?: string;
}

/** p50 and p95 of one visit's calls. */
export function callPercentiles(sample: VisitSample): { p50: number; p95: number } {
  return { p50: percentile(sample.calls, 50), p95: percentile(sample.calls, 95) };
}

async function visitOnce(
  env: BenchEnvironment,
  config: BenchConfig,
  profile: Profile,
  contender: Contender,
  visit: number,
): Promise<VisitSample> {
  const page = await openBenchPage(profile.context, env.url);
  try {
    // At the same thread count for both contenders (see BenchConfig.callThreads).
    const loaded = await callBench(page, 'load', contender, specFor(env, config.sentimentModel, { threads: config.callThreads }));
    if (loaded.error) return { contender, visit, loadMs: loaded.readyMs, calls: [], inner: [], error: loaded.error };
    const latency = await callBench(page, 'latency', contender, config.text, config.warmupCalls, config.visitCalls);
    return { contender, visit, loadMs: loaded.readyMs, calls: latency.calls, inner: latency.inner };
  } finally {
    // Kept open a moment, as a user's page would be, so the browser can write its code cache.
    await new Promise((resolve) => setTimeout(resolve, config.settleMs));
    await page.close();
  }
}

/** Runs the series, contenders alternating which goes first on each visit. */
export async function returningVisits(env: BenchEnvironment, config: BenchConfig): Promise<VisitSample[]> {
  const profiles: Partial<Record<Contender, Profile>> = {};
  const samples: VisitSample[] = [];
  try {
    for (let visit = 1; visit <= config.visits; visit++) {
      for (const contender of alternate(visit - 1)) {
        const existing = profiles[contender];
        if (existing) await existing.restart();
        const profile = existing ?? (profiles[contender] = await launchProfile());
        const sample = await visitOnce(env, config, profile, contender, visit);
        samples.push(sample);
        const { p50, p95 } = callPercentiles(sample);
        console.log(
          `  visit ${visit} ${contender}: load ${sample.loadMs.toFixed(0)} ms, calls p50 ${p50.toFixed(2)} p95 ${p95.toFixed(2)} ms${sample.error ? ` (${sample.error})` : ''}`,
        );
      }
    }
  } finally {
    await Promise.all(Object.values(profiles).map((profile) => profile.close()));
  }
  return samples;
}
