/**
 * A Next.js app (App Router, a client component) using the packed library, as the README shows
 * it: `next build` and `next start` through Next's own CLI, at the site root and under a
 * `basePath` (a build of its own, as Next bakes the base path in).
 * @module
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './vite-process.ts';

const run = promisify(execFile);

/**
 * The README's `next.config.mjs`, plus two lines for this test only: the build folder per base
 * path, and `turbopack.root: '/'` because the scratch app's packages are symlinks into the repo
 * (Turbopack compiles nothing outside its root).
 */
const nextConfig = `/** Cross-origin isolation (COOP/COEP) on every page and file, so that the runtime can use threads. */
const isolation = [
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
];

const basePath = process.env.APP_BASE_PATH ?? '';

export default {
  basePath,
  async headers() {
    return [{ source: '/:path*', headers: isolation }];
  },
  distDir: basePath ? '.next-sub' : '.next',
  turbopack: { root: '/' },
  experimental: { turbopackFileSystemCacheForBuild: false },
};
`;

const layout = `export const metadata = { title: 'inpage packaging' };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`;

const page = `import Sentiment from './sentiment.jsx';

export default function Page() {
  return <Sentiment />;
}
`;

/** The client component: inpage runs in the browser only, so it starts in an effect. */
function sentiment(hubUrl: string): string {
  return `'use client';
import { useEffect, useState } from 'react';
import { createClient, isInpageError } from 'inpage';

export default function Sentiment() {
  const [result, setResult] = useState('loading');
  useEffect(() => {
    const client = createClient({ hub: { endpoint: ${JSON.stringify(hubUrl)} } });
    client
      .load('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english')
      .then((sentiment) => sentiment.run('I love this wonderful movie'))
      .then(
        ([top]) => setResult(top?.label ?? 'no label'),
        (error) => setResult(\`ERROR \${isInpageError(error) ? error.code : ''} \${String(error?.message ?? error)}\`),
      );
    return () => void client.dispose();
  }, []);
  return <p id="result">{result}</p>;
}
`;
}

/** Writes the Next.js app into `<appDir>/next`. */
export async function writeNextApp(appDir: string, hubUrl: string): Promise<void> {
  const dir = path.join(appDir, 'next');
  await mkdir(path.join(dir, 'app'), { recursive: true });
  await writeFile(path.join(dir, 'next.config.mjs'), nextConfig);
  await writeFile(path.join(dir, 'app/layout.jsx'), layout);
  await writeFile(path.join(dir, 'app/page.jsx'), page);
  await writeFile(path.join(dir, 'app/sentiment.jsx'), sentiment(hubUrl));
}

function nextEnv(basePath: string): NodeJS.ProcessEnv {
  return { ...process.env, APP_BASE_PATH: basePath, NEXT_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0' };
}

function nextArgs(appDir: string, ...args: string[]): string[] {
  return [path.join(appDir, 'node_modules/next/dist/bin/next'), ...args];
}

/**
 * `next build` with `basePath` (`''` for the root); its output is `.next` or `.next-sub`.
 * @returns the build folder and what Next printed.
 */
export async function buildNext(appDir: string, basePath: string): Promise<{ distDir: string; log: string }> {
  const cwd = path.join(appDir, 'next');
  const { stdout, stderr } = await run(process.execPath, nextArgs(appDir, 'build'), {
    cwd,
    env: nextEnv(basePath),
    maxBuffer: 16 * 1024 * 1024,
  });
  return { distDir: path.join(cwd, basePath ? '.next-sub' : '.next'), log: `${stdout}${stderr}` };
}

/** A running `next start`. */
export interface NextServer {
  /** The app's URL: origin + base path + `/`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `next start` for the build made with `basePath`, and resolves once the page answers. */
export async function startNext(appDir: string, basePath: string, timeoutMs = 30_000): Promise<NextServer> {
  const port = await freePort();
  const child = spawn(process.execPath, nextArgs(appDir, 'start', '-H', '127.0.0.1', '-p', String(port)), {
    cwd: path.join(appDir, 'next'),
    env: nextEnv(basePath),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const url = `http://127.0.0.1:${port}${basePath}/`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return { url, close };
    if (Date.now() > deadline) {
      await close();
      throw new Error(`next start did not answer ${url}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
