// The stages of a download, each alone or combined, in a dedicated worker (as inpage downloads):
// see bench/pipeline-stages/run.ts. Plain JavaScript, served as is, so that nothing but the
// stage runs. `hashwasm` is hash-wasm's UMD build, the sha256 inpage uses. The same script is
// also the second worker of the `…InWriter` stages (`writerMessage`).
/* global hashwasm, importScripts, fetch, Blob, crypto, performance, self, setTimeout, Worker */
importScripts('/sha256.umd.min.js');

const url = '/model.onnx';
const chunkSize = 8 * 1024 * 1024;

async function size() {
  const head = await fetch(url, { method: 'HEAD', cache: 'no-store' });
  return Number(head.headers.get('content-length'));
}

/** Reads the body with a default reader, calling `each` with every read. */
async function read(each) {
  const reader = (await fetch(url, { cache: 'no-store' })).body.getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) each(part.value);
}

/** Reads the body with a BYOB reader straight into one buffer of `bytes`, calling `each` with every read. */
async function readInto(bytes, each) {
  const reader = (await fetch(url, { cache: 'no-store' })).body.getReader({ mode: 'byob' });
  let buffer = new ArrayBuffer(bytes);
  let at = 0;
  while (at < bytes) {
    const { done, value } = await reader.read(new Uint8Array(buffer, at, bytes - at));
    if (done) break;
    buffer = value.buffer;
    each(new Uint8Array(buffer, at, value.byteLength), buffer, at + value.byteLength);
    at += value.byteLength;
  }
  return new Uint8Array(buffer);
}

/** Calls `each(buffer, start, end)` for every 8 MiB chunk that `upTo` completes (the last one may be shorter). */
function chunks(bytes, each) {
  let done = 0;
  return (buffer, upTo) => {
    while (upTo - done >= chunkSize || (upTo === bytes && done < bytes)) {
      const end = Math.min(bytes, done + chunkSize);
      each(buffer, done, end);
      done = end;
    }
  };
}

async function sha256() {
  const hasher = await hashwasm.createSHA256();
  hasher.init();
  return hasher;
}

/**
 * A BYOB read into one buffer whose chunks are hashed (and, with `blobs`, made into Blobs) in a
 * second worker: each completed chunk is copied into one of a few recycled 8 MiB buffers (memory
 * already touched) and transferred; the writer hands the buffer back once it is done with it.
 * The stage ends when the writer's digest arrives, and after the writer's last Blob.
 */
function inWriter(blobs) {
  return async () => {
    const bytes = await size();
    const writer = self.writer;
    const spare = [];
    let verifiedAt;
    const finished = new Promise((resolve) => {
      writer.onmessage = ({ data }) => {
        if (data.back) spare.push(data.back);
        if (data.digest) verifiedAt = performance.now();
        if (data.finished) resolve();
      };
    });
    writer.postMessage({ start: bytes, blobs });
    const send = chunks(bytes, (held, start, end) => {
      const copy = spare.pop() ?? new ArrayBuffer(chunkSize);
      new Uint8Array(copy).set(new Uint8Array(held, start, end - start));
      writer.postMessage({ chunk: copy, length: end - start }, [copy]);
    });
    await readInto(bytes, (part, buffer, upTo) => send(buffer, upTo));
    await finished;
    return verifiedAt;
  };
}

const stages = {
  async plain() {
    await read(() => undefined);
  },
  async intoBuffer() {
    const held = new Uint8Array(await size());
    let at = 0;
    await read((part) => {
      held.set(part, at);
      at += part.byteLength;
    });
  },
  async byob() {
    await readInto(await size(), () => undefined);
  },
  async sha256() {
    const hasher = await sha256();
    await read((part) => hasher.update(part));
    hasher.digest('hex');
  },
  async intoBufferSha256() {
    const hasher = await sha256();
    const held = new Uint8Array(await size());
    let at = 0;
    await read((part) => {
      hasher.update(part);
      held.set(part, at);
      at += part.byteLength;
    });
    hasher.digest('hex');
  },
  async byobSha256() {
    const hasher = await sha256();
    await readInto(await size(), (part) => hasher.update(part));
    hasher.digest('hex');
  },
  async byobSha256Blobs() {
    const bytes = await size();
    const hasher = await sha256();
    const made = [];
    const blobs = chunks(bytes, (held, start, end) => made.push(new Blob([new Uint8Array(held, start, end - start)])));
    await readInto(bytes, (part, buffer, upTo) => {
      hasher.update(part);
      blobs(buffer, upTo);
    });
    hasher.digest('hex');
  },
  async byobSubtleDigest() {
    const held = await readInto(await size(), () => undefined);
    await crypto.subtle.digest('SHA-256', held);
  },
  byobSha256InWriter: inWriter(false),
  byobSha256BlobsInWriter: inWriter(true),
  /** sha256 of the filled buffer, read by nothing: what hashing costs on a thread of its own. */
  async sha256Alone() {
    const hasher = await sha256();
    for (let at = 0; at < self.filled.byteLength; at += 1 << 20) hasher.update(self.filled.subarray(at, at + (1 << 20)));
    hasher.digest('hex');
  },
  async subtleAlone() {
    await crypto.subtle.digest('SHA-256', self.filled);
  },
  /** A new buffer of the file's size, one byte written per 4 KiB page: what fresh memory costs. */
  async touchAlone() {
    const fresh = new Uint8Array(await size());
    for (let at = 0; at < fresh.byteLength; at += 4096) fresh[at] = 1;
  },
};

/** Not timed: the first read of a fresh worker is slower; the writer and the filled buffer are readied. */
const setup = {
  async warm() {
    await stages.plain();
  },
  async writer() {
    self.writer = new Worker('/worker.js');
    await new Promise((resolve) => {
      self.writer.onmessage = resolve;
      self.writer.postMessage({ ping: true });
    });
  },
  async fill() {
    self.filled = new Uint8Array(await size());
    for (let at = 0; at < self.filled.byteLength; at += 4096) self.filled[at] = at & 255;
  },
};

let job;
/** The second worker: hashes each chunk as it arrives, hands its buffer back, and makes the Blobs when idle. */
async function writerMessage(data) {
  if (data.ping) return self.postMessage({ ready: true });
  if (data.start) {
    job = { hasher: await sha256(), left: data.start, blobs: data.blobs, pending: [], made: [] };
    return;
  }
  job.hasher.update(new Uint8Array(data.chunk, 0, data.length));
  job.left -= data.length;
  if (job.left === 0) self.postMessage({ digest: job.hasher.digest('hex') });
  if (!job.blobs) {
    self.postMessage({ back: data.chunk, finished: job.left === 0 }, [data.chunk]);
    return;
  }
  job.pending.push(data);
  setTimeout(() => {
    const { chunk, length } = job.pending.shift();
    job.made.push(new Blob([new Uint8Array(chunk, 0, length)]));
    self.postMessage({ back: chunk, finished: job.left === 0 && job.pending.length === 0 }, [chunk]);
  });
}

let writerQueue = Promise.resolve();
self.onmessage = async ({ data }) => {
  if (typeof data === 'object') {
    writerQueue = writerQueue.then(() => writerMessage(data));
    return;
  }
  if (setup[data]) return self.postMessage(await setup[data]());
  const start = performance.now();
  const end = (await stages[data]()) ?? performance.now();
  self.postMessage(end - start);
};
