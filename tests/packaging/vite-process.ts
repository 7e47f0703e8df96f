/**
 * Runs the scratch app's own `vite` CLI (`node_modules/vite/bin/vite.js`) as a consumer would:
 * `vite`, `vite build`, `vite preview`, each in a child process.
 * @module
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running `vite` or `vite preview` server. */
export interface ViteServer {
  /** Origin, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  /** Stops the process (by its pid) and waits for it to exit. */
  close(): Promise<void>;
}

/** Options of {@link startVite}. */
export interface StartViteOptions {
  /** `dev` (`vite`) or `preview` (`vite preview`). */
  mode: 'dev' | 'preview';
  /** A config file name in the app folder (default: Vite's own lookup, `vite.config.ts`). */
  config?: string;
  /** How long to wait for the server to listen, in ms. */
  timeoutMs?: number;
}

function viteBin(appDir: string): string {
  return path.join(appDir, 'node_modules/vite/bin/vite.js');
}

/** A port that was free a moment ago (Vite then runs with `--strictPort`). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `vite` or `vite preview` in `appDir` on 127.0.0.1 and resolves once it listens.
 * @example
 * const dev = await startVite(app.dir, { mode: 'dev' });
 * await dev.close();
 */
export async function startVite(appDir: string, options: StartViteOptions): Promise<ViteServer> {
  const port = await freePort();
  const args = [
    viteBin(appDir),
    ...(options.mode === 'preview' ? ['preview'] : []),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--strictPort',
  ];
  if (options.config) args.push('--config', options.config);
  const child = spawn(process.execPath, args, {
    cwd: appDir,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await waitForExit(child);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!output.includes(`${url}/`)) {
    if (child.exitCode !== null) throw new Error(`vite ${options.mode} exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      await close();
      throw new Error(`vite ${options.mode} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, output: () => output, close };
}

/**
 * Runs `vite build` in `appDir` (output in `dist/`), with extra CLI arguments (`--base /sub/`).
 * @returns what Vite printed.
 */
export async function buildApp(appDir: string, args: readonly string[] = []): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [viteBin(appDir), 'build', ...args], {
    cwd: appDir,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return `${stdout}${stderr}`;
}
