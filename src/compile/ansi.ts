/**
 * ANSI defaults: the Dialect record every dialect spreads, overriding only what differs.
 *
 * @category compile
 */
import type { SqlType } from '../algebra/SqlType.js'
import type { Capabilities, Dialect, IsolationLevel, TransactionSql } from './Dialect.js'
import { utcDateText } from './values.js'

/** Quotes with `q`, doubling `q` inside. @category compile */
export const quoteWith =
  (q: string) =>
  (name: string): string =>
    q + (name.includes(q) ? name.split(q).join(q + q) : name) + q

/** A standard string literal: single quotes doubled. @category compile */
export const standardStringLiteral = (s: string): string => "'" + (s.includes("'") ? s.split("'").join("''") : s) + "'"

/**
 * Transaction statements with savepoint names quoted by `quoteIdent`.
 *
 * @example
 * transactionSql(quoteWith('"'), (iso) => iso ? ['BEGIN ISOLATION LEVEL ' + iso] : ['BEGIN'])
 * @category compile
 */
export const transactionSql = (
  quoteIdent: (s: string) => string,
  begin: (isolation: IsolationLevel | undefined) => ReadonlyArray<string>,
): TransactionSql => ({
  begin,
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
  savepoint: (name) => 'SAVEPOINT ' + quoteIdent(name),
  releaseSavepoint: (name) => 'RELEASE SAVEPOINT ' + quoteIdent(name),
  rollbackToSavepoint: (name) => 'ROLLBACK TO SAVEPOINT ' + quoteIdent(name),
})

/** ANSI capability defaults. @category compile */
export const ansiCapabilities: Capabilities = {
  returning: true,
  fullJoin: true,
  rightJoin: true,
  distinctOn: false,
  ilike: false,
  intersectExcept: true,
  intersectExceptAll: true,
  rowLocks: true,
  nullsOrdering: true,
  constantDistinctOffset: true,
  aggregateFilter: true,
  aggregateOrderBy: true,
  isDistinctFrom: true,
  onConflict: false,
  onDuplicateKey: false,
  updateFrom: false,
  multiTableDml: false,
  lateral: true,
  nativeEnum: false,
  transactionalDdl: false,
  maxParams: 65535,
  jsonAggregate: false,
  deleteUsing: false,
  parenthesizedSetOperands: true,
  lockOf: true,
  dropCascade: true,
  createIndexIfNotExists: true,
  dropIndexOnTable: false,
  inlineEnum: false,
  rowidPrimaryKey: false,
  literalDefaultOnLob: true,
  insertDefaultValues: true,
  withBeforeInsert: true,
  windowGroups: true,
  defaultInValues: true,
  windowLagDefault: true,
  withOnDml: true,
  limitInSubquery: true,
  insertUnnest: false,
}

const withArgs = (base: string, ...args: ReadonlyArray<number | undefined>): string => {
  const given = args.filter((a): a is number => a !== undefined)
  return given.length === 0 ? base : base + '(' + given.join(', ') + ')'
}

/** ANSI type names (used by PostgreSQL almost unchanged). @category compile */
export const ansiTypeName = (type: SqlType, quoteIdent: (s: string) => string): string => {
  switch (type._tag) {
    case 'Integer':
      return 'INTEGER'
    case 'BigInt':
      return 'BIGINT'
    case 'SmallInt':
      return 'SMALLINT'
    case 'Real':
      return 'REAL'
    case 'Double':
      return 'DOUBLE PRECISION'
    case 'Numeric':
      return withArgs('NUMERIC', type.precision, type.precision === undefined ? undefined : type.scale)
    case 'Varchar':
      return withArgs('VARCHAR', type.length)
    case 'Text':
      return 'TEXT'
    case 'Boolean':
      return 'BOOLEAN'
    case 'Date':
      return 'DATE'
    case 'Time':
      return 'TIME'
    case 'Timestamp':
      return type.withTimeZone ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP'
    case 'Json':
      return 'JSON'
    case 'Enum':
      return quoteIdent(type.name)
    case 'Binary':
      return withArgs('VARBINARY', type.length)
    case 'Uuid':
      return 'UUID'
  }
}

const quoteDouble = quoteWith('"')

/**
 * Shared parameter encoding: Date columns from Date values become `YYYY-MM-DD`, JSON is
 * stringified, uuids lowercased; everything else passes through. Dialects call it first for
 * typed values (so a JSON `true` is `'true'`, not a dialect's boolean).
 * @internal
 */
export const ansiEncodeParam = (value: unknown, type: SqlType | undefined): unknown => {
  if (value === undefined) return null
  if (type === undefined) return value
  switch (type._tag) {
    case 'Json':
      return value === null ? null : JSON.stringify(value)
    case 'Date':
      return value instanceof Date ? utcDateText(value) : value
    case 'Uuid':
      return typeof value === 'string' ? value.toLowerCase() : value
    default:
      return value
  }
}

/**
 * The ANSI dialect: double-quoted identifiers, `$n`-free `?` placeholders, standard LIMIT/OFFSET,
 * standard transaction control. Not meant to run against a database; dialects spread it.
 *
 * @example
 * export const mine: Dialect = { ...ansi, name: 'mine', quoteIdent: quoteWith('`') }
 * @category compile
 */
export const ansi: Dialect = {
  name: 'ansi',
  capabilities: ansiCapabilities,
  quoteIdent: quoteDouble,
  placeholder: () => '?',
  typeName: (type) => ansiTypeName(type, quoteDouble),
  encodeParam: ansiEncodeParam,
  concat: (operands) => operands.join(' || '),
  limitOffset: (limit, offset) =>
    limit === undefined ? (offset === undefined ? '' : ' OFFSET ' + offset) : ' LIMIT ' + limit + (offset === undefined ? '' : ' OFFSET ' + offset),
  booleanLiteral: (b) => (b ? 'TRUE' : 'FALSE'),
  currentTimestamp: 'CURRENT_TIMESTAMP',
  transaction: transactionSql(quoteDouble, (iso) => (iso === undefined ? ['START TRANSACTION'] : ['START TRANSACTION ISOLATION LEVEL ' + iso])),
  isDistinct: (l, r, negated) => l + (negated ? ' IS NOT DISTINCT FROM ' : ' IS DISTINCT FROM ') + r,
  stringLiteral: standardStringLiteral,
  binaryLiteral: (hex) => "X'" + hex + "'",
  autoIncrementClause: 'GENERATED BY DEFAULT AS IDENTITY',
  shareLock: 'FOR SHARE',
}
