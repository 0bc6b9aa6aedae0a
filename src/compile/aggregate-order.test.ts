/**
 * Ordered aggregates, `agg(args ORDER BY …)`: each dialect's SQL and parameters, the FILTER
 * emulation around them, UnsupportedFeature without the capability, and the shape cache
 * (the aggregate's order is part of a statement's shape, its literal values are not).
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as A from '../algebra/index.js'
import type { StatementNode } from '../algebra/ast.js'
import { integer, varchar } from '../algebra/Column.js'
import type { Expr } from '../algebra/Expr.js'
import { table } from '../algebra/Table.js'
import { mysql, mysqlDialect, postgres, sqlite } from '../../test/support/dialects.js'
import { DIALECTS, expectSql, unsupportedOn } from '../../test/support/sql.js'
import { cacheStats, clearCache, compile, compileUncached, shapeKey, type Compilable } from './compile.js'
import { rememberAllClauses } from './clauseMemo.js'

const t = table('t', { id: integer().primaryKey(), a: integer(), b: integer(), s: varchar(50), g: integer() })
const sel = (e: Expr<unknown>) => pipe(A.select({ x: e }), A.from(t))
/** `#` is the dialect's quote, `?` a placeholder (`$n` on PostgreSQL). */
const tpl = (s: string) => ({
  sqlite: s.replace(/#/g, '"'),
  postgres: (() => {
    let i = 0
    return s.replace(/#/g, '"').replace(/\?/g, () => '$' + String(++i))
  })(),
  mysql: s.replace(/#/g, '`'),
})

describe('ordered aggregates: agg(args ORDER BY …)', () => {
  it('each dialect writes the order inside the call, after the arguments', () => {
    expectSql(sel(A.aggOrderBy(A.fn('json_agg', [t.c.s]), A.desc(t.c.a), t.c.id)), tpl('SELECT json_agg(#t#.#s# ORDER BY #t#.#a# DESC, #t#.#id#) AS #x# FROM #t#'))
    expectSql(sel(A.aggOrderBy(A.countDistinct(t.c.a), t.c.a)), tpl('SELECT COUNT(DISTINCT #t#.#a# ORDER BY #t#.#a#) AS #x# FROM #t#'))
    // no order at all is the plain call
    expectSql(sel(A.aggOrderBy(A.fn('json_agg', [t.c.s]))), tpl('SELECT json_agg(#t#.#s#) AS #x# FROM #t#'))
    // a later order replaces an earlier one; a non-call is left as it is
    expectSql(sel(A.aggOrderBy(A.aggOrderBy(A.fn('json_agg', [t.c.s]), t.c.a), A.desc(t.c.b))), tpl('SELECT json_agg(#t#.#s# ORDER BY #t#.#b# DESC) AS #x# FROM #t#'))
    expect(A.aggOrderBy(t.c.a, t.c.b).node).toBe(t.c.a.node)
  })

  it("each database's JSON aggregate, as the json loading strategy writes it", () => {
    const arr = (name: string) => A.fn(name, [t.c.id, t.c.s])
    expect(E.map((c: { readonly sql: string }) => c.sql)(compile(postgres)(sel(A.aggOrderBy(A.fn('json_agg', [arr('json_build_array')]), t.c.s, A.desc(t.c.id)))))).toEqual(
      E.right('SELECT json_agg(json_build_array("t"."id", "t"."s") ORDER BY "t"."s", "t"."id" DESC) AS "x" FROM "t"'),
    )
    expect(E.map((c: { readonly sql: string }) => c.sql)(compile(sqlite)(sel(A.aggOrderBy(A.fn('json_group_array', [arr('json_array')]), t.c.s, A.desc(t.c.id)))))).toEqual(
      E.right('SELECT json_group_array(json_array("t"."id", "t"."s") ORDER BY "t"."s", "t"."id" DESC) AS "x" FROM "t"'),
    )
    expect(E.map((c: { readonly sql: string }) => c.sql)(compile(mysql)(sel(A.aggOrderBy(A.fn('JSON_ARRAYAGG', [arr('JSON_ARRAY')]), t.c.s, A.desc(t.c.id)))))).toEqual(
      E.right('SELECT JSON_ARRAYAGG(JSON_ARRAY(`t`.`id`, `t`.`s`) ORDER BY `t`.`s`, `t`.`id` DESC) AS `x` FROM `t`'),
    )
  })

  it('parameters keep their order; NULLS FIRST/LAST is emulated inside the call where absent', () => {
    expectSql(sel(A.aggOrderBy(A.fn('string_agg', [A.concat(t.c.s, '!'), ', ']), A.asc(A.add(t.c.a, 5), 'LAST'))), {
      sqlite: { sql: 'SELECT string_agg("t"."s" || ?, ? ORDER BY "t"."a" + ? NULLS LAST) AS "x" FROM "t"', params: ['!', ', ', 5n] },
      postgres: { sql: 'SELECT string_agg("t"."s" || $1, $2 ORDER BY "t"."a" + $3 NULLS LAST) AS "x" FROM "t"', params: ['!', ', ', 5] },
      mysql: { sql: 'SELECT string_agg(CONCAT(`t`.`s`, ?), ? ORDER BY (`t`.`a` + ? IS NULL), `t`.`a` + ?) AS `x` FROM `t`', params: ['!', ', ', 5, 5] },
    })
  })

  it('with FILTER: native after the call, or CASE inside it (the order after the arguments)', () => {
    const ordered = A.aggOrderBy(A.fn('json_agg', [A.add(t.c.a, 1)]), A.mul(t.c.b, 3))
    const want = {
      sqlite: { sql: 'SELECT json_agg("t"."a" + ? ORDER BY "t"."b" * ?) FILTER (WHERE "t"."b" > ?) AS "x" FROM "t"', params: [1n, 3n, 2n] },
      postgres: { sql: 'SELECT json_agg("t"."a" + $1 ORDER BY "t"."b" * $2) FILTER (WHERE "t"."b" > $3) AS "x" FROM "t"', params: [1, 3, 2] },
      mysql: { sql: 'SELECT json_agg(CASE WHEN `t`.`b` > ? THEN `t`.`a` + ? END ORDER BY `t`.`b` * ?) AS `x` FROM `t`', params: [2, 1, 3] },
    }
    expectSql(sel(A.filterWhere(ordered, A.gt(t.c.b, 2))), want)
    // the same node built in the other order
    expectSql(sel(A.aggOrderBy(A.filterWhere(A.fn('json_agg', [A.add(t.c.a, 1)]), A.gt(t.c.b, 2)), A.mul(t.c.b, 3))), want)
    // several arguments: the filter is repeated in each, the order written once
    expectSql(sel(A.filterWhere(A.aggOrderBy(A.fn('f', [A.add(t.c.a, 1), A.add(t.c.b, 2)]), A.desc(A.sub(t.c.id, 3))), A.lt(t.c.g, 4))), {
      sqlite: { sql: 'SELECT f("t"."a" + ?, "t"."b" + ? ORDER BY "t"."id" - ? DESC) FILTER (WHERE "t"."g" < ?) AS "x" FROM "t"', params: [1n, 2n, 3n, 4n] },
      postgres: { sql: 'SELECT f("t"."a" + $1, "t"."b" + $2 ORDER BY "t"."id" - $3 DESC) FILTER (WHERE "t"."g" < $4) AS "x" FROM "t"', params: [1, 2, 3, 4] },
      mysql: { sql: 'SELECT f(CASE WHEN `t`.`g` < ? THEN `t`.`a` + ? END, CASE WHEN `t`.`g` < ? THEN `t`.`b` + ? END ORDER BY `t`.`id` - ? DESC) AS `x` FROM `t`', params: [4, 1, 4, 2, 3] },
    })
  })

  it('a dialect spelling for plain calls does not apply to an ordered call', () => {
    // MySQL's LENGTH is CHAR_LENGTH only as a plain call; an ordered call is written as given
    expect(E.map((c: { readonly sql: string }) => c.sql)(compile(mysql)(sel(A.aggOrderBy(A.fn('LENGTH', [t.c.s]), t.c.id))))).toEqual(
      E.right('SELECT LENGTH(`t`.`s` ORDER BY `t`.`id`) AS `x` FROM `t`'),
    )
  })

  it('UnsupportedFeature without the aggregateOrderBy capability (MySQL 8), plain aggregates unchanged', () => {
    const mysql8 = mysqlDialect({ aggregateOrderBy: false })
    expect(mysql.capabilities.aggregateOrderBy).toBe(true)
    expect(mysql8.capabilities.aggregateOrderBy).toBe(false)
    for (const d of Object.values(DIALECTS)) expect(d.capabilities.aggregateOrderBy, d.name).toBe(true)
    const q = sel(A.aggOrderBy(A.fn('JSON_ARRAYAGG', [t.c.s]), t.c.id))
    expect(compileUncached(mysql8)(q)).toEqual(E.left(unsupportedOn('ORDER BY inside an aggregate', 'mysql')))
    expect(compile(mysql8)(q)).toEqual(E.left(unsupportedOn('ORDER BY inside an aggregate', 'mysql')))
    const plain = sel(A.fn('JSON_ARRAYAGG', [t.c.s]))
    expect(compile(mysql8)(plain)).toEqual(compile(mysql)(plain))
    expect(E.isRight(compile(mysql8)(plain))).toBe(true)
  })
})

describe('ordered aggregates in the shape cache', () => {
  const agg = (...order: ReadonlyArray<A.OrderBy>) => A.aggOrderBy(A.fn('json_agg', [t.c.s]), ...order)
  /** Statements that differ only in their aggregate's ORDER BY. */
  const variants: ReadonlyArray<StatementNode> = [
    sel(A.fn('json_agg', [t.c.s])).node,
    sel(agg(t.c.a)).node,
    sel(agg(A.desc(t.c.a))).node,
    sel(agg(A.asc(t.c.a, 'FIRST'))).node,
    sel(agg(A.asc(t.c.a, 'LAST'))).node,
    sel(agg(A.desc(t.c.a, 'LAST'))).node,
    sel(agg(t.c.b)).node,
    sel(agg(t.c.a, t.c.b)).node,
    sel(agg(t.c.b, t.c.a)).node,
    sel(agg(A.add(t.c.a, 1))).node,
    sel(agg(A.sub(t.c.a, 1))).node,
    sel(A.filterWhere(agg(t.c.a), A.gt(t.c.b, 1))).node,
    sel(A.filterWhere(A.fn('json_agg', [t.c.s]), A.gt(t.c.b, 1))).node,
    // the order, or the filter's first node, right after the arguments
    sel(A.filterWhere(A.fn('json_agg', [t.c.s]), A.expr({ _tag: 'ColumnRef', table: 't', name: 'a' }))).node,
    sel(A.aggOrderBy(A.fn('json_agg', [t.c.s, t.c.a]))).node,
  ]
  /** The expected SQL of each variant, compiled on its own. */
  const expected = (d: (typeof DIALECTS)[keyof typeof DIALECTS]) => variants.map((v) => compileUncached(d)(v))

  it('statements differing only in the aggregate ORDER BY have distinct keys and never share an entry', () => {
    const keys = variants.map((v) => JSON.stringify(shapeKey(v)))
    expect(new Set(keys).size).toBe(variants.length)
    const sqls = expected(postgres).map((r) => (E.isRight(r) ? r.right.sql : 'error'))
    expect(new Set(sqls).size).toBe(variants.length)
    for (const d of Object.values(DIALECTS)) {
      clearCache(d)
      const want = expected(d)
      for (let round = 0; round < 3; round++) variants.forEach((v, i) => expect(compile(d)(v), `${d.name} #${String(i)}`).toStrictEqual(want[i]))
      expect(cacheStats(d).size).toBe(variants.length)
    }
  })

  it('the same, with clauses remembered and statements rebuilt around them', () => {
    rememberAllClauses(true)
    try {
      for (const d of Object.values(DIALECTS)) {
        clearCache(d)
        const want = expected(d)
        for (let round = 0; round < 3; round++) variants.forEach((v, i) => expect(compile(d)({ ...v } as StatementNode), `${d.name} #${String(i)}`).toStrictEqual(want[i]))
      }
    } finally {
      rememberAllClauses(false)
    }
  })

  it('statements differing only in literal values inside the order share one entry, each with its own parameters', () => {
    const q = (k: number): Compilable => sel(A.filterWhere(A.aggOrderBy(A.fn('json_agg', [A.add(t.c.a, k)]), A.desc(A.mul(t.c.b, k + 1), 'LAST')), A.gt(t.c.g, k + 2)))
    for (const d of Object.values(DIALECTS)) {
      clearCache(d)
      for (const k of [1, 10, 100]) expect(compile(d)(q(k)), d.name).toStrictEqual(compileUncached(d)(q(k)))
      expect(cacheStats(d).size, d.name).toBe(1)
    }
    const r = compile(postgres)(q(10))
    expect(E.isRight(r) && r.right.params).toEqual([10, 11, 12])
    const m = compile(mysql)(q(10))
    // CASE WHEN filter THEN arg END ORDER BY (order IS NULL), order DESC: filter, arg, order, order
    expect(E.isRight(m) && [m.right.sql, m.right.params]).toEqual([
      'SELECT json_agg(CASE WHEN `t`.`g` > ? THEN `t`.`a` + ? END ORDER BY (`t`.`b` * ? IS NULL), `t`.`b` * ? DESC) AS `x` FROM `t`',
      [12, 10, 11, 11],
    ])
  })
})

describe('shape walk and compiler agree on slots with clause memo under the default policy', () => {
  beforeAll(() => rememberAllClauses(false))
  afterAll(() => rememberAllClauses(false))
  it('many ordered aggregates built afresh compile as uncached', () => {
    for (let k = 0; k < 200; k++) {
      const s = pipe(A.select({ x: A.filterWhere(A.aggOrderBy(A.fn('json_agg', [A.add(t.c.a, k)]), A.asc(A.add(t.c.b, k), 'FIRST')), A.gt(t.c.g, k)) }), A.from(t), A.where(A.eq(t.c.id, k)))
      for (const d of Object.values(DIALECTS)) expect(compile(d)(s)).toStrictEqual(compileUncached(d)(s))
    }
  })
})
