/**
 * A test-only worker entry: inpage's worker whose stale-while-revalidate checks run 50 ms after a
 * load instead of 30 s, so a test can keep a page open through one.
 * @module
 */
import '../../../src/worker.ts';
import { revalidation } from '../../../src/store/revalidation.ts';

revalidation.delayMs = 50;
