/**
 * Type-level test of the dtype list. Only type-checked (`npm run typecheck`), never run: it fails
 * to compile when inpage's `dtypes` and transformers.js's exported `DataType` differ in any member.
 * @module
 */
/* eslint-disable @typescript-eslint/no-unused-vars -- the checked values exist only for their types */
import type { DataType } from '@huggingface/transformers';
import type { Dtype, dtypes } from '../../src/types.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

type DtypeIsDataType = Expect<Equal<Dtype, DataType>>;
type ListIsDataType = Expect<Equal<(typeof dtypes)[number], DataType>>;
