/**
 * The full download chaos run (`npm run chaos`): many seeds of seeded faults against the local Hub
 * (cut points, latency, 5xx with Retry-After, quota errors at random writes, the database deleted
 * from another tab mid-load), then the figures
 * written to the README's "Reliability" section. The quick mode is tests/unit/store/chaos.test.ts.
 *
 *   npm run chaos                      # seeds 1..20, 10 runs each
 *   npm run chaos -- --seeds 5 --runs 4 --first 42 --no-readme
 *
 * A failing seed is printed; `INPAGE_CHAOS_SEED=<seed> npx vitest run --project unit
 * tests/unit/store/chaos.test.ts` replays it.
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startHubServer } from '../tests/hub/server.ts';
import { makeFixtureRoot } from '../tests/hub/test-fixture.ts';
import { runChaos } from '../tests/unit/store/chaos.ts';
import type { ChaosFigures } from '../tests/unit/store/chaos.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    runs: { type: 'string', default: '10' },
    first: { type: 'string', default: '1' },
    'no-readme': { type: 'boolean', default: false },
  },
});
const seeds = Number(values.seeds);
const runs = Number(values.runs);
const first = Number(values.first);

const fixture = makeFixtureRoot();
const server = await startHubServer({ root: fixture.root });
const limits = { stallTimeoutMs: 300, jsonDeadlineMs: 2000, responseTimeoutMs: 2000, backoffMs: 5, backoffMaxMs: 20 };
const all: ChaosFigures[] = [];
const failing: number[] = [];
try {
  for (let seed = first; seed < first + seeds; seed++) {
    const figures = await runChaos(server, { endpoint: server.url, limits }, { seed, runs });
    all.push(figures);
    const bad =
      figures.incomplete + figures.wrongHash + figures.corruptVisible + figures.partialComplete > 0 ||
      figures.maxWastePerResume > figures.chunkSize ||
      Object.keys(figures.failures).some((code) => !['NETWORK', 'QUOTA_EXCEEDED', 'STORAGE', 'ABORTED'].includes(code));
    if (bad) failing.push(seed);
    console.log(`seed ${seed}${bad ? ' FAILED' : ''}: ${JSON.stringify(figures)}`);
  }
} finally {
  await server.close();
  fixture.cleanup();
}

const sum = (pick: (figures: ChaosFigures) => number): number => all.reduce((total, figures) => total + pick(figures), 0);
const failures = sum((figures) => Object.values(figures.failures).reduce((total, count) => total + count, 0));
const byCode = new Map<string, number>();
for (const figures of all) for (const [code, count] of Object.entries(figures.failures)) byCode.set(code, (byCode.get(code) ?? 0) + count);
const failureCodes = [...byCode].map(([code, count]) => `${count} \`${code}\``).join(', ') || 'none';
const section = [
  '## Reliability',
  '',
  '<!-- Written by `npm run chaos` (scripts/chaos.ts); the quick mode runs in `npm test`. -->',
  '',
  `The download chaos test loads the test repo (${all[0]?.chunkSize ?? 0}-byte chunks) through seeded faults, retrying each load until`,
  'it completes, and checks the store after every attempt. Last full run:',
  '',
  '| | |',
  '|---|---|',
  `| seeds | ${first}–${first + seeds - 1} (${runs} runs each, ${seeds * runs} runs) |`,
  `| faults | ${sum((f) => f.faults.cuts)} cut connections (0 bytes, mid-chunk, chunk boundary, last byte), ${sum((f) => f.faults.latency)} latency, ${sum((f) => f.faults.status5xx)} 5xx with \`Retry-After\`, ${sum((f) => f.faults.quota)} \`QuotaExceededError\` writes, ${sum((f) => f.faults.dbDeleted)} databases deleted from another tab mid-load |`,
  `| loads | ${sum((f) => f.attempts)} attempts, ${failures} failed and were tried again (${failureCodes}) |`,
  `| models that never completed | ${sum((f) => f.incomplete)} |`,
  `| files with a wrong sha256 at the end | ${sum((f) => f.wrongHash)} |`,
  `| corrupt entries visible | ${sum((f) => f.corruptVisible)} |`,
  `| partial entries marked complete | ${sum((f) => f.partialComplete)} |`,
  `| waste | ${sum((f) => f.wasteBytes)} bytes over ${sum((f) => f.resumes)} Range resumes; at most ${Math.max(0, ...all.map((f) => f.maxWastePerResume))} bytes per resume (a chunk is ${all[0]?.chunkSize ?? 0}) |`,
  `| failing seeds | ${failing.length === 0 ? 'none' : failing.join(', ')} |`,
  '',
  'A deleted database fails the load in progress with `STORAGE` (nothing it stored before is left marked complete),',
  'and the next load downloads the model again. Runs with a quota error or a deleted database are left out of the waste',
  'figures: those faults discard stored bytes by design.',
  '',
  '',
].join('\n');
console.log(`\n${section}`);
if (!values['no-readme']) {
  const readme = await readFile('README.md', 'utf8');
  const start = readme.indexOf('## Reliability\n');
  const next = start < 0 ? -1 : readme.indexOf('\n## ', start + 1);
  const updated =
    start >= 0
      ? `${readme.slice(0, start)}${section}${next < 0 ? '' : readme.slice(next + 1)}`
      : readme.replace('\n## Development\n', `\n${section}\n## Development\n`);
  await writeFile('README.md', updated);
}
// The fetch keep-alive sockets would hold the process open after the server closed.
process.exit(failing.length > 0 ? 1 : 0);
