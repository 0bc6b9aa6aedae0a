/**
 * What the reference evaluator (evaluate.ts) works over and in: the in-memory database and
 * results, each database's choices, the error it throws, and the scope and context an
 * expression or query is evaluated in.
 *
 * @category property-tests
 */
import type { Value } from './values.js'

/** A table's contents: column SQL names and rows in that order. */
export interface TableData {
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<Value>>
}

/** The in-memory database: table name to contents. */
export type Database = Readonly<Record<string, TableData>>

/** A query's result: output labels and rows. */
export interface Result {
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<Value>>
}

/** Dialect-dependent choices (see evaluate.ts's module comment). */
export interface EvalOptions {
  readonly nulls: 'low' | 'high'
  readonly likeCaseInsensitiveAscii: boolean
  readonly likeDefaultEscape: string | undefined
  readonly intDivision: 'truncate' | 'decimal'
}

/** The choices of each database. */
export const dialectOptions = {
  sqlite: { nulls: 'low', likeCaseInsensitiveAscii: true, likeDefaultEscape: undefined, intDivision: 'truncate' },
  postgres: { nulls: 'high', likeCaseInsensitiveAscii: false, likeDefaultEscape: '\\', intDivision: 'truncate' },
  mysql: { nulls: 'low', likeCaseInsensitiveAscii: false, likeDefaultEscape: '\\', intDivision: 'decimal' },
} as const satisfies Record<string, EvalOptions>

/** The evaluator met something it does not model or that is an error in SQL. */
export class EvalError extends Error {}

/** One combination of FROM rows: source name to that source's row (column name to value). */
export type Binding = Map<string, Readonly<Record<string, Value>>>

/** A row in scope: source name to that source's columns. `group` is set in aggregate context. */
export interface Scope {
  readonly binding: Binding
  readonly group?: ReadonlyArray<Binding>
  readonly outer?: Scope
  /** Output row by label, for ORDER BY labels. */
  readonly output?: Readonly<Record<string, Value>>
}

/** The database, the CTEs visible here, and the database's choices. */
export interface Ctx {
  readonly db: Database
  readonly ctes: ReadonlyMap<string, Result>
  readonly o: EvalOptions
}
