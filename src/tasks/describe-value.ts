/**
 * `describeValue`, apart from the other checks of `validate.ts` so that the main entry, which
 * only needs it for task ids, does not carry them.
 * @module
 */

/**
 * A short description of a value for error messages.
 * @example
 * describeValue(null); // 'null'
 * describeValue([1]);  // 'an array'
 * describeValue(3);    // 'a number (3)'
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? 'a string' : `a string (${JSON.stringify(value)})`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `a ${typeof value} (${String(value)})`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
