/**
 * A test-only worker entry whose `navigator.gpu.requestAdapter()` never answers (a hung driver), on
 * top of the instrumented inpage worker.
 * @module
 */
import './hang-request-adapter.ts';
import './instrumented.ts';
