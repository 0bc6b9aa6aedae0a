/**
 * SELECT queries as typed values: `select(selection)` then data-last combinators under
 * `pipe` (`from`, `join`, `where`, `groupBy`, `having`, `orderBy`, `limit`, …), set operations,
 * subqueries and CTEs. The row type `R` is inferred from the selection.
 *
 * @category queries
 */
import type {
  CompoundNode,
  CompoundOp,
  CteDef,
  DeleteNode,
  ExprNode,
  FromItem,
  JoinKind,
  LockClause,
  QueryNode,
  SelectItem,
  SelectNode,
  SubqueryRefNode,
  TableRefNode,
  UpdateNode,
  WithClause,
} from './ast.js'
import { expr, toNode, type Expr, type TypeOf } from './Expr.js'
import { toOrderItem, type OrderBy } from './functions.js'
import { and, type Predicate } from './operators.js'
import type { SqlType } from './SqlType.js'
import type { AnyTable, RowOf, Table, ColumnBuilders } from './Table.js'

/** Flattens an intersection for readable hover types. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {}

/** A SELECT returning rows of type `R`. @category queries */
export interface Select<R> {
  readonly node: SelectNode
  readonly _R?: R
}

/** A set operation (UNION, INTERSECT, EXCEPT) returning rows of type `R`. @category queries */
export interface Compound<R> {
  readonly node: CompoundNode
  readonly _R?: R
}

/** Any query returning rows of type `R`. @category queries */
export interface Query<R> {
  readonly node: QueryNode
  readonly _R?: R
}

/** The row type of a query. */
export type RowOfQuery<Q> = Q extends { readonly _R?: infer R } ? Exclude<R, undefined> : never

/** A selection: output labels to expressions. */
export type Selection = Readonly<Record<string, Expr<unknown>>>

/** The row type of a selection. */
export type RowOfSelection<S extends Selection> = Simplify<{ -readonly [K in keyof S]: TypeOf<S[K]> }>

/** Anything that can stand in FROM: a table, an alias, a subquery, a CTE. */
export interface FromSource {
  readonly ref: FromItem | TableRefNode
}

const isTable = (u: unknown): u is AnyTable => typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === 'Table'

/** The select items of a whole table (each column labelled by its property name). @internal */
export const tableItems = (t: AnyTable): ReadonlyArray<SelectItem> =>
  t.columnNames.map((col) => ({ alias: col.key, expr: { _tag: 'ColumnRef', table: t.refName, name: col.name, type: col.type }, type: col.type }))

/** The select items of a selection (each expression labelled by its key). @internal */
export const selectionItems = (s: Selection): ReadonlyArray<SelectItem> =>
  Object.keys(s).map((alias) => {
    const e = s[alias]
    return e.type ? { alias, expr: e.node, type: e.type } : { alias, expr: e.node }
  })

const emptySelect: SelectNode = {
  _tag: 'Select',
  distinct: false,
  columns: [],
  from: [],
  joins: [],
  groupBy: [],
  orderBy: [],
}

/**
 * Starts a SELECT. Given a table, selects all its columns FROM it; given a record of
 * expressions, selects each under its key (add the sources with {@link from}).
 *
 * @example
 * pipe(select({ id: users.c.id, name: users.c.name }), from(users), where(eq(users.c.id, 1)))
 * // sqlite/mysql: SELECT "users"."id" AS "id", … FROM "users" WHERE "users"."id" = ?
 * // postgres: … WHERE "users"."id" = $1
 * @category queries
 */
export function select<N extends string, C extends ColumnBuilders>(t: Table<N, C>): Select<Simplify<RowOf<C>>>
export function select<S extends Selection>(selection: S): Select<RowOfSelection<S>>
export function select(s: AnyTable | Selection): Select<unknown> {
  return isTable(s)
    ? { node: { ...emptySelect, columns: tableItems(s), from: [s.ref] } }
    : { node: { ...emptySelect, columns: selectionItems(s) } }
}

/** Adds columns to a select's output. @category queries */
export const addColumns =
  <S extends Selection>(selection: S) =>
  <R>(q: Select<R>): Select<Simplify<R & RowOfSelection<S>>> => ({ node: { ...q.node, columns: [...q.node.columns, ...selectionItems(selection)] } })

const mapSelect =
  (f: (n: SelectNode) => SelectNode) =>
  <R>(q: Select<R>): Select<R> => ({ ...q, node: f(q.node) })

/** Adds FROM sources (tables, aliases, subqueries, CTEs). @category queries */
export const from = (...sources: ReadonlyArray<FromSource>) =>
  mapSelect((n) => ({ ...n, from: [...n.from, ...sources.map((s) => s.ref)] }))

const joinOf = (kind: JoinKind) => (target: FromSource, on: Predicate) =>
  mapSelect((n) => ({ ...n, joins: [...n.joins, { kind, target: target.ref, on: on.node }] }))

/** `INNER JOIN target ON on`. @category queries */
export const join = joinOf('INNER')
/** `LEFT JOIN target ON on` (the target's columns may then be NULL: see `orNull`). @category queries */
export const leftJoin = joinOf('LEFT')
/** `RIGHT JOIN target ON on`. @category queries */
export const rightJoin = joinOf('RIGHT')
/** `FULL JOIN target ON on` (UnsupportedFeature on MySQL). @category queries */
export const fullJoin = joinOf('FULL')
/** `CROSS JOIN target`. @category queries */
export const crossJoin = (target: FromSource) => mapSelect((n) => ({ ...n, joins: [...n.joins, { kind: 'CROSS', target: target.ref }] }))

/** Statements with a WHERE clause. */
export type Filterable = { readonly node: SelectNode | UpdateNode | DeleteNode }

const andWith = (prev: ExprNode | undefined, p: Predicate): ExprNode =>
  prev === undefined ? p.node : and({ node: prev }, p).node

/**
 * Adds a WHERE condition; several `where`s are ANDed (`where(p), where(q)` is `where(and(p, q))`).
 * Works on select, update and delete.
 * @category queries
 */
export const where =
  (p: Predicate) =>
  <Q extends Filterable>(q: Q): Q =>
    ({ ...q, node: { ...q.node, where: andWith(q.node.where, p) } }) as Q

/** `GROUP BY …`. @category queries */
export const groupBy = (...exprs: ReadonlyArray<Expr<unknown>>) => mapSelect((n) => ({ ...n, groupBy: [...n.groupBy, ...exprs.map((e) => e.node)] }))
/** `HAVING …`; several are ANDed. @category queries */
export const having = (p: Predicate) => mapSelect((n) => ({ ...n, having: andWith(n.having, p) }))

/** Queries that can be ordered and limited. */
export type Orderable = { readonly node: SelectNode | CompoundNode }

/** `ORDER BY …` (appends). @category queries */
export const orderBy =
  (...items: ReadonlyArray<OrderBy>) =>
  <Q extends Orderable>(q: Q): Q =>
    ({ ...q, node: { ...q.node, orderBy: [...q.node.orderBy, ...items.map(toOrderItem)] } }) as Q

const INT: SqlType = { _tag: 'Integer' }

/** `LIMIT n`. @category queries */
export const limit =
  (n: number | Expr<number>) =>
  <Q extends Orderable>(q: Q): Q =>
    ({ ...q, node: { ...q.node, limit: toNode(n, INT) } }) as Q
/** `OFFSET n`. @category queries */
export const offset =
  (n: number | Expr<number>) =>
  <Q extends Orderable>(q: Q): Q =>
    ({ ...q, node: { ...q.node, offset: toNode(n, INT) } }) as Q

/** `SELECT DISTINCT`. @category queries */
export const distinct = () => mapSelect((n) => ({ ...n, distinct: true }))
/** `SELECT DISTINCT ON (…)` (PostgreSQL only). @category queries */
export const distinctOn = (...exprs: ReadonlyArray<Expr<unknown>>) => mapSelect((n) => ({ ...n, distinct: exprs.map((e) => e.node) }))

/** Options of row locks. */
export interface LockOptions {
  readonly of?: ReadonlyArray<FromSource>
  readonly nowait?: boolean
  readonly skipLocked?: boolean
}

const lockOf = (mode: LockClause['mode'], o: LockOptions = {}): LockClause => ({
  mode,
  of: (o.of ?? []).map((s) => (s.ref._tag === 'TableRef' ? (s.ref.alias ?? s.ref.name) : s.ref.alias)),
  wait: o.nowait ? 'NOWAIT' : o.skipLocked ? 'SKIP LOCKED' : 'WAIT',
})
/** `FOR UPDATE [OF …] [NOWAIT | SKIP LOCKED]`. @category queries */
export const forUpdate = (o?: LockOptions) => mapSelect((n) => ({ ...n, lock: lockOf('UPDATE', o) }))
/** `FOR SHARE …`. @category queries */
export const forShare = (o?: LockOptions) => mapSelect((n) => ({ ...n, lock: lockOf('SHARE', o) }))

// ---------------------------------------------------------------- set operations

const compound =
  (op: CompoundOp, all: boolean) =>
  <R>(left: Query<R>, right: Query<NoInfer<R>>): Compound<R> => ({
    node: { _tag: 'Compound', op, all, left: left.node, right: right.node, orderBy: [] },
  })

/** `a UNION b` (duplicates removed). @category set operations */
export const union = compound('UNION', false)
/** `a UNION ALL b`. @category set operations */
export const unionAll = compound('UNION', true)
/** `a INTERSECT b`. @category set operations */
export const intersect = compound('INTERSECT', false)
/** `a INTERSECT ALL b`. @category set operations */
export const intersectAll = compound('INTERSECT', true)
/** `a EXCEPT b`. @category set operations */
export const except = compound('EXCEPT', false)
/** `a EXCEPT ALL b`. @category set operations */
export const exceptAll = compound('EXCEPT', true)

// ---------------------------------------------------------------- subqueries and CTEs

/** The output columns of a query, as columns of the alias it is known by. */
export type ColumnsOfRow<R> = { readonly [K in keyof R]: Expr<R[K]> }

/** The output items of a query node (for typing columns of subqueries and CTEs). @internal */
export const outputItems = (q: QueryNode): ReadonlyArray<{ readonly alias: string; readonly type?: SqlType }> => {
  switch (q._tag) {
    case 'Select':
      return q.columns
    case 'Compound':
      return outputItems(q.left)
    case 'TextQuery':
      return q.columns ?? []
  }
}

const columnsOfQuery = <R>(refName: string, q: QueryNode): ColumnsOfRow<R> => {
  const out: Record<string, Expr<unknown>> = {}
  for (const item of outputItems(q)) out[item.alias] = expr({ _tag: 'ColumnRef', table: refName, name: item.alias, ...(item.type ? { type: item.type } : {}) }, item.type)
  return out as ColumnsOfRow<R>
}

/** A query used as a FROM source under an alias, with typed columns. @category subqueries */
export interface Subquery<R> extends FromSource {
  readonly ref: SubqueryRefNode
  readonly c: ColumnsOfRow<R>
}

/**
 * `(query) AS alias`, usable in FROM and joins.
 *
 * @example
 * const totals = subquery(pipe(select({ userId: posts.c.userId, n: count() }), from(posts), groupBy(posts.c.userId)), 't')
 * pipe(select({ name: users.c.name, n: totals.c.n }), from(users), join(totals, eq(totals.c.userId, users.c.id)))
 * @category subqueries
 */
export const subquery = <R>(q: Query<R>, aliasName: string): Subquery<R> => ({
  ref: { _tag: 'SubqueryRef', query: q.node, alias: aliasName, lateral: false },
  c: columnsOfQuery<R>(aliasName, q.node),
})

/** `LATERAL (query) AS alias` (not on SQLite). @category subqueries */
export const lateral = <R>(q: Query<R>, aliasName: string): Subquery<R> => ({
  ref: { _tag: 'SubqueryRef', query: q.node, alias: aliasName, lateral: true },
  c: columnsOfQuery<R>(aliasName, q.node),
})

/** A common table expression with typed columns. @category subqueries */
export interface Cte<R> extends FromSource {
  readonly ref: TableRefNode
  readonly c: ColumnsOfRow<R>
  readonly def: CteDef
  readonly recursive: boolean
}

/**
 * `name AS (query)`: attach it to a statement with {@link withCte}.
 * @category subqueries
 */
export const cte = <R>(name: string, q: Query<R>): Cte<R> => ({
  ref: { _tag: 'TableRef', name },
  c: columnsOfQuery<R>(name, q.node),
  def: { name, columns: outputItems(q.node).map((i) => i.alias), query: q.node },
  recursive: false,
})

/**
 * A recursive CTE: `name AS (anchor UNION [ALL] step(name))`.
 *
 * @example
 * const tree = recursiveCte('tree', pipe(select({ id: cat.c.id, depth: param(0) }), from(cat), where(isNull(cat.c.parentId))),
 *   (t) => pipe(select({ id: cat.c.id, depth: add(t.c.depth, 1) }), from(cat), join(t, eq(cat.c.parentId, t.c.id))))
 * @category subqueries
 */
export const recursiveCte = <R>(name: string, anchor: Query<R>, step: (self: Cte<R>) => Query<NoInfer<R>>, options?: { readonly distinct?: boolean }): Cte<R> => {
  const self = cte<R>(name, anchor)
  const body: CompoundNode = { _tag: 'Compound', op: 'UNION', all: !(options?.distinct ?? false), left: anchor.node, right: step(self).node, orderBy: [] }
  return { ...self, def: { ...self.def, query: body }, recursive: true }
}

/** Statements that accept a WITH clause. */
export type WithAble = { readonly node: SelectNode | CompoundNode | UpdateNode | DeleteNode | import('./ast.js').InsertNode }

/** Attaches CTEs (`WITH …`) to a statement; RECURSIVE when any of them is. @category subqueries */
export const withCte =
  (...ctes: ReadonlyArray<Cte<unknown>>) =>
  <Q extends WithAble>(q: Q): Q => {
    const prev: WithClause | undefined = q.node.with
    const clause: WithClause = {
      recursive: (prev?.recursive ?? false) || ctes.some((c) => c.recursive),
      ctes: [...(prev?.ctes ?? []), ...ctes.map((c) => c.def)],
    }
    return { ...q, node: { ...q.node, with: clause } } as Q
  }
