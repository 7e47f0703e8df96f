import { createHash } from 'node:crypto';
import { isInpageError } from '../../../src/errors.ts';
import { resolveSnapshot } from '../../../src/hub/hub-client.ts';
import type { HubConfig, RepoFile } from '../../../src/hub/hub-client.ts';
import { expectedDigest } from '../../../src/store/hashing.ts';
import { prepareModel } from '../../../src/store/prepare-model.ts';
import type { FileRecord } from '../../../src/store/records.ts';
import { storedBytes } from '../../../src/store/records.ts';
import type { FaultRule } from '../../hub/faults.ts';
import type { HubServer } from '../../hub/server.ts';
import { memoryStore } from './memory-store.ts';

/** The seeded download chaos run: what it did and what it found. */
export interface ChaosFigures {
  seed: number;
  runs: number;
  /** Faults injected, by kind. */
  faults: { cuts: number; latency: number; status5xx: number; quota: number; dbDeleted: number };
  /** Loads started, and the ones that failed (then tried again), by error code. */
  attempts: number;
  failures: Record<string, number>;
  /** Runs whose model never completed within the attempts allowed. */
  incomplete: number;
  /** Files whose stored bytes do not have the Hub's hash, at the end. */
  wrongHash: number;
  /** Verified records whose bytes are wrong, seen after any attempt. */
  corruptVisible: number;
  /** Records marked verified with fewer bytes than the file, seen after any attempt. */
  partialComplete: number;
  /** Range resumes, and bytes sent beyond each file's size. */
  resumes: number;
  wasteBytes: number;
  /** The largest waste of one resume, in bytes. */
  maxWastePerResume: number;
  chunkSize: number;
}

const repo = 'test-org/tiny';
const chunkSize = 16 * 1024;
const maxAttempts = 12;

/** mulberry32: a small seeded PRNG, so a failing seed replays exactly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const digestOf = (file: Pick<RepoFile, 'sha256' | 'size'>, bytes: Uint8Array): string =>
  file.sha256
    ? createHash('sha256').update(bytes).digest('hex')
    : createHash('sha1').update(`blob ${file.size}\0`).update(bytes).digest('hex');

/**
 * Runs `runs` seeded loads of the test repo through random faults: cut points across the files
 * (0 bytes, mid-chunk, a chunk boundary, the last byte), latency, 5xx with `Retry-After`,
 * `QuotaExceededError` at random chunk writes, and the database deleted from another tab before a
 * random chunk write. Each load is retried until it completes; after every attempt the store is
 * checked for corrupt or partial records marked complete.
 * @example
 * const figures = await runChaos(server, config, { seed: 1, runs: 5 });
 */
export async function runChaos(server: HubServer, hub: HubConfig, options: { seed: number; runs: number }): Promise<ChaosFigures> {
  const next = random(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const figures: ChaosFigures = {
    seed: options.seed,
    runs: options.runs,
    faults: { cuts: 0, latency: 0, status5xx: 0, quota: 0, dbDeleted: 0 },
    attempts: 0,
    failures: {},
    incomplete: 0,
    wrongHash: 0,
    corruptVisible: 0,
    partialComplete: 0,
    resumes: 0,
    wasteBytes: 0,
    maxWastePerResume: 0,
    chunkSize,
  };
  for (let run = 0; run < options.runs; run++) {
    server.reset();
    const store = memoryStore();
    let files: RepoFile[] = [];
    const request = {
      repo,
      revision: 'main',
      dtype: 'fp32' as const,
      policy: 'always-check' as const,
      plan: async (_config: unknown, snapshot: { files: RepoFile[] }) => {
        files = snapshot.files.filter((file) => file.size > 1);
        return [{ dtype: 'fp32' as const, files }];
      },
    };
    // Faults on the files, decided from the seed before the run (sizes from the listing).
    const candidates = (await resolveSnapshot(hub, repo, 'main')).files.filter((file) => file.size > 1);
    server.reset();
    const rules: FaultRule[] = [];
    for (let cut = 1 + Math.floor(next() * 3); cut > 0; cut--) {
      const file = pick(candidates);
      const chunks = Math.floor(file.size / chunkSize);
      const kind = pick(['zero', 'mid', 'boundary', 'last'] as const);
      const at =
        kind === 'zero'
          ? 0
          : kind === 'last'
            ? file.size - 1
            : kind === 'boundary' && chunks > 0
              ? chunkSize * (1 + Math.floor(next() * chunks))
              : 1 + Math.floor(next() * (file.size - 2));
      if (at >= file.size) continue;
      // The body's origin: the CDN for LFS files (the Hub only redirects), the Hub for the others.
      rules.push({ origin: file.sha256 ? 'cdn' : 'hub', file: file.path, cutAfterBytes: at, times: 1 });
      figures.faults.cuts += 1;
    }
    if (next() < 0.5) {
      rules.push({ latencyMs: Math.floor(next() * 20), times: 1 + Math.floor(next() * 4) });
      figures.faults.latency += 1;
    }
    if (next() < 0.5) {
      rules.push({ file: pick(candidates).path, status: pick([500, 502, 503]), retryAfter: '0', times: 1 });
      figures.faults.status5xx += 1;
    }
    const putChunk = store.putChunk.bind(store);
    let writes = 0;
    let quotaFired = false;
    const failAt = new Set(Array.from({ length: next() < 0.5 ? 1 + Math.floor(next() * 2) : 0 }, () => 1 + Math.floor(next() * 12)));
    // Drawn last, so the faults above stay those of earlier versions of this run for the same seed.
    let deleteAt = next() < 0.5 ? 1 + Math.floor(next() * 6) : 0;
    let deleted = false;
    store.putChunk = async (record, index, blob) => {
      writes += 1;
      if (writes === deleteAt) {
        // Another tab deletes the database mid-load; this write lands in the fresh, empty one.
        deleteAt = 0;
        deleted = true;
        figures.faults.dbDeleted += 1;
        store.deleteDatabase();
      }
      if (failAt.has(writes)) {
        quotaFired = true;
        figures.faults.quota += 1;
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return putChunk(record, index, blob);
    };
    for (const rule of rules) server.faults.add({ origin: 'any', ...rule });
    let done = false;
    for (let attempt = 0; attempt < maxAttempts && !done; attempt++) {
      figures.attempts += 1;
      try {
        await prepareModel(request, { hub, store, chunkSize, retries: 2, concurrency: 3 });
        done = true;
      } catch (error) {
        const code = isInpageError(error) ? error.code : String(error);
        figures.failures[code] = (figures.failures[code] ?? 0) + 1;
      }
      for (const [, record] of await store.recordsOf<FileRecord>('blob')) {
        if (!record.verified) continue;
        if (storedBytes(record) < record.size) figures.partialComplete += 1;
        const blob = await store.readFile(record);
        if (!blob || digestOf(record, new Uint8Array(await blob.arrayBuffer())) !== expectedDigest(record)) figures.corruptVisible += 1;
      }
    }
    if (!done) figures.incomplete += 1;
    for (const file of files) {
      const record = await store.getFile(repo, expectedDigest(file));
      const blob = record?.verified ? await store.readFile(record) : undefined;
      if (!blob || digestOf(file, new Uint8Array(await blob.arrayBuffer())) !== expectedDigest(file)) figures.wrongHash += 1;
    }
    // Waste: bytes sent for a file beyond its size, per resume (a GET with Range). A failed write
    // (quota) wastes what was read ahead of it, and a deleted database everything stored before,
    // so the bound is measured on the other runs.
    for (const file of quotaFired || deleted ? [] : files) {
      const gets = server.requests.filter(
        (r) => r.method === 'GET' && r.file === file.path && (r.status === 0 || (r.status >= 200 && r.status < 300)),
      );
      const resumes = gets.filter((r) => r.range !== undefined).length;
      const waste = Math.max(0, gets.reduce((sum, r) => sum + r.bytesSent, 0) - file.size);
      figures.resumes += resumes;
      figures.wasteBytes += waste;
      if (resumes > 0) figures.maxWastePerResume = Math.max(figures.maxWastePerResume, Math.ceil(waste / resumes));
    }
  }
  return figures;
}
