import { describe, expect, it } from 'vitest';
import { InpageError, errorPolicies, isInpageError } from '../../../src/errors.ts';
import { classifyError, failureCode, ortFailureOf, recordOrtFailure } from '../../../src/worker/classify-error.ts';
import { realOrtErrors } from './ort-errors.ts';

/** An ORT rejection as the session patches record it. */
function ortError(message: string, call: 'create' | 'run', providers: string[]): Error {
  const error = new Error(message);
  recordOrtFailure(error, { call, providers });
  return error;
}

describe('classifyError: errors raised outside ONNX Runtime (the worker is intact)', () => {
  it('fill-mask text without a mask token (transformers.js, after the run) is INVALID_INPUT: no restart, no demotion', () => {
    const error = classifyError(new Error('Mask token ([MASK]) not found in text.'), 'Inference failed', 'run');
    expect(isInpageError(error, 'INVALID_INPUT')).toBe(true);
    expect(error.message).toContain('Mask token ([MASK]) not found in text.');
    expect(errorPolicies.INVALID_INPUT).toEqual({ restartWorker: false, demoteDevice: false, retry: false });
  });

  it('an unsupported model_type while loading is UNSUPPORTED_MODEL', () => {
    expect(failureCode(new Error('Unsupported model type: mamba2'), 'load')).toBe('UNSUPPORTED_MODEL');
    expect(failureCode(new Error('Unsupported model type: mamba2'))).toBe('UNSUPPORTED_MODEL');
    expect(errorPolicies.UNSUPPORTED_MODEL.restartWorker).toBe(false);
  });

  it('a tokenizer or config failure while loading is UNSUPPORTED_MODEL, a file the store lacks FILE_NOT_FOUND', () => {
    expect(failureCode(new SyntaxError('Unexpected token } in JSON at position 12'), 'load')).toBe('UNSUPPORTED_MODEL');
    expect(failureCode(new TypeError("Cannot read properties of undefined (reading 'vocab')"), 'load')).toBe('UNSUPPORTED_MODEL');
    expect(failureCode(new Error('Could not locate file: "http://hub/x/resolve/abc/onnx/model.onnx".'), 'load')).toBe('FILE_NOT_FOUND');
  });

  it('graph inputs that transformers.js does not provide are UNSUPPORTED_MODEL, also while running', () => {
    const missing = new Error('An error occurred during model execution: "Missing the following inputs: pixel_values.');
    expect(failureCode(missing, 'run')).toBe('UNSUPPORTED_MODEL');
  });

  it('any other error of a call is INVALID_INPUT; with no stage known, TypeError/RangeError pass through and the rest is RUNTIME', () => {
    expect(failureCode(new Error('Input must be a string, an array of strings, a Chat, or an array of Chats'), 'run')).toBe(
      'INVALID_INPUT',
    );
    const programmer = new RangeError('text-generation: option "topK" must be an integer ≥ 0, got -1.');
    expect(classifyError(programmer, 'Inference failed')).toBe(programmer);
    expect(failureCode(new Error('something nobody expected'))).toBe('RUNTIME');
  });

  it('keeps an InpageError, and maps an AbortError to ABORTED', () => {
    const input = new InpageError('INVALID_INPUT', 'too long');
    expect(classifyError(input, 'Inference failed', 'run')).toBe(input);
    expect(isInpageError(classifyError(new DOMException('stop', 'AbortError'), 'Inference failed'), 'ABORTED')).toBe(true);
  });
});

describe('classifyError: rejections from ONNX Runtime', () => {
  it('real WASM rejections: a session that cannot be created is UNSUPPORTED_MODEL, a run that fails on its input INVALID_INPUT', async () => {
    const { create, runShape, runMissing } = await realOrtErrors();
    expect(String(create)).toContain("Can't create a session");
    expect(String(runShape)).toContain('Got invalid dimensions for input: x');
    expect(String(runMissing)).toContain("input 'x' is missing in 'feeds'");
    recordOrtFailure(create, { call: 'create', providers: ['wasm'] });
    recordOrtFailure(runShape, { call: 'run', providers: ['wasm'] });
    recordOrtFailure(runMissing, { call: 'run', providers: ['wasm'] });
    expect(failureCode(create, 'load')).toBe('UNSUPPORTED_MODEL');
    expect(failureCode(runShape, 'run')).toBe('INVALID_INPUT');
    expect(failureCode(runMissing, 'run')).toBe('INVALID_INPUT');
  });

  it('device lost, GPU out of memory and WebGPU validation errors are DEVICE_FAILED (restart, demote, retry)', () => {
    const webgpu = ['webgpu'];
    expect(failureCode(ortError('GPUDeviceLostInfo: Device was lost. (reason: destroyed)', 'run', webgpu), 'run')).toBe('DEVICE_FAILED');
    expect(failureCode(ortError('GPUOutOfMemoryError: Out of memory creating a buffer', 'run', webgpu), 'run')).toBe('DEVICE_FAILED');
    expect(failureCode(ortError('GPUValidationError: Buffer is invalid due to a previous error', 'run', webgpu))).toBe('DEVICE_FAILED');
    // An error that names the GPU counts even when the providers are unknown.
    expect(failureCode(ortError('[WebGPU] Device was lost', 'run', []), 'run')).toBe('DEVICE_FAILED');
    expect(errorPolicies.DEVICE_FAILED).toEqual({ restartWorker: true, demoteDevice: true, retry: true });
  });

  it("ORT's real device-lost rejection (recorded in Chromium, WebGPU EP) is DEVICE_FAILED", () => {
    const lost = ortError(
      'failed to call OrtRun(). ERROR_CODE: 1, ERROR_MESSAGE: /onnxruntime/core/providers/webgpu/buffer_manager.cc:643 void ' +
        'onnxruntime::webgpu::BufferManager::Download(WGPUBuffer, void *, size_t) const map_async_result.status == ' +
        "wgpu::MapAsyncStatus::Success was false. Failed to download data from buffer. wgpu::MapAsyncStatus value: 4, message: Failed to execute 'mapAsync' on 'GPUBuffer': The Device was lost before mapping was resolved.",
      'run',
      ['webgpu'],
    );
    expect(failureCode(lost, 'run')).toBe('DEVICE_FAILED');
  });

  it('any other rejection on WebGPU is DEVICE_FAILED: WASM may run what WebGPU could not', () => {
    const create = ortError("Can't create a session. ERROR_CODE: 1, ERROR_MESSAGE: Failed to compile shader", 'create', ['webgpu', 'wasm']);
    expect(failureCode(create, 'load')).toBe('DEVICE_FAILED');
    // Also when transformers.js wraps it (the provenance is found on the cause chain).
    expect(ortFailureOf(new Error('wrapped', { cause: create }))?.call).toBe('create');
    expect(failureCode(new Error('wrapped', { cause: create }), 'load')).toBe('DEVICE_FAILED');
  });

  it('a GPU failure outside a session call (reading an output after the device was lost) is DEVICE_FAILED', () => {
    const error = new Error("Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost");
    expect(failureCode(error, 'run')).toBe('DEVICE_FAILED');
    expect(failureCode(new RangeError('Maximum call stack size exceeded'), 'run')).toBe('INVALID_INPUT');
  });

  it('a WebAssembly abort is RUNTIME: the heap is gone, the worker must restart', () => {
    expect(failureCode(ortError('Aborted(OOM). Build with -sASSERTIONS for more info.', 'run', ['wasm']), 'run')).toBe('RUNTIME');
    expect(failureCode(ortError('RuntimeError: memory access out of bounds', 'run', ['wasm']), 'run')).toBe('RUNTIME');
    expect(failureCode(new WebAssembly.RuntimeError('unreachable'), 'run')).toBe('RUNTIME');
    // A runtime that could not start at all (its wasm module did not load) is not the model's fault.
    const noBackend = ortError('no available backend found. ERR: [wasm] TypeError: Failed to fetch dynamically imported module', 'create', [
      'wasm',
    ]);
    expect(failureCode(noBackend, 'load')).toBe('RUNTIME');
    expect(errorPolicies.RUNTIME.restartWorker).toBe(true);
  });

  it('keeps the original as cause and appends its message', () => {
    const cause = ortError('failed to call OrtRun(). ERROR_CODE: 2, ERROR_MESSAGE: Got invalid dimensions', 'run', ['wasm']);
    const error = classifyError(cause, 'Inference failed', 'run');
    expect(error.cause).toBe(cause);
    expect(error.message).toMatch(/^Inference failed \(the model could not process this input\): failed to call OrtRun/);
  });
});
