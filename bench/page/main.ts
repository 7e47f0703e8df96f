/**
 * The benchmark page: exposes `window.bench` (see protocol.ts) to the Node driver. Each page
 * holds at most one loaded contender; the driver opens a fresh page per measurement.
 *
 * @module
 */
import type { BenchApi, Contender, FrameResult, LoadSpec } from './protocol.ts';
import { profilePipeline } from './pipeline-profile.ts';
import { inpageRunner, tfjsMainRunner, tfjsWorkerRunner } from './runners.ts';
import type { Runner } from './runners.ts';

let current: Runner | undefined;

function runnerFor(contender: Contender, spec: LoadSpec): Runner {
  if (contender === 'inpage') return inpageRunner();
  return spec.placement === 'main' ? tfjsMainRunner() : tfjsWorkerRunner();
}

function loaded(): Runner {
  if (!current) throw new Error('bench: load a contender first');
  return current;
}

/** Records requestAnimationFrame gaps until stopped. */
function watchFrames(): () => FrameResult {
  const start = performance.now();
  let last = start;
  let longest = 0;
  let blocked = 0;
  let frames = 0;
  let running = true;
  const tick = (now: number): void => {
    const gap = now - last;
    last = now;
    frames += 1;
    longest = Math.max(longest, gap);
    blocked += Math.max(0, gap - 50);
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return () => {
    running = false;
    const end = performance.now();
    const tail = end - last; // a block still running at the end counts too
    return { longestGapMs: Math.max(longest, tail), blockedMs: blocked + Math.max(0, tail - 50), frames, totalMs: end - start };
  };
}

const bench: BenchApi = {
  async load(contender, spec) {
    await current?.dispose();
    current = runnerFor(contender, spec);
    try {
      return await current.load(spec);
    } catch (error) {
      return { readyMs: Number.NaN, milestones: [], error: error instanceof Error ? error.message : String(error) };
    }
  },

  async latency(_contender, text, warmup, calls) {
    const runner = loaded();
    for (let i = 0; i < warmup; i++) await runner.run(text);
    const result = { calls: [] as number[], inner: [] as number[], sample: '' };
    for (let i = 0; i < calls; i++) {
      const start = performance.now();
      const { inner, sample } = await runner.run(text);
      result.calls.push(performance.now() - start);
      if (inner !== undefined) result.inner.push(inner);
      result.sample = sample;
    }
    return result;
  },

  async throughput(_contender, texts, callers) {
    const runner = loaded();
    let errors = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        for (let i = caller; i < texts.length; i += callers) {
          const text = texts[i];
          if (text !== undefined) await runner.run(text).catch(() => (errors += 1));
        }
      }),
    );
    return { callers, sentences: texts.length, ms: performance.now() - start, errors };
  },

  async frames(contender, spec, text, calls) {
    await current?.dispose();
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const stop = watchFrames();
    current = runnerFor(contender, spec);
    await current.load(spec);
    for (let i = 0; i < calls; i++) await current.run(text);
    return stop();
  },

  async floor(spec) {
    const runner = tfjsWorkerRunner();
    try {
      return await runner.floor(spec);
    } finally {
      await runner.dispose();
    }
  },

  pipeline: (spec, pipelineFirst) => profilePipeline(spec, pipelineFirst),

  async dispose() {
    await current?.dispose();
    current = undefined;
  },
};

window.bench = bench;
document.getElementById('status')?.replaceChildren('ready');
