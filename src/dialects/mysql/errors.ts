/**
 * MySQL / MariaDB error classifier: turns what `mysql2` throws into {@link DbError} values,
 * by errno (and the client's own codes for a lost connection). Used only by `./driver.ts`,
 * inside `TE.tryCatch`.
 *
 * @category dialects
 */
import type { DbError, QueryErrorKind } from '../../effects/DbError.js'

/** The fields of a `mysql2` error that classification reads. */
interface NativeFields {
  readonly message: string
  /** `ER_DUP_ENTRY`, `PROTOCOL_CONNECTION_LOST`, `ECONNRESET`, … */
  readonly code?: string
  readonly errno?: number
  readonly sqlState?: string
  /** mysql2 sets this when the connection can no longer be used. */
  readonly fatal: boolean
}

const fieldsOf = (e: unknown): NativeFields => {
  if (typeof e === 'object' && e !== null) {
    const r = e as Record<string, unknown>
    const message =
      typeof r['sqlMessage'] === 'string' ? r['sqlMessage'] : typeof r['message'] === 'string' ? r['message'] : String(e)
    return {
      message,
      ...(typeof r['code'] === 'string' ? { code: r['code'] } : {}),
      ...(typeof r['errno'] === 'number' ? { errno: r['errno'] } : {}),
      ...(typeof r['sqlState'] === 'string' ? { sqlState: r['sqlState'] } : {}),
      fatal: r['fatal'] === true,
    }
  }
  return { message: String(e), fatal: false }
}

/** Server errnos and their kinds (MySQL 8 and MariaDB 10/11). */
const byErrno: ReadonlyMap<number, QueryErrorKind> = new Map<number, QueryErrorKind>([
  [1062, 'UniqueViolation'], // ER_DUP_ENTRY
  [1586, 'UniqueViolation'], // ER_DUP_ENTRY_WITH_KEY_NAME
  [1451, 'ForeignKeyViolation'], // ER_ROW_IS_REFERENCED_2
  [1452, 'ForeignKeyViolation'], // ER_NO_REFERENCED_ROW_2
  [1216, 'ForeignKeyViolation'], // ER_NO_REFERENCED_ROW
  [1217, 'ForeignKeyViolation'], // ER_ROW_IS_REFERENCED
  [1048, 'NotNullViolation'], // ER_BAD_NULL_ERROR
  [1364, 'NotNullViolation'], // ER_NO_DEFAULT_FOR_FIELD
  [3819, 'CheckViolation'], // MySQL ER_CHECK_CONSTRAINT_VIOLATED
  [4025, 'CheckViolation'], // MariaDB ER_CONSTRAINT_FAILED
  [1213, 'Deadlock'], // ER_LOCK_DEADLOCK
  [1205, 'LockTimeout'], // ER_LOCK_WAIT_TIMEOUT
  [3572, 'LockTimeout'], // ER_LOCK_NOWAIT (MySQL NOWAIT)
  [1064, 'SyntaxError'], // ER_PARSE_ERROR
  [1149, 'SyntaxError'], // ER_SYNTAX_ERROR
  [1146, 'UndefinedObject'], // ER_NO_SUCH_TABLE
  [1054, 'UndefinedObject'], // ER_BAD_FIELD_ERROR
  [1049, 'UndefinedObject'], // ER_BAD_DB_ERROR
  [1305, 'UndefinedObject'], // ER_SP_DOES_NOT_EXIST (function)
  [1091, 'UndefinedObject'], // ER_CANT_DROP_FIELD_OR_KEY
  [1051, 'UndefinedObject'], // ER_BAD_TABLE_ERROR
  [1264, 'DataError'], // ER_WARN_DATA_OUT_OF_RANGE
  [1366, 'DataError'], // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
  [1406, 'DataError'], // ER_DATA_TOO_LONG
  [1265, 'DataError'], // WARN_DATA_TRUNCATED
  [1292, 'DataError'], // ER_TRUNCATED_WRONG_VALUE (bad date, …)
  [1365, 'DataError'], // ER_DIVISION_BY_ZERO
  [1367, 'DataError'], // ER_ILLEGAL_VALUE_FOR_TYPE
  [1411, 'DataError'], // ER_WRONG_VALUE_FOR_TYPE
  [1690, 'DataError'], // ER_DATA_OUT_OF_RANGE (arithmetic)
  [3140, 'DataError'], // ER_INVALID_JSON_TEXT
  [4038, 'DataError'], // MariaDB ER_JSON_SYNTAX
  [2006, 'ConnectionLost'], // CR_SERVER_GONE_ERROR
  [2013, 'ConnectionLost'], // CR_SERVER_LOST
  [1053, 'ConnectionLost'], // ER_SERVER_SHUTDOWN
  [1927, 'ConnectionLost'], // MariaDB ER_CONNECTION_KILLED
  [4031, 'ConnectionLost'], // MySQL ER_CLIENT_INTERACTION_TIMEOUT
])

/** Client-side codes (mysql2 and Node sockets) that mean the connection is gone. */
const lostCodes: ReadonlySet<string> = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
])

/**
 * The {@link QueryErrorKind} of a MySQL/MariaDB errno (`undefined` when unknown).
 *
 * @category errors
 */
export const kindOfErrno = (errno: number | undefined): QueryErrorKind | undefined =>
  errno === undefined ? undefined : byErrno.get(errno)

/**
 * Whether a native error means the connection can no longer be used.
 *
 * @category errors
 */
export const isConnectionLost = (e: unknown): boolean => {
  const f = fieldsOf(e)
  return (
    f.fatal ||
    kindOfErrno(f.errno) === 'ConnectionLost' ||
    (f.code !== undefined && lostCodes.has(f.code)) ||
    /closed state|Connection lost/i.test(f.message)
  )
}

/**
 * The constraint (or key) a MySQL/MariaDB message names:
 * `Duplicate entry 'x' for key 'users.email'` -> `email` (MySQL 8 prefixes the table),
 * `… CONSTRAINT \`fk_post_user\` FOREIGN KEY …` -> `fk_post_user`,
 * `CONSTRAINT \`chk\` failed for …` (MariaDB) and `Check constraint 'chk' is violated.`
 * (MySQL) -> `chk`.
 *
 * @category errors
 */
export const constraintOfMessage = (errno: number | undefined, message: string): string | undefined => {
  const unquote = (s: string): string => s.replace(/``/g, '`')
  switch (errno) {
    case 1062:
    case 1586: {
      const m = /for key '(.*)'/.exec(message)
      if (m === null) return undefined
      const key = m[1]
      // MySQL >= 8.0.19 writes `table.key`; MariaDB writes just `key`.
      const dot = key.indexOf('.')
      return dot >= 0 ? key.slice(dot + 1) : key
    }
    case 1451:
    case 1452:
    case 1216:
    case 1217: {
      const m = /CONSTRAINT `((?:[^`]|``)*)`/.exec(message)
      return m === null ? undefined : unquote(m[1])
    }
    case 4025: {
      const m = /CONSTRAINT `((?:[^`]|``)*)`/.exec(message)
      return m === null ? undefined : unquote(m[1])
    }
    case 3819: {
      const m = /[Cc]heck constraint '((?:[^']|'')*)'/.exec(message)
      return m === null ? undefined : m[1]
    }
    default:
      return undefined
  }
}

/**
 * Classifies an error thrown while running `sql` as a `QueryError` (with SQLSTATE as
 * `code`, `errno`, and the constraint parsed from the message).
 *
 * @category errors
 */
export const classifyQueryError =
  (sql: string) =>
  (e: unknown): DbError => {
    const f = fieldsOf(e)
    const kind: QueryErrorKind = isConnectionLost(e) ? 'ConnectionLost' : (kindOfErrno(f.errno) ?? 'Other')
    const constraint = constraintOfMessage(f.errno, f.message)
    return {
      _tag: 'QueryError',
      kind,
      message: f.message,
      sql,
      ...(f.sqlState !== undefined ? { code: f.sqlState } : {}),
      ...(f.errno !== undefined ? { errno: f.errno } : {}),
      ...(constraint !== undefined ? { constraint } : {}),
      cause: e,
    }
  }

/**
 * Classifies an error thrown while opening (or pinging) a connection as a
 * `ConnectionError`. `target` names the server without credentials; `secret`, when
 * given, is scrubbed from the message.
 *
 * @category errors
 */
export const classifyConnectError =
  (target: string, secret?: string) =>
  (e: unknown): DbError => {
    const f = fieldsOf(e)
    const raw = `could not connect to MySQL at ${target}: ${f.message}${f.code !== undefined ? ` (${f.code})` : ''}`
    return { _tag: 'ConnectionError', message: scrub(raw, secret), cause: e }
  }

/**
 * Removes every occurrence of a secret (a password) from a message.
 *
 * @category errors
 */
export const scrub = (message: string, secret: string | undefined): string =>
  secret === undefined || secret === '' ? message : message.split(secret).join('***')
