/**
 * PostgreSQL error classifier: turns what `pg` throws into {@link DbError} values, by
 * SQLSTATE. Used only by `./driver.ts`, inside `TE.tryCatch`.
 *
 * @category dialects
 */
import type { DbError, QueryErrorKind } from '../../effects/DbError.js'

/** The fields of a `pg` DatabaseError (or a socket error) that classification reads. */
interface NativeFields {
  readonly message: string
  readonly code?: string
  readonly constraint?: string
}

/** Reads the classification fields of anything `pg` may throw, without trusting its shape. */
const fieldsOf = (e: unknown): NativeFields => {
  if (typeof e === 'object' && e !== null) {
    const r = e as Record<string, unknown>
    return {
      message: typeof r['message'] === 'string' ? r['message'] : String(e),
      ...(typeof r['code'] === 'string' ? { code: r['code'] } : {}),
      ...(typeof r['constraint'] === 'string' ? { constraint: r['constraint'] } : {}),
    }
  }
  return { message: String(e) }
}

/** SQLSTATEs (exact) and their kinds. */
const exact: Readonly<Record<string, QueryErrorKind>> = {
  '23505': 'UniqueViolation',
  '23503': 'ForeignKeyViolation',
  '23502': 'NotNullViolation',
  '23514': 'CheckViolation',
  '40P01': 'Deadlock',
  '40001': 'SerializationFailure',
  '55P03': 'LockTimeout',
  '42601': 'SyntaxError',
  '42P01': 'UndefinedObject', // undefined_table
  '42703': 'UndefinedObject', // undefined_column
  '42883': 'UndefinedObject', // undefined_function
  '42704': 'UndefinedObject', // undefined_object
  '3F000': 'UndefinedObject', // invalid_schema_name
  '57P01': 'ConnectionLost', // admin_shutdown (pg_terminate_backend)
  '57P02': 'ConnectionLost', // crash_shutdown
  '57P03': 'ConnectionLost', // cannot_connect_now
}

/** Socket-level codes and `pg` client messages that mean the connection is gone. */
const lostSocketCodes: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTCONN'])
const lostMessages: ReadonlyArray<RegExp> = [
  /Connection terminated/i,
  /not queryable/i,
  /connection error/i,
  /Client was closed/i,
]

/**
 * The {@link QueryErrorKind} of a SQLSTATE (`undefined` when there is none).
 *
 * @category errors
 */
export const kindOfSqlState = (code: string | undefined): QueryErrorKind | undefined => {
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return undefined
  const k = exact[code]
  if (k !== undefined) return k
  if (code.startsWith('22')) return 'DataError'
  if (code.startsWith('08')) return 'ConnectionLost'
  return 'Other'
}

/**
 * Whether a native error means the connection itself is dead (the statement may or may
 * not have reached the server). The driver marks such a connection broken.
 *
 * @category errors
 */
export const isConnectionLost = (e: unknown): boolean => {
  const f = fieldsOf(e)
  const k = kindOfSqlState(f.code)
  if (k !== undefined) return k === 'ConnectionLost'
  if (f.code !== undefined && lostSocketCodes.has(f.code)) return true
  return lostMessages.some((re) => re.test(f.message))
}

/**
 * Classifies an error thrown while running `sql` as a `QueryError`.
 *
 * @category errors
 */
export const classifyQueryError =
  (sql: string) =>
  (e: unknown): DbError => {
    const f = fieldsOf(e)
    const kind: QueryErrorKind = kindOfSqlState(f.code) ?? (isConnectionLost(e) ? 'ConnectionLost' : 'Other')
    const sqlState = f.code !== undefined && /^[0-9A-Z]{5}$/.test(f.code) ? f.code : undefined
    return {
      _tag: 'QueryError',
      kind,
      message: f.message,
      sql,
      ...(sqlState !== undefined ? { code: sqlState } : {}),
      ...(f.constraint !== undefined ? { constraint: f.constraint } : {}),
      cause: e,
    }
  }

/**
 * Classifies an error thrown while opening a connection (or pinging one) as a
 * `ConnectionError`. `target` names the server without credentials (`host:port/db`);
 * `secret`, when given, is scrubbed from the message.
 *
 * @category errors
 */
export const classifyConnectError =
  (target: string, secret?: string) =>
  (e: unknown): DbError => {
    const f = fieldsOf(e)
    const raw = `could not connect to PostgreSQL at ${target}: ${f.message}${f.code !== undefined ? ` (${f.code})` : ''}`
    return { _tag: 'ConnectionError', message: scrub(raw, secret), cause: e }
  }

/**
 * Removes every occurrence of a secret (a password) from a message.
 *
 * @category errors
 */
export const scrub = (message: string, secret: string | undefined): string =>
  secret === undefined || secret === '' ? message : message.split(secret).join('***')
