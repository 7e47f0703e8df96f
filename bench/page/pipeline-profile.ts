/**
 * The download → verify → store pipeline against a plain `fetch` read of the same file, in one
 * page, after an untimed plain read: the plain read and a read into one buffer (as transformers.js
 * reads a model file), then inpage's own `downloadFile` (fetch, sha256 as bytes arrive, chunks put
 * into IndexedDB) into a new store (or the other way round), then the sha256 alone over the bytes of the plain read. The
 * pipeline is timed twice: until its bytes are verified and held for a session (a load's session
 * starts then), and until it returns (every chunk stored). The IndexedDB time is the sum of its
 * `putChunk`/`putFile` calls, which run one after the other behind the hashing; the hash time is
 * measured alone, since inside the pipeline it interleaves with reads.
 *
 * @module
 */
import { createSHA256 } from 'hash-wasm';
import { hubConfig, resolveSnapshot } from '../../src/hub/hub-client.ts';
import { downloadFile } from '../../src/store/download-file.ts';
import type { DownloadStore } from '../../src/store/download-file.ts';
import { ModelStore } from '../../src/store/idb-store.ts';
import { weightsOf } from './protocol.ts';
import type { LoadSpec, PipelineProfile } from './protocol.ts';

const chunkSize = 8 * 1024 * 1024;

async function plainRead(url: string): Promise<{ ms: number; parts: Uint8Array[] }> {
  const start = performance.now();
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok || !response.body) throw new Error(`plain fetch of ${url}: ${response.status}`);
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  for (let read = await reader.read(); !read.done; read = await reader.read()) parts.push(read.value);
  return { ms: performance.now() - start, parts };
}

/** A read into one buffer of the file's size, as transformers.js's `readResponse` reads a model file. */
async function bufferRead(url: string, size: number): Promise<number> {
  const start = performance.now();
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok || !response.body) throw new Error(`buffer fetch of ${url}: ${response.status}`);
  const buffer = new Uint8Array(size);
  const reader = response.body.getReader();
  let loaded = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffer.set(read.value, loaded);
    loaded += read.value.byteLength;
  }
  return performance.now() - start;
}

/** Runs the reads of the model's weights; `pipelineFirst` alternates the order between repetitions. */
export async function profilePipeline(spec: LoadSpec, pipelineFirst: boolean): Promise<PipelineProfile> {
  const file = weightsOf(spec);
  const hub = hubConfig({ endpoint: spec.hubUrl });
  const snapshot = await resolveSnapshot(hub, spec.model, 'main');
  const entry = snapshot.files.find((candidate) => candidate.path === file);
  if (!entry) throw new Error(`${spec.model} has no ${file}`);
  const namespace = `pipeline-${Date.now()}`;
  const store = new ModelStore(namespace);
  let putMs = 0;
  const timed =
    <A extends unknown[], R>(work: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const start = performance.now();
      try {
        return await work(...args);
      } finally {
        putMs += performance.now() - start;
      }
    };
  const downloads: DownloadStore = {
    getFile: (...args) => store.getFile(...args),
    putFile: timed((...args: Parameters<ModelStore['putFile']>) => store.putFile(...args)),
    putChunk: timed((...args: Parameters<ModelStore['putChunk']>) => store.putChunk(...args)),
    deleteFile: (...args) => store.deleteFile(...args),
    isIntact: (...args) => store.isIntact(...args),
    readFile: (...args) => store.readFile(...args),
  };
  const pipeline = async (): Promise<{ verifiedMs: number; pipelineMs: number }> => {
    const start = performance.now();
    let verifiedMs = NaN;
    // As a load downloads: the verified bytes are also held in memory for the session.
    const onHeld = (): void => void (verifiedMs = performance.now() - start);
    const context = { hub, store: downloads, repo: spec.model, commit: snapshot.commit, chunkSize, retries: 0, onHeld };
    await downloadFile(context, entry);
    return { verifiedMs, pipelineMs: performance.now() - start };
  };
  const url = `${spec.hubUrl}/${spec.model}/resolve/main/${file}`;
  // Untimed: the first read of a fresh page is slower for either (the memory it reads into is
  // new to the process: 0.6 s more here), which made whichever ran first look slow.
  await plainRead(url);
  let plain: { ms: number; parts: Uint8Array[] };
  let bufferMs: number;
  let timings: { verifiedMs: number; pipelineMs: number };
  if (pipelineFirst) {
    timings = await pipeline();
    plain = await plainRead(url);
    bufferMs = await bufferRead(url, entry.size);
  } else {
    plain = await plainRead(url);
    bufferMs = await bufferRead(url, entry.size);
    timings = await pipeline();
  }
  const hasher = await createSHA256();
  const hashStart = performance.now();
  hasher.init();
  for (const part of plain.parts) hasher.update(part);
  const digest = hasher.digest('hex');
  const hashMs = performance.now() - hashStart;
  if (entry.sha256 && digest !== entry.sha256) throw new Error(`${file}: the plain read's sha256 differs from the listing`);
  await store.clearAll();
  const bytes = plain.parts.reduce((sum, part) => sum + part.byteLength, 0);
  return { file, bytes, fetchMs: plain.ms, bufferMs, ...timings, hashMs, putMs, pipelineFirst };
}
