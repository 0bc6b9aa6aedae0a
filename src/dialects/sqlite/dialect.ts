/**
 * The SQLite dialect (3.39+, as bundled by better-sqlite3): double-quoted identifiers, `?`
 * placeholders, booleans as 1/0, timestamps as UTC text, RETURNING, ON CONFLICT upserts,
 * UPDATE … FROM; no row locks, no LATERAL, no DISTINCT ON, no INTERSECT/EXCEPT ALL.
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

const encodeParam = (value: unknown, type: SqlType | undefined): unknown => {
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
    returning: true,
    fullJoin: true,
    rightJoin: true,
    distinctOn: false,
    ilike: false,
    intersectExcept: true,
    intersectExceptAll: false,
    rowLocks: false,
    nullsOrdering: true,
    aggregateFilter: true,
    isDistinctFrom: false,
    onConflict: true,
    onDuplicateKey: false,
    updateFrom: true,
    deleteUsing: false,
    multiTableDml: false,
    lateral: false,
    nativeEnum: false,
    transactionalDdl: true,
    maxParams: 32766,
    jsonAggregate: { array: 'json_array', arrayAgg: 'json_group_array' },
    parenthesizedSetOperands: false,
    lockOf: false,
    dropCascade: false,
    createIndexIfNotExists: true,
    dropIndexOnTable: false,
    inlineEnum: false,
    rowidPrimaryKey: true,
    literalDefaultOnLob: true,
    insertDefaultValues: true,
    withBeforeInsert: true,
    windowGroups: true,
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
