/**
 * Raw SQL with named bound parameters, as a whole statement (`text`) or inside an
 * expression (`sql`). `:name` marks a bind; `::` (PostgreSQL casts) and `\:` are not binds.
 * Values never enter the SQL text.
 *
 * @category text
 */
import type { TextQueryNode } from './ast.js'
import { expr, type Expr } from './Expr.js'
import type { Simplify } from './Query.js'
import type { SqlType, ValueOf } from './SqlType.js'

/** A raw SQL statement returning rows of type `R`. @category text */
export interface TextQuery<R> {
  readonly node: TextQueryNode
  readonly _R?: R
}

/** Result column types of a text query, by label. */
export type TextColumns = Readonly<Record<string, SqlType>>

/** The row type described by {@link TextColumns}. */
export type RowOfTextColumns<C extends TextColumns> = Simplify<{ -readonly [K in keyof C]: ValueOf<C[K]> | null }>

/**
 * A raw statement with named binds. Give `columns` to have its rows decoded and typed.
 *
 * @example
 * text('SELECT id, name FROM users WHERE name = :name', { name: "O'Brien" }, { id: types.integer, name: types.text })
 * // sqlite/mysql: … WHERE name = ?   postgres: … WHERE name = $1, params ["O'Brien"]
 * @category text
 */
export function text(sql: string, binds?: Readonly<Record<string, unknown>>): TextQuery<Record<string, unknown>>
export function text<C extends TextColumns>(sql: string, binds: Readonly<Record<string, unknown>>, columns: C): TextQuery<RowOfTextColumns<C>>
export function text(sql: string, binds: Readonly<Record<string, unknown>> = {}, columns?: TextColumns): TextQuery<unknown> {
  return {
    node: {
      _tag: 'TextQuery',
      raw: { _tag: 'Raw', sql, binds },
      ...(columns ? { columns: Object.keys(columns).map((alias) => ({ alias, type: columns[alias] })) } : {}),
    },
  }
}

/**
 * A raw SQL fragment used as an expression, with named binds.
 *
 * @example
 * sql<number>('julianday(:d) - julianday(created_at)', { d: '2024-01-01' }, types.double)
 * @category text
 */
export const sql = <A = unknown>(fragment: string, binds: Readonly<Record<string, unknown>> = {}, type?: SqlType): Expr<A> =>
  expr<A>({ _tag: 'Raw', sql: fragment, binds }, type)
