import { afterEach } from 'vitest';
import { hub } from './hub.ts';

/**
 * What was going on when a test failed (a timeout, typically): the origin's Web Locks and the
 * local Hub's requests of the last 90 s (status 0: never answered, or cut), printed with the test.
 */
async function printDiagnostics(testName: string): Promise<void> {
  const locks = await navigator.locks.query();
  const names = (list: LockInfo[] | undefined): string => (list ?? []).map((lock) => `${lock.mode} ${lock.name}`).join('\n    ') || '-';
  const since = Date.now() - 90_000;
  const requests = (await hub.requests())
    .filter((record) => record.time >= since && record.method !== 'OPTIONS')
    .map(
      (record) =>
        `${new Date(record.time).toISOString().slice(14, 23)} ${record.origin} ${record.method} ${record.url} → ${record.status}, ${record.bytesSent} B${record.range ? ` (${record.range})` : ''}`,
    );
  console.log(
    `[diagnostics] "${testName}" failed\n  locks held:\n    ${names(locks.held)}\n  locks pending:\n    ${names(locks.pending)}\n  hub requests (90 s):\n    ${requests.join('\n    ') || '-'}`,
  );
}

// Every browser test file shares one local Hub: a test that fails half-way must not leave its
// faults, offline switch or commits behind for the next one.
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') await printDiagnostics(context.task.name).catch(() => undefined);
  await hub.reset();
});
