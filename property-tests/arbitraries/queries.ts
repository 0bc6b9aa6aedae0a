/**
 * Expression and query arbitraries over the differential schema, built with the library's
 * public combinators (so the generated values are what users build).
 *
 * What the generators avoid, and why (each is a legitimate difference between databases):
 * - a bare parameter as a whole select item or as both sides of an operator: PostgreSQL types
 *   an untyped `$1` from its context and falls back to text (`SELECT $1`, `CASE … THEN $1
 *   ELSE $2 END`); every generated expression is rooted in a column, and CASE has at least
 *   one column-rooted branch;
 * - division (`/`): MySQL's `/` returns a decimal where the others truncate integers, and
 *   division by zero is an error only in PostgreSQL; `%` is generated with non-zero literal
 *   moduli only (all three take the sign of the dividend);
 * - mixed-kind comparisons (integer vs double vs text): implicit conversions differ;
 * - ORDER BY without NULLS FIRST/LAST (NULL sorts low in SQLite/MySQL, high in PostgreSQL),
 *   and ORDER BY that is not total: every ordered query orders by all its output columns,
 *   so results compare as lists; unordered queries compare as multisets;
 * - LIMIT/OFFSET without ORDER BY (any subset is a right answer);
 * - upper/lower and ILIKE (Unicode case mapping differs: SQLite folds ASCII only);
 * - aggregates over booleans (PostgreSQL has no MIN/MAX/SUM on boolean);
 * - FULL/RIGHT JOIN are generated, and a database whose dialect says it cannot express them
 *   must answer `UnsupportedFeature` (checked by the differential suite).
 *
 * @category property-tests
 */
import fc from 'fast-check'
import {
  add,
  alias,
  and,
  asc,
  avg,
  between,
  caseWhen,
  coalesce,
  concat,
  count,
  countDistinct,
  crossJoin,
  cte,
  desc,
  distinct,
  eq,
  except,
  exceptAll,
  exists,
  from,
  fullJoin,
  func,
  groupBy,
  gt,
  gte,
  having,
  intersect,
  intersectAll,
  isDistinctFrom,
  isFalse,
  isIn,
  isNotDistinctFrom,
  isNotIn,
  isNotNull,
  isNull,
  isTrue,
  join,
  label,
  leftJoin,
  like,
  limit,
  lt,
  lte,
  max,
  min,
  mod,
  mul,
  ne,
  neg,
  not,
  notBetween,
  notExists,
  notLike,
  offset,
  or,
  orderBy,
  rightJoin,
  scalar,
  select,
  sub,
  subquery,
  sum,
  union,
  unionAll,
  where,
  withCte,
  type AnyTable,
  type Cte,
  type Expr,
  type FromSource,
  type OrderItem,
  type Predicate,
  type Query,
  type Select,
} from '../../src/algebra/index.js'
import { t0, t1 } from './schema.js'
import { likePattern, nonZeroInt, nullable, quarter, smallInt, smallText } from './values.js'

/** The kinds of values the generators track. */
export type Kind = 'int' | 'double' | 'text' | 'bool'

/** A generated expression and its kind. */
export interface G {
  readonly e: Expr<unknown>
  readonly kind: Kind
}

/** What an expression may refer to. */
export interface Scope {
  readonly cols: ReadonlyArray<G>
  /** How many more levels of subqueries may be nested. */
  readonly subqueries: number
  /** A prefix for aliases introduced below this point (keeps nested aliases unique). */
  readonly prefix: string
}

/** A generated query with its output kinds; `ordered` when it has a total ORDER BY. */
export interface GenQuery {
  readonly query: Query<Record<string, unknown>>
  readonly kinds: ReadonlyArray<Kind>
  readonly ordered: boolean
}

const defer = <A>(f: () => fc.Arbitrary<A>): fc.Arbitrary<A> => fc.constant(null).chain(f)

type AnyE = Expr<any> // eslint-disable-line @typescript-eslint/no-explicit-any -- internal: generated expressions are untyped

const colsOf = (s: Scope, k: Kind): ReadonlyArray<G> => s.cols.filter((c) => c.kind === k)
const has = (s: Scope, k: Kind): boolean => colsOf(s, k).length > 0
const pick = <A>(xs: ReadonlyArray<A>): fc.Arbitrary<A> => fc.constantFrom(...xs)

const literalOf = (k: Kind): fc.Arbitrary<unknown> =>
  k === 'int' ? smallInt : k === 'double' ? quarter : k === 'text' ? smallText : fc.boolean()

/** A column-rooted expression of kind `k` (which must be available in `s`). */
export const exprOf = (s: Scope, k: Kind, depth: number): fc.Arbitrary<AnyE> => {
  if (k === 'bool') return predicate(s, depth)
  const leaf = pick(colsOf(s, k).map((c) => c.e as AnyE))
  if (depth <= 0) return leaf
  const sub1 = defer(() => exprOf(s, k, depth - 1))
  const operand = fc.oneof(sub1, literalOf(k))
  switch (k) {
    case 'int':
      return fc.oneof(
        { arbitrary: leaf, weight: 4 },
        fc.tuple(pick([add, sub, mul]), sub1, operand).map(([op, l, r]) => op(l as Expr<number>, r as number)),
        fc.tuple(sub1, nonZeroInt).map(([l, m]) => mod(l as Expr<number>, m)),
        sub1.map((e) => neg(e as Expr<number>)),
        sub1.map((e) => func.abs(e as Expr<number>)),
        fc.tuple(sub1, nullable(smallInt)).map(([e, v]) => coalesce(e as Expr<number | null>, v)),
        caseOf(s, k, depth),
      )
    case 'double':
      return fc.oneof(
        { arbitrary: leaf, weight: 4 },
        fc.tuple(pick([add, sub]), sub1, fc.oneof(sub1, quarter)).map(([op, l, r]) => op(l as Expr<number>, r as number)),
        fc.tuple(sub1, fc.integer({ min: -8, max: 8 }).map((x) => x / 4)).map(([l, r]) => mul(l as Expr<number>, r)),
        sub1.map((e) => neg(e as Expr<number>)),
        fc.tuple(sub1, quarter).map(([e, v]) => coalesce(e as Expr<number | null>, v)),
      )
    case 'text':
      return fc.oneof(
        { arbitrary: leaf, weight: 4 },
        fc.tuple(sub1, smallText).map(([e, v]) => coalesce(e as Expr<string | null>, v)),
        fc.tuple(sub1, smallText).map(([e, v]) => concat(e as Expr<string>, v)),
        caseOf(s, k, depth),
      )
  }
}

const caseOf = (s: Scope, k: Kind, depth: number): fc.Arbitrary<AnyE> =>
  defer(() =>
    fc
      .tuple(
        fc.array(fc.tuple(predicate(s, depth - 1), fc.oneof(exprOf(s, k, depth - 1), literalOf(k))), { minLength: 1, maxLength: 2 }),
        exprOf(s, k, depth - 1),
        fc.boolean(),
      )
      .map(([whens, rooted, rootedFirst]) => {
        // At least one branch is column-rooted (see the module comment).
        const ws = whens.map(([p, v]) => [p, v] as const)
        return rootedFirst ? caseWhen([[ws[0][0], rooted], ...ws.slice(1)]) : caseWhen(ws, rooted)
      }),
  )

const comparisons = [eq, ne, lt, lte, gt, gte] as const

const comparable = (s: Scope): ReadonlyArray<Kind> => (['int', 'double', 'text'] as const).filter((k) => has(s, k))

/** A predicate (an expression of kind bool) over `s`. */
export const predicate = (s: Scope, depth: number): fc.Arbitrary<AnyE> => {
  const kinds = comparable(s)
  const leaves: Array<fc.Arbitrary<AnyE>> = [
    defer(() =>
      pick(kinds).chain((k) =>
        fc
          .tuple(pick(comparisons), exprOf(s, k, Math.min(depth, 2)), fc.oneof({ arbitrary: literalOf(k), weight: 3 }, exprOf(s, k, 1), fc.constant(null)))
          .map(([op, l, r]) => op(l, r)),
      ),
    ),
    defer(() => pick([...kinds, ...(has(s, 'bool') ? (['bool'] as const) : [])]).chain((k) => fc.tuple(fc.boolean(), exprOf(s, k, 1)).map(([n, e]) => (n ? isNotNull(e) : isNull(e))))),
    defer(() =>
      pick(kinds).chain((k) =>
        fc
          .tuple(fc.boolean(), exprOf(s, k, 1), fc.array(fc.oneof({ arbitrary: literalOf(k), weight: 4 }, fc.constant(null)), { minLength: 1, maxLength: 4 }))
          .map(([n, e, vs]) => (n ? isNotIn(e, vs) : isIn(e, vs))),
      ),
    ),
    defer(() =>
      pick(kinds.filter((k) => k !== 'text')).chain((k) =>
        fc.tuple(fc.boolean(), exprOf(s, k, 1), literalOf(k), literalOf(k)).map(([n, e, lo, hi]) => (n ? notBetween(e, lo, hi) : between(e, lo, hi))),
      ),
    ),
    defer(() =>
      pick(kinds).chain((k) => fc.tuple(fc.boolean(), exprOf(s, k, 1), nullable(literalOf(k))).map(([n, e, v]) => (n ? isNotDistinctFrom(e, v) : isDistinctFrom(e, v)))),
    ),
  ]
  if (has(s, 'text'))
    leaves.push(
      defer(() =>
        fc.tuple(fc.boolean(), exprOf(s, 'text', 1), likePattern).map(([n, e, p]) =>
          (n ? notLike : like)(e as Expr<string>, p.pattern, p.escape === undefined ? undefined : { escape: p.escape }),
        ),
      ),
    )
  if (has(s, 'bool')) {
    leaves.push(pick(colsOf(s, 'bool').map((c) => c.e as AnyE)))
    leaves.push(fc.tuple(pick(colsOf(s, 'bool').map((c) => c.e as AnyE)), fc.boolean()).map(([e, v]) => eq(e, v)))
  }
  if (s.subqueries > 0 && has(s, 'int')) leaves.push(subqueryPredicate(s))
  const leaf = fc.oneof(...leaves)
  if (depth <= 0) return leaf
  const sub1 = defer(() => predicate(s, depth - 1))
  return fc.oneof(
    { arbitrary: leaf, weight: 3 },
    fc.array(sub1, { minLength: 2, maxLength: 3 }).map((ps) => and(...(ps as Predicate[]))),
    fc.array(sub1, { minLength: 2, maxLength: 3 }).map((ps) => or(...(ps as Predicate[]))),
    sub1.map((p) => not(p)),
    fc.tuple(sub1, fc.boolean()).map(([p, t]) => (t ? isTrue(p) : isFalse(p))),
  )
}

// ---------------------------------------------------------------- sources

const tableCols = (t: AnyTable): ReadonlyArray<G> =>
  t.columnNames.map((c) => ({
    e: t.c[c.key] as Expr<unknown>,
    kind: c.type._tag === 'Integer' ? 'int' : c.type._tag === 'Double' ? 'double' : c.type._tag === 'Boolean' ? 'bool' : 'text',
  }))

/** A base table under an alias, with its columns. */
const baseSource = (name: string): fc.Arbitrary<{ readonly src: FromSource; readonly cols: ReadonlyArray<G> }> =>
  pick([t0, t1]).map((t) => {
    const a = alias(t as AnyTable, name)
    return { src: a, cols: tableCols(a) }
  })

/** A subquery: `(SELECT expr AS c0, … FROM t …) AS name`, or a CTE over the same. */
const derivedSource = (prefix: string, name: string): fc.Arbitrary<{ readonly src: FromSource; readonly cols: ReadonlyArray<G>; readonly cte?: Cte<unknown> }> =>
  defer(() =>
    // Its labels are c0, c1, like the outer query's: an outer label a derived column shadows.
    fc.tuple(plainSelect({ cols: [], subqueries: 0, prefix: prefix + 'd' }, ['int', 'text'], false), fc.boolean()).map(([g, asCte]) => {
      if (asCte) {
        const c = cte(name, g.query)
        return { src: c, cols: g.kinds.map((kind, i) => ({ e: c.c[`c${i}`] as Expr<unknown>, kind })), cte: c }
      }
      const sq = subquery(g.query, name)
      return { src: sq, cols: g.kinds.map((kind, i) => ({ e: sq.c[`c${i}`] as Expr<unknown>, kind })) }
    }),
  )

interface FromPart {
  readonly apply: <R>(q: Select<R>) => Select<R>
  readonly cols: ReadonlyArray<G>
}

const joinKinds = ['INNER', 'INNER', 'LEFT', 'LEFT', 'CROSS', 'RIGHT', 'FULL'] as const

/** FROM plus 0–2 joins (the ON conditions see every source joined so far). */
const fromPart = (outer: Scope, allowDerived: boolean): fc.Arbitrary<FromPart> => {
  const p = outer.prefix
  const first = allowDerived ? fc.oneof({ arbitrary: baseSource(p + 'x0'), weight: 3 }, derivedSource(p, p + 'w0')) : baseSource(p + 'x0')
  return fc.tuple(first, fc.array(pick(joinKinds), { maxLength: 2 })).chain(([f, js]) => {
    const steps = js.map((kind, i) => ({ kind, target: baseSource(`${p}x${i + 1}`) }))
    const init: fc.Arbitrary<FromPart> = fc.constant({
      apply: <R>(q: Select<R>): Select<R> => {
        const withFrom = from(f.src)(q)
        const c = 'cte' in f ? (f.cte as Cte<unknown> | undefined) : undefined
        return c !== undefined ? withCte(c)(withFrom) : withFrom
      },
      cols: f.cols,
    })
    return steps.reduce(
      (acc, st) =>
        acc.chain((part) =>
          st.target.chain((t) => {
            const cols = [...part.cols, ...t.cols]
            const scope: Scope = { cols: [...outer.cols, ...cols], subqueries: 0, prefix: p }
            // PostgreSQL runs FULL JOIN only with merge- or hash-joinable conditions: an equality.
            const on =
              st.kind === 'FULL'
                ? fc.tuple(pick(colsOf({ ...scope, cols: part.cols }, 'int')), pick(colsOf({ ...scope, cols: t.cols }, 'int'))).map(([l, r]) => eq(l.e, r.e) as AnyE)
                : predicate(scope, 1)
            return on.map(
              (on): FromPart => ({
                apply: <R>(q: Select<R>): Select<R> => {
                  const base = part.apply(q)
                  switch (st.kind) {
                    case 'INNER':
                      return join(t.src, on)(base)
                    case 'LEFT':
                      return leftJoin(t.src, on)(base)
                    case 'RIGHT':
                      return rightJoin(t.src, on)(base)
                    case 'FULL':
                      return fullJoin(t.src, on)(base)
                    case 'CROSS':
                      return crossJoin(t.src)(base)
                  }
                },
                cols,
              }),
            )
          }),
        ),
      init,
    )
  })
}

// ---------------------------------------------------------------- subqueries in WHERE

const subqueryPredicate = (outer: Scope): fc.Arbitrary<AnyE> =>
  defer(() => {
    const inner = (correlated: boolean) =>
      baseSource(outer.prefix + 'y').chain((b) => {
        const scope: Scope = { cols: correlated ? [...b.cols, ...outer.cols] : b.cols, subqueries: outer.subqueries - 1, prefix: outer.prefix + 'y' }
        return fc.tuple(fc.option(predicate(scope, 1), { nil: undefined }), exprOf({ ...scope, cols: b.cols }, 'int', 1)).map(([p, e]) => ({ b, p, e }))
      })
    const filtered = <R>(q: Select<R>, p: AnyE | undefined): Select<R> => (p === undefined ? q : where(p)(q))
    return fc.oneof(
      fc.tuple(fc.boolean(), fc.boolean(), exprOf(outer, 'int', 1)).chain(([n, c, e]) =>
        inner(c).map(({ b, p, e: ie }) => {
          const q = filtered(from(b.src)(select({ v: ie })), p)
          return n ? isNotIn(e, q) : isIn(e, q)
        }),
      ),
      fc.tuple(fc.boolean(), fc.boolean()).chain(([n, c]) =>
        inner(c).map(({ b, p, e: ie }) => {
          const q = filtered(from(b.src)(select({ v: ie })), p)
          return n ? notExists(q) : exists(q)
        }),
      ),
      fc.tuple(pick(comparisons), pick([min, max, count] as const), fc.boolean(), exprOf(outer, 'int', 1)).chain(([op, agg, c, e]) =>
        inner(c).map(({ b, p, e: ie }) => op(e, scalar(filtered(from(b.src)(select({ v: agg(ie as Expr<number>) })), p)) as AnyE)),
      ),
    )
  })

// ---------------------------------------------------------------- selects

const selection = (gs: ReadonlyArray<AnyE>, prefix = 'c'): Record<string, AnyE> => Object.fromEntries(gs.map((e, i) => [`${prefix}${i}`, e]))

/** A total ORDER BY over the output labels (random order, direction, NULLS placement). */
const totalOrder = (n: number): fc.Arbitrary<ReadonlyArray<OrderItem>> =>
  fc
    .shuffledSubarray(
      Array.from({ length: n }, (_, i) => i),
      { minLength: n, maxLength: n },
    )
    .chain((perm) =>
      fc.tuple(...perm.map((i) => fc.tuple(fc.boolean(), pick(['FIRST', 'LAST'] as const)).map(([d, nl]) => (d ? desc : asc)(label(`c${i}`), nl)))),
    )

const orderAndLimit = <Q extends { readonly node: Query<unknown>['node'] }>(q: Q, n: number): fc.Arbitrary<{ readonly q: Q; readonly ordered: boolean }> =>
  fc.oneof(
    fc.constant({ q, ordered: false }),
    fc
      .tuple(totalOrder(n), fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }))
      .map(([items, l, o]) => {
        let out = orderBy(...items)(q as never) as Q
        if (l !== undefined) out = limit(l)(out as never) as Q
        if (o !== undefined) out = offset(o)(out as never) as Q
        return { q: out, ordered: true }
      }),
  )

/** A non-aggregate SELECT whose items have the given kinds (from/joins/where generated). */
export const plainSelect = (outer: Scope, kinds: ReadonlyArray<Kind> | undefined, allowDerived: boolean, labelPrefix = 'c'): fc.Arbitrary<GenQuery> =>
  fromPart(outer, allowDerived).chain((fp) => {
    const s: Scope = { cols: [...outer.cols, ...fp.cols], subqueries: outer.subqueries, prefix: outer.prefix }
    const local: Scope = { ...s, cols: fp.cols }
    const avail = (['int', 'double', 'text', 'bool'] as const).filter((k) => k === 'bool' || has(local, k))
    const ks = kinds !== undefined ? fc.constant(kinds) : fc.array(pick(avail), { minLength: 1, maxLength: 3 })
    return ks.chain((kk) =>
      fc
        .tuple(fc.tuple(...kk.map((k) => exprOf(local, k, 2))), fc.option(predicate(s, 2), { nil: undefined }), fc.boolean())
        .map(([items, p, dist]): GenQuery => {
          let q = fp.apply(select(selection(items, labelPrefix)))
          if (p !== undefined) q = where(p)(q)
          if (dist && kinds === undefined) q = distinct()(q)
          return { query: q, kinds: kk, ordered: false }
        }),
    )
  })

/** A SELECT with GROUP BY (0–2 keys) and aggregates, and maybe HAVING. */
export const aggregateSelect = (outer: Scope): fc.Arbitrary<GenQuery> =>
  fromPart(outer, true).chain((fp) => {
    const s: Scope = { cols: [...outer.cols, ...fp.cols], subqueries: outer.subqueries, prefix: outer.prefix }
    const local: Scope = { ...s, cols: fp.cols }
    const aggs: Array<fc.Arbitrary<G>> = [
      fc.constant({ e: count() as AnyE, kind: 'int' as const }),
      pick(['int', 'text'] as const).chain((k) => exprOf(local, k, 1).map((e) => ({ e: count(e) as AnyE, kind: 'int' as const }))),
      pick(['int', 'text'] as const).chain((k) => exprOf(local, k, 1).map((e) => ({ e: countDistinct(e) as AnyE, kind: 'int' as const }))),
      exprOf(local, 'int', 1).map((e) => ({ e: sum(e as Expr<number>) as AnyE, kind: 'int' as const })),
      exprOf(local, 'int', 1).map((e) => ({ e: avg(e as Expr<number>) as AnyE, kind: 'double' as const })),
      fc.tuple(pick([min, max] as const), pick(comparable(local))).chain(([f, k]) => exprOf(local, k, 1).map((e) => ({ e: f(e) as AnyE, kind: k }))),
    ]
    if (has(local, 'double')) aggs.push(exprOf(local, 'double', 1).map((e) => ({ e: sum(e as Expr<number>) as AnyE, kind: 'double' as const })))
    return fc
      .tuple(
        fc.subarray([...fp.cols], { maxLength: 2 }),
        fc.array(fc.oneof(...aggs), { minLength: 1, maxLength: 2 }),
        fc.option(predicate(s, 1), { nil: undefined }),
        fc.option(fc.tuple(pick(comparisons), fc.oneof(...aggs.slice(0, 4)), smallInt), { nil: undefined }),
      )
      .map(([keys, as, p, h]): GenQuery => {
        const items = [...keys, ...as]
        let q = fp.apply(select(selection(items.map((g) => g.e))))
        if (p !== undefined) q = where(p)(q)
        if (keys.length > 0) q = groupBy(...keys.map((k) => k.e))(q)
        if (h !== undefined) q = having(h[0](h[1].e as Expr<number>, h[2]))(q)
        return { query: q, kinds: items.map((g) => g.kind), ordered: false }
      })
  })

const setOps = [union, unionAll, intersect, intersectAll, except, exceptAll] as const

/** A set operation over two plain selects of the same kinds. */
export const compoundQuery = (outer: Scope): fc.Arbitrary<GenQuery> =>
  fc.array(pick(['int', 'text', 'bool'] as const), { minLength: 1, maxLength: 2 }).chain((kinds) =>
    fc
      .tuple(pick(setOps), plainSelect({ ...outer, prefix: outer.prefix + 'l' }, kinds, false), plainSelect({ ...outer, prefix: outer.prefix + 'r' }, kinds, false))
      .map(([op, l, r]): GenQuery => ({ query: op(l.query, r.query), kinds, ordered: false })),
  )

/** Any generated query, possibly ordered and limited. */
export const queryArb: fc.Arbitrary<GenQuery> = fc
  .oneof(
    { arbitrary: plainSelect({ cols: [], subqueries: 1, prefix: '' }, undefined, true), weight: 4 },
    { arbitrary: aggregateSelect({ cols: [], subqueries: 1, prefix: '' }), weight: 2 },
    { arbitrary: compoundQuery({ cols: [], subqueries: 0, prefix: '' }), weight: 2 },
  )
  .chain((g) => orderAndLimit(g.query, g.kinds.length).map(({ q, ordered }) => ({ query: q, kinds: g.kinds, ordered })))

/** A WHERE predicate over t0 alone (for the oracles): the predicate and the t0 alias it uses. */
export const t0Predicate: fc.Arbitrary<AnyE> = predicate({ cols: tableCols(t0), subqueries: 1, prefix: 'o' }, 3)
