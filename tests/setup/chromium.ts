import { existsSync } from 'node:fs';

/** Flags every headless Chromium run needs on this kind of machine (root, closed network). */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Finds the system Chromium: `CHROME_PATH` first, then the usual Debian paths.
 * Tests never download a browser.
 *
 * @returns the executable path, or `null` when there is none.
 * @example
 * const chrome = findChromium() ?? exitWithInstallHint();
 */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** The message shown instead of a stack trace when no browser is installed. */
export const chromiumInstallHint = [
  'inpage: no Chromium found for the browser tests.',
  '  Install it with:   sudo apt-get install -y chromium',
  '  or point CHROME_PATH at a Chromium/Chrome executable.',
  '  (The tests never download a browser.)',
].join('\n');
