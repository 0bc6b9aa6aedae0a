/**
 * The Driver interface: what a dialect's driver module (better-sqlite3, pg, mysql2) gives
 * the Engine. Only `src/dialects/*` implement it; everything above speaks to this.
 *
 * @category effects
 */
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { Compiled } from '../compile/Compiled.js'
import type { Dialect } from '../compile/Dialect.js'
import type { DbError } from './DbError.js'

/** A raw result row as the driver returns it, keyed by result column label. */
export type RawRow = Record<string, unknown>

/**
 * Builds one result row from its values, in the order of the statement's result columns: how
 * a caller that knows what the rows become (an entity's value class) has the driver build them
 * directly, instead of plain objects that would only be copied.
 */
export type RowBuilder = (values: ReadonlyArray<unknown>) => RawRow

/** What one statement produced. */
export interface QueryResult {
  readonly rows: ReadonlyArray<RawRow>
  /** Rows inserted, updated or deleted (0 for queries). */
  readonly rowsAffected: number
  /** The first generated key of an INSERT on dialects without RETURNING (MySQL, SQLite). */
  readonly lastInsertId?: number | bigint
}

/** One open database connection. Used by one caller at a time (the pool sees to it). */
export interface DriverConnection {
  /** A number unique within the driver, for events and logs. */
  readonly id: number
  /**
   * Runs one statement. With `build`, a query's rows are built by it from their values (in the
   * order of `stmt.columns`) where the driver can read rows as value arrays; otherwise, and for
   * other statements, the driver's own row objects.
   */
  readonly execute: (stmt: Compiled, build?: RowBuilder) => TE.TaskEither<DbError, QueryResult>
  /**
   * Runs one query and yields its rows in batches of at most `batchSize`, reading the next
   * batch only when the consumer asks for it (back-pressure). A failure is thrown from the
   * iterator as a {@link DbError} value (the Engine turns it into a Left).
   */
  readonly stream: (stmt: Compiled, batchSize: number) => AsyncIterable<ReadonlyArray<RawRow>>
  /** A cheap round trip that fails if the connection is dead. */
  readonly ping: TE.TaskEither<DbError, void>
  /** Closes the connection; never fails. */
  readonly close: () => Promise<void>
}

/** A driver: opens connections for one database described by its options. */
export interface Driver {
  readonly dialect: Dialect
  /** Opens a new connection. */
  readonly connect: TE.TaskEither<DbError, DriverConnection>
  /**
   * True when the database allows only one connection to be useful (SQLite `:memory:`):
   * the Engine then keeps exactly one and never recycles it.
   */
  readonly singleConnection: boolean
  /** Forcibly ends another session's connection (tests of faults); absent where meaningless. */
  readonly terminate?: (victim: DriverConnection) => TE.TaskEither<DbError, void>
}
