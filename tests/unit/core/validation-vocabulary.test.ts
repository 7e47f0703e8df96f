import { describe, expect, it } from 'vitest';
import { resolveClientOptions } from '../../../src/client/client-options.ts';
import { textClassificationTask } from '../../../src/tasks/text-classification.ts';

/** The error class a function throws. */
function thrown(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return (error as Error).constructor.name;
  }
  return 'nothing';
}

describe('one validation vocabulary', () => {
  it('throws the same error class for the same mistake in client options and in task options', () => {
    // A fractional number where an integer is expected: a value out of its domain.
    expect(thrown(() => resolveClientOptions({ heartbeatMs: 1.5 }))).toBe(
      thrown(() => textClassificationTask.validate('a', { topK: 1.5 })),
    );
    expect(thrown(() => resolveClientOptions({ heartbeatMs: 1.5 }))).toBe('RangeError');
    // A string where a number is expected: the wrong type.
    expect(thrown(() => resolveClientOptions({ heartbeatMs: '5' as never }))).toBe('TypeError');
    expect(thrown(() => textClassificationTask.validate('a', { topK: '5' }))).toBe('TypeError');
  });

  it('describes the wrong value the same way', () => {
    expect(() => resolveClientOptions({ heartbeatMs: '5' as never })).toThrow('got a string ("5")');
    expect(() => textClassificationTask.validate('a', { topK: '5' })).toThrow('got a string ("5")');
  });
});
