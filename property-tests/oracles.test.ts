/**
 * SQLancer's oracles on the real databases, needing no reference:
 *
 * - TLP (ternary logic partitioning): the rows of `t0` are exactly the rows WHERE p, plus
 *   WHERE NOT p, plus WHERE (p) IS NULL, as multisets.
 * - NoREC (non-optimizing reference): `COUNT(*) … WHERE p` equals
 *   `SUM(CASE WHEN p THEN 1 ELSE 0 END)` over the unfiltered table.
 * - Set-operation law: `q UNION q` has the rows of `SELECT DISTINCT …q`.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { expect, it } from 'vitest'
import { caseWhen, count, from, isNull, not, param, select, types, union, where, type Expr, type Predicate, type Query } from '../src/algebra/index.js'
import { describeEachDatabase } from '../test/support/databases.js'
import { plainSelect, t0Predicate } from './arbitraries/queries.js'
import { datasetArb, t0 } from './arbitraries/schema.js'
import { diff, normalise } from './reference/compare.js'
import type { Value } from './reference/values.js'
import { createSchema, loadDataset, rowsOf } from './support/db.js'
import { count as tally, params, timeout } from './support/runs.js'
import { suiteEngine } from './support/suite.js'

const t0Columns = ['a', 'b', 'd', 's', 'f'] as const
const t0Kinds = ['int', 'int', 'double', 'text', 'bool'] as const

describeEachDatabase('oracles', (db) => {
  const engine = suiteEngine(db, 'oracles', (e) => createSchema(e, db.name))

  const rows = async (q: Query<Record<string, unknown>>, columns: ReadonlyArray<string>, kinds: ReadonlyArray<(typeof t0Kinds)[number]>): Promise<ReadonlyArray<ReadonlyArray<Value>>> => {
    const r = await rowsOf(engine(), q, columns)
    if (E.isLeft(r)) throw new Error(`database error: ${JSON.stringify(r.left, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`)
    return r.right.map((row) => row.map((v, i) => normalise(v, kinds[i])))
  }

  it('TLP: WHERE p + WHERE NOT p + WHERE p IS NULL = all rows', async () => {
    await fc.assert(
      fc.asyncProperty(datasetArb, fc.array(t0Predicate, { minLength: 1, maxLength: 3 }), async (data, ps) => {
        await loadDataset(engine(), data)
        const all = select(t0)
        const everything = await rows(all, t0Columns, t0Kinds)
        for (const p of ps) {
          tally(`oracles.tlp.${db.name}`)
          const parts = [
            ...(await rows(where(p as Predicate)(all), t0Columns, t0Kinds)),
            ...(await rows(where(not(p as Predicate))(all), t0Columns, t0Kinds)),
            ...(await rows(where(isNull(p as Expr<unknown>))(all), t0Columns, t0Kinds)),
          ]
          expect(diff(everything, parts, t0Kinds, false)).toBeUndefined()
        }
      }),
      params(db.name === 'sqlite' ? 150 : 50),
    )
  }, timeout())

  it('NoREC: COUNT(*) WHERE p = SUM(CASE WHEN p THEN 1 ELSE 0 END)', async () => {
    await fc.assert(
      fc.asyncProperty(datasetArb, fc.array(t0Predicate, { minLength: 1, maxLength: 3 }), async (data, ps) => {
        await loadDataset(engine(), data)
        for (const p of ps) {
          tally(`oracles.norec.${db.name}`)
          const optimized = await rows(where(p as Predicate)(from(t0)(select({ n: count() }))), ['n'], ['int'])
          // COUNT(CASE WHEN p THEN 1 END): SUM(CASE WHEN p THEN 1 ELSE 0 END) is the textbook form,
          // but PostgreSQL types its untyped $n branches as text (regressions.test.ts, bug 2).
          const flag = caseWhen([[p as Predicate, param(1, types.integer)]]) as Expr<number>
          const unoptimized = await rows(from(t0)(select({ n: count(flag) })), ['n'], ['int'])
          expect(unoptimized[0][0]).toBe(optimized[0][0])
        }
      }),
      params(db.name === 'sqlite' ? 150 : 50),
    )
  }, timeout())

  it('q UNION q has the rows of SELECT DISTINCT q', async () => {
    const q = plainSelect({ cols: [], subqueries: 1, prefix: '' }, undefined, false)
    await fc.assert(
      fc.asyncProperty(datasetArb, q, async (data, g) => {
        await loadDataset(engine(), data)
        tally(`oracles.unionSelf.${db.name}`)
        const columns = g.kinds.map((_, i) => `c${i}`)
        const kinds = g.kinds
        const compiled = engine().compile(union(g.query, g.query))
        if (E.isLeft(compiled) && compiled.left._tag === 'UnsupportedFeature') return
        const u = await rowsOf(engine(), union(g.query, g.query), columns)
        const dq = { ...g.query, node: g.query.node._tag === 'Select' ? { ...g.query.node, distinct: true } : g.query.node }
        const d = await rowsOf(engine(), dq, columns)
        if (E.isLeft(u) || E.isLeft(d)) throw new Error(`database error: ${JSON.stringify(E.isLeft(u) ? u.left : d)}`)
        const norm = (rs: ReadonlyArray<ReadonlyArray<unknown>>) => rs.map((row) => row.map((v, i) => normalise(v, kinds[i])))
        expect(diff(norm(d.right), norm(u.right), kinds, false)).toBeUndefined()
      }),
      params(db.name === 'sqlite' ? 100 : 30),
    )
  }, timeout())
})


