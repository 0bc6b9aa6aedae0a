/**
 * Classifies better-sqlite3 errors into {@link DbError} values: SQLite's extended result
 * codes and messages become a {@link QueryErrorKind}, with the constraint or column named in
 * the message kept as `constraint`.
 *
 * @category dialects
 */
import type { DbError, QueryErrorKind } from '../../effects/DbError.js'

const kindByCode: Readonly<Record<string, QueryErrorKind>> = {
  SQLITE_CONSTRAINT_UNIQUE: 'UniqueViolation',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'UniqueViolation',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'ForeignKeyViolation',
  SQLITE_CONSTRAINT_NOTNULL: 'NotNullViolation',
  SQLITE_CONSTRAINT_CHECK: 'CheckViolation',
  SQLITE_BUSY: 'LockTimeout',
  SQLITE_BUSY_SNAPSHOT: 'SerializationFailure',
  SQLITE_BUSY_RECOVERY: 'LockTimeout',
  SQLITE_BUSY_TIMEOUT: 'LockTimeout',
  SQLITE_LOCKED: 'LockTimeout',
  SQLITE_LOCKED_SHAREDCACHE: 'LockTimeout',
  SQLITE_MISMATCH: 'DataError',
  SQLITE_TOOBIG: 'DataError',
  SQLITE_RANGE: 'DataError',
  SQLITE_CONSTRAINT_DATATYPE: 'DataError',
  SQLITE_NOTADB: 'ConnectionLost',
  SQLITE_CANTOPEN: 'ConnectionLost',
  SQLITE_IOERR: 'ConnectionLost',
}

const fromMessage = (message: string): QueryErrorKind | undefined => {
  if (/^near ".*": syntax error/s.test(message) || /incomplete input|unrecognized token/.test(message)) return 'SyntaxError'
  if (/^no such (table|column|index|view|function|savepoint)/.test(message)) return 'UndefinedObject'
  if (/connection is not open/.test(message)) return 'ConnectionLost'
  if (/parameter|bind|Too (few|many)|cannot be bound|values were provided/i.test(message)) return 'DataError'
  return undefined
}

/**
 * The constraint (or `table.column` list) a constraint message names:
 * `UNIQUE constraint failed: users.email` -> `users.email`,
 * `CHECK constraint failed: positive_age` -> `positive_age`,
 * `UNIQUE constraint failed: index 'ux_name'` -> `ux_name`.
 *
 * @category dialects
 */
export const constraintOf = (message: string): string | undefined => {
  const m = /constraint failed: (.+)$/s.exec(message)
  if (m === null) return undefined
  const named = /^index '(.*)'$/.exec(m[1])
  return named !== null ? named[1] : m[1].trim()
}

const str = (x: unknown, key: string): string | undefined => {
  if (typeof x !== 'object' || x === null) return undefined
  const v = (x as Record<string, unknown>)[key]
  return typeof v === 'string' ? v : undefined
}

/**
 * Turns whatever better-sqlite3 threw while running `sql` into a `DbError`.
 *
 * @category dialects
 */
export const classify =
  (sql: string) =>
  (cause: unknown): DbError => {
    const message = str(cause, 'message') ?? String(cause)
    const code = str(cause, 'code')
    const byCode = code === undefined ? undefined : (kindByCode[code] ?? kindByCode[code.replace(/_[A-Z]+$/, '')])
    const kind: QueryErrorKind = (code !== undefined && kindByCode[code]) || fromMessage(message) || byCode || 'Other'
    const constraint = kind === 'UniqueViolation' || kind === 'NotNullViolation' || kind === 'CheckViolation' ? constraintOf(message) : undefined
    return {
      _tag: 'QueryError',
      kind,
      message,
      sql,
      ...(code === undefined ? {} : { code }),
      ...(constraint === undefined ? {} : { constraint }),
      cause,
    }
  }

/**
 * Turns a failure to open a database file into a `ConnectionError`.
 *
 * @category dialects
 */
export const connectionError =
  (filename: string) =>
  (cause: unknown): DbError => ({
    _tag: 'ConnectionError',
    message: `cannot open SQLite database ${JSON.stringify(filename)}: ${str(cause, 'message') ?? String(cause)}`,
    cause,
  })
