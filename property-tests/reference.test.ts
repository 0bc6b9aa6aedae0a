/**
 * The reference evaluator checked on hand-written cases (its answers are the oracle of the
 * differential suite, so its three-valued logic, grouping and set operations are pinned here).
 */
import { describe, expect, it } from 'vitest'
import {
  and,
  asc,
  count,
  desc,
  eq,
  except,
  exceptAll,
  from,
  groupBy,
  intersectAll,
  isIn,
  isNotIn,
  label,
  leftJoin,
  like,
  limit,
  not,
  offset,
  or,
  orderBy,
  select,
  sum,
  union,
  unionAll,
  where,
  alias,
} from '../src/algebra/index.js'
import { t0, t1, toDatabase } from './arbitraries/schema.js'
import { dialectOptions } from './reference/context.js'
import { evaluate } from './reference/evaluate.js'
import { likeMatch } from './reference/like.js'
import { compareText } from './reference/values.js'

const db = toDatabase({
  t0: [
    [1, 10, 0.5, 'a', true],
    [2, null, null, 'b', false],
    [null, 30, 1.5, null, null],
    [2, 40, 2, 'a', true],
  ],
  t1: [
    [2, 1, 'x', true],
    [3, 2, null, null],
  ],
})

const rows = (q: { readonly node: Parameters<typeof evaluate>[1] }) => evaluate(db, q.node).rows

describe('reference evaluator', () => {
  it('WHERE keeps only TRUE rows (NULL comparisons drop out)', () => {
    expect(rows(where(eq(t0.c.b, 30))(from(t0)(select({ a: t0.c.a }))))).toStrictEqual([[null]])
    expect(rows(where(not(eq(t0.c.a, 1)))(from(t0)(select({ a: t0.c.a }))))).toStrictEqual([[2], [2]])
  })

  it('Kleene AND/OR', () => {
    // a = 2 OR b > 100: NULL OR FALSE is NULL (row 3 dropped); TRUE OR NULL is TRUE (row 2 kept)
    expect(rows(where(or(eq(t0.c.a, 2), eq(t0.c.b, 100)))(from(t0)(select({ b: t0.c.b }))))).toStrictEqual([[null], [40]])
    // NOT (a = 2 AND b = 100): (2, NULL) gives NOT NULL (dropped); (NULL, 30) gives NOT FALSE (kept)
    expect(rows(where(not(and(eq(t0.c.a, 2), eq(t0.c.b, 100))))(from(t0)(select({ a: t0.c.a }))))).toStrictEqual([[1], [null], [2]])
  })

  it('NOT IN with a NULL in the list is never TRUE', () => {
    expect(rows(where(isNotIn(t0.c.a, [5, null]))(from(t0)(select({ a: t0.c.a }))))).toStrictEqual([])
    expect(rows(where(isIn(t0.c.a, [2, null]))(from(t0)(select({ a: t0.c.a }))))).toStrictEqual([[2], [2]])
  })

  it('LEFT JOIN pads with NULLs', () => {
    const q = orderBy(asc(label('a'), 'FIRST'))(leftJoin(t1, eq(t1.c.a, t0.c.a))(from(t0)(select({ a: t0.c.a, s: t1.c.s }))))
    expect(rows(q)).toStrictEqual([[null, null], [1, null], [2, 'x'], [2, 'x']])
  })

  it('GROUP BY groups NULLs together; aggregates skip NULLs; an empty table still gives one aggregate row', () => {
    const q = orderBy(asc(label('a'), 'LAST'))(groupBy(t0.c.a)(from(t0)(select({ a: t0.c.a, n: count(), s: sum(t0.c.b) }))))
    expect(rows(q)).toStrictEqual([[1, 1, 10], [2, 2, 40], [null, 1, 30]])
    expect(evaluate(toDatabase({ t0: [], t1: [] }), from(t0)(select({ n: count(), s: sum(t0.c.b) })).node).rows).toStrictEqual([[0, null]])
  })

  it('NULLS FIRST/LAST, and the default per database', () => {
    const base = from(t0)(select({ b: t0.c.b }))
    expect(rows(orderBy(desc(label('b'), 'LAST'))(base))).toStrictEqual([[40], [30], [10], [null]])
    expect(evaluate(db, orderBy(asc(label('b')))(base).node, dialectOptions.postgres).rows.at(-1)).toStrictEqual([null])
    expect(evaluate(db, orderBy(asc(label('b')))(base).node, dialectOptions.mysql).rows[0]).toStrictEqual([null])
    expect(rows(offset(1)(limit(2)(orderBy(asc(label('b'), 'FIRST'))(base))))).toStrictEqual([[10], [30]])
  })

  it('set operations: distinct vs ALL, NULLs equal', () => {
    const a = from(t0)(select({ v: t0.c.a }))
    const b = from(t1)(select({ v: t1.c.a }))
    expect(rows(orderBy(asc(label('v'), 'FIRST'))(union(a, b)))).toStrictEqual([[null], [1], [2], [3]])
    expect(rows(unionAll(a, b)).length).toBe(6)
    expect(rows(intersectAll(a, b))).toStrictEqual([[2]])
    expect(rows(orderBy(asc(label('v'), 'FIRST'))(except(a, b)))).toStrictEqual([[null], [1]])
    expect(rows(orderBy(asc(label('v'), 'FIRST'))(exceptAll(a, b)))).toStrictEqual([[null], [1], [2]])
  })

  it('self-joins through aliases', () => {
    const x = alias(t0, 'x')
    const q = where(eq(x.c.s, 'a'))(from(x)(select({ a: x.c.a })))
    expect(rows(q)).toStrictEqual([[1], [2]])
  })

  it('LIKE: wildcards, escapes, code points, SQLite ASCII folding', () => {
    expect(likeMatch('a%b', 'a!%b', '!', false)).toBe(true)
    expect(likeMatch('axb', 'a!%b', '!', false)).toBe(false)
    expect(likeMatch('😀', '_', undefined, false)).toBe(true)
    expect(likeMatch('ABC', 'a%', undefined, true)).toBe(true)
    expect(likeMatch('ABC', 'a%', undefined, false)).toBe(false)
    expect(likeMatch('É', 'é', undefined, true)).toBe(false)
    expect(rows(where(like(t0.c.s, 'a'))(from(t0)(select({ b: t0.c.b }))))).toStrictEqual([[10], [40]])
  })

  it('text orders by code point, not UTF-16 unit', () => {
    expect(compareText('\uffff', '😀')).toBeLessThan(0)
    expect('\uffff' < '😀').toBe(false)
  })
})
