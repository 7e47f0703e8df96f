import { createHash } from 'node:crypto';
import { gitBlobOid, isLfs, lfsPointer, readRange } from './repos.ts';
import type { FileEntry, RepoRef, RepoStore, Snapshot } from './repos.ts';

/** One entry of the tree API, shaped like the Hub's. */
export interface TreeEntry {
  type: 'file' | 'directory';
  oid: string;
  size: number;
  path: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

/** The fields of a Hub model card front matter used by the info API. */
interface CardData {
  pipeline_tag?: string;
  library_name?: string;
  tags: string[];
}

/**
 * The body of `GET /api/models/{repo}[/revision/{rev}]`.
 *
 * @param store - For hashes (with `blobs`) and reading README.md.
 * @param repo - The repo.
 * @param snapshot - The resolved revision.
 * @param gated - Whether the repo is gated (`gated: 'manual'`).
 * @param blobs - `?blobs=true`: siblings carry `blobId`, `size` and `lfs`.
 *
 * @example
 * jsonPlan(200, await infoJson(store, repo, snapshot, false, false));
 */
export async function infoJson(
  store: RepoStore,
  repo: RepoRef,
  snapshot: Snapshot,
  gated: boolean,
  blobs: boolean,
): Promise<Record<string, unknown>> {
  const card = await readCard(snapshot.files.get('README.md'));
  const entries = [...snapshot.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const siblings = await Promise.all(
    entries.map(async (entry) => {
      const rfilename = entry.path;
      if (!blobs) return { rfilename };
      const file = await fileEntry(store, entry);
      return {
        rfilename,
        blobId: file.oid,
        size: entry.size,
        ...(file.lfs ? { lfs: { sha256: file.lfs.oid, size: entry.size, pointerSize: file.lfs.pointerSize } } : {}),
      };
    }),
  );
  const lastModified = snapshot.lastModified.toISOString();
  return {
    _id: createHash('sha1').update(repo.id).digest('hex').slice(0, 24),
    id: repo.id,
    modelId: repo.id,
    author: repo.id.split('/')[0],
    sha: snapshot.sha,
    lastModified,
    createdAt: lastModified,
    private: false,
    disabled: false,
    gated: gated ? 'manual' : false,
    ...(card.pipeline_tag ? { pipeline_tag: card.pipeline_tag } : {}),
    library_name: card.library_name ?? 'transformers.js',
    tags: card.tags,
    downloads: 0,
    likes: 0,
    siblings,
  };
}

/**
 * The body of `GET /api/models/{repo}/tree/{rev}[/{subpath}][?recursive=true]`; undefined when `subpath`
 * is not a directory.
 *
 * @example
 * await treeJson(store, snapshot, 'onnx', false); // [{ type: 'file', path: 'onnx/model.onnx', lfs: {…} }, …]
 */
export async function treeJson(
  store: RepoStore,
  snapshot: Snapshot,
  subpath: string,
  recursive: boolean,
): Promise<TreeEntry[] | undefined> {
  const prefix = subpath.replace(/^\/+|\/+$/g, '');
  const all = await allEntries(store, snapshot);
  if (prefix !== '' && all.get(prefix)?.type !== 'directory') return undefined;
  const under = prefix === '' ? '' : `${prefix}/`;
  return [...all.values()]
    .filter((e) => e.path.startsWith(under) && (recursive || !e.path.slice(under.length).includes('/')))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The body of `GET /api/models/{repo}/refs`.
 *
 * @example
 * (await refsJson(store, repo)).branches; // [{ name: 'main', ref: 'refs/heads/main', targetCommit }]
 */
export async function refsJson(store: RepoStore, repo: RepoRef): Promise<Record<string, unknown>> {
  const refs = await Promise.all(
    (await store.revisionNames(repo)).map(async (name) => ({ name, targetCommit: (await store.resolveRevision(repo, name))?.sha ?? '' })),
  );
  const pick = (test: (name: string) => boolean, ref: (name: string) => string): unknown[] =>
    refs.filter((r) => test(r.name)).map((r) => ({ name: r.name, ref: ref(r.name), targetCommit: r.targetCommit }));
  return {
    branches: pick(
      (n) => !n.startsWith('refs/'),
      (n) => `refs/heads/${n}`,
    ),
    converts: pick(
      (n) => n.startsWith('refs/convert/'),
      (n) => n,
    ),
    tags: [],
    pullRequests: pick(
      (n) => n.startsWith('refs/pr/'),
      (n) => n,
    ),
  };
}

async function fileEntry(store: RepoStore, entry: FileEntry): Promise<TreeEntry> {
  const { sha256, gitOid } = await store.hashes(entry);
  if (!isLfs(entry)) return { type: 'file', oid: gitOid, size: entry.size, path: entry.path };
  const pointer = lfsPointer(sha256, entry.size);
  return {
    type: 'file',
    oid: gitBlobOid(pointer),
    size: entry.size,
    path: entry.path,
    lfs: { oid: sha256, size: entry.size, pointerSize: Buffer.byteLength(pointer) },
  };
}

/** Every file and directory of a snapshot by path; directory oids hash their children like git trees. */
async function allEntries(store: RepoStore, snapshot: Snapshot): Promise<Map<string, TreeEntry>> {
  const entries = new Map<string, TreeEntry>();
  const children = new Map<string, string[]>([['', []]]);
  for (const entry of snapshot.files.values()) {
    entries.set(entry.path, await fileEntry(store, entry));
    let child = entry.path;
    for (let slash = child.lastIndexOf('/'); ; slash = child.lastIndexOf('/')) {
      const parent = slash < 0 ? '' : child.slice(0, slash);
      const known = children.get(parent);
      children.set(parent, [...(known ?? []), child]);
      if (known || parent === '') break;
      child = parent;
    }
  }
  const oidOf = (dir: string): string => {
    const lines = (children.get(dir) ?? []).sort().map((c) => `${c.slice(c.lastIndexOf('/') + 1)}\0${entries.get(c)?.oid ?? oidOf(c)}\n`);
    const oid = createHash('sha1')
      .update(`tree\0${lines.join('')}`)
      .digest('hex');
    if (dir !== '') entries.set(dir, { type: 'directory', oid, size: 0, path: dir });
    return oid;
  };
  oidOf('');
  return entries;
}

async function readCard(readme: FileEntry | undefined): Promise<CardData> {
  const card: CardData = { tags: [] };
  if (!readme || readme.size > 65536) return card;
  const chunks: Uint8Array[] = [];
  for await (const chunk of readRange(readme, 0, readme.size - 1)) chunks.push(chunk);
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? '';
  const scalar = (key: string): string | undefined => new RegExp(`^${key}:\\s*['"]?([^'"\\r\\n]+?)['"]?\\s*$`, 'm').exec(front)?.[1];
  card.pipeline_tag = scalar('pipeline_tag');
  card.library_name = scalar('library_name');
  const inline = /^tags:\s*\[(.*)\]\s*$/m.exec(front)?.[1];
  const block = /^tags:\s*\r?\n((?:\s*-\s*.+\r?\n?)+)/m.exec(front)?.[1];
  const raw = inline !== undefined ? inline.split(',') : (block ?? '').split(/\r?\n/).map((l) => l.replace(/^\s*-\s*/, ''));
  card.tags = raw.map((t) => t.trim().replace(/^['"]|['"]$/g, '')).filter(Boolean);
  return card;
}
