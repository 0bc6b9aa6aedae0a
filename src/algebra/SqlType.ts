/**
 * Column types: descriptors of SQL types, and the TypeScript value each one holds.
 *
 * @category schema
 */

/** A JSON document as stored in a `json` column. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json }

/**
 * A SQL type. Dialects map each case to their own type name; decoders map driver values
 * back to the case's TypeScript value ({@link ValueOf}).
 *
 * @category schema
 */
export type SqlType =
  | { readonly _tag: 'Integer' }
  | { readonly _tag: 'BigInt' }
  | { readonly _tag: 'SmallInt' }
  | { readonly _tag: 'Real' }
  | { readonly _tag: 'Double' }
  | { readonly _tag: 'Numeric'; readonly precision?: number; readonly scale?: number }
  | { readonly _tag: 'Varchar'; readonly length?: number }
  | { readonly _tag: 'Text' }
  | { readonly _tag: 'Boolean' }
  | { readonly _tag: 'Date' }
  | { readonly _tag: 'Time' }
  | { readonly _tag: 'Timestamp'; readonly withTimeZone: boolean }
  | { readonly _tag: 'Json' }
  | { readonly _tag: 'Enum'; readonly name: string; readonly values: ReadonlyArray<string> }
  | { readonly _tag: 'Binary'; readonly length?: number }
  | { readonly _tag: 'Uuid' }

/** The `_tag` of a {@link SqlType}. */
export type SqlTypeTag = SqlType['_tag']

/**
 * The TypeScript value a column of type `T` holds.
 *
 * - integer, smallint, real, double: `number`; bigint: `bigint` (exact beyond 2^53);
 * - numeric: `string`, the exact decimal text (no float rounding);
 * - date: `'YYYY-MM-DD'` string; time: `'HH:MM:SS[.ffffff]'` string (no time-zone shift);
 * - timestamp: `Date` (a timestamp without time zone is read and written as UTC);
 * - json: {@link Json}; binary: `Uint8Array`; uuid, varchar, text: `string`.
 */
export type ValueOf<T extends SqlType> = T extends { readonly _tag: 'Integer' | 'SmallInt' | 'Real' | 'Double' }
  ? number
  : T extends { readonly _tag: 'BigInt' }
    ? bigint
    : T extends { readonly _tag: 'Boolean' }
      ? boolean
      : T extends { readonly _tag: 'Timestamp' }
        ? Date
        : T extends { readonly _tag: 'Json' }
          ? Json
          : T extends { readonly _tag: 'Binary' }
            ? Uint8Array
            : string

/** Type constructors, used by column builders and by `cast`. @category schema */
export const types = {
  integer: { _tag: 'Integer' } as const,
  bigint: { _tag: 'BigInt' } as const,
  smallint: { _tag: 'SmallInt' } as const,
  real: { _tag: 'Real' } as const,
  double: { _tag: 'Double' } as const,
  numeric: (precision?: number, scale?: number) => ({ _tag: 'Numeric', precision, scale }) as const,
  varchar: (length?: number) => ({ _tag: 'Varchar', length }) as const,
  text: { _tag: 'Text' } as const,
  boolean: { _tag: 'Boolean' } as const,
  date: { _tag: 'Date' } as const,
  time: { _tag: 'Time' } as const,
  timestamp: (withTimeZone = false) => ({ _tag: 'Timestamp', withTimeZone }) as const,
  json: { _tag: 'Json' } as const,
  enum: <const V extends ReadonlyArray<string>>(name: string, values: V) => ({ _tag: 'Enum', name, values }) as const,
  binary: (length?: number) => ({ _tag: 'Binary', length }) as const,
  uuid: { _tag: 'Uuid' } as const,
}
