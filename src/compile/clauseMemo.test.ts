import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as A from '../algebra/index.js'
import type { ExprNode, StatementNode } from '../algebra/ast.js'
import { boolean, integer, timestamp, varchar } from '../algebra/Column.js'
import { table } from '../algebra/Table.js'
import { DIALECTS } from '../../test/support/sql.js'
import { postgres, sqlite } from '../../test/support/dialects.js'
import { cacheStats, clearCache, compile, compileUncached, shapeKey, type Compilable } from './compile.js'
import { clauseMemoHits, rememberAllClauses } from './clauseMemo.js'

const users = table('users', { id: integer().primaryKey(), name: varchar(100).notNull(), active: boolean().notNull(), at: timestamp() })
const posts = table('posts', { id: integer().primaryKey(), userId: integer().named('user_id').notNull(), title: varchar(200).notNull() })

/** A new root over the same clauses (what a statement rebuilt per call looks like to the cache). */
const fresh = (s: Compilable): StatementNode => {
  const n = 'node' in s ? s.node : s
  return { ...n }
}

const expectLikeUncached = (s: Compilable): void => {
  for (const d of Object.values(DIALECTS)) expect(compile(d)(s)).toStrictEqual(compileUncached(d)(s))
}

describe('clause memo (fresh roots over clauses compiled before)', () => {
  beforeAll(() => rememberAllClauses(true))
  afterAll(() => rememberAllClauses(false))

  it('same shape, other literals: each statement gets its own parameters, one cache entry', () => {
    const q = (k: number) =>
      pipe(A.select({ id: users.c.id, name: users.c.name }), A.from(users), A.where(A.and(A.eq(users.c.active, k % 2 === 0), A.like(users.c.name, `${k}%`))), A.orderBy(users.c.name), A.limit(10 + k))
    const qs = [0, 1, 2, 3].map(q)
    clearCache(postgres)
    const hits0 = clauseMemoHits()
    for (let round = 0; round < 3; round++)
      qs.forEach((s, k) => {
        const r = compile(postgres)(fresh(s))
        expect(r).toStrictEqual(compileUncached(postgres)(s))
        expect(E.isRight(r) && r.right.params).toEqual([k % 2 === 0, `${k}%`, 10 + k])
      })
    expect(cacheStats(postgres).size).toBe(1)
    expect(clauseMemoHits()).toBeGreaterThan(hits0)
  })

  it('a clause reused inside different statements binds its own values in each', () => {
    const cond = A.and(A.gt(users.c.id, 5), A.eq(users.c.name, 'Ada')).node
    const items = pipe(A.select({ id: users.c.id, name: users.c.name }), A.from(users)).node.columns
    const statements: ReadonlyArray<StatementNode> = [
      pipe(A.select({ id: users.c.id, name: users.c.name }), A.from(users), A.where(A.expr(cond))).node,
      { ...pipe(A.select({ id: users.c.id }), A.from(users), A.where(A.expr(cond)), A.limit(3)).node, columns: items },
      pipe(A.deleteFrom(users), A.where(A.expr(cond))).node,
      pipe(A.update(users, { name: 'Bob' }), A.where(A.expr(cond))).node,
      // the same condition deeper down (walked flat there), and beside itself
      pipe(A.select({ id: users.c.id }), A.from(users), A.where(A.or(A.expr(cond), A.expr(cond)))).node,
      pipe(A.select({ n: A.count(posts.c.id) }), A.from(posts), A.where(A.exists(pipe(A.select({ id: users.c.id }), A.from(users), A.where(A.expr(cond)))))).node,
    ]
    for (let round = 0; round < 3; round++) for (const s of statements) expectLikeUncached(fresh(s))
  })

  it('statements that share clauses but differ elsewhere never share an entry', () => {
    const cond = A.eq(users.c.id, 1)
    const cols = A.select({ id: users.c.id })
    const pairs: ReadonlyArray<readonly [StatementNode, StatementNode]> = [
      [pipe(cols, A.from(users), A.where(cond)).node, pipe(cols, A.from(posts), A.where(cond)).node],
      [pipe(cols, A.from(users), A.where(cond), A.limit(1)).node, pipe(cols, A.from(users), A.where(cond), A.offset(1)).node],
      [pipe(cols, A.from(users), A.where(cond)).node, pipe(cols, A.from(users), A.having(cond)).node],
      [pipe(cols, A.from(users), A.where(cond), A.groupBy(users.c.id)).node, pipe(cols, A.from(users), A.where(cond), A.orderBy(users.c.id)).node],
      [pipe(A.deleteFrom(users), A.where(cond)).node, pipe(A.deleteFrom(posts), A.where(cond)).node],
      [A.insertInto(users, { id: 1, name: 'a', active: true }).node, A.insertInto(users, { id: 1, name: 'a', active: true }, { onConflict: { target: [users.c.id], doNothing: true } }).node],
    ]
    for (const d of Object.values(DIALECTS)) {
      clearCache(d)
      for (let round = 0; round < 3; round++)
        for (const [x, y] of pairs) {
          expect(compile(d)(fresh(x))).toStrictEqual(compileUncached(d)(x))
          expect(compile(d)(fresh(y))).toStrictEqual(compileUncached(d)(y))
        }
      expect(cacheStats(d).size).toBeLessThanOrEqual(pairs.length * 2)
    }
    for (const [x, y] of pairs) expect(shapeKey(x)).not.toEqual(shapeKey(y))
  })

  it('one list object in several clauses of a statement, and one empty list in all of them', () => {
    const none: ReadonlyArray<never> = []
    const byId: ReadonlyArray<ExprNode> = [users.c.id.node]
    const base = pipe(A.select({ id: users.c.id }), A.from(users)).node
    const statements: ReadonlyArray<StatementNode> = [
      { ...base, joins: none, groupBy: none, orderBy: none },
      { ...base, groupBy: byId },
      { ...base, distinct: byId, orderBy: byId.map((expr) => ({ expr, direction: 'ASC' as const })) },
      { ...base, distinct: byId, groupBy: byId },
    ]
    for (let round = 0; round < 3; round++) for (const s of statements) expect(compile(postgres)(fresh(s))).toStrictEqual(compileUncached(postgres)(s))
  })

  it('a multi-row VALUES: arrays on PostgreSQL, a memoised clause elsewhere, from the same node', () => {
    const ins = A.insertInto(users, [
      { id: 1, name: 'a', active: true, at: new Date(0) },
      { id: 2, name: 'b', active: false, at: null },
    ])
    for (let round = 0; round < 3; round++) {
      expect(compile(postgres)(fresh(ins))).toStrictEqual(compileUncached(postgres)(ins))
      expect(compile(sqlite)(fresh(ins))).toStrictEqual(compileUncached(sqlite)(ins))
    }
  })

  it('errors from values are still found when the clause comes from the memo', () => {
    const bad = A.eq(users.c.at, 'nope' as unknown as Date)
    const q = (extra: number) => pipe(A.select({ id: users.c.id }), A.from(users), A.where(bad), A.limit(extra))
    compile(sqlite)(fresh(pipe(A.select({ id: users.c.id }), A.from(users), A.where(A.eq(users.c.at, new Date(0))), A.limit(1))))
    for (let k = 0; k < 3; k++) expect(compile(sqlite)(fresh(q(k)))).toEqual(E.left({ _tag: 'InvalidStatement', message: 'a Timestamp parameter needs a Date, got string' }))
  })
})

describe('clause memo under the default policy', () => {
  it('statements built afresh and statements over shared clauses compile as uncached', () => {
    const shared = A.and(A.eq(users.c.active, true), A.like(users.c.name, 'a%'))
    for (let k = 0; k < 400; k++) {
      const built = pipe(A.select({ id: users.c.id }), A.from(users), A.where(A.eq(users.c.id, k)), A.limit(k))
      const over = pipe(A.select({ id: users.c.id }), A.from(users), A.where(shared), A.limit(k))
      for (const s of [built, over]) expect(compile(postgres)(fresh(s))).toStrictEqual(compileUncached(postgres)(s))
    }
  })
})
