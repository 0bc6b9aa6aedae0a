/**
 * The SQLite dialect (3.39+, as bundled by better-sqlite3): double-quoted identifiers, `?`
 * placeholders, booleans as 1/0, timestamps as UTC text, RETURNING, ON CONFLICT upserts,
 * UPDATE … FROM; no row locks, no LATERAL, no DISTINCT ON, no INTERSECT/EXCEPT ALL.
 *
 * Ordered aggregates (`json_group_array(x ORDER BY y)`) need SQLite 3.44+ (better-sqlite3 12
 * bundles 3.5x).
 *
 * Limitations (documented, not emulated):
 * - `ilike` is `LOWER(a) LIKE LOWER(b)`, and SQLite's LOWER (like LIKE's own case folding) is
 *   ASCII-only: 'ÉCOLE' does not match 'école' (PostgreSQL and MariaDB fold every letter).
 * - `numeric(p, s)` wider than 15 digits (or unbounded) is stored as exact text and so
 *   compares as text (see `typeName`).
 *
 * Transactions: SQLite is always serializable. `begin(undefined)` is `BEGIN` (deferred); asking
 * for REPEATABLE READ or SERIALIZABLE gives `BEGIN IMMEDIATE` (takes the write lock at once, so
 * the transaction cannot fail later with SQLITE_BUSY on lock upgrade); READ (UN)COMMITTED give
 * plain `BEGIN`.
 *
 * @category dialects
 */
import type { SqlType } from '../../algebra/SqlType.js'
import { ansi, ansiCapabilities, ansiEncodeParam, ansiTypeName, quoteWith, transactionSql } from '../../compile/ansi.js'
import type { Dialect } from '../../compile/Dialect.js'
import { utcDateText, utcDateTimeText } from '../../compile/values.js'

const quote = quoteWith('"')

/** Significant digits a REAL keeps exactly (what NUMERIC affinity converts decimal text to). */
const EXACT_REAL_DIGITS = 15

/**
 * Type names. Numeric needs care: a NUMERIC column has NUMERIC affinity, which turns decimal
 * text into a REAL (15 significant digits). `numeric(p, s)` with p <= 15 keeps NUMERIC (exact
 * within a double, compares and sorts as a number); wider or unbounded numerics are declared
 * `DECIMAL TEXT(p, s)`, which has TEXT affinity: the decimal text is stored and read back
 * exactly, but SQLite then compares and sorts such a column as text ('10' < '9') and SUM/AVG
 * over it compute in floating point. Cast to REAL for numeric comparisons there.
 */
const typeName = (type: SqlType, context: 'ddl' | 'cast'): string => {
  if (context === 'cast') {
    switch (type._tag) {
      case 'Integer':
      case 'BigInt':
      case 'SmallInt':
      case 'Boolean':
        return 'INTEGER'
      case 'Real':
      case 'Double':
        return 'REAL'
      case 'Numeric':
        return 'NUMERIC'
      case 'Binary':
        return 'BLOB'
      default:
        return 'TEXT'
    }
  }
  switch (type._tag) {
    case 'Boolean':
      return 'INTEGER'
    case 'Numeric':
      return type.precision !== undefined && type.precision <= EXACT_REAL_DIGITS
        ? ansiTypeName(type, quote)
        : 'DECIMAL TEXT' + (type.precision === undefined ? '' : '(' + String(type.precision) + (type.scale === undefined ? '' : ', ' + String(type.scale)) + ')')
    case 'Timestamp':
    case 'Json':
    case 'Enum':
    case 'Uuid':
      return 'TEXT'
    case 'Binary':
      return 'BLOB'
    default:
      return ansiTypeName(type, quote)
  }
}

/**
 * Integers are bound as bigint: better-sqlite3 binds every JS number as a REAL, which would
 * make `intColumn / 7` a float division and store `5` in a TEXT column as `'5.0'`. Typed
 * Real/Double/Numeric numbers stay REAL. (Results are unaffected: a statement reads bigints
 * only when one of its result columns is BigInt.)
 */
const encodeParam = (value: unknown, type: SqlType | undefined): unknown => {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return value
    if (type === undefined) return BigInt(value)
    const tag = type._tag
    return tag === 'Integer' || tag === 'SmallInt' || tag === 'BigInt' ? BigInt(value) : ansiEncodeParam(value, type)
  }
  if (type !== undefined && (type._tag === 'Json' || type._tag === 'Uuid')) return ansiEncodeParam(value, type)
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return type !== undefined && type._tag === 'Date' ? utcDateText(value) : utcDateTimeText(value)
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  if (typeof value === 'string' && type !== undefined && type._tag === 'BigInt') return BigInt(value)
  return ansiEncodeParam(value, type)
}

/**
 * The SQLite dialect record.
 *
 * @example
 * compile(sqlite)(pipe(select({ id: users.c.id }), from(users), offset(5)))
 * // SELECT "users"."id" AS "id" FROM "users" LIMIT -1 OFFSET ?
 * @category dialects
 */
export const sqlite: Dialect = {
  ...ansi,
  name: 'sqlite',
  capabilities: {
    ...ansiCapabilities,
    intersectExceptAll: false,
    rowLocks: false,
    isDistinctFrom: false,
    onConflict: true,
    updateFrom: true,
    lateral: false,
    transactionalDdl: true,
    maxParams: 32766,
    jsonAggregate: {
      array: 'json_array',
      arrayAgg: 'json_group_array',
      // A BLOB is an error in JSON. Numeric stays a value: exact numerics are stored as TEXT
      // (JSON strings already) and narrower ones as REALs, which JSON writes round-trip exactly,
      // as the driver reads them (their text cast would be `1.234e-05`).
      carriers: { BigInt: 'text', Json: 'text', Binary: 'hex' },
    },
    parenthesizedSetOperands: false,
    lockOf: false,
    dropCascade: false,
    rowidPrimaryKey: true,
    defaultInValues: false,
  },
  quoteIdent: quote,
  placeholder: () => '?',
  typeName,
  encodeParam,
  limitOffset: (l, o) =>
    l === undefined ? (o === undefined ? '' : ' LIMIT -1 OFFSET ' + o) : ' LIMIT ' + l + (o === undefined ? '' : ' OFFSET ' + o),
  booleanLiteral: (b) => (b ? '1' : '0'),
  currentTimestamp: "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
  transaction: transactionSql(quote, (iso) => (iso === 'SERIALIZABLE' || iso === 'REPEATABLE READ' ? ['BEGIN IMMEDIATE'] : ['BEGIN'])),
  isDistinct: (l, r, negated) => l + (negated ? ' IS ' : ' IS NOT ') + r,
  autoIncrementClause: '',
}
