import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { compile, compileUncached, type Compilable } from './compile.js'
import type { CompileError } from './CompileError.js'
import { mysql, mysqlDialect } from '../../test/support/dialects.js'
import { postgres } from '../../test/support/dialects.js'
import { sqlite } from '../../test/support/dialects.js'
import { expectSql, invalidMsg, unsupportedOn } from '../../test/support/sql.js'
import { pipe } from 'fp-ts/lib/function.js'
import {
  add, and, asc, between, caseWhen, cast, concat, count, desc, eq, filterWhere, fn, from, gt, ilike, isDistinctFrom, isFalse, isIn, isNotDistinctFrom,
  isNotIn, isNotNull, isNull, isTrue, like, mul, neg, not, notBetween, notIlike, notLike, or, over, param, preceding, currentRow, rows,
  rowNumber, select, sub, sum, types, where, func, limit,
} from '../algebra/index.js'
import type { ExprNode } from '../algebra/ast.js'
import { expr as exprOf, type Expr } from '../algebra/Expr.js'
import { boolean, integer, json, timestamp, varchar, bigint, binary, numeric, enumeration, date } from '../algebra/Column.js'
import { table } from '../algebra/Table.js'

const t = table('t', {
  id: integer().primaryKey(), a: integer(), b: integer(), s: varchar(50), flag: boolean(), at: timestamp(), doc: json(), big: bigint(),
  bin: binary(), num: numeric(10, 2), color: enumeration('color', ['red', 'green']), day: date(),
})
const sel = (e: Expr<unknown>) => pipe(select({ x: e }), from(t))
const raw = (n: ExprNode) => sel(exprOf(n))
const Q = { sqlite: '"', postgres: '"', mysql: '`' } as const
/** Builds the three dialects' SQL from one template where `#` is the quote and `?` a placeholder. */
const tpl = (s: string) => ({
  sqlite: s.replace(/#/g, Q.sqlite),
  postgres: (() => { let i = 0; return s.replace(/#/g, Q.postgres).replace(/\?/g, () => '$' + String(++i)) })(),
  mysql: s.replace(/#/g, Q.mysql),
})

describe('expressions', () => {
  it('comparison and arithmetic precedence', () => {
    expectSql(sel(mul(add(t.c.a, 1), sub(t.c.b, 2))), tpl('SELECT (#t#.#a# + ?) * (#t#.#b# - ?) AS #x# FROM #t#'))
    expectSql(sel(sub(t.c.a, sub(t.c.b, 1))), tpl('SELECT #t#.#a# - (#t#.#b# - ?) AS #x# FROM #t#'))
    expectSql(sel(neg(add(t.c.a, 1))), tpl('SELECT -(#t#.#a# + ?) AS #x# FROM #t#'))
    expectSql(sel(sub(t.c.a, neg(t.c.b))), tpl('SELECT #t#.#a# - -#t#.#b# AS #x# FROM #t#'))
  })
  it('AND / OR / NOT nesting', () => {
    expectSql(sel(or(and(eq(t.c.a, 1), eq(t.c.b, 2)), eq(t.c.a, 3))), tpl('SELECT #t#.#a# = ? AND #t#.#b# = ? OR #t#.#a# = ? AS #x# FROM #t#'))
    expectSql(sel(and(or(eq(t.c.a, 1), eq(t.c.b, 2)), eq(t.c.a, 3))), tpl('SELECT (#t#.#a# = ? OR #t#.#b# = ?) AND #t#.#a# = ? AS #x# FROM #t#'))
    expectSql(sel(not(and(eq(t.c.a, 1), eq(t.c.b, 2)))), tpl('SELECT NOT (#t#.#a# = ? AND #t#.#b# = ?) AS #x# FROM #t#'))
    expectSql(raw({ _tag: 'Logical', op: 'AND', operands: [] }), tpl('SELECT 1 = 1 AS #x# FROM #t#'))
    expectSql(raw({ _tag: 'Logical', op: 'OR', operands: [] }), tpl('SELECT 1 = 0 AS #x# FROM #t#'))
  })
  it('IS NULL, IS TRUE/FALSE', () => {
    expectSql(sel(isNull(t.c.a)), tpl('SELECT #t#.#a# IS NULL AS #x# FROM #t#'))
    expectSql(sel(isNotNull(t.c.a)), tpl('SELECT #t#.#a# IS NOT NULL AS #x# FROM #t#'))
    expectSql(sel(isTrue(t.c.flag)), tpl('SELECT #t#.#flag# IS TRUE AS #x# FROM #t#'))
    expectSql(sel(isFalse(t.c.flag)), tpl('SELECT #t#.#flag# IS FALSE AS #x# FROM #t#'))
    expectSql(raw({ _tag: 'IsNull', operand: eq(t.c.a, 1).node, negated: false }), tpl('SELECT (#t#.#a# = ?) IS NULL AS #x# FROM #t#'))
  })
  it('IS DISTINCT FROM: native, IS NOT, <=>', () => {
    expectSql(sel(isDistinctFrom(t.c.a, 5)), {
      sqlite: 'SELECT "t"."a" IS NOT ? AS "x" FROM "t"',
      postgres: 'SELECT "t"."a" IS DISTINCT FROM $1 AS "x" FROM "t"',
      mysql: 'SELECT NOT (`t`.`a` <=> ?) AS `x` FROM `t`',
    })
    expectSql(sel(isNotDistinctFrom(t.c.a, 5)), {
      sqlite: 'SELECT "t"."a" IS ? AS "x" FROM "t"',
      postgres: 'SELECT "t"."a" IS NOT DISTINCT FROM $1 AS "x" FROM "t"',
      mysql: 'SELECT `t`.`a` <=> ? AS `x` FROM `t`',
    })
  })
  it('IN lists, empty IN lists, BETWEEN', () => {
    expectSql(sel(isIn(t.c.a, [1, 2, 3])), { ...tpl('SELECT #t#.#a# IN (?, ?, ?) AS #x# FROM #t#') })
    expectSql(sel(isNotIn(t.c.a, [1])), tpl('SELECT #t#.#a# NOT IN (?) AS #x# FROM #t#'))
    expectSql(pipe(select({ x: t.c.a }), from(t), where(and(isIn(t.c.a, []), eq(t.c.b, 2)))), {
      sqlite: { sql: 'SELECT "t"."a" AS "x" FROM "t" WHERE 1 = 0 AND "t"."b" = ?', params: [2n] },
      postgres: { sql: 'SELECT "t"."a" AS "x" FROM "t" WHERE 1 = 0 AND "t"."b" = $1', params: [2] },
      mysql: { sql: 'SELECT `t`.`a` AS `x` FROM `t` WHERE 1 = 0 AND `t`.`b` = ?', params: [2] },
    })
    expectSql(pipe(select({ x: t.c.a }), from(t), where(isNotIn(add(t.c.a, 7), []))), tpl('SELECT #t#.#a# AS #x# FROM #t# WHERE 1 = 1'))
    expectSql(sel(between(t.c.a, 1, 10)), tpl('SELECT #t#.#a# BETWEEN ? AND ? AS #x# FROM #t#'))
    expectSql(sel(notBetween(t.c.a, 1, 10)), tpl('SELECT #t#.#a# NOT BETWEEN ? AND ? AS #x# FROM #t#'))
  })
  it('LIKE, ILIKE (emulated), ESCAPE', () => {
    expectSql(sel(like(t.c.s, 'a%')), tpl('SELECT #t#.#s# LIKE ? AS #x# FROM #t#'))
    expectSql(sel(notLike(t.c.s, 'a%')), tpl('SELECT #t#.#s# NOT LIKE ? AS #x# FROM #t#'))
    expectSql(sel(ilike(t.c.s, 'a%')), {
      sqlite: 'SELECT LOWER("t"."s") LIKE LOWER(?) AS "x" FROM "t"',
      postgres: 'SELECT "t"."s" ILIKE $1 AS "x" FROM "t"',
      mysql: 'SELECT LOWER(`t`.`s`) LIKE LOWER(?) AS `x` FROM `t`',
    })
    expectSql(sel(notIlike(t.c.s, 'a%')), {
      sqlite: 'SELECT LOWER("t"."s") NOT LIKE LOWER(?) AS "x" FROM "t"',
      postgres: 'SELECT "t"."s" NOT ILIKE $1 AS "x" FROM "t"',
      mysql: 'SELECT LOWER(`t`.`s`) NOT LIKE LOWER(?) AS `x` FROM `t`',
    })
    expectSql(sel(like(t.c.s, 'a!%%', { escape: '!' })), tpl("SELECT #t#.#s# LIKE ? ESCAPE '!' AS #x# FROM #t#"))
    expectSql(sel(like(t.c.s, 'a\\%%', { escape: '\\' })), {
      sqlite: "SELECT \"t\".\"s\" LIKE ? ESCAPE '\\' AS \"x\" FROM \"t\"",
      postgres: "SELECT \"t\".\"s\" LIKE $1 ESCAPE '\\' AS \"x\" FROM \"t\"",
      mysql: "SELECT `t`.`s` LIKE ? ESCAPE '\\\\' AS `x` FROM `t`",
    })
    expect(invalidMsg(sel(like(t.c.s, 'a', { escape: '!!' })))).toMatch(/exactly one character/)
    expect(invalidMsg(sel(like(t.c.s, 'a', { escape: '' })))).toMatch(/exactly one character/)
  })
  it('concatenation: || or CONCAT()', () => {
    expectSql(sel(concat(t.c.s, '-', t.c.s)), {
      sqlite: { sql: 'SELECT "t"."s" || ? || "t"."s" AS "x" FROM "t"', params: ['-'] },
      postgres: { sql: 'SELECT "t"."s" || $1 || "t"."s" AS "x" FROM "t"', params: ['-'] },
      mysql: { sql: 'SELECT CONCAT(`t`.`s`, ?, `t`.`s`) AS `x` FROM `t`', params: ['-'] },
    })
  })
  it('CASE and CAST', () => {
    expectSql(sel(caseWhen([[gt(t.c.a, 1), 'big']], 'small')), tpl('SELECT CASE WHEN #t#.#a# > ? THEN ? ELSE ? END AS #x# FROM #t#'))
    expect(invalidMsg(raw({ _tag: 'Case', whens: [] }))).toMatch(/at least one WHEN/)
    expectSql(sel(cast(t.c.a, types.text)), { sqlite: 'SELECT CAST("t"."a" AS TEXT) AS "x" FROM "t"', postgres: 'SELECT CAST("t"."a" AS TEXT) AS "x" FROM "t"', mysql: 'SELECT CAST(`t`.`a` AS CHAR) AS `x` FROM `t`' })
    expectSql(sel(cast(t.c.s, types.integer)), { sqlite: 'SELECT CAST("t"."s" AS INTEGER) AS "x" FROM "t"', postgres: 'SELECT CAST("t"."s" AS INTEGER) AS "x" FROM "t"', mysql: 'SELECT CAST(`t`.`s` AS SIGNED) AS `x` FROM `t`' })
    expectSql(sel(cast(t.c.s, types.numeric(10, 2))), { sqlite: 'SELECT CAST("t"."s" AS NUMERIC) AS "x" FROM "t"', postgres: 'SELECT CAST("t"."s" AS NUMERIC(10, 2)) AS "x" FROM "t"', mysql: 'SELECT CAST(`t`.`s` AS DECIMAL(10, 2)) AS `x` FROM `t`' })
  })
  it('functions: names are validated', () => {
    expectSql(sel(fn('coalesce', [t.c.a, 0])), tpl('SELECT coalesce(#t#.#a#, ?) AS #x# FROM #t#'))
    expectSql(sel(fn('pg_catalog.lower', [t.c.s])), tpl('SELECT pg_catalog.lower(#t#.#s#) AS #x# FROM #t#'))
    for (const bad of ['drop table x; --', 'a.b.c', '1abc', '', 'f(x)', 'a b'])
      expect(invalidMsg(sel(fn(bad, [])))).toBe(`invalid function name '${bad}'`)
  })
  it('aggregate FILTER, emulated with CASE, keeps parameter order', () => {
    expectSql(sel(filterWhere(sum(add(t.c.a, 1)), gt(t.c.b, 2))), {
      sqlite: { sql: 'SELECT SUM("t"."a" + ?) FILTER (WHERE "t"."b" > ?) AS "x" FROM "t"', params: [1n, 2n] },
      postgres: { sql: 'SELECT SUM("t"."a" + $1) FILTER (WHERE "t"."b" > $2) AS "x" FROM "t"', params: [1, 2] },
      mysql: { sql: 'SELECT SUM(CASE WHEN `t`.`b` > ? THEN `t`.`a` + ? END) AS `x` FROM `t`', params: [2, 1] },
    })
    expectSql(sel(filterWhere(count(), eq(t.c.flag, true))), {
      sqlite: { sql: 'SELECT COUNT(*) FILTER (WHERE "t"."flag" = ?) AS "x" FROM "t"', params: [1] },
      postgres: { sql: 'SELECT COUNT(*) FILTER (WHERE "t"."flag" = $1) AS "x" FROM "t"', params: [true] },
      mysql: { sql: 'SELECT COUNT(CASE WHEN `t`.`flag` = ? THEN 1 END) AS `x` FROM `t`', params: [1] },
    })
  })
  it('window functions', () => {
    expectSql(sel(over(rowNumber(), { partitionBy: [t.c.b], orderBy: [desc(t.c.a)], frame: rows(preceding(2), currentRow) })), tpl(
      'SELECT ROW_NUMBER() OVER (PARTITION BY #t#.#b# ORDER BY #t#.#a# DESC ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS #x# FROM #t#',
    ))
    expectSql(sel(over(sum(t.c.a))), tpl('SELECT SUM(#t#.#a#) OVER () AS #x# FROM #t#'))
    expectSql(sel(over(sum(t.c.a), { orderBy: [t.c.a], frame: { units: 'GROUPS', start: preceding(1), end: currentRow } })), {
      sqlite: 'SELECT SUM("t"."a") OVER (ORDER BY "t"."a" GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) AS "x" FROM "t"',
      postgres: 'SELECT SUM("t"."a") OVER (ORDER BY "t"."a" GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) AS "x" FROM "t"',
      mysql: unsupportedOn('GROUPS window frame', 'mysql'),
    })
    expect(invalidMsg(sel(over(sum(t.c.a), { orderBy: [asc(t.c.a)], frame: rows(preceding(-1), currentRow) })))).toMatch(/non-negative integer/)
  })
  it('excluded outside an upsert-capable dialect is unsupported', () => {
    expect(compileUncached({ ...sqlite, capabilities: { ...sqlite.capabilities, onConflict: false } })(raw({ _tag: 'Excluded', name: 'a' }))).toEqual(
      E.left(unsupportedOn('upsert (excluded values)', 'sqlite')),
    )
  })
})

describe('parameter validation', () => {
  const bad = (e: Expr<unknown>) => invalidMsg(pipe(select({ x: t.c.id }), from(t), where(e as never)))
  it('NaN and infinities anywhere', () => {
    expect(bad(eq(t.c.a, Number.NaN))).toMatch(/NaN/)
    expect(bad(gt(t.c.a, Number.POSITIVE_INFINITY))).toMatch(/Infinity/)
    expect(bad(eq(param(Number.NEGATIVE_INFINITY), 1 as never))).toMatch(/-Infinity/)
    expect(bad(eq(t.c.doc, { a: Number.NaN } as never))).toMatch(/NaN/)
  })
  it('integers must be safe', () => {
    expect(bad(eq(t.c.a, 2 ** 53))).toMatch(/safe integer/)
    expect(bad(eq(t.c.a, 1.5))).toMatch(/safe integer/)
  })
  it('bigint must fit 64 bits', () => {
    expect(bad(eq(t.c.big, 2n ** 63n))).toMatch(/64-bit/)
    expect(bad(eq(t.c.big, -(2n ** 63n) - 1n))).toMatch(/64-bit/)
    expectSql(pipe(select({ x: t.c.id }), from(t), where(eq(t.c.big, 2n ** 63n - 1n))), {
      sqlite: { sql: 'SELECT "t"."id" AS "x" FROM "t" WHERE "t"."big" = ?', params: [2n ** 63n - 1n] },
      postgres: { sql: 'SELECT "t"."id" AS "x" FROM "t" WHERE "t"."big" = $1', params: ['9223372036854775807'] },
      mysql: { sql: 'SELECT `t`.`id` AS `x` FROM `t` WHERE `t`.`big` = ?', params: ['9223372036854775807'] },
    })
  })
  it('wrong JS types for typed parameters', () => {
    expect(bad(eq(t.c.flag, 'yes' as never))).toMatch(/Boolean parameter needs a boolean, got string/)
    expect(bad(eq(t.c.at, '2024-01-01' as never))).toMatch(/Timestamp parameter needs a Date, got string/)
    expect(bad(eq(t.c.at, new Date(Number.NaN)))).toMatch(/invalid Date/)
    expect(bad(eq(t.c.s, 5 as never))).toMatch(/Varchar parameter needs a string, got number/)
    expect(bad(eq(t.c.a, '5' as never))).toMatch(/Integer parameter needs a number, got string/)
    expect(bad(eq(t.c.bin, 'abc' as never))).toMatch(/Binary parameter needs a Uint8Array/)
    expect(bad(eq(t.c.num, 'abc'))).toMatch(/decimal text/)
    expect(bad(eq(t.c.color, 'blue' as never))).toMatch(/not a member of enum color/)
    expect(bad(eq(t.c.doc, { n: 1n } as never))).toMatch(/bigint/)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(bad(eq(t.c.doc, cyclic as never))).toMatch(/cyclic/)
    expect(bad(eq(param({ a: 1 }), 1 as never))).toMatch(/without a SQL type/)
  })
  it('the cached path validates too', () => {
    const q = (v: number) => pipe(select({ x: t.c.id }), from(t), where(eq(t.c.a, v)))
    expect(compile(postgres)(q(1))._tag).toBe('Right')
    expect(compile(postgres)(q(Number.NaN))).toEqual(E.left({ _tag: 'InvalidStatement', message: 'cannot bind NaN: only finite numbers can be bound' }))
  })
  it('values are encoded per dialect', () => {
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))
    expectSql(pipe(select({ x: t.c.id }), from(t), where(and(eq(t.c.at, at), eq(t.c.doc, { a: [1] } as never), eq(t.c.bin, new Uint8Array([1, 2])), eq(t.c.day, '2024-01-02')))), {
      sqlite: { sql: 'SELECT "t"."id" AS "x" FROM "t" WHERE "t"."at" = ? AND "t"."doc" = ? AND "t"."bin" = ? AND "t"."day" = ?', params: ['2024-01-02 03:04:05.006', '{"a":[1]}', Buffer.from([1, 2]), '2024-01-02'] },
      postgres: { sql: 'SELECT "t"."id" AS "x" FROM "t" WHERE "t"."at" = $1 AND "t"."doc" = $2 AND "t"."bin" = $3 AND "t"."day" = $4', params: ['2024-01-02T03:04:05.006Z', '{"a":[1]}', Buffer.from([1, 2]), '2024-01-02'] },
      mysql: { sql: 'SELECT `t`.`id` AS `x` FROM `t` WHERE `t`.`at` = ? AND `t`.`doc` = ? AND `t`.`bin` = ? AND `t`.`day` = ?', params: ['2024-01-02 03:04:05.006', '{"a":[1]}', Buffer.from([1, 2]), '2024-01-02'] },
    })
  })
  it('too many parameters for the dialect', () => {
    const many = Array.from({ length: 32767 }, (_, i) => i)
    const q = pipe(select({ x: t.c.id }), from(t), where(isIn(t.c.a, many)))
    expect(compileUncached(sqlite)(q)).toEqual(E.left({ _tag: 'InvalidStatement', message: 'the statement has 32767 parameters; sqlite allows at most 32766' }))
    expect(compileUncached(postgres)(q)._tag).toBe('Right')
  })
})

describe('dialect differences found by the conformance suite', () => {
  const sqlOf = (d: typeof postgres, q: Compilable): string | CompileError => {
    const r = compile(d)(q)
    expect(r).toEqual(compileUncached(d)(q))
    return E.isRight(r) ? r.right.sql : r.left
  }
  it('PostgreSQL: typed parameters carry their type, except beside a column and in SET/VALUES/LIMIT', () => {
    expect(sqlOf(postgres, select({ x: param(1, types.integer), y: param('s', types.text), z: param(2n, types.bigint), u: param(1.5, types.numeric(10, 2)) }))).toBe(
      'SELECT $1::INTEGER AS "x", $2 AS "y", $3::BIGINT AS "z", $4::NUMERIC AS "u"',
    )
    expect(sqlOf(postgres, sel(add(param(1, types.integer), 1)))).toBe('SELECT $1::INTEGER + $2::INTEGER AS "x" FROM "t"')
    expect(sqlOf(postgres, pipe(select({ x: t.c.id }), from(t), where(and(eq(t.c.a, 1), between(t.c.b, 1, 2), isIn(t.c.id, [1, 2]), eq(t.c.color, 'red')))))).toBe(
      'SELECT "t"."id" AS "x" FROM "t" WHERE "t"."a" = $1 AND "t"."b" BETWEEN $2 AND $3 AND "t"."id" IN ($4, $5) AND "t"."color" = $6',
    )
    expect(sqlOf(postgres, sel(caseWhen([[gt(add(t.c.a, 1), 2), param(true, types.boolean)]], param(false, types.boolean))))).toBe(
      'SELECT CASE WHEN "t"."a" + $1 > $2::INTEGER THEN $3::BOOLEAN ELSE $4::BOOLEAN END AS "x" FROM "t"',
    )
    expect(sqlOf(postgres, sel(fn('COALESCE', [t.c.at, param(new Date(0), types.timestamp(true))])))).toBe('SELECT COALESCE("t"."at", $1::TIMESTAMPTZ) AS "x" FROM "t"')
    expect(sqlOf(postgres, sel(fn('COALESCE', [t.c.color, param('red', t.c.color.type)])))).toBe('SELECT COALESCE("t"."color", $1::"color") AS "x" FROM "t"')
    // the type is part of the shape: the same statement with another parameter type is another entry
    expect(sqlOf(postgres, select({ x: param(1, types.smallint) }))).toBe('SELECT $1::SMALLINT AS "x"')
    // other dialects are unchanged
    expect(sqlOf(sqlite, select({ x: param(1, types.integer) }))).toBe('SELECT ? AS "x"')
  })
  it('LEAD/LAG with a default: UnsupportedFeature on MariaDB (mysqlDialect({ windowLagDefault: true }) for MySQL 8)', () => {
    const q = sel(over(fn('LEAD', [t.c.a, 1, 0]), { orderBy: [t.c.id] }))
    expect(sqlOf(mysql, q)).toEqual(unsupportedOn('LEAD/LAG with a default value', 'mysql'))
    expect(sqlOf(mysqlDialect({ windowLagDefault: true }), q)).toBe('SELECT LEAD(`t`.`a`, ?, ?) OVER (ORDER BY `t`.`id`) AS `x` FROM `t`')
    expect(sqlOf(mysql, sel(over(fn('lag', [t.c.a, 1]), { orderBy: [t.c.id] })))).toBe('SELECT lag(`t`.`a`, ?) OVER (ORDER BY `t`.`id`) AS `x` FROM `t`')
    expect(sqlOf(postgres, q)).toBe('SELECT LEAD("t"."a", $1, $2) OVER (ORDER BY "t"."id") AS "x" FROM "t"')
  })
  it('IN (subquery with LIMIT) is wrapped in a derived table on MySQL/MariaDB', () => {
    const sub = pipe(select({ id: t.c.id }), from(t), limit(2))
    const q = pipe(select({ x: t.c.id }), from(t), where(isIn(t.c.id, sub)))
    expect(sqlOf(mysql, q)).toBe('SELECT `t`.`id` AS `x` FROM `t` WHERE `t`.`id` IN (SELECT * FROM (SELECT `t`.`id` AS `id` FROM `t` LIMIT ?) AS `_in`)')
    expect(sqlOf(sqlite, q)).toBe('SELECT "t"."id" AS "x" FROM "t" WHERE "t"."id" IN (SELECT "t"."id" AS "id" FROM "t" LIMIT ?)')
    expect(sqlOf(mysql, pipe(select({ x: t.c.id }), from(t), where(isIn(t.c.id, pipe(select({ id: t.c.id }), from(t))))))).toBe(
      'SELECT `t`.`id` AS `x` FROM `t` WHERE `t`.`id` IN (SELECT `t`.`id` AS `id` FROM `t`)',
    )
  })
  it('function spellings: LENGTH is CHAR_LENGTH on MySQL; ROUND(x, n) casts x to NUMERIC on PostgreSQL', () => {
    expect(sqlOf(mysql, sel(func.length(t.c.s)))).toBe('SELECT CHAR_LENGTH(`t`.`s`) AS `x` FROM `t`')
    expect(sqlOf(mysql, sel(func.call('length', [t.c.s])))).toBe('SELECT CHAR_LENGTH(`t`.`s`) AS `x` FROM `t`')
    expect(sqlOf(postgres, sel(func.length(t.c.s)))).toBe('SELECT LENGTH("t"."s") AS "x" FROM "t"')
    expect(sqlOf(postgres, sel(func.round(t.c.a, 2)))).toBe('SELECT ROUND(CAST("t"."a" AS NUMERIC), $1) AS "x" FROM "t"')
    expect(sqlOf(postgres, sel(func.round(t.c.a)))).toBe('SELECT ROUND("t"."a") AS "x" FROM "t"')
    expect(sqlOf(sqlite, sel(func.round(t.c.a, 2)))).toBe('SELECT ROUND("t"."a", ?) AS "x" FROM "t"')
  })
})
