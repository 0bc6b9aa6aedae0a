/**
 * What the Engine runs: a typed statement handle from the algebra (`{ node, _R? }`) or an
 * already compiled statement, and what running one returns.
 *
 * @category effects
 */
import * as E from 'fp-ts/lib/Either.js'
import type { StatementNode } from '../algebra/ast.js'
import type { CompileError } from '../compile/CompileError.js'
import type { Compiled } from '../compile/Compiled.js'
import type { DbError } from './DbError.js'
import type { RawRow, RowBuilder } from './Driver.js'

/** A statement value whose rows have type `R` (what `select`, `insertInto`, … build). @category effects */
export interface Statement<R> {
  readonly node: StatementNode
  readonly _R?: R
  /**
   * How to build the rows of this query from their values, given its result labels (undefined:
   * plain objects). Set by the ORM for entity queries; rows are decoded in place afterwards.
   */
  readonly rows?: RowFactory
}

/** A row builder for a query with these result labels, or undefined to keep plain row objects. @category effects */
export type RowFactory = (labels: ReadonlyArray<string>) => RowBuilder | undefined

/** A compiled statement whose rows have type `R`. @category effects */
export interface CompiledStatement<R> extends Compiled {
  readonly _R?: R
}

/** Anything the Engine can run. @category effects */
export type Executable<R> = Statement<R> | CompiledStatement<R>

/** The row type of an executable. @category effects */
export type RowOf<Q> = Q extends { readonly _R?: infer R } ? (unknown extends R ? RawRow : Exclude<R, undefined>) : RawRow

/** What `run` returns for any statement. @category effects */
export interface RunResult<R> {
  /** Rows inserted, updated or deleted (0 for queries). */
  readonly rowsAffected: number
  /** The first generated key of an INSERT on dialects without RETURNING (MySQL, SQLite). */
  readonly lastInsertId?: number | bigint
  /** Decoded rows (queries and RETURNING); empty otherwise. */
  readonly rows: ReadonlyArray<R>
}

/** Marks a compiled statement as returning rows of type `R`. @category effects */
export const compiled = <R = RawRow>(c: Compiled): CompiledStatement<R> => c

/** A compiler for one dialect: the shape of `compile(dialect)`. @category effects */
export type Compile = (stmt: StatementNode) => E.Either<CompileError, Compiled>

/** True when `q` is already compiled. @category effects */
export const isCompiled = <R>(q: Executable<R>): q is CompiledStatement<R> => 'sql' in q && typeof q.sql === 'string'

/** Compiles `q` unless it already is; compile errors become the matching DbError. @category effects */
export const toCompiled =
  (compile: Compile) =>
  <R>(q: Executable<R>): E.Either<DbError, Compiled> => {
    if (isCompiled(q)) return E.right(q)
    try {
      return compile(q.node)
    } catch (cause) {
      return E.left({ _tag: 'InvalidStatement', message: `the compiler failed on a ${q.node._tag} node: ${String(cause)}` })
    }
  }

/**
 * The row builder a statement asks for, when its compiled form can use one: a query whose
 * result labels are its SQL's own (no column renamed after reading).
 * @internal
 */
export const rowBuilderOf = <R>(q: Executable<R>, c: Compiled): RowBuilder | undefined => {
  if (isCompiled(q) || q.rows === undefined || c.kind !== 'query' || c.columns.length === 0) return undefined
  const labels: string[] = []
  for (const col of c.columns) {
    if (col.source !== undefined) return undefined
    labels.push(col.name)
  }
  return q.rows(labels)
}

/** A transaction-control statement (BEGIN, COMMIT, SAVEPOINT, …). @internal */
export const control = (sql: string): Compiled => ({ sql, params: [], kind: 'raw', columns: [] })
