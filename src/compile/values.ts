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
const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
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
  // Fast acceptance of the common cases; everything else (and every message) below.
  if (type !== undefined)
    switch (type._tag) {
      case 'Varchar':
      case 'Text':
        if (typeof value === 'string') return undefined
        break
      case 'Integer':
        if (typeof value === 'number' && Number.isSafeInteger(value) && (value >= 0 || type !== LIMIT_TYPE)) return undefined
        break
      case 'Boolean':
        if (typeof value === 'boolean') return undefined
        break
      case 'Real':
      case 'Double':
        if (typeof value === 'number' && Number.isFinite(value)) return undefined
        break
      case 'Timestamp':
        if (value instanceof Date && !Number.isNaN(value.getTime())) return undefined
        break
    }
  return paramProblem(value, type)
}

const paramProblem = (value: unknown, type: SqlType | undefined): string | undefined => {
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
    case 'Uuid':
      if (t !== 'string') return wrongType(type, value, 'a string')
      return UUID_TEXT.test(value as string) ? undefined : `a Uuid parameter needs 8-4-4-4-12 hex digits, got '${String(value)}'`
    case 'Varchar':
    case 'Text':
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

const PAD2 = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + String(i))
/** `HH:MM` of every minute of a day; `:SS` of every second; `.sss` of every millisecond. */
const HOUR_MINUTE = Array.from({ length: 1440 }, (_, i) => PAD2[(i / 60) | 0] + ':' + PAD2[i % 60])
const COLON_SECOND = PAD2.slice(0, 60).map((s) => ':' + s)
const DOT_MILLI = Array.from({ length: 1000 }, (_, i) => (i < 10 ? '.00' : i < 100 ? '.0' : '.') + String(i))
const MS_PER_DAY = 86_400_000
/** Years 1000-9999 as milliseconds since the epoch: the range the fast formatter handles. */
const FAST_MIN = -30_610_224_000_000
const FAST_MAX = 253_402_300_799_999

/** The last day formatted (days since the epoch), its separator and text: timestamps cluster in time. */
let cachedDay = NaN
let cachedSep = ''
let cachedDayText = ''

/** `YYYY-MM-DD` + `sep` of a day number (days since 1970-01-01) by Howard Hinnant's civil_from_days. */
const dayText = (days: number, sep: string): string => {
  if (days === cachedDay && sep === cachedSep) return cachedDayText
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  const text = PAD2[(year / 100) | 0] + PAD2[year % 100] + '-' + PAD2[month] + '-' + PAD2[day] + sep
  cachedDay = days
  cachedSep = sep
  cachedDayText = text
  return text
}

/**
 * `YYYY-MM-DD` + `sep` + `HH:MM:SS.sss` of a valid Date in UTC, by integer arithmetic and
 * table lookups (the day's text is reused while consecutive Dates fall on the same day);
 * outside years 1000-9999, from `toISOString`. `withTime` false: the date only.
 */
const utcText = (d: Date, sep: string, withTime: boolean, suffix: string): string => {
  const t = d.getTime()
  if (!(t >= FAST_MIN && t <= FAST_MAX)) {
    const iso = d.toISOString()
    const t = iso.indexOf('T')
    return withTime ? iso.slice(0, t) + sep + iso.slice(t + 1, t + 13) + suffix : iso.slice(0, t)
  }
  const days = Math.floor(t / MS_PER_DAY)
  if (!withTime) return dayText(days, '')
  const date = dayText(days, sep)
  let ms = t - days * MS_PER_DAY
  const minute = (ms / 60_000) | 0
  ms -= minute * 60_000
  const sec = (ms / 1000) | 0
  return date + HOUR_MINUTE[minute] + COLON_SECOND[sec] + DOT_MILLI[ms - sec * 1000] + suffix
}

/**
 * A Date as UTC text `YYYY-MM-DD HH:MM:SS.sss` (SQLite and MySQL timestamps).
 *
 * @category compile
 */
export const utcDateTimeText = (d: Date): string => utcText(d, ' ', true, '')

/** A Date as `toISOString` writes it (`YYYY-MM-DDTHH:MM:SS.sssZ`), faster. @category compile */
export const isoText = (d: Date): string => utcText(d, 'T', true, 'Z')

/** A Date as its UTC calendar day `YYYY-MM-DD`. @category compile */
export const utcDateText = (d: Date): string => utcText(d, '', false, '')

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
