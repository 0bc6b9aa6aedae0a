/**
 * INSERT, UPDATE and DELETE as typed values: `insertInto(t, rows, { onConflict })`,
 * `insertFromQuery(t, columns, q)`, `update(t, values)`, `deleteFrom(t)`; `where` (from Query)
 * filters UPDATE and DELETE; `returning` makes any of them return rows. They take the table
 * first so that rows and values are checked against its columns.
 *
 * @category dml
 */
import type { Assignment, DeleteNode, ExprNode, InsertNode, OnConflict, UpdateNode } from './ast.js'
import { toNode, type ExprOrValue } from './Expr.js'
import type { Predicate } from './operators.js'
import { selectionItems, tableItems, type FromSource, type Query, type RowOfSelection, type Selection, type Simplify } from './Query.js'
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

/** What an INSERT does on a unique conflict: nothing, or update some columns. */
export type ConflictSpec<T extends AnyTable> =
  | { readonly doNothing: true; readonly target?: ReadonlyArray<Column<unknown>> }
  | {
      /** The unique columns that conflict (ignored by MySQL, which reacts to any unique key). */
      readonly target?: ReadonlyArray<Column<unknown>>
      /** New values for the existing row; {@link excluded} is the value that was proposed. */
      readonly set: UpdateRow<T>
      readonly where?: Predicate
    }

/** Options of {@link insertInto}. */
export interface InsertOptions<T extends AnyTable> {
  /** Upsert: `ON CONFLICT … DO NOTHING / DO UPDATE` (MySQL: `ON DUPLICATE KEY UPDATE`). */
  readonly onConflict?: ConflictSpec<T>
}

/** The keys of rows that are no column of `t`, in order of first appearance. */
const keysBeyond = (t: AnyTable, list: ReadonlyArray<Readonly<Record<string, unknown>>>): ReadonlyArray<string> => {
  let extra: string[] | undefined
  for (const row of list)
    for (const k in row)
      if (Object.prototype.hasOwnProperty.call(row, k) && !t.columnNames.some((col) => col.key === k) && !(extra ??= []).includes(k)) extra.push(k)
  return extra ?? []
}

const rowsNode = (t: AnyTable, list: ReadonlyArray<Readonly<Record<string, unknown>>>): Pick<InsertNode, 'columns' | 'source'> => {
  const present = t.columnNames.filter((col) => list.some((row) => row[col.key] !== undefined))
  // A key that is no column (only possible past the type checker) is kept verbatim, so the
  // database rejects it with a typed UndefinedObject error instead of it being dropped.
  const extra = keysBeyond(t, list)
  const cols = extra.length === 0 ? present : [...present, ...extra.map((k) => ({ key: k, name: k, type: undefined }))]
  if (cols.length === 0 && (list.length <= 1 || t.columnNames.length === 0)) return { columns: [], source: { _tag: 'DefaultValues' } }
  const sparse = cols.length === 0 || list.some((row) => cols.some((col) => row[col.key] === undefined))
  const defs = sparse ? t.definition().columns : []
  // Several rows of defaults only: `DEFAULT VALUES` inserts one row, so each row is `(DEFAULT)`
  // for one column: the first that is not generated (MariaDB stores an explicit DEFAULT of an
  // AUTO_INCREMENT key as 0), else the first. On SQLite: that column's default, or NULL.
  if (cols.length === 0) {
    const plain = t.columnNames.find((col) => defs.find((d) => d.name === col.name)?.autoIncrement !== true)
    cols.push(plain ?? t.columnNames[0])
  }
  const rows = list.map((row) =>
    cols.map((col): ExprNode => {
      const v = row[col.key]
      if (v !== undefined) return toNode(v, col.type)
      const def = defs.find((d) => d.name === col.name)
      return { _tag: 'Default', column: col.name, autoIncrement: def?.autoIncrement ?? false, ...(def?.default ? { default: def.default } : {}) }
    }),
  )
  return { columns: cols.map((col) => col.name), source: { _tag: 'Values', rows } }
}

const conflictNode = <T extends AnyTable>(t: T, spec: ConflictSpec<T>): OnConflict =>
  'doNothing' in spec
    ? { _tag: 'DoNothing', target: (spec.target ?? []).map((c) => c.node.name) }
    : {
        _tag: 'DoUpdate',
        target: (spec.target ?? []).map((c) => c.node.name),
        set: assignments(t, spec.set as Readonly<Record<string, unknown>>),
        ...(spec.where ? { where: spec.where.node } : {}),
      }

/**
 * An INSERT of one row or many into `t` (no rows: one row of defaults; n empty rows: n rows
 * of defaults). The column list is
 * every column any row names; a row that leaves one out gets its default (`DEFAULT`, or the
 * declared default on SQLite).
 *
 * @example
 * insertInto(users, [{ name: 'Ada' }, { name: 'Alan', email: 'a@t.uk' }])
 * // sqlite: INSERT INTO "users" ("name", "email") VALUES (?, NULL-or-default), (?, ?)
 * insertInto(users, { email: 'a@x.io', name: 'A' }, { onConflict: { target: [users.c.email], set: { name: excluded(users.c.name) } } })
 * // postgres: … ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name"   mysql: … ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)
 * @category dml
 */
export const insertInto = <T extends AnyTable>(
  t: T,
  rows: InsertRow<T> | ReadonlyArray<InsertRow<T>> = [],
  options: InsertOptions<T> = {},
): Insert<T> => ({
  node: {
    _tag: 'Insert',
    table: t.ref,
    ...rowsNode(t, (Array.isArray(rows) ? rows : [rows]) as ReadonlyArray<Readonly<Record<string, unknown>>>),
    ...(options.onConflict ? { onConflict: conflictNode(t, options.onConflict) } : {}),
    returning: [],
  },
  table: t,
})

/** `INSERT INTO t (columns) SELECT …`: the query's columns fill `columns` in order. @category dml */
export const insertFromQuery = <T extends AnyTable>(t: T, columns: ReadonlyArray<Column<unknown>>, query: Query<unknown>): Insert<T> => ({
  node: { _tag: 'Insert', table: t.ref, columns: columns.map((c) => c.node.name), source: { _tag: 'FromQuery', query: query.node }, returning: [] },
  table: t,
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

/**
 * An UPDATE of `t` setting values or expressions per column; filter it with `where`.
 *
 * @example
 * pipe(update(users, { name: 'Bob', visits: add(users.c.visits, 1) }), where(eq(users.c.id, 7)))
 * // postgres: UPDATE "users" SET "name" = $1, "visits" = "users"."visits" + $2 WHERE "users"."id" = $3
 * @category dml
 */
export const update = <T extends AnyTable>(t: T, values: UpdateRow<T>): Update<T> => ({
  node: { _tag: 'Update', table: t.ref, set: assignments(t, values as Readonly<Record<string, unknown>>), from: [], returning: [] },
  table: t,
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

