/**
 * The Dialect record: everything the compiler needs to know about one database. A dialect
 * spreads `ansi` and overrides only what differs; the compiler branches on `capabilities`,
 * never on `name`.
 *
 * @category compile
 */
import type { SqlType } from '../algebra/SqlType.js'

/** What a dialect can express. A construct whose flag is false compiles to UnsupportedFeature. */
export interface Capabilities {
  /** `INSERT/UPDATE/DELETE … RETURNING`. */
  readonly returning: boolean
  /** `FULL [OUTER] JOIN`. */
  readonly fullJoin: boolean
  /** `RIGHT [OUTER] JOIN`. */
  readonly rightJoin: boolean
  /** `DISTINCT ON (…)`. */
  readonly distinctOn: boolean
  /** A native `ILIKE` operator (otherwise `LOWER(a) LIKE LOWER(b)`). */
  readonly ilike: boolean
  /** `INTERSECT` / `EXCEPT` (and their ALL forms, see `compoundAll`). */
  readonly intersectExcept: boolean
  /** `INTERSECT ALL` / `EXCEPT ALL`. */
  readonly intersectExceptAll: boolean
  /** `FOR UPDATE` / `FOR SHARE` row locks. */
  readonly rowLocks: boolean
  /** `NULLS FIRST` / `NULLS LAST` in ORDER BY (otherwise emulated with `IS NULL`). */
  readonly nullsOrdering: boolean
  /**
   * `SELECT DISTINCT` of values that do not depend on the rows honours OFFSET. MariaDB 10.11
   * returns its one row whatever the OFFSET; without this flag such a query is compiled as a
   * derived table that the OFFSET applies to.
   */
  readonly constantDistinctOffset: boolean
  /** `FILTER (WHERE …)` on aggregates (otherwise emulated with CASE). */
  readonly aggregateFilter: boolean
  /**
   * `agg(args ORDER BY …)`: an ordered aggregate (PostgreSQL, SQLite 3.44+, MariaDB 10.5+; MySQL 8
   * only in GROUP_CONCAT, so no).
   */
  readonly aggregateOrderBy: boolean
  /** `IS [NOT] DISTINCT FROM` (otherwise the dialect's null-safe equality). */
  readonly isDistinctFrom: boolean
  /** `ON CONFLICT (…) DO …` upserts. */
  readonly onConflict: boolean
  /** MySQL's `ON DUPLICATE KEY UPDATE`. */
  readonly onDuplicateKey: boolean
  /** `UPDATE … FROM` / `DELETE … USING` (PostgreSQL form). */
  readonly updateFrom: boolean
  /** MySQL's multi-table `UPDATE a JOIN b …` / `DELETE a FROM a JOIN b …`. */
  readonly multiTableDml: boolean
  /** `LATERAL` subqueries. */
  readonly lateral: boolean
  /** Named enum types created with `CREATE TYPE` (PostgreSQL). */
  readonly nativeEnum: boolean
  /** Transactional DDL (a failed migration's DDL rolls back). */
  readonly transactionalDdl: boolean
  /** Most bound parameters one statement may carry. */
  readonly maxParams: number
  /**
   * JSON aggregation (used by the ORM's `json` loading strategy); `false` where there is none.
   * See {@link JsonAggregate}.
   */
  readonly jsonAggregate: false | JsonAggregate
  /** `DELETE … USING` (PostgreSQL); SQLite has `UPDATE … FROM` but not this. */
  readonly deleteUsing: boolean
  /**
   * Members of UNION/INTERSECT/EXCEPT may be parenthesised (and so carry ORDER BY / LIMIT or
   * be compounds themselves). Without it (SQLite) such members are wrapped as `SELECT * FROM (…)`.
   */
  readonly parenthesizedSetOperands: boolean
  /** `FOR UPDATE OF t` (lock only some tables). */
  readonly lockOf: boolean
  /** `DROP TABLE … CASCADE`. */
  readonly dropCascade: boolean
  /** `CREATE INDEX IF NOT EXISTS`. */
  readonly createIndexIfNotExists: boolean
  /** `DROP INDEX name ON table` (MySQL) rather than `DROP INDEX name`. */
  readonly dropIndexOnTable: boolean
  /** Enum columns are written inline as `ENUM('a', 'b')` (MySQL). Without it and without `nativeEnum`: text plus a CHECK. */
  readonly inlineEnum: boolean
  /** A lone integer primary key is written `INTEGER PRIMARY KEY` inline so it aliases the rowid (SQLite). */
  readonly rowidPrimaryKey: boolean
  /** The `DEFAULT` keyword inside INSERT … VALUES rows (otherwise a Default node is NULL or the column's default). */
  readonly defaultInValues: boolean
  /** `GROUPS` window frames (PostgreSQL 11+, SQLite 3.28+; not MySQL/MariaDB). */
  readonly windowGroups: boolean
  /** `WITH … INSERT …` (otherwise, MySQL: `INSERT INTO t (…) WITH … SELECT …`, only for INSERT … SELECT). */
  readonly withBeforeInsert: boolean
  /** `INSERT INTO t DEFAULT VALUES` (otherwise `INSERT INTO t () VALUES ()`). */
  readonly insertDefaultValues: boolean
  /** Literal defaults are allowed on TEXT/BLOB/JSON columns (MySQL: no, they must be `DEFAULT (expr)`). */
  readonly literalDefaultOnLob: boolean
  /** `LEAD`/`LAG` with a third (default value) argument (not MariaDB). */
  readonly windowLagDefault: boolean
  /** `WITH … UPDATE` / `WITH … DELETE` (MySQL 8 yes, MariaDB no). */
  readonly withOnDml: boolean
  /**
   * `x IN (subquery with LIMIT/OFFSET)`. Without it (MySQL, MariaDB) such a subquery is wrapped
   * as `x IN (SELECT * FROM (subquery) AS _in)`, which both accept.
   */
  readonly limitInSubquery: boolean
  /**
   * A multi-row `INSERT … VALUES` of plain typed parameters is written
   * `INSERT … SELECT * FROM unnest($1::type[], …)`: one array parameter per column, so the SQL
   * does not depend on the row count (PostgreSQL).
   */
  readonly insertUnnest: boolean
}

/**
 * How a value of a column travels inside a JSON array built by the database, so that it reads
 * back as the drivers deliver the column: `value` as it is, `text` cast to text (decoded by the
 * column's codec, from the text the drivers give for such columns), `hex` as hex digits (JSON
 * holds no bytes; NULL stays NULL), `double` cast to double precision.
 */
export type JsonCarrier = 'value' | 'text' | 'hex' | 'double'

/** A dialect's JSON aggregation functions and how each column type is carried through them. */
export interface JsonAggregate {
  /** Builds a JSON array of values (`json_build_array`, `json_array`, `JSON_ARRAY`). */
  readonly array: string
  /** Aggregates rows into a JSON array (`json_agg`, `json_group_array`, `JSON_ARRAYAGG`). */
  readonly arrayAgg: string
  /**
   * The carrier of each column type whose value the JSON functions would change (absent:
   * `value`). E.g. a BIGINT or NUMERIC would become a JSON number, which parses to a double,
   * so it travels as `text`; a JSON document as its `text` (an embedded document that is a
   * bare string could not be told from JSON text).
   */
  readonly carriers: Readonly<Partial<Record<SqlType['_tag'], JsonCarrier>>>
}

/**
 * A dialect: pure functions from algebra to the database's SQL spelling.
 */
export interface Dialect {
  /** For messages only; the compiler never branches on it. */
  readonly name: string
  readonly capabilities: Capabilities
  /** Quotes an identifier, doubling the quote character inside it. */
  readonly quoteIdent: (name: string) => string
  /** The placeholder of the `index`-th parameter (1-based): `?` or `$1`. */
  readonly placeholder: (index: number) => string
  /** The type name in DDL and CAST. */
  readonly typeName: (type: SqlType, context: 'ddl' | 'cast') => string
  /** Turns a value into what the driver expects for a parameter of this type. */
  readonly encodeParam: (value: unknown, type: SqlType | undefined) => unknown
  /** The SQL for string concatenation of already-compiled operands. */
  readonly concat: (operands: ReadonlyArray<string>) => string
  /**
   * `LIMIT`/`OFFSET` clause from already-compiled limit and offset (either may be absent),
   * with a leading space, or '' when both are absent. Must keep the limit's text before the
   * offset's (positional placeholders).
   */
  readonly limitOffset: (limit: string | undefined, offset: string | undefined) => string
  /** The literal written for a boolean in DDL defaults. */
  readonly booleanLiteral: (value: boolean) => string
  /** The SQL of the current timestamp, for `defaultNow()`. */
  readonly currentTimestamp: string
  /** Transaction control statements. */
  readonly transaction: TransactionSql
  /**
   * `left IS [NOT] DISTINCT FROM right` from already-compiled operands; dialects without it
   * spell their null-safe comparison (`IS NOT` / `NOT (a <=> b)`). Must keep `left` before `right`.
   */
  readonly isDistinct: (left: string, right: string, negated: boolean) => string
  /** A string literal (DDL only: defaults, CHECK, ENUM members), quotes doubled and, where needed, backslashes escaped. */
  readonly stringLiteral: (value: string) => string
  /** A binary literal from its hex digits (DDL only). */
  readonly binaryLiteral: (hex: string) => string
  /** Written after the type of an auto-increment column (`GENERATED BY DEFAULT AS IDENTITY`, `AUTO_INCREMENT`); empty when `rowidPrimaryKey`. */
  readonly autoIncrementClause: string
  /** The keyword of a shared row lock (`FOR SHARE`, `LOCK IN SHARE MODE`). */
  readonly shareLock: string
  /**
   * A plain function call (no DISTINCT, FILTER or ORDER BY) spelt differently by this dialect, from
   * its name (as the user wrote it) and already-compiled arguments; `undefined` for the usual
   * `name(args)`. E.g. MySQL's `LENGTH` counts bytes, so `CHAR_LENGTH`. Must keep the
   * arguments in order (positional placeholders).
   */
  readonly functionSql?: (name: string, args: ReadonlyArray<string>) => string | undefined
  /**
   * The placeholder of a typed parameter where the database must be told its type (PostgreSQL
   * infers `text` for an untyped parameter in a select list): e.g. `$1::INTEGER`. Absent: the
   * placeholder as is. Also gives the element type of `insertUnnest` arrays.
   */
  readonly typedPlaceholder?: (placeholder: string, type: SqlType) => string
  /**
   * How a column of this type is read in a select list (or RETURNING), from its compiled SQL;
   * absent: as it is. MySQL/MariaDB send FLOAT through the text protocol with 6 significant
   * digits, so a Real column is read as `CAST(col AS DOUBLE)`, which carries the float32 exactly.
   */
  readonly resultColumn?: (sql: string, type: SqlType) => string
  /** The type name used to cast a parameter (`INTEGER`, `NUMERIC`, `TEXT`), for `typedPlaceholder` and `insertUnnest`. */
  readonly paramTypeName?: (type: SqlType) => string
}

/** Isolation levels a transaction may ask for. */
export type IsolationLevel = 'READ UNCOMMITTED' | 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE'

/** The statements a dialect uses to control transactions; each list runs in order. */
export interface TransactionSql {
  readonly begin: (isolation: IsolationLevel | undefined) => ReadonlyArray<string>
  readonly commit: string
  readonly rollback: string
  readonly savepoint: (name: string) => string
  readonly releaseSavepoint: (name: string) => string
  readonly rollbackToSavepoint: (name: string) => string
}
