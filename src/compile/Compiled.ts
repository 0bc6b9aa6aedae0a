/**
 * The output of compilation: SQL text with placeholders and the bound parameters.
 *
 * @category compile
 */
import type { SqlType } from '../algebra/SqlType.js'

/** One result column of a compiled query: its label and, when known, its SQL type. */
export interface ResultColumn {
  readonly name: string
  readonly type?: SqlType
  /**
   * The alias the SQL gives the column when the label itself cannot travel through a driver
   * (see `unsafeLabel`): the decoder moves the value from `source` to `name`. Absent: `name`.
   */
  readonly source?: string
}

/** What kind of statement was compiled; drivers use it to pick how to run it. */
export type StatementKind = 'query' | 'insert' | 'update' | 'delete' | 'ddl' | 'raw'

/** A compiled statement, ready for a driver. */
export interface Compiled {
  readonly sql: string
  /** Parameters already encoded for the driver (see `Dialect.encodeParam`). */
  readonly params: ReadonlyArray<unknown>
  readonly kind: StatementKind
  /** The result columns, for statements that return rows (queries and RETURNING). */
  readonly columns: ReadonlyArray<ResultColumn>
}
