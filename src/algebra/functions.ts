/**
 * SQL functions: aggregates, `func.*` for any named function, window functions with OVER,
 * and subquery expressions (scalar, EXISTS).
 *
 * @category functions
 */
import type { ExprNode, FrameBound, OrderItem, WindowFrame } from './ast.js'
import { expr, toNode, type Expr, type ExprOrValue } from './Expr.js'
import type { Predicate, QueryLike } from './operators.js'
import type { SqlType } from './SqlType.js'

const INT: SqlType = { _tag: 'Integer' }
const DOUBLE: SqlType = { _tag: 'Double' }

/** A function call of any name; the name must be a plain identifier (checked at compile time). @category functions */
export const fn = <A>(name: string, args: ReadonlyArray<ExprOrValue<unknown>>, type?: SqlType): Expr<A> =>
  expr<A>({ _tag: 'Func', name, args: args.map((a) => toNode(a)), distinct: false, ...(type ? { type } : {}) }, type)

const agg = <A>(name: string, args: ReadonlyArray<ExprNode>, type: SqlType | undefined, distinct = false): Expr<A> =>
  expr<A>({ _tag: 'Func', name, args, distinct, ...(type ? { type } : {}) }, type)

/** `COUNT(*)`, or `COUNT(e)` (non-NULL values). @category functions */
export const count = (e?: Expr<unknown>): Expr<number> => agg<number>('COUNT', [e ? e.node : { _tag: 'Star' }], INT)
/** `COUNT(DISTINCT e)`. @category functions */
export const countDistinct = (e: Expr<unknown>): Expr<number> => agg<number>('COUNT', [e.node], INT, true)
/** `SUM(e)`; NULL over no rows. @category functions */
export const sum = <A extends number | bigint | string | null>(e: Expr<A>): Expr<A | null> => agg<A | null>('SUM', [e.node], e.type)
/** `AVG(e)`, as a double; NULL over no rows. @category functions */
export const avg = (e: Expr<number | bigint | string | null>): Expr<number | null> => agg<number | null>('AVG', [e.node], DOUBLE)
/** `MIN(e)`. @category functions */
export const min = <A>(e: Expr<A>): Expr<A | null> => agg<A | null>('MIN', [e.node], e.type)
/** `MAX(e)`. @category functions */
export const max = <A>(e: Expr<A>): Expr<A | null> => agg<A | null>('MAX', [e.node], e.type)

/** `agg FILTER (WHERE cond)` (emulated with CASE where the dialect lacks FILTER). @category functions */
export const filterWhere = <A>(aggregate: Expr<A>, cond: Predicate): Expr<A> =>
  aggregate.node._tag === 'Func' ? expr<A>({ ...aggregate.node, filter: cond.node }, aggregate.type) : aggregate

/**
 * `agg(args ORDER BY …)`: the order in which an aggregate takes its rows (what `json_agg`,
 * `json_group_array`, `JSON_ARRAYAGG`, `string_agg`, `GROUP_CONCAT` build follows it). Replaces
 * an order given before; with FILTER it is `agg(args ORDER BY …) FILTER (WHERE …)`. Needs the
 * dialect's `aggregateOrderBy` capability (UnsupportedFeature otherwise: MySQL 8 takes it only in
 * GROUP_CONCAT, so `mysqlDialect({ aggregateOrderBy: false })`). A non-call is returned as it is.
 *
 * @example
 * aggOrderBy(func.call('json_agg', [t.c.name]), desc(t.c.at), t.c.id)              // PostgreSQL
 * // json_agg("t"."name" ORDER BY "t"."at" DESC, "t"."id")
 * aggOrderBy(func.call('json_group_array', [t.c.name]), desc(t.c.at))           // SQLite 3.44+
 * // json_group_array("t"."name" ORDER BY "t"."at" DESC)
 * aggOrderBy(func.call('JSON_ARRAYAGG', [t.c.name]), asc(t.c.at, 'LAST'))       // MariaDB 10.5+
 * // JSON_ARRAYAGG(`t`.`name` ORDER BY (`t`.`at` IS NULL), `t`.`at`)
 * @category functions
 */
export const aggOrderBy = <A>(aggregate: Expr<A>, ...order: ReadonlyArray<OrderBy>): Expr<A> =>
  aggregate.node._tag === 'Func' ? expr<A>({ ...aggregate.node, orderBy: order.map(toOrderItem) }, aggregate.type) : aggregate

/** Common scalar functions, and any other by name (`func.anything(a, b)` is `ANYTHING(a, b)`). @category functions */
export const func = {
  lower: (e: Expr<string | null>): Expr<string> => fn<string>('LOWER', [e], { _tag: 'Text' }),
  upper: (e: Expr<string | null>): Expr<string> => fn<string>('UPPER', [e], { _tag: 'Text' }),
  length: (e: Expr<string | null>): Expr<number> => fn<number>('LENGTH', [e], INT),
  abs: <A extends number | null>(e: Expr<A>): Expr<A> => fn<A>('ABS', [e], e.type),
  round: (e: Expr<number | string | null>, digits?: number): Expr<number> =>
    fn<number>('ROUND', digits === undefined ? [e] : [e, digits], DOUBLE),
  trim: (e: Expr<string | null>): Expr<string> => fn<string>('TRIM', [e], { _tag: 'Text' }),
  replace: (e: Expr<string | null>, from: ExprOrValue<string>, to: ExprOrValue<string>): Expr<string> =>
    fn<string>('REPLACE', [e, from, to], { _tag: 'Text' }),
  substr: (e: Expr<string | null>, start: ExprOrValue<number>, length?: ExprOrValue<number>): Expr<string> =>
    fn<string>('SUBSTR', length === undefined ? [e, start] : [e, start, length], { _tag: 'Text' }),
  nullif: <A>(a: Expr<A>, b: ExprOrValue<NoInfer<A>>): Expr<A | null> => expr<A | null>({ _tag: 'Func', name: 'NULLIF', args: [a.node, toNode(b, a.type)], distinct: false }, a.type),
  /** Any function by name, with an optional result type for decoding. */
  call: <A = unknown>(name: string, args: ReadonlyArray<ExprOrValue<unknown>>, type?: SqlType): Expr<A> => fn<A>(name, args, type),
}

// ---------------------------------------------------------------- windows

/** `ROW_NUMBER()` (use with {@link over}). @category windows */
export const rowNumber = (): Expr<number> => agg<number>('ROW_NUMBER', [], INT)
/** `RANK()`. @category windows */
export const rank = (): Expr<number> => agg<number>('RANK', [], INT)
/** `DENSE_RANK()`. @category windows */
export const denseRank = (): Expr<number> => agg<number>('DENSE_RANK', [], INT)
/** `NTILE(n)`. @category windows */
export const ntile = (n: number): Expr<number> => agg<number>('NTILE', [{ _tag: 'Param', value: n, type: INT }], INT)
/** `LAG(e, offset, default)`. @category windows */
export const lag = <A>(e: Expr<A>, offset = 1, fallback?: ExprOrValue<NoInfer<A>>): Expr<A | null> =>
  agg<A | null>('LAG', [e.node, { _tag: 'Param', value: offset, type: INT }, ...(fallback === undefined ? [] : [toNode(fallback, e.type)])], e.type)
/** `LEAD(e, offset, default)`. @category windows */
export const lead = <A>(e: Expr<A>, offset = 1, fallback?: ExprOrValue<NoInfer<A>>): Expr<A | null> =>
  agg<A | null>('LEAD', [e.node, { _tag: 'Param', value: offset, type: INT }, ...(fallback === undefined ? [] : [toNode(fallback, e.type)])], e.type)
/** `FIRST_VALUE(e)`. @category windows */
export const firstValue = <A>(e: Expr<A>): Expr<A> => agg<A>('FIRST_VALUE', [e.node], e.type)
/** `LAST_VALUE(e)`. @category windows */
export const lastValue = <A>(e: Expr<A>): Expr<A> => agg<A>('LAST_VALUE', [e.node], e.type)

/** An ORDER BY item, or an expression (ascending). */
export type OrderBy = OrderItem | Expr<unknown>

/** Normalises an ORDER BY argument. @internal */
export const toOrderItem = (o: OrderBy): OrderItem => ('direction' in o ? o : { expr: o.node, direction: 'ASC' })

/** `e ASC [NULLS FIRST|LAST]`. @category ordering */
export const asc = (e: Expr<unknown>, nulls?: 'FIRST' | 'LAST'): OrderItem => ({ expr: e.node, direction: 'ASC', ...(nulls ? { nulls } : {}) })
/** `e DESC [NULLS FIRST|LAST]`. @category ordering */
export const desc = (e: Expr<unknown>, nulls?: 'FIRST' | 'LAST'): OrderItem => ({ expr: e.node, direction: 'DESC', ...(nulls ? { nulls } : {}) })

/** The window of an OVER clause. */
export interface WindowSpec {
  readonly partitionBy?: ReadonlyArray<Expr<unknown>>
  readonly orderBy?: ReadonlyArray<OrderBy>
  readonly frame?: WindowFrame
}

/**
 * `f OVER (PARTITION BY … ORDER BY … frame)`.
 *
 * @example
 * over(rowNumber(), { partitionBy: [emp.c.dept], orderBy: [desc(emp.c.salary)] })
 * @category windows
 */
export const over = <A>(f: Expr<A>, spec: WindowSpec = {}): Expr<A> =>
  expr<A>(
    {
      _tag: 'Window',
      func: f.node,
      partitionBy: (spec.partitionBy ?? []).map((e) => e.node),
      orderBy: (spec.orderBy ?? []).map(toOrderItem),
      ...(spec.frame ? { frame: spec.frame } : {}),
    },
    f.type,
  )

/** Frame bound `UNBOUNDED PRECEDING`. @category windows */
export const unboundedPreceding: FrameBound = { _tag: 'UnboundedPreceding' }
/** Frame bound `n PRECEDING`. @category windows */
export const preceding = (offset: number): FrameBound => ({ _tag: 'Preceding', offset })
/** Frame bound `CURRENT ROW`. @category windows */
export const currentRow: FrameBound = { _tag: 'CurrentRow' }
/** Frame bound `n FOLLOWING`. @category windows */
export const following = (offset: number): FrameBound => ({ _tag: 'Following', offset })
/** Frame bound `UNBOUNDED FOLLOWING`. @category windows */
export const unboundedFollowing: FrameBound = { _tag: 'UnboundedFollowing' }
/** `ROWS BETWEEN start AND end`. @category windows */
export const rows = (start: FrameBound, end: FrameBound): WindowFrame => ({ units: 'ROWS', start, end })
/** `RANGE BETWEEN start AND end`. @category windows */
export const range = (start: FrameBound, end: FrameBound): WindowFrame => ({ units: 'RANGE', start, end })

// ---------------------------------------------------------------- subqueries as expressions

/** The value type of a one-column query. */
export type SingleValue<R> = R extends Record<string, infer V> ? V : never

/** `(SELECT …)` as a value: the query's single column, NULL when it returns no row. @category subqueries */
export const scalar = <R>(q: QueryLike<R>): Expr<SingleValue<R> | null> => {
  const n = q.node
  const type = n._tag === 'Select' ? n.columns[0]?.type : undefined
  return expr<SingleValue<R> | null>({ _tag: 'ScalarSubquery', query: n }, type)
}
/** `EXISTS (SELECT …)`. @category subqueries */
export const exists = (q: QueryLike): Expr<boolean> => expr<boolean>({ _tag: 'Exists', query: q.node, negated: false }, { _tag: 'Boolean' })
/** `NOT EXISTS (SELECT …)`. @category subqueries */
export const notExists = (q: QueryLike): Expr<boolean> => expr<boolean>({ _tag: 'Exists', query: q.node, negated: true }, { _tag: 'Boolean' })
