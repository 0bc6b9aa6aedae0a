/**
 * Engines for the differential suites: one engine per provisioned database, the raw DDL of
 * the differential schema, and loading a generated dataset.
 *
 * @category property-tests
 */
import * as E from 'fp-ts/lib/Either.js'
import { deleteFrom, insertInto, text, type Query } from '../../src/algebra/index.js'
import { createEngine } from '../../src/createEngine.js'
import type { DbError } from '../../src/effects/DbError.js'
import type { Engine } from '../../src/effects/Engine.js'
import type { TestDatabase } from '../../test/support/databases.js'
import { insertRows, schemaDdl, t0, t1, type Dataset, type DbName } from '../arbitraries/schema.js'

/** Throws with a readable message when `e` is a Left (test helpers only). */
export const unwrap = <A>(e: E.Either<DbError | { readonly _tag: string }, A>, what: string): A => {
  if (E.isLeft(e)) throw new Error(`${what}: ${JSON.stringify(e.left, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Error ? v.message : v))}`)
  return e.right
}

/** An engine on a test database (one connection is enough: cases run one at a time). */
export const engineFor = (db: TestDatabase): Engine => unwrap(createEngine(db.url, { pool: { size: 1 } }), `createEngine(${db.name})`)

/** Runs raw statements in order. */
export const runRaw = async (engine: Engine, sqls: ReadonlyArray<string>): Promise<void> => {
  for (const sql of sqls) unwrap(await engine.run(text(sql))(), sql)
}

/** Creates the differential tables t0 and t1. */
export const createSchema = (engine: Engine, db: DbName): Promise<void> => runRaw(engine, schemaDdl(db))

/** Replaces the contents of t0 and t1 with `d`. */
export const loadDataset = async (engine: Engine, d: Dataset): Promise<void> => {
  const rows = insertRows(d)
  unwrap(await engine.run(deleteFrom(t0))(), 'delete t0')
  unwrap(await engine.run(deleteFrom(t1))(), 'delete t1')
  if (rows.t0.length > 0) unwrap(await engine.run(insertInto(t0, rows.t0))(), 'insert t0')
  if (rows.t1.length > 0) unwrap(await engine.run(insertInto(t1, rows.t1))(), 'insert t1')
}

/** Executes a query, returning rows as arrays in output-column order, or the error. */
export const rowsOf = async (engine: Engine, q: Query<Record<string, unknown>>, columns: ReadonlyArray<string>): Promise<E.Either<DbError, ReadonlyArray<ReadonlyArray<unknown>>>> => {
  const r = await engine.execute(q)()
  return E.map((rows: ReadonlyArray<Record<string, unknown>>) => rows.map((row) => columns.map((c) => row[c])))(r)
}
