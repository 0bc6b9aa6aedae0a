/**
 * Row decoding: from a compiled statement's result columns (label + SqlType), a decoder
 * that normalises the raw values every driver delivers into each type's TypeScript value
 * (see notes/CONVENTIONS.md). Decoding is in place and touches only values whose raw form
 * needs converting (rows whose columns the SQL returns under positional aliases are replaced,
 * in the batch array, by rows keyed by the labels); a value that does not fit is reported by an io-ts codec derived from
 * the same columns, as a `DecodeError` with the row index.
 *
 * @category effects
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { SqlType } from '../algebra/SqlType.js'
import type { ResultColumn } from '../compile/Compiled.js'
import type { DbError } from './DbError.js'
import type { RawRow } from './Driver.js'

const FAIL: unique symbol = Symbol('athanor.decode.fail')
type Fail = typeof FAIL
type Convert = (v: unknown) => unknown

// ---------------------------------------------------------------- conversions

const numericText = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/

const toNumber: Convert = (v) => {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : FAIL
  if (typeof v === 'string') {
    if (numericText.test(v)) return Number(v)
    if (v === 'NaN') return NaN
    if (v === 'Infinity' || v === '-Infinity') return Number(v)
  }
  return FAIL
}

const toBigInt: Convert = (v) => {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : FAIL
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return BigInt(v.trim())
  return FAIL
}

const toNumeric: Convert = (v) => {
  if (typeof v === 'string') return numericText.test(v) || v === 'NaN' ? v.trim() : FAIL
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : FAIL
  if (typeof v === 'bigint') return String(v)
  return FAIL
}

const toBoolean: Convert = (v) => {
  switch (v) {
    case true:
    case 1:
    case 1n:
    case '1':
    case 't':
    case 'true':
      return true
    case false:
    case 0:
    case 0n:
    case '0':
    case 'f':
    case 'false':
      return false
    default:
      return FAIL
  }
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})/

const toDateString: Convert = (v) => {
  if (typeof v === 'string') {
    const m = isoDate.exec(v)
    return m !== null && (v.length === 10 || v[10] === ' ' || v[10] === 'T') ? v.slice(0, 10) : FAIL
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? FAIL : v.toISOString().slice(0, 10)
  return FAIL
}

const timeText = /^-?\d{2,3}:\d{2}(:\d{2}(\.\d+)?)?/

/**
 * Time text in canonical form `HH:MM:SS[.f]`: seconds always present, the fraction without
 * trailing zeros and without the dot when it is zero (MariaDB's TIME(6) pads it to 6 digits,
 * SQLite returns what was stored). @internal
 */
export const canonicalTime = (v: string): string => {
  const s = v.length === 5 ? v + ':00' : v
  const dot = s.indexOf('.')
  if (dot < 0) return s
  let end = s.length
  for (let i = dot + 1; i < end; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return s
  }
  while (end > dot + 1 && s.charCodeAt(end - 1) === 48) end--
  return end === dot + 1 ? s.slice(0, dot) : s.slice(0, end)
}

const toTimeString: Convert = (v) => (typeof v === 'string' && timeText.test(v) ? canonicalTime(v) : FAIL)

const timestampText =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/

/** Two decimal digits at `i`, or -1 when either is not a digit (one check per digit, no loop). */
const two = (s: string, i: number): number => {
  const a = s.charCodeAt(i) - 48
  const b = s.charCodeAt(i + 1) - 48
  return a >>> 0 <= 9 && b >>> 0 <= 9 ? a * 10 + b : -1
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
const daysFromCivil = (y: number, m: number, d: number): number => {
  const yy = m <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** `YYYY-MM-DD HH:MM:SS[.mmm]` (or with `T`), the form every driver here returns, parsed without regex or Date.UTC. */
const parseCanonical = (s: string): Date | undefined => {
  const n = s.length
  // 'YYYY-MM-DD HH:MM:SS', optionally '.' and 1 to 9 fraction digits (MariaDB DATETIME(6), pg text).
  if ((n !== 19 && (n < 21 || n > 29)) || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58)
    return undefined
  const sep = s.charCodeAt(10)
  if (sep !== 32 && sep !== 84) return undefined
  if (n > 19 && s.charCodeAt(19) !== 46) return undefined
  const y1 = two(s, 0)
  const y2 = two(s, 2)
  const y = y1 < 0 || y2 < 0 ? -1 : y1 * 100 + y2
  const mo = two(s, 5)
  const d = two(s, 8)
  const h = two(s, 11)
  const mi = two(s, 14)
  const sec = two(s, 17)
  let ms = 0
  for (let i = 20; i < n; i++) {
    const digit = s.charCodeAt(i) - 48
    if (digit >>> 0 > 9) return undefined
    // Milliseconds are the first three digits (truncated, as the general parser does).
    if (i < 23) ms = ms * 10 + digit
  }
  if (n > 19 && n < 23) ms *= n === 21 ? 100 : 10
  if (h < 0 || mi < 0 || sec < 0) return undefined
  if (!(y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && h <= 23 && mi <= 59 && sec <= 59)) return undefined
  const leap = mo === 2 && (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))
  if (d > monthDays[mo - 1] + (leap ? 1 : 0)) return undefined
  return new Date(daysFromCivil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms)
}

/** Parses SQL timestamp text; text without a zone is UTC. @internal */
export const parseTimestamp = (s: string): Date | undefined => {
  const fast = parseCanonical(s)
  if (fast !== undefined) return fast
  const m = timestampText.exec(s.trim())
  if (m === null) return undefined
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m
  const ms = Number((frac + '000').slice(0, 3))
  const date = new Date(Date.UTC(2000, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms))
  date.setUTCFullYear(Number(y))
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59)
    return undefined
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1
    const digits = zone.slice(1).replaceAll(':', '')
    const offset = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60 + Number(digits.slice(4, 6) || '0')
    return new Date(date.getTime() - sign * offset * 1000)
  }
  return date
}

const toTimestamp: Convert = (v) => {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? FAIL : v
  if (typeof v === 'string') return parseTimestamp(v) ?? FAIL
  return FAIL
}

const toJson: Convert = (v) => {
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as unknown
    } catch {
      return FAIL
    }
  }
  if (typeof v === 'number' || typeof v === 'boolean') return v
  if (typeof v === 'bigint') return toNumber(v)
  if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) return v
  return FAIL
}

const toBinary: Convert = (v) => {
  if (v instanceof Uint8Array) return v
  if (v instanceof ArrayBuffer) return new Uint8Array(v)
  if (typeof v === 'string' && /^\\x([0-9a-fA-F]{2})*$/.test(v)) return Buffer.from(v.slice(2), 'hex')
  return FAIL
}

const toText: Convert = (v) => (typeof v === 'string' ? v : FAIL)

interface Rule {
  /** A JS expression over `v` that is true when the raw value is already in final form. */
  readonly accept: string
  readonly convert: Convert
  readonly expected: string
}

const ruleFor = (type: SqlType): Rule => {
  switch (type._tag) {
    case 'Integer':
    case 'SmallInt':
    case 'Real':
    case 'Double':
      return { accept: 'typeof v === "number"', convert: toNumber, expected: 'number' }
    case 'BigInt':
      return { accept: 'typeof v === "bigint"', convert: toBigInt, expected: 'bigint' }
    case 'Numeric':
      return { accept: 'typeof v === "string"', convert: toNumeric, expected: 'decimal string' }
    case 'Boolean':
      return { accept: 'typeof v === "boolean"', convert: toBoolean, expected: 'boolean' }
    case 'Date':
      return { accept: 'typeof v === "string" && v.length === 10', convert: toDateString, expected: 'YYYY-MM-DD' }
    case 'Time':
      return { accept: 'typeof v === "string" && v.length === 8', convert: toTimeString, expected: 'HH:MM:SS' }
    case 'Timestamp':
      return { accept: 'v instanceof Date && v.getTime() === v.getTime()', convert: toTimestamp, expected: 'timestamp' }
    case 'Json':
      return { accept: 'false', convert: toJson, expected: 'JSON' }
    case 'Binary':
      return { accept: 'v instanceof Uint8Array', convert: toBinary, expected: 'binary' }
    case 'Enum': {
      const members = new Set(type.values)
      return {
        accept: 'false',
        convert: (v) => (typeof v === 'string' && members.has(v) ? v : FAIL),
        expected: `one of ${type.values.map((x) => JSON.stringify(x)).join(' | ')}`,
      }
    }
    case 'Varchar':
    case 'Text':
    case 'Uuid':
      return { accept: 'typeof v === "string"', convert: toText, expected: 'string' }
  }
}

// ---------------------------------------------------------------- io-ts codecs

/**
 * The io-ts codec of one column type: accepts every raw form of the type (and null) and
 * decodes it to the type's TypeScript value.
 *
 * @category effects
 */
export const columnCodec = (type: SqlType): t.Type<unknown, unknown, unknown> => {
  const rule = ruleFor(type)
  return new t.Type<unknown, unknown, unknown>(
    `${type._tag} (${rule.expected}) | null`,
    (u): u is unknown => u === null || rule.convert(u) === u,
    (u, c) => {
      if (u === null) return t.success(null)
      const r = rule.convert(u)
      return r === FAIL ? t.failure(u, c) : t.success(r)
    },
    (a) => a,
  )
}

/** The io-ts codec of a whole row: one {@link columnCodec} per typed column. @category effects */
export const rowCodec = (columns: ReadonlyArray<ResultColumn>): t.Type<RawRow, RawRow, unknown> => {
  const props: Record<string, t.Type<unknown, unknown, unknown>> = {}
  for (const c of columns) props[c.name] = c.type === undefined ? t.unknown : columnCodec(c.type)
  return t.type(props) as unknown as t.Type<RawRow, RawRow, unknown>
}

// ---------------------------------------------------------------- the fast decoder

/**
 * Decodes a batch of raw rows in place. `startIndex` is the index of `rows[0]` in the whole
 * result, for error reports.
 *
 * @category effects
 */
export type RowsDecoder = (rows: ReadonlyArray<RawRow>, startIndex?: number) => E.Either<DbError, ReadonlyArray<RawRow>>

const identityDecoder: RowsDecoder = (rows) => E.right(rows)

/**
 * For columns the SQL returns under another alias (`ResultColumn.source`): replaces each row of
 * the batch, in the array, by a fresh object keyed by the labels (in the row's key order).
 * Properties are created, never assigned through a setter, so a label `__proto__` is an own
 * property. `undefined` when no column is renamed (rows are then decoded as they are).
 */
const renamer = (columns: ReadonlyArray<ResultColumn>): ((rows: ReadonlyArray<RawRow>) => void) | undefined => {
  let names: Map<string, string> | undefined
  for (const c of columns) if (c.source !== undefined) (names ??= new Map()).set(c.source, c.name)
  if (names === undefined) return undefined
  const to = names
  return (rows) => {
    const out = rows as RawRow[]
    for (let i = 0, n = out.length; i < n; i++) {
      const r = out[i]
      const fresh: Record<string, unknown> = {}
      for (const k of Object.keys(r)) {
        const name = to.get(k) ?? k
        if (name === '__proto__') Object.defineProperty(fresh, name, { value: r[k], writable: true, enumerable: true, configurable: true })
        else fresh[name] = r[k]
      }
      out[i] = fresh
    }
  }
}

const build = (columns: ReadonlyArray<ResultColumn>): RowsDecoder => {
  const rename = renamer(columns)
  const seen = new Set<string>()
  const typed: Array<{ readonly name: string; readonly rule: Rule }> = []
  for (const c of columns) {
    if (c.type === undefined || seen.has(c.name)) continue
    seen.add(c.name)
    typed.push({ name: c.name, rule: ruleFor(c.type) })
  }
  if (typed.length === 0)
    return rename === undefined
      ? identityDecoder
      : (rows) => {
          rename(rows)
          return E.right(rows)
        }
  // Generated code: one inlined typeof check per column, monomorphic property access.
  const body = typed
    .map(
      ({ name, rule }, i) =>
        `v = r[${JSON.stringify(name)}]; if (!(${rule.accept}) && v !== null) { v = c${i}(v); if (v === FAIL) return i; r[${JSON.stringify(name)}] = v; }`,
    )
    .join('\n      ')
  const source = `"use strict";
  return function decodeRows(rows) {
    for (let i = 0, n = rows.length; i < n; i++) {
      const r = rows[i]; let v;
      ${body}
    }
    return -1;
  }`
  const names = typed.map((_, i) => `c${i}`)
  const factory = new Function('FAIL', ...names, source) as (fail: Fail, ...cs: ReadonlyArray<Convert>) => (rows: ReadonlyArray<RawRow>) => number
  const run = factory(FAIL, ...typed.map((x) => x.rule.convert))
  let codec: t.Type<RawRow, RawRow, unknown> | undefined
  return (rows, startIndex = 0) => {
    if (rename !== undefined) rename(rows)
    const bad = run(rows)
    if (bad < 0) return E.right(rows)
    codec ??= rowCodec(columns)
    const result = codec.decode(rows[bad])
    const errors = E.isLeft(result) ? result.left : []
    const index = startIndex + bad
    return E.left({
      _tag: 'DecodeError',
      message: `row ${index}: ${report(errors)}`,
      errors,
      rowIndex: index,
    })
  }
}

const show = (v: unknown): string => {
  if (typeof v === 'bigint') return `${v}n`
  if (v === undefined) return 'undefined (column missing from the row)'
  if (v instanceof Uint8Array) return `<${v.length} bytes>`
  if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()})`
  try {
    const s = JSON.stringify(v)
    return s === undefined ? String(v) : s.length > 80 ? s.slice(0, 80) + '…' : s
  } catch {
    return String(v)
  }
}

/** io-ts errors as text: `column "ok": expected Boolean (boolean) | null, got "maybe"`. */
const report = (errors: t.Errors): string =>
  errors
    .map((e) => {
      const last = e.context[e.context.length - 1]
      const key = e.context.length > 1 ? e.context[1].key : ''
      return `column ${JSON.stringify(key)}: expected ${last?.type.name ?? '?'}, got ${show(e.value)}`
    })
    .join('; ')

const cache = new WeakMap<ReadonlyArray<ResultColumn>, RowsDecoder>()

/**
 * The decoder for a list of result columns, memoised on the array's identity (the
 * compiler's cache hands back the same array for a repeated statement shape).
 *
 * @category effects
 */
export const decoderFor = (columns: ReadonlyArray<ResultColumn>): RowsDecoder => {
  if (columns.length === 0) return identityDecoder
  let d = cache.get(columns)
  if (d === undefined) {
    d = build(columns)
    cache.set(columns, d)
  }
  return d
}

/**
 * Decodes raw rows for the given columns, in place; `Left(DecodeError)` names the row.
 *
 * @category effects
 */
export const decodeRows = <R>(
  columns: ReadonlyArray<ResultColumn>,
  rows: ReadonlyArray<RawRow>,
  startIndex = 0,
): E.Either<DbError, ReadonlyArray<R>> => decoderFor(columns)(rows, startIndex) as E.Either<DbError, ReadonlyArray<R>>

/** True when a column list asks for exact 64-bit integers (drivers enable safe integers). @category effects */
export const wantsBigInt = (columns: ReadonlyArray<ResultColumn>): boolean => {
  for (const c of columns) if (c.type?._tag === 'BigInt') return true
  return false
}
