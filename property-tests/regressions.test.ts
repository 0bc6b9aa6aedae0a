/**
 * Counterexamples the property suites found, each kept as a fixed case with the seed and
 * path that found it (replay: `ATHANOR_PROPERTY_SEED=<seed> ATHANOR_PROPERTY_PATH=<path>
 * npx vitest run property-tests/<suite>`; the generators may have changed since, so the
 * minimal case itself is what is kept here).
 *
 * Cases marked BUG fail until the library is fixed; see known-bugs.ts and
 * property-tests/README.md for the analysis of each.
 */
import * as E from 'fp-ts/Either'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  asc,
  caseWhen,
  count,
  desc,
  from,
  groupBy,
  label,
  orderBy,
  param,
  select,
  sum,
  types,
  eq,
  type Expr,
} from '../src/algebra/index.js'
import type { Engine } from '../src/effects/Engine.js'
import { describeEachDatabase } from '../test/support/databases.js'
import { t0, type Dataset } from './arbitraries/schema.js'
import { createSchema, engineFor, loadDataset, rowsOf } from './support/db.js'

const data: Dataset = {
  t0: [
    [1, 1, 0.5, 'a', true],
    [1, 2, null, 'b', false],
    [2, null, 1.5, null, null],
  ],
  t1: [],
}

describeEachDatabase('regressions', (db) => {
  let engine: Engine
  beforeAll(async () => {
    engine = engineFor(db)
    await createSchema(engine, db.name)
    await loadDataset(engine, data)
  })
  afterAll(() => engine.dispose())

  /**
   * BUG 1 (MySQL/MariaDB). Found by differential.test.ts, seed -1932135050,
   * path "13:0:1:0:22:1:1:1:1:1:1:1:1:1:1:1:1".
   * `ORDER BY <aggregate label> NULLS LAST` is emulated as `(`c1` IS NULL), `c1`` and
   * MariaDB answers ER_ILLEGAL_REFERENCE "Reference 'c1' not supported (reference to group
   * function)". Expected: the rows, ordered.
   */
  it('ORDER BY an aggregate output column with NULLS FIRST/LAST runs', async () => {
    const q = orderBy(asc(label('k'), 'FIRST'), desc(label('n'), 'LAST'))(
      groupBy(t0.c.a)(from(t0)(select({ k: t0.c.a, n: sum(t0.c.b) }))),
    )
    const r = await rowsOf(engine, q, ['k', 'n'])
    expect(r).toStrictEqual(E.right([[1, 3], [2, null]]))
  })

  /**
   * BUG 2 (PostgreSQL). Found by oracles.test.ts (NoREC), seed 892064514, path "0:0:0:0:0:0:0:0:0:0:0:0:0".
   * `sum(caseWhen([[p, param(1, types.integer)]], param(0, types.integer)))` compiles to
   * `SUM(CASE WHEN p THEN $1 ELSE $2 END)`: the parameters' SQL type is known to the compiler
   * but not written, PostgreSQL resolves the all-unknown CASE to text and fails with
   * "function sum(text) does not exist". Expected: 2.
   */
  it('SUM over a CASE of typed parameters runs', async () => {
    const flag = caseWhen([[eq(t0.c.a, 1), param(1, types.integer)]], param(0, types.integer)) as Expr<number>
    const r = await rowsOf(engine, from(t0)(select({ n: sum(flag) })), ['n'])
    expect(r).toStrictEqual(E.right([[2]]))
  })

  /** Not a bug: COUNT(CASE WHEN p THEN 1 END), the NoREC form the oracle uses, works everywhere. */
  it('COUNT over a CASE of a typed parameter runs', async () => {
    const flag = caseWhen([[eq(t0.c.a, 1), param(1, types.integer)]]) as Expr<number>
    const r = await rowsOf(engine, from(t0)(select({ n: count(flag) })), ['n'])
    expect(r).toStrictEqual(E.right([[2]]))
  })
})
