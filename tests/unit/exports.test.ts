/**
 * Guards the public runtime surface: everything else `inpage` offers is a type. A new runtime
 * export is an API decision, so it has to change this list on purpose.
 */
import { describe, expect, it } from 'vitest';
import * as inpage from '../../src/index.ts';
import * as inpageVite from '../../src/vite.ts';

describe('public exports', () => {
  it('inpage exports exactly createClient, InpageError, isInpageError, errorCodes, errorPolicies and the limits at run time', () => {
    expect(Object.keys(inpage).sort()).toEqual([
      'InpageError',
      'MAX_CHARS_PER_INFERENCE',
      'MAX_ITEMS_PER_INFERENCE',
      'MAX_NEW_TOKENS',
      'createClient',
      'errorCodes',
      'errorPolicies',
      'isInpageError',
    ]);
  });

  it('inpage/vite exports the plugin and its header values', () => {
    expect(Object.keys(inpageVite).sort()).toEqual(['immutableCacheControl', 'inpage', 'isolationHeaders', 'runtimeFilePattern']);
  });
});
