/**
 * Parameter values: validation before encoding, shared text forms of dates, and SQL literals
 * for DDL (which cannot take bound parameters).
 *
 * @category compile
 */
import type { SqlType } from '../algebra/SqlType.js'
import type { Dialect } from './Dialect.js'

const I64_MIN = -(2n ** 63n)
const I64_MAX = 2n ** 63n - 1n
const NUMERIC_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** The type given to LIMIT/OFFSET parameters: a non-negative safe integer. @internal */
export const LIMIT_TYPE: SqlType = { _tag: 'Integer' }

const describe = (v: unknown): string =>
  v === null ? 'null' : v instanceof Date ? 'Date' : v instanceof Uint8Array ? 'Uint8Array' : Array.isArray(v) ? 'array' : typeof v

const finite = (v: number): string | undefined => (Number.isFinite(v) ? undefined : `cannot bind ${String(v)}: only finite numbers can be bound`)

const jsonProblem = (v: unknown, seen: Set<object>, depth: number): string | undefined => {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : `JSON value contains ${String(v)}`
  if (typeof v !== 'object') return `JSON value contains a ${typeof v}`
  if (depth > 512) return 'JSON value is nested too deeply'
  if (seen.has(v)) return 'JSON value is cyclic'
  if (v instanceof Date || v instanceof Uint8Array) return `JSON value contains a ${describe(v)}`
  seen.add(v)
  if (Array.isArray(v)) {
    for (const x of v) {
      const p = jsonProblem(x, seen, depth + 1)
      if (p !== undefined) return p
    }
  } else {
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k]
      if (x === undefined) continue
      const p = jsonProblem(x, seen, depth + 1)
      if (p !== undefined) return p
    }
  }
  seen.delete(v)
  return undefined
}

const wrongType = (type: SqlType, v: unknown, expected: string): string =>
  `a ${type._tag} parameter needs ${expected}, got ${describe(v)}`

/**
 * Why `value` cannot be bound as a parameter of `type`, or `undefined` when it can.
 * `null`/`undefined` always bind as NULL.
 *
 * @category compile
 */
export const checkParam = (value: unknown, type: SqlType | undefined): string | undefined => {
  if (value === null || value === undefined) return undefined
  const t = typeof value
  if (t === 'number' && !Number.isFinite(value as number)) return finite(value as number)
  if (t === 'bigint' && ((value as bigint) < I64_MIN || (value as bigint) > I64_MAX))
    return `cannot bind ${String(value)}n: outside the signed 64-bit range`
  if (type === undefined) {
    if (t === 'number' || t === 'string' || t === 'boolean' || t === 'bigint' || value instanceof Uint8Array) return undefined
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'cannot bind an invalid Date' : undefined
    return `cannot bind a value of type ${describe(value)} without a SQL type (give the parameter a type, e.g. json)`
  }
  switch (type._tag) {
    case 'Integer':
    case 'SmallInt':
      if (t !== 'number') return wrongType(type, value, 'a number')
      if (!Number.isSafeInteger(value)) return `a ${type._tag} parameter needs a safe integer, got ${String(value)}`
      if (type === LIMIT_TYPE && (value as number) < 0) return `LIMIT/OFFSET needs a non-negative integer, got ${String(value)}`
      return undefined
    case 'BigInt':
      if (t === 'bigint') return undefined
      if (t === 'number') return Number.isSafeInteger(value) ? undefined : `a BigInt parameter needs an integer, got ${String(value)}`
      if (t === 'string') return /^[+-]?\d+$/.test(value as string) && BigInt(value as string) >= I64_MIN && BigInt(value as string) <= I64_MAX ? undefined : `a BigInt parameter needs a 64-bit integer, got '${String(value)}'`
      return wrongType(type, value, 'a bigint')
    case 'Real':
    case 'Double':
      return t === 'number' ? undefined : wrongType(type, value, 'a number')
    case 'Numeric':
      if (t === 'number' || t === 'bigint') return undefined
      if (t === 'string') return NUMERIC_TEXT.test(value as string) ? undefined : `a Numeric parameter needs decimal text, got '${String(value)}'`
      return wrongType(type, value, 'a decimal string')
    case 'Varchar':
    case 'Text':
    case 'Uuid':
    case 'Time':
      return t === 'string' ? undefined : wrongType(type, value, 'a string')
    case 'Date':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'cannot bind an invalid Date' : undefined
      return t === 'string' ? undefined : wrongType(type, value, "a 'YYYY-MM-DD' string")
    case 'Enum':
      if (t !== 'string') return wrongType(type, value, 'a string')
      return type.values.includes(value as string) ? undefined : `'${String(value)}' is not a member of enum ${type.name} (${type.values.join(', ')})`
    case 'Boolean':
      return t === 'boolean' ? undefined : wrongType(type, value, 'a boolean')
    case 'Timestamp':
      if (!(value instanceof Date)) return wrongType(type, value, 'a Date')
      return Number.isNaN(value.getTime()) ? 'cannot bind an invalid Date' : undefined
    case 'Json':
      return jsonProblem(value, new Set(), 0)
    case 'Binary':
      return value instanceof Uint8Array ? undefined : wrongType(type, value, 'a Uint8Array')
  }
}

/**
 * A Date as UTC text `YYYY-MM-DD HH:MM:SS.sss` (SQLite and MySQL timestamps).
 *
 * @category compile
 */
export const utcDateTimeText = (d: Date): string => {
  const iso = d.toISOString()
  return iso.slice(0, 10) + ' ' + iso.slice(11, 23)
}

/** A Date as its UTC calendar day `YYYY-MM-DD`. @category compile */
export const utcDateText = (d: Date): string => d.toISOString().slice(0, 10)

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Hex digits of bytes. @category compile */
export const toHex = (b: Uint8Array): string => {
  let s = ''
  for (let i = 0; i < b.length; i++) s += HEX[b[i]]
  return s
}

/**
 * A SQL literal for an already-validated value (DDL defaults and CHECK expressions): the value
 * is first encoded as a parameter would be, then written with the dialect's literal syntax.
 * Returns `undefined` for values that have no literal form.
 *
 * @category compile
 */
export const literal = (d: Dialect, value: unknown, type: SqlType | undefined): string | undefined => {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'bigint') return String(value)
  const v = d.encodeParam(value, type)
  if (v === null || v === undefined) return 'NULL'
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : undefined
    case 'bigint':
      return String(v)
    case 'boolean':
      return d.booleanLiteral(v)
    case 'string':
      return v.includes('\u0000') ? undefined : d.stringLiteral(v)
    default:
      if (v instanceof Uint8Array) return d.binaryLiteral(toHex(v))
      if (v instanceof Date) return d.stringLiteral(utcDateTimeText(v))
      return undefined
  }
}
