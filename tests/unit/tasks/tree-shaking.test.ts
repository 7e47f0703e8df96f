import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Names and strings that only the worker half of the task modules uses. */
const workerOnly = [
  'toPipelineArgs',
  'fromPipelineOutput',
  'streamerOptions',
  'locateTokens',
  'locateText',
  'readArray',
  'halfToFloat',
  'top_k',
  'skip_prompt',
];

/** The unminified bundle of a module that re-exports `names` from `path`, as a main-thread app would bundle it. */
async function bundle(path: string, names: string): Promise<string> {
  const result = await build({
    stdin: { contents: `export { ${names} } from './${path}';`, resolveDir: repoRoot, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles.map((file) => file.text).join('\n');
}

describe('task modules and tree-shaking', () => {
  it('leave the worker half out of a bundle of the main-thread registry', async () => {
    const code = await bundle('src/tasks/registry.ts', 'getTask, isTaskId, taskIds, tasks');
    expect(code).toContain('canBatch');
    for (const name of workerOnly) expect(code, name).not.toContain(name);
  });

  it('keep it in a bundle of the pipeline registry', async () => {
    const code = await bundle('src/tasks/pipeline-registry.ts', 'getTaskPipeline');
    for (const name of workerOnly) expect(code, name).toContain(name);
  });
});
