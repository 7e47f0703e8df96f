/**
 * A test-only worker entry whose ORT session creations reject whenever their execution providers
 * include WebGPU (a driver or shader failure, forced), on top of the instrumented inpage worker.
 * @module
 */
import './instrumented.ts';

// Read at each session creation, so setting it after the imports is in time.
(globalThis as { inpageTestFailWebgpu?: boolean }).inpageTestFailWebgpu = true;
