/**
 * The MySQL / MariaDB dialect: backquoted identifiers, `?` placeholders, booleans as 1/0,
 * timestamps as UTC text, `CONCAT()`, ON DUPLICATE KEY UPDATE upserts, multi-table
 * UPDATE/DELETE; no RETURNING, FULL JOIN, DISTINCT ON, aggregate FILTER (emulated with CASE)
 * or NULLS FIRST/LAST (emulated with `(x IS NULL)`).
 *
 * @category dialects
 */
import type { SqlType } from '../../algebra/SqlType.js'
import { ansi, ansiCapabilities, ansiEncodeParam, quoteWith, transactionSql } from '../../compile/ansi.js'
import type { Dialect } from '../../compile/Dialect.js'
import { utcDateText, utcDateTimeText } from '../../compile/values.js'

const quote = quoteWith('`')

/** A MySQL string literal: quotes doubled and backslashes escaped (safe with or without NO_BACKSLASH_ESCAPES). */
const stringLiteral = (s: string): string => "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "''") + "'"

const decimal = (p: number | undefined, s: number | undefined, fallback: string): string =>
  p === undefined ? fallback : s === undefined ? `DECIMAL(${p})` : `DECIMAL(${p}, ${s})`

const typeName = (type: SqlType, context: 'ddl' | 'cast'): string => {
  if (context === 'cast') {
    switch (type._tag) {
      case 'Integer':
      case 'BigInt':
      case 'SmallInt':
      case 'Boolean':
        return 'SIGNED'
      case 'Real':
      case 'Double':
        return 'DOUBLE'
      case 'Numeric':
        return decimal(type.precision, type.scale, 'DECIMAL(65, 30)')
      case 'Date':
        return 'DATE'
      case 'Time':
        return 'TIME(6)'
      case 'Timestamp':
        return 'DATETIME(6)'
      case 'Json':
        return 'JSON'
      case 'Binary':
        return 'BINARY'
      default:
        return 'CHAR'
    }
  }
  switch (type._tag) {
    case 'Integer':
      return 'INT'
    case 'BigInt':
      return 'BIGINT'
    case 'SmallInt':
      return 'SMALLINT'
    case 'Real':
      return 'FLOAT'
    case 'Double':
      return 'DOUBLE'
    case 'Numeric':
      return decimal(type.precision, type.scale, 'DECIMAL(65, 30)')
    case 'Varchar':
      return `VARCHAR(${type.length ?? 255})`
    case 'Text':
      return 'TEXT'
    case 'Boolean':
      return 'TINYINT(1)'
    case 'Date':
      return 'DATE'
    case 'Time':
      return 'TIME(6)'
    case 'Timestamp':
      return type.withTimeZone ? 'TIMESTAMP(6)' : 'DATETIME(6)'
    case 'Json':
      return 'JSON'
    case 'Enum':
      return 'ENUM(' + type.values.map(stringLiteral).join(', ') + ')'
    case 'Binary':
      return type.length === undefined ? 'LONGBLOB' : `VARBINARY(${type.length})`
    case 'Uuid':
      return 'CHAR(36)'
  }
}

const encodeParam = (value: unknown, type: SqlType | undefined): unknown => {
  if (type !== undefined && (type._tag === 'Json' || type._tag === 'Uuid')) return ansiEncodeParam(value, type)
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'bigint') return String(value)
  if (value instanceof Date) return type !== undefined && type._tag === 'Date' ? utcDateText(value) : utcDateTimeText(value)
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  return ansiEncodeParam(value, type)
}

/** Server features that differ between MySQL and MariaDB versions. @category dialects */
export interface MysqlOptions {
  /** INTERSECT / EXCEPT (MySQL 8.0.31+, MariaDB 10.3+). Default true. */
  readonly intersectExcept?: boolean
  /** INTERSECT ALL / EXCEPT ALL (MySQL 8.0.31+, MariaDB 10.5+). Default: `intersectExcept`. */
  readonly intersectExceptAll?: boolean
  /** LATERAL derived tables (MySQL 8.0.14+; not MariaDB). Default false. */
  readonly lateral?: boolean
  /** `FOR UPDATE OF t` (MySQL 8.0+; not MariaDB). Default false. */
  readonly lockOf?: boolean
  /** `WITH … UPDATE` / `WITH … DELETE` (MySQL 8.0+; not MariaDB). Default false. */
  readonly withOnDml?: boolean
  /** `LEAD`/`LAG` with a default value argument (MySQL 8.0+; not MariaDB). Default false. */
  readonly windowLagDefault?: boolean
  /**
   * `agg(args ORDER BY …)` in any aggregate, notably `JSON_ARRAYAGG` (MariaDB 10.5+). MySQL 8
   * takes it only in GROUP_CONCAT: set false there (an ordered aggregate, and so `json`
   * loading of an ordered collection, is then UnsupportedFeature). Default true.
   */
  readonly aggregateOrderBy?: boolean
}

/** MySQL's `LENGTH` counts bytes; the other dialects' counts characters. */
const functionSql = (name: string, args: ReadonlyArray<string>): string | undefined =>
  name.length === 6 && name.toUpperCase() === 'LENGTH' ? 'CHAR_LENGTH(' + args.join(', ') + ')' : undefined

/** FLOAT comes through the text protocol with 6 significant digits; as DOUBLE (MariaDB 10.4+, MySQL 8.0.17+) it is exact. */
const resultColumn = (sql: string, type: SqlType): string => (type._tag === 'Real' ? 'CAST(' + sql + ' AS DOUBLE)' : sql)

/**
 * A MySQL/MariaDB dialect for a given server generation.
 *
 * @example
 * const old = mysqlDialect({ intersectExcept: false })   // MySQL 5.7 / MariaDB < 10.3
 * compile(old)(pipe(a, intersect(b)))                    // Left(UnsupportedFeature INTERSECT)
 * @category dialects
 */
export const mysqlDialect = (options: MysqlOptions = {}): Dialect => {
  const intersectExcept = options.intersectExcept ?? true
  return {
    ...ansi,
    name: 'mysql',
    capabilities: {
      ...ansiCapabilities,
      returning: false,
      fullJoin: false,
      intersectExcept,
      intersectExceptAll: intersectExcept && (options.intersectExceptAll ?? true),
      nullsOrdering: false,
      constantDistinctOffset: false,
      aggregateFilter: false,
      isDistinctFrom: false,
      onDuplicateKey: true,
      multiTableDml: true,
      lateral: options.lateral ?? false,
      aggregateOrderBy: options.aggregateOrderBy ?? true,
      jsonAggregate: {
        array: 'JSON_ARRAY',
        arrayAgg: 'JSON_ARRAYAGG',
        // bytes would be written as (invalid) text; FLOAT with 6 significant digits: as DOUBLE,
        // as the dialect reads a Real column (see `resultColumn`)
        carriers: { BigInt: 'text', Numeric: 'text', Json: 'text', Binary: 'hex', Real: 'double' },
      },
      lockOf: options.lockOf ?? false,
      dropCascade: false,
      createIndexIfNotExists: false,
      dropIndexOnTable: true,
      inlineEnum: true,
      literalDefaultOnLob: false,
      insertDefaultValues: false,
      withBeforeInsert: false,
      windowGroups: false,
      windowLagDefault: options.windowLagDefault ?? false,
      withOnDml: options.withOnDml ?? false,
      limitInSubquery: false,
    },
    quoteIdent: quote,
    placeholder: () => '?',
    typeName,
    encodeParam,
    concat: (operands) => 'CONCAT(' + operands.join(', ') + ')',
    limitOffset: (l, o) =>
      l === undefined
        ? o === undefined
          ? ''
          : ' LIMIT 18446744073709551615 OFFSET ' + o
        : ' LIMIT ' + l + (o === undefined ? '' : ' OFFSET ' + o),
    booleanLiteral: (b) => (b ? '1' : '0'),
    currentTimestamp: 'CURRENT_TIMESTAMP(6)',
    transaction: transactionSql(quote, (iso) =>
      iso === undefined ? ['START TRANSACTION'] : ['SET TRANSACTION ISOLATION LEVEL ' + iso, 'START TRANSACTION'],
    ),
    isDistinct: (l, r, negated) => (negated ? l + ' <=> ' + r : 'NOT (' + l + ' <=> ' + r + ')'),
    stringLiteral,
    binaryLiteral: (hex) => "X'" + hex + "'",
    autoIncrementClause: 'AUTO_INCREMENT',
    shareLock: 'LOCK IN SHARE MODE',
    functionSql,
    resultColumn,
  }
}

/**
 * The MySQL / MariaDB dialect record for current servers (MySQL 8.0.31+, MariaDB 10.5+),
 * limited to what both accept: no `WITH … UPDATE/DELETE`, no 3-argument LEAD/LAG (MariaDB);
 * `mysqlDialect({ withOnDml: true, windowLagDefault: true })` for MySQL 8. One exception:
 * ordered aggregates (`JSON_ARRAYAGG(… ORDER BY …)`, MariaDB 10.5+) are on; MySQL 8 wants
 * `aggregateOrderBy: false` too.
 *
 * `func.length` is `CHAR_LENGTH` (characters, as on the other databases). `IN (subquery
 * with LIMIT)` is written `IN (SELECT * FROM (subquery) AS _in)`.
 *
 * @example
 * compile(mysql)(pipe(select({ n: concat(users.c.first, ' ', users.c.last) }), from(users)))
 * // SELECT CONCAT(`users`.`first`, ?, `users`.`last`) AS `n` FROM `users`
 * @category dialects
 */
export const mysql: Dialect = mysqlDialect()
