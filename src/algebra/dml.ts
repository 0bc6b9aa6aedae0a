/**
 * INSERT, UPDATE and DELETE as typed values: `insertInto(t)` + `values(...)`, `update(t)` +
 * `set({...})`, `deleteFrom(t)`; `where` (from Query) filters UPDATE and DELETE; `returning`
 * makes any of them return rows; upserts with `onConflictDoNothing` / `onConflictDoUpdate`.
 *
 * @category dml
 */
import type { Assignment, DeleteNode, ExprNode, InsertNode, SelectItem, UpdateNode } from './ast.js'
import { toNode, type ExprOrValue } from './Expr.js'
import type { Predicate } from './operators.js'
import { tableItems, type FromSource, type Query, type RowOfSelection, type Selection, type Simplify } from './Query.js'
import type { AnyTable, Column, ColumnValue, InsertRowOf, RowOf, Table } from './Table.js'

/** An INSERT into table `T`; `R` is the row type of RETURNING (`never` without it). @category dml */
export interface Insert<T extends AnyTable, R = never> {
  readonly node: InsertNode
  readonly table: T
  readonly _R?: R
}

/** An UPDATE of table `T`. @category dml */
export interface Update<T extends AnyTable, R = never> {
  readonly node: UpdateNode
  readonly table: T
  readonly _R?: R
}

/** A DELETE from table `T`. @category dml */
export interface Delete<T extends AnyTable, R = never> {
  readonly node: DeleteNode
  readonly table: T
  readonly _R?: R
}

type InsertRow<T> = T extends Table<string, infer C> ? InsertRowOf<C> : never
type UpdateRow<T> = T extends Table<string, infer C> ? { readonly [K in keyof C]?: ExprOrValue<ColumnValue<C[K]>> } : never

/**
 * Starts an INSERT into `t`; without {@link values} or {@link fromQuery} it inserts one row of
 * defaults.
 * @category dml
 */
export const insertInto = <T extends AnyTable>(t: T): Insert<T> => ({
  node: { _tag: 'Insert', table: t.ref, columns: [], source: { _tag: 'DefaultValues' }, returning: [] },
  table: t,
})

/**
 * The rows to insert (one or many). The column list is every column any row names; a row
 * that leaves one out gets its default (`DEFAULT`, or the declared default on SQLite).
 *
 * @example
 * pipe(insertInto(users), values([{ name: 'Ada' }, { name: 'Alan', email: 'a@t.uk' }]))
 * @category dml
 */
export const values =
  <T extends AnyTable>(rows: InsertRow<T> | ReadonlyArray<InsertRow<T>>) =>
  <R>(q: Insert<T, R>): Insert<T, R> => {
    const list = (Array.isArray(rows) ? rows : [rows]) as ReadonlyArray<Readonly<Record<string, unknown>>>
    const t = q.table
    const present = t.columnNames.filter((col) => list.some((row) => row[col.key] !== undefined))
    const defs = present.length > 0 && list.some((row) => present.some((col) => row[col.key] === undefined)) ? t.definition().columns : []
    const nodeRows = list.map((row) =>
      present.map((col): ExprNode => {
        const v = row[col.key]
        if (v !== undefined) return toNode(v, col.type)
        const def = defs.find((d) => d.name === col.name)
        return { _tag: 'Default', column: col.name, autoIncrement: def?.autoIncrement ?? false, ...(def?.default ? { default: def.default } : {}) }
      }),
    )
    return {
      ...q,
      node: {
        ...q.node,
        columns: present.map((col) => col.name),
        source: present.length === 0 ? { _tag: 'DefaultValues' } : { _tag: 'Values', rows: nodeRows },
      },
    }
  }

/** `INSERT INTO t (columns) SELECT …`: the query's columns fill `columns` in order. @category dml */
export const fromQuery =
  <T extends AnyTable>(columns: ReadonlyArray<Column<unknown>>, query: Query<unknown>) =>
  <R>(q: Insert<T, R>): Insert<T, R> => ({
    ...q,
    node: { ...q.node, columns: columns.map((c) => c.node.name), source: { _tag: 'FromQuery', query: query.node } },
  })

const assignments = (t: AnyTable, set: Readonly<Record<string, unknown>>): ReadonlyArray<Assignment> =>
  Object.keys(set)
    .filter((k) => set[k] !== undefined)
    .map((k) => {
      // A key that is no column (only possible past the type checker) is kept verbatim, so the
      // database rejects it with a typed UndefinedObject error instead of it being dropped.
      const col = t.columnNames.find((c) => c.key === k)
      return { column: col?.name ?? k, value: toNode(set[k], col?.type) }
    })

/** `ON CONFLICT (target) DO NOTHING` (MySQL: a no-op ON DUPLICATE KEY UPDATE). @category dml */
export const onConflictDoNothing =
  (target: ReadonlyArray<Column<unknown>> = []) =>
  <T extends AnyTable, R>(q: Insert<T, R>): Insert<T, R> => ({
    ...q,
    node: { ...q.node, onConflict: { _tag: 'DoNothing', target: target.map((c) => c.node.name) } },
  })

/**
 * `ON CONFLICT (target) DO UPDATE SET …` (MySQL: `ON DUPLICATE KEY UPDATE`, reacting to any
 * unique key). Use {@link excluded} for the value that was proposed.
 *
 * @example
 * pipe(insertInto(users), values({ email: 'a@x.io', name: 'A' }),
 *   onConflictDoUpdate({ target: [users.c.email], set: { name: excluded(users.c.name) } }))
 * @category dml
 */
export const onConflictDoUpdate =
  <T extends AnyTable>(spec: { readonly target?: ReadonlyArray<Column<unknown>>; readonly set: UpdateRow<T>; readonly where?: Predicate }) =>
  <R>(q: Insert<T, R>): Insert<T, R> => ({
    ...q,
    node: {
      ...q.node,
      onConflict: {
        _tag: 'DoUpdate',
        target: (spec.target ?? []).map((c) => c.node.name),
        set: assignments(q.table, spec.set as Readonly<Record<string, unknown>>),
        ...(spec.where ? { where: spec.where.node } : {}),
      },
    },
  })

/** Starts an UPDATE of `t`; give the new values with {@link set} and filter with `where`. @category dml */
export const update = <T extends AnyTable>(t: T): Update<T> => ({
  node: { _tag: 'Update', table: t.ref, set: [], from: [], returning: [] },
  table: t,
})

/**
 * The assignments of an UPDATE: values or expressions per column.
 *
 * @example
 * pipe(update(users), set({ name: 'Bob', visits: add(users.c.visits, 1) }), where(eq(users.c.id, 7)))
 * @category dml
 */
export const set =
  <T extends AnyTable>(values: UpdateRow<T>) =>
  <R>(q: Update<T, R>): Update<T, R> => ({
    ...q,
    node: { ...q.node, set: [...q.node.set, ...assignments(q.table, values as Readonly<Record<string, unknown>>)] },
  })

/** Adds tables to an UPDATE (`UPDATE … FROM`, or MySQL's multi-table form). @category dml */
export const updateFrom =
  (...sources: ReadonlyArray<FromSource>) =>
  <T extends AnyTable, R>(q: Update<T, R>): Update<T, R> => ({ ...q, node: { ...q.node, from: [...q.node.from, ...sources.map((s) => s.ref)] } })

/** Starts a DELETE from `t`; filter with `where` (no `where`: every row). @category dml */
export const deleteFrom = <T extends AnyTable>(t: T): Delete<T> => ({
  node: { _tag: 'Delete', table: t.ref, using: [], returning: [] },
  table: t,
})

/** Adds tables to a DELETE (`DELETE … USING`, or MySQL's multi-table form). @category dml */
export const using =
  (...sources: ReadonlyArray<FromSource>) =>
  <T extends AnyTable, R>(q: Delete<T, R>): Delete<T, R> => ({ ...q, node: { ...q.node, using: [...q.node.using, ...sources.map((s) => s.ref)] } })

type Dml = Insert<AnyTable, unknown> | Update<AnyTable, unknown> | Delete<AnyTable, unknown>
type WithReturning<Q, R> = Q extends Insert<infer T, unknown>
  ? Insert<T, R>
  : Q extends Update<infer T, unknown>
    ? Update<T, R>
    : Q extends Delete<infer T, unknown>
      ? Delete<T, R>
      : never
type TableRow<Q> = Q extends { readonly table: Table<string, infer C> } ? Simplify<RowOf<C>> : never

const selectionItems = (s: Selection): ReadonlyArray<SelectItem> =>
  Object.keys(s).map((alias) => (s[alias].type ? { alias, expr: s[alias].node, type: s[alias].type } : { alias, expr: s[alias].node }))

/**
 * `RETURNING …`: the statement returns rows (UnsupportedFeature on MySQL). With no argument,
 * every column of the table.
 * @category dml
 */
export function returning(): <Q extends Dml>(q: Q) => WithReturning<Q, TableRow<Q>>
export function returning<S extends Selection>(selection: S): <Q extends Dml>(q: Q) => WithReturning<Q, RowOfSelection<S>>
export function returning(selection?: Selection): (q: Dml) => Dml {
  return (q: Dml): Dml =>
    ({
      ...q,
      node: { ...q.node, returning: selection ? selectionItems(selection) : tableItems(q.table) },
    }) as Dml
}

