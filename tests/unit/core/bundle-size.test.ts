import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The budget of the main-thread entry: what an app pays before its first `client.load()`. */
const mainEntryBudget = 10_000; // "< 10 KB", as bench/lib/summary.ts checks it

/**
 * `src/index.ts` bundled as an app's bundler would (esbuild, ESM, browser, minified, with code
 * splitting so that `import()`ed task modules become chunks of their own), then gzipped at zlib's
 * default level. Only the entry chunk counts: the task chunks load on demand and the diagnosis chunk
 * only when the worker fails to start.
 */
async function mainEntry(): Promise<{ gzipped: number; chunks: string[]; code: string }> {
  const result = await build({
    entryPoints: ['src/index.ts'],
    absWorkingDir: repoRoot,
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    outdir: 'bundle-size-out',
    write: false,
    logLevel: 'silent',
    metafile: true,
  });
  const entry = result.outputFiles.find((file) => file.path.endsWith('/index.js'));
  if (!entry) throw new Error('esbuild produced no index.js');
  // The entry's own code plus the shared chunks it imports statically (both load before the app runs).
  const outputs = result.metafile.outputs;
  const entryKey = Object.keys(outputs).find((key) => key.endsWith('/index.js')) ?? '';
  const staticImports = (outputs[entryKey]?.imports ?? []).filter((imported) => imported.kind === 'import-statement');
  const files = [entry, ...result.outputFiles.filter((file) => staticImports.some((imported) => file.path.endsWith(imported.path)))];
  const code = files.map((file) => file.text).join('\n');
  return { gzipped: gzipSync(code).length, chunks: Object.keys(outputs), code };
}

describe('main entry size', () => {
  it(`stays under ${mainEntryBudget / 1024} KB gzipped (src/index.ts and its static chunks, minified)`, async () => {
    const { gzipped } = await mainEntry();
    expect(gzipped, `main entry: ${gzipped} bytes gzipped`).toBeLessThanOrEqual(mainEntryBudget);
  });

  it('carries no task module: each one loads on demand', async () => {
    const { code } = await mainEntry();
    // Names only the task modules use (input checks, batching, the worker half).
    for (const name of ['candidateLabels', 'aggregationStrategy', 'toPipelineArgs', 'returnFullText', 'summary_text'])
      expect(code.includes(name), `the main entry contains "${name}"`).toBe(false);
  });
});
