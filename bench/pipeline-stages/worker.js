// The stages of a download, each alone or combined, in a dedicated worker (as inpage downloads):
// see bench/pipeline-stages/run.ts. Plain JavaScript, served as is, so that nothing but the
// stage runs. `hashwasm` is hash-wasm's UMD build, the sha256 inpage uses.
/* global hashwasm, importScripts, fetch, Blob, crypto, performance, self */
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

/** Makes a chunk Blob whenever `upTo` passes a chunk boundary (as inpage's held downloads do). */
function chunkBlobs(bytes) {
  let made = 0;
  const blobs = [];
  return (buffer, upTo) => {
    while (upTo - made >= chunkSize || (upTo === bytes && made < bytes)) {
      const end = Math.min(bytes, made + chunkSize);
      blobs.push(new Blob([new Uint8Array(buffer, made, end - made)]));
      made = end;
    }
  };
}

const stages = {
  async plain() {
    await read(() => undefined);
  },
  async intoBuffer() {
    const bytes = await size();
    const held = new Uint8Array(bytes);
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
    const hasher = await hashwasm.createSHA256();
    hasher.init();
    await read((part) => hasher.update(part));
    hasher.digest('hex');
  },
  async intoBufferSha256() {
    const bytes = await size();
    const hasher = await hashwasm.createSHA256();
    hasher.init();
    const held = new Uint8Array(bytes);
    let at = 0;
    await read((part) => {
      hasher.update(part);
      held.set(part, at);
      at += part.byteLength;
    });
    hasher.digest('hex');
  },
  async byobSha256() {
    const hasher = await hashwasm.createSHA256();
    hasher.init();
    await readInto(await size(), (part) => hasher.update(part));
    hasher.digest('hex');
  },
  async byobSha256Blobs() {
    const bytes = await size();
    const hasher = await hashwasm.createSHA256();
    const blobs = chunkBlobs(bytes);
    hasher.init();
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
};

let filled;
/** Not timed: the first read of a fresh worker is slower; `fill` readies a buffer of the file's size for `sha256Alone`. */
const setup = {
  warm: () => stages.plain(),
  async fill() {
    filled = new Uint8Array(await size());
    for (let at = 0; at < filled.byteLength; at += 4096) filled[at] = at & 255;
  },
};
/** sha256 of the filled buffer, read by nothing: what hashing costs on a thread of its own. */
stages.sha256Alone = async () => {
  const hasher = await hashwasm.createSHA256();
  hasher.init();
  for (let at = 0; at < filled.byteLength; at += 1 << 20) hasher.update(filled.subarray(at, at + (1 << 20)));
  hasher.digest('hex');
};

self.onmessage = async ({ data: name }) => {
  if (setup[name]) return self.postMessage(await setup[name]());
  const start = performance.now();
  await stages[name]();
  self.postMessage(performance.now() - start);
};
