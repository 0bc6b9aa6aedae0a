/**
 * Differential runs: each generated case (a dataset and a few queries) is evaluated by the
 * reference interpreter and executed on SQLite, PostgreSQL and MariaDB; the rows must agree
 * (as lists under the query's total ORDER BY, as multisets otherwise). A construct the
 * dialect cannot express must be `Left(UnsupportedFeature)`, never wrong SQL.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { expect, it } from 'vitest'
import { compile } from '../src/compile/compile.js'
import type { Engine } from '../src/effects/Engine.js'
import { describeEachDatabase } from '../test/support/databases.js'
import { queryArb, type GenQuery } from './arbitraries/queries.js'
import { datasetArb, toDatabase, type Dataset, type DbName } from './arbitraries/schema.js'
import { diff, normalise } from './reference/compare.js'
import { dialectOptions } from './reference/context.js'
import { evaluate } from './reference/evaluate.js'
import { knownBug } from './known-bugs.js'
import { createSchema, loadDataset, rowsOf } from './support/db.js'
import { count, params, timeout } from './support/runs.js'
import { suiteEngine } from './support/suite.js'

const show = (v: unknown): string => JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${String(x)}n` : x))

/** Checks one query against the reference on one engine; returns a failure message or undefined. */
export const checkQuery = async (engine: Engine, name: DbName, data: Dataset, g: GenQuery): Promise<string | undefined> => {
  const bug = knownBug(name, g.query.node)
  if (bug !== undefined) {
    count(`differential.${name}.skippedKnownBug`)
    return undefined
  }
  const compiled = compile(engine.dialect)(g.query)
  if (E.isLeft(compiled)) {
    if (compiled.left._tag === 'UnsupportedFeature') {
      count(`differential.${name}.unsupported`)
      return undefined
    }
    return `compile failed: ${show(compiled.left)}`
  }
  const columns = g.kinds.map((_, i) => `c${i}`)
  const expected = evaluate(toDatabase(data), g.query.node, dialectOptions[name]).rows
  const actual = await rowsOf(engine, g.query, columns)
  const where = `\n sql: ${compiled.right.sql}\n params: ${show(compiled.right.params)}\n data: ${show(data)}`
  if (E.isLeft(actual)) return `database error ${show(actual.left)}${where}`
  const got = actual.right.map((row) => row.map((v, i) => normalise(v, g.kinds[i])))
  const d = diff(expected, got, g.kinds, g.ordered)
  count(`differential.${name}.queries`)
  return d === undefined ? undefined : `${d}${where}`
}

describeEachDatabase('differential: reference vs database', (db) => {
  const engine = suiteEngine(db, 'differential', (e) => createSchema(e, db.name))

  it('every generated query returns the reference rows', async () => {
    await fc.assert(
      fc.asyncProperty(datasetArb, fc.array(queryArb, { minLength: 1, maxLength: 4 }), async (data, queries) => {
        await loadDataset(engine(), data)
        count(`differential.${db.name}.datasets`)
        for (const g of queries) {
          const problem = await checkQuery(engine(), db.name, data, g)
          expect(problem).toBeUndefined()
        }
      }),
      params(db.name === 'sqlite' ? 150 : 60),
    )
  }, timeout())
})
