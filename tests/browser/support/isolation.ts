import { afterEach } from 'vitest';
import { hub } from './hub.ts';

// Every browser test file shares one local Hub: a test that fails half-way must not leave its
// faults, offline switch or commits behind for the next one.
afterEach(async () => {
  await hub.reset();
});
