/**
 * A test-only worker entry: inpage's worker with lowered platform limits for the fit check, read
 * from the worker's name as JSON (`new Worker(url, { name: JSON.stringify({ maxFileBytes: 1000 }) })`).
 * @module
 */
import { exposeWorkerApi } from '../../../src/rpc/comlink.ts';
import type { PlatformLimits } from '../../../src/fit/fit-check.ts';
import { createWorkerApi } from '../../../src/worker/worker-api.ts';

const platformLimits = JSON.parse(self.name || '{}') as Partial<PlatformLimits>;
exposeWorkerApi(createWorkerApi({ platformLimits }));
