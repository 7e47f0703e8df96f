/**
 * Returning visits: one new persistent profile per contender, visited `config.visits` times with
 * the browser restarted before each visit (visit 1 is the first, cold one). Each visit loads the
 * call model and times calls, so an effect that depends on the visit (a code cache that fills
 * late, a cache that stops being used) shows per visit instead of hiding in a median. Both
 * contenders' browsers are open during a visit, and their timed calls take turns.
 *
 * @module
 */
import type { Page } from 'playwright';
import type { Contender } from '../page/protocol.ts';
import type { BenchConfig } from './config.ts';
import { alternate, specFor } from './loads.ts';
import { alternatingLatency } from './calls.ts';
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

/**
 * One visit of both contenders: each browser restarted on its profile and the model loaded, one
 * contender after the other; then the timed calls in rounds of alternating order
 * ({@link alternatingLatency}), so that a change in the machine's load during the visit falls on both.
 */
async function visitBoth(
  env: BenchEnvironment,
  config: BenchConfig,
  profiles: Record<Contender, Profile>,
  visit: number,
): Promise<VisitSample[]> {
  const order = alternate(visit - 1);
  const pages = new Map<Contender, Page>();
  const samples = new Map<Contender, VisitSample>();
  try {
    for (const contender of order) {
      const page = await openBenchPage(profiles[contender].context, env.url);
      pages.set(contender, page);
      // At the same thread count for both contenders (see BenchConfig.callThreads).
      const loaded = await callBench(page, 'load', contender, specFor(env, config.sentimentModel, { threads: config.callThreads }));
      const sample: VisitSample = { contender, visit, loadMs: loaded.readyMs, calls: [], inner: [] };
      if (loaded.error) sample.error = loaded.error;
      samples.set(contender, sample);
    }
    const ready = Object.fromEntries(
      order.filter((contender) => !samples.get(contender)?.error).map((contender) => [contender, pages.get(contender)]),
    );
    for (const [contender, timed] of await alternatingLatency(ready, config.text, config.warmupCalls, config.visitCalls)) {
      Object.assign(samples.get(contender) as VisitSample, { calls: timed.calls, inner: timed.inner });
    }
    return order.map((contender) => samples.get(contender) as VisitSample);
  } finally {
    // Kept open a moment, as a user's page would be, so the browser can write its code cache.
    await new Promise((resolve) => setTimeout(resolve, config.settleMs));
    await Promise.all([...pages.values()].map((page) => page.close()));
  }
}

/** Runs the series: both browsers restarted before each visit, contenders alternating which loads first. */
export async function returningVisits(env: BenchEnvironment, config: BenchConfig): Promise<VisitSample[]> {
  const profiles: Partial<Record<Contender, Profile>> = {};
  const samples: VisitSample[] = [];
  try {
    for (let visit = 1; visit <= config.visits; visit++) {
      for (const contender of alternate(visit - 1)) {
        const existing = profiles[contender];
        if (existing) await existing.restart();
        else profiles[contender] = await launchProfile();
      }
      for (const sample of await visitBoth(env, config, profiles as Record<Contender, Profile>, visit)) {
        samples.push(sample);
        const { p50, p95 } = callPercentiles(sample);
        console.log(
          `  visit ${visit} ${sample.contender}: load ${sample.loadMs.toFixed(0)} ms, calls p50 ${p50.toFixed(2)} p95 ${p95.toFixed(2)} ms${sample.error ? ` (${sample.error})` : ''}`,
        );
      }
    }
  } finally {
    await Promise.all(Object.values(profiles).map((profile) => profile.close()));
  }
  return samples;
}
