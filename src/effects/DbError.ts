/**
 * DbError: every failure of the public API, as one tagged union. Returned in `Left`, never
 * thrown. The driver's original error stays attached as `cause`.
 *
 * @category errors
 */
import type * as t from 'io-ts'
import type { CompileError } from '../compile/CompileError.js'

/** What a failed statement ran into, classified from SQLSTATE / errno / SQLite codes. */
export type QueryErrorKind =
  | 'UniqueViolation'
  | 'ForeignKeyViolation'
  | 'NotNullViolation'
  | 'CheckViolation'
  | 'Deadlock'
  | 'SerializationFailure'
  | 'LockTimeout'
  | 'SyntaxError'
  | 'UndefinedObject'
  | 'DataError'
  | 'ConnectionLost'
  | 'Other'

/** The union of all failures. */
export type DbError =
  | {
      /** The database could not be reached, or the connection broke. */
      readonly _tag: 'ConnectionError'
      readonly message: string
      readonly cause?: unknown
    }
  | {
      /** No pooled connection became free within the acquire timeout. */
      readonly _tag: 'PoolTimeout'
      readonly waitedMs: number
    }
  | {
      /** A bad engine URL or option; the message never contains a password. */
      readonly _tag: 'ConfigError'
      readonly message: string
    }
  | {
      /** The database rejected a statement. */
      readonly _tag: 'QueryError'
      readonly kind: QueryErrorKind
      readonly message: string
      readonly sql: string
      /** PostgreSQL's SQLSTATE, MySQL's SQLSTATE, or SQLite's extended code name. */
      readonly code?: string
      /** MySQL's errno. */
      readonly errno?: number
      /** The violated constraint, where the database names it. */
      readonly constraint?: string
      readonly cause: unknown
    }
  | {
      /** A row did not match the codec of its selection. */
      readonly _tag: 'DecodeError'
      readonly message: string
      readonly errors: t.Errors
      readonly rowIndex?: number
    }
  | { readonly _tag: 'NoResult'; readonly sql: string }
  | { readonly _tag: 'MultipleResults'; readonly sql: string; readonly count: number }
  | {
      /** The dialect cannot express a construct (from compile). */
      readonly _tag: 'UnsupportedFeature'
      readonly feature: string
      readonly dialect: string
    }
  | {
      /** A malformed statement value (from compile). */
      readonly _tag: 'InvalidStatement'
      readonly message: string
    }
  | {
      /** An UPDATE/DELETE of a versioned row matched nothing: someone else changed it. */
      readonly _tag: 'StaleData'
      readonly table: string
      readonly key: ReadonlyArray<unknown>
      readonly message: string
    }
  | {
      /** A value failed an entity's validator. */
      readonly _tag: 'ValidationError'
      readonly entity: string
      readonly message: string
      readonly errors: ReadonlyArray<string>
    }
  | {
      /** A migration failed; the database stays at `revision`'s parent. */
      readonly _tag: 'MigrationError'
      readonly revision: string
      readonly statement?: string
      readonly message: string
      readonly cause?: unknown
    }
  | {
      /** A relationship was read that is not loaded and may not be loaded by a query (strategy `raise`). */
      readonly _tag: 'RelationNotLoaded'
      readonly entity: string
      readonly relation: string
      readonly message: string
    }
  | {
      /** The transaction was used after it ended, or a callback threw. */
      readonly _tag: 'TransactionError'
      readonly message: string
      readonly cause?: unknown
    }

/** The tag of a {@link DbError}. */
export type DbErrorTag = DbError['_tag']

/** Lifts a compile error into DbError (they share tags). */
export const fromCompileError = (e: CompileError): DbError => e

/** A one-line human description of an error, for logs and the CLI. */
export const describe = (e: DbError): string => {
  switch (e._tag) {
    case 'ConnectionError':
    case 'ConfigError':
    case 'DecodeError':
    case 'InvalidStatement':
    case 'StaleData':
    case 'ValidationError':
    case 'TransactionError':
    case 'RelationNotLoaded':
      return `${e._tag}: ${e.message}`
    case 'PoolTimeout':
      return `PoolTimeout: no connection became free within ${e.waitedMs} ms`
    case 'QueryError':
      return `QueryError(${e.kind}${e.code ? ' ' + e.code : ''}${e.constraint ? ' on ' + e.constraint : ''}): ${e.message}`
    case 'NoResult':
      return `NoResult: the query returned no row`
    case 'MultipleResults':
      return `MultipleResults: the query returned ${e.count} rows where one was expected`
    case 'UnsupportedFeature':
      return `UnsupportedFeature: ${e.feature} is not supported by ${e.dialect}`
    case 'MigrationError':
      return `MigrationError in ${e.revision}: ${e.message}${e.statement ? ` (statement: ${e.statement})` : ''}`
  }
}
