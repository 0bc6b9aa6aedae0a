import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { cacheStats, clearCache, compile, compileUncached, shapeKey, type Compilable } from './compile.js'

import { postgres } from '../../test/support/dialects.js'
import { sqlite } from '../../test/support/dialects.js'
import { DIALECTS, unsupportedOn } from '../../test/support/sql.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as A from '../algebra/index.js'
import { boolean, integer, json, timestamp, varchar } from '../algebra/Column.js'
import { table } from '../algebra/Table.js'
import { text as rawText, sql } from '../algebra/text.js'
import type { ExprNode } from '../algebra/ast.js'
import { expr } from '../algebra/Expr.js'
import { hashTokens, ShapeCache } from './cache.js'

const users = table('users', { id: integer().primaryKey(), name: varchar(100).notNull(), age: integer(), active: boolean().notNull(), at: timestamp(), doc: json() })
const posts = table('posts', { id: integer().primaryKey(), userId: integer().named('user_id').notNull(), title: varchar(200).notNull() })
type V = { readonly n: number; readonly s: string; readonly b: boolean }

/** Statement factories: each gives one shape whatever the values. */
const factories: ReadonlyArray<(v: V) => Compilable> = [
  (v) => pipe(A.select({ id: users.c.id, name: users.c.name }), A.from(users), A.where(A.and(A.eq(users.c.active, v.b), A.like(users.c.name, v.s))), A.orderBy(users.c.name), A.limit(v.n)),
  (v) => pipe(A.select({ name: users.c.name, n: A.count(posts.c.id) }), A.from(users), A.join(posts, A.eq(posts.c.userId, users.c.id)), A.groupBy(users.c.name), A.having(A.gt(A.count(posts.c.id), v.n))),
  (v) => A.insertInto(users, { id: v.n, name: v.s, age: v.n + 1, active: v.b, at: new Date(v.n), doc: { s: v.s } }),
  (v) => A.insertInto(users, [{ name: v.s, active: v.b }, { name: v.s + '2', age: v.n, active: !v.b }]),
  (v) => pipe(A.select({ id: users.c.id }), A.from(users), A.orderBy(A.asc(A.add(users.c.age, v.n), 'FIRST'), A.desc(A.mul(users.c.id, v.n + 1), 'LAST')), A.offset(v.n)),
  (v) => pipe(A.select({ x: A.filterWhere(A.sum(A.add(users.c.age, v.n)), A.gt(users.c.id, v.n * 2)) }), A.from(users)),
  (v) => pipe(A.update(users, { name: v.s, age: A.add(users.c.age, v.n) }), A.updateFrom({ ref: { _tag: 'SubqueryRef', query: pipe(A.select({ uid: posts.c.userId }), A.from(posts), A.where(A.gt(posts.c.id, v.n))).node, alias: 'p', lateral: false } }), A.where(A.eq(users.c.id, v.n + 7))),
  (v) => pipe(A.deleteFrom(posts), A.where(A.or(A.isIn(posts.c.id, [v.n, v.n + 1, v.n + 2]), A.between(posts.c.userId, v.n, v.n + 10)))),
  (v) => rawText('SELECT :a + :b, :a, \\:c', { a: v.n, b: v.n * 3 }),
  (v) => rawText('SELECT :b, :a', { b: v.s, a: v.n }),
  (v) => pipe(A.select({ x: A.add(sql<number>(':k * 2', { k: v.n }), v.n + 1) }), A.from(users)),
  (v) => A.union(pipe(A.select({ id: users.c.id }), A.from(users), A.where(A.eq(users.c.id, v.n)), A.orderBy(users.c.id), A.limit(v.n)), pipe(A.select({ id: posts.c.id }), A.from(posts), A.where(A.eq(posts.c.title, v.s)))),
  (v) => pipe(A.select({ c: A.caseWhen([[A.gt(users.c.age, v.n), v.s]], v.s + '!'), d: A.concat(users.c.name, v.s), e: A.isDistinctFrom(users.c.age, v.n) }), A.from(users)),
  (v) => pipe(A.select({ id: users.c.id }), A.from(users), A.where(A.isIn(users.c.id, [])), A.limit(v.n)),
  (v) => A.insertInto(users, { name: v.s, active: v.b }, { onConflict: { target: [users.c.id], set: { name: A.excluded(users.c.name), age: A.add(users.c.age, v.n) } } }),
  (v) => pipe(A.select({ w: A.over(A.sum(users.c.age), { partitionBy: [A.add(users.c.id, v.n)], orderBy: [A.desc(users.c.age, 'LAST')] }) }), A.from(users)),
  // multi-row VALUES of parameters (PostgreSQL: unnest arrays), with a NULL cell
  (v) => A.insertInto(users, [{ id: v.n, name: v.s, age: v.n, active: v.b, at: new Date(v.n), doc: { s: v.s } }, { id: v.n + 1, name: v.s + '2', age: null, active: !v.b, at: new Date(v.n + 1), doc: [v.n] }]),
  // typed parameters in a select list (PostgreSQL: $n::type), IN (… LIMIT), LENGTH / ROUND spellings
  (v) => pipe(A.select({ x: A.param(v.n, A.types.integer), r: A.func.round(A.cast(users.c.age, A.types.double), v.n), l: A.func.length(users.c.name) }), A.from(users), A.where(A.isIn(users.c.id, pipe(A.select({ id: posts.c.userId }), A.from(posts), A.limit(v.n))))),
]
const values: ReadonlyArray<V> = [
  { n: 1, s: 'A%', b: true },
  { n: 42, s: "O'Brien", b: false },
  { n: 7, s: '', b: true },
]

describe('shape cache', () => {
  for (const [name, d] of Object.entries(DIALECTS)) {
    it(`${name}: cached results equal uncached ones, one entry per shape`, () => {
      clearCache(d)
      let shapes = 0
      for (const f of factories) {
        const before = cacheStats(d).size
        for (const v of values) {
          const q = f(v)
          const u = compileUncached(d)(q)
          expect(compile(d)(q), JSON.stringify(shapeKey(q))).toEqual(u)
        }
        const after = cacheStats(d).size
        if (after > before) shapes++
        expect(after - before).toBeLessThanOrEqual(1)
      }
      const st = cacheStats(d)
      expect(st.size).toBe(shapes)
      expect(st.hits).toBe(shapes * (values.length - 1))
      expect(shapes).toBeGreaterThanOrEqual(factories.length - 4) // unsupported constructs are not cached
    })
  }

  it('the factories give pairwise distinct shapes', () => {
    const keys = factories.map((f) => JSON.stringify(shapeKey(f(values[0]))))
    expect(new Set(keys).size).toBe(factories.length)
  })

  it('statements differing only in literal values share one entry', () => {
    clearCache(postgres)
    const q = (s: string, n: number) => pipe(A.select({ id: users.c.id }), A.from(users), A.where(A.and(A.eq(users.c.name, s), A.gt(users.c.age, n))))
    const a = compile(postgres)(q('a', 1))
    const b = compile(postgres)(q('b', 2))
    expect(cacheStats(postgres)).toMatchObject({ size: 1, hits: 1, misses: 1 })
    expect(E.isRight(a) && E.isRight(b) && a.right.sql === b.right.sql).toBe(true)
    expect(E.isRight(b) && b.right.params).toEqual(['b', 2])
    expect(shapeKey(q('a', 1))).toEqual(shapeKey(q('zzz', 99)))
  })

  it('structurally different statements never share an entry', () => {
    const sel = (e: ExprNode) => pipe(A.select({ x: expr(e) }), A.from(users))
    const col: ExprNode = users.c.name.node
    const pairs: ReadonlyArray<readonly [Compilable, Compilable]> = [
      [sel({ _tag: 'Like', operand: col, pattern: col, caseInsensitive: false, negated: false }), sel({ _tag: 'Like', operand: col, pattern: col, caseInsensitive: false, negated: false, escape: 'e' })],
      [sel({ _tag: 'Star' }), sel({ _tag: 'Star', table: 'users' })],
      [pipe(A.select({ ab: users.c.id }), A.from(users)), pipe(A.select({ a: users.c.id }), A.from(users))],
      [sel({ _tag: 'ColumnRef', table: 'ab', name: 'c' }), sel({ _tag: 'ColumnRef', table: 'a', name: 'bc' })],
      [pipe(A.select({ x: users.c.id }), A.from(users), A.orderBy(A.asc(users.c.id, 'LAST'))), pipe(A.select({ x: users.c.id }), A.from(users), A.orderBy(users.c.id))],
      [rawText('SELECT :a', { a: 1 }), rawText('SELECT :a', { a: 1, b: 2 })],
      [A.intersect(pipe(A.select({ id: users.c.id }), A.from(users)), pipe(A.select({ id: posts.c.id }), A.from(posts))), A.exceptAll(pipe(A.select({ id: users.c.id }), A.from(users)), pipe(A.select({ id: posts.c.id }), A.from(posts)))],
      [A.union(pipe(A.select({ id: users.c.id }), A.from(users)), pipe(A.select({ id: posts.c.id }), A.from(posts))), A.unionAll(pipe(A.select({ id: users.c.id }), A.from(users)), pipe(A.select({ id: posts.c.id }), A.from(posts)))],
      [sel(A.isIn(users.c.id, [1, 2]).node), sel(A.isIn(users.c.id, [1, 2, 3]).node)],
      [sel(A.isIn(users.c.id, [1]).node), sel(A.isNotIn(users.c.id, [1]).node)],
      [pipe(A.select({ x: users.c.id }), A.from(users), A.leftJoin(posts, A.eq(posts.c.userId, users.c.id))), pipe(A.select({ x: users.c.id }), A.from(users), A.fullJoin(posts, A.eq(posts.c.userId, users.c.id)))],
      [sel(A.add(users.c.id, 1).node), sel(A.sub(users.c.id, 1).node)],
      [pipe(A.select({ x: users.c.id }), A.from(users), A.limit(1)), pipe(A.select({ x: users.c.id }), A.from(users), A.offset(1))],
      [sel(A.cast(users.c.id, A.types.varchar(10)).node), sel(A.cast(users.c.id, A.types.varchar(20)).node)],
    ]
    for (const [x, y] of pairs) {
      expect(shapeKey(x)).toBeDefined()
      expect(shapeKey(x)).not.toEqual(shapeKey(y))
    }
    for (const d of Object.values(DIALECTS))
      for (const [x, y] of pairs) {
        expect(compile(d)(x)).toEqual(compileUncached(d)(x))
        expect(compile(d)(y)).toEqual(compileUncached(d)(y))
      }
  })

  it('errors from values are reported on hits too; errors are not cached', () => {
    clearCache(sqlite)
    const q = (v: unknown) => pipe(A.select({ id: users.c.id }), A.from(users), A.where(A.eq(users.c.at, v as Date)))
    expect(compile(sqlite)(q('nope'))._tag).toBe('Left')
    expect(cacheStats(sqlite).size).toBe(0)
    expect(compile(sqlite)(q(new Date(0)))._tag).toBe('Right')
    expect(compile(sqlite)(q('nope'))).toEqual(E.left({ _tag: 'InvalidStatement', message: 'a Timestamp parameter needs a Date, got string' }))
    expect(compile(sqlite)(pipe(A.select({ id: users.c.id }), A.from(users), A.forUpdate()))).toEqual(E.left(unsupportedOn('FOR UPDATE', 'sqlite')))
    expect(cacheStats(sqlite).size).toBe(1)
  })

  it('PostgreSQL unnest inserts: one entry for every row count, cached equals uncached, values checked on hits', () => {
    clearCache(postgres)
    const ins = (n: number, bad = -1) => A.insertInto(users, Array.from({ length: n }, (_, i) => ({ name: 'u' + String(i), active: i % 2 === 0, age: i === bad ? 1.5 : i })))
    for (const n of [2, 3, 10, 2]) expect(compile(postgres)(ins(n))).toEqual(compileUncached(postgres)(ins(n)))
    expect(cacheStats(postgres).size).toBe(1)
    const r = compile(postgres)(ins(3))
    expect(E.isRight(r) && r.right.params).toEqual([['u0', 'u1', 'u2'], [0, 1, 2], [true, false, true]])
    expect(compile(postgres)(ins(4, 2))).toEqual(E.left({ _tag: 'InvalidStatement', message: 'a Integer parameter needs a safe integer, got 1.5' }))
    // elsewhere the row count is part of the shape
    clearCache(sqlite)
    compile(sqlite)(ins(2))
    compile(sqlite)(ins(3))
    expect(cacheStats(sqlite).size).toBe(2)
  })

  it('a parameter type is part of the shape (PostgreSQL writes it into the SQL)', () => {
    const q = (t: A.SqlType) => A.select({ x: A.param(1, t) })
    expect(shapeKey(q(A.types.integer))).not.toEqual(shapeKey(q(A.types.bigint)))
    expect(shapeKey(q(A.types.timestamp(true)))).not.toEqual(shapeKey(q(A.types.timestamp(false))))
    expect(shapeKey(q(A.types.enum('a', ['x'])))).not.toEqual(shapeKey(q(A.types.enum('b', ['x']))))
    expect(shapeKey(q(A.types.numeric(10, 2)))).toEqual(shapeKey(q(A.types.numeric(10, 2))))
    clearCache(postgres)
    const a = compile(postgres)(q(A.types.integer))
    const b = compile(postgres)(q(A.types.bigint))
    expect([E.isRight(a) && a.right.sql, E.isRight(b) && b.right.sql]).toEqual(['SELECT $1::INTEGER AS "x"', 'SELECT $1::BIGINT AS "x"'])
  })

  it('the cache is bounded', () => {
    const c = new ShapeCache(3)
    for (let i = 0; i < 10; i++) c.set(i, { tokens: [i], sql: String(i), kind: 'query', columns: [], slots: [] })
    expect(c.stats().size).toBe(3)
    expect(c.get(9, [9])?.sql).toBe('9')
    expect(c.get(0, [0])).toBeUndefined()
    // colliding hashes keep separate entries
    const d = new ShapeCache(10)
    d.set(1, { tokens: ['a'], sql: 'A', kind: 'query', columns: [], slots: [] })
    d.set(1, { tokens: ['b'], sql: 'B', kind: 'query', columns: [], slots: [] })
    expect([d.get(1, ['a'])?.sql, d.get(1, ['b'])?.sql, d.get(1, ['c'])]).toEqual(['A', 'B', undefined])
    expect(hashTokens(['a', 1])).not.toBe(hashTokens(['a', 2]))
  })

  it('result column types follow the statement even on a hit', () => {
    clearCache(postgres)
    const q1 = { _tag: 'TextQuery' as const, raw: { _tag: 'Raw' as const, sql: 'SELECT 1 AS n', binds: {} }, columns: [{ alias: 'n', type: { _tag: 'Integer' as const } }] }
    const q2 = { ...q1, columns: [{ alias: 'n', type: { _tag: 'Text' as const } }] }
    compile(postgres)(q1)
    const r = compile(postgres)(q2)
    expect(E.isRight(r) && r.right.columns).toEqual([{ name: 'n', type: { _tag: 'Text' } }])
  })
})
