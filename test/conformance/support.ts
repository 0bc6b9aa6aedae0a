/**
 * The conformance harness: one engine per provisioned database (see
 * `test/support/databases.ts`), and the assertions every case uses: the SQL each dialect
 * produces, the rows it returns, and the typed error it gives.
 *
 * @category testing
 */
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, expect } from 'vitest'
import type { AnyTable } from '../../src/algebra/Table.js'
import { createAll, dropAll } from '../../src/compile/ddl.js'
import { createEngine } from '../../src/createEngine.js'
import { describe as describeError, type DbError } from '../../src/effects/DbError.js'
import type { Engine } from '../../src/effects/Engine.js'
import type { Executable } from '../../src/effects/Statement.js'
import { describeEachDatabase, type DatabaseName, type TestDatabase } from '../support/databases.js'

/** What a case runs against: the database and an engine connected into its private schema. */
export interface Harness {
  readonly db: TestDatabase
  readonly name: DatabaseName
  readonly engine: Engine
}

/** A per-dialect expectation: SQL text, SQL plus params, or `unsupported(feature)`. */
export type Want =
  | string
  | { readonly sql: string; readonly params: ReadonlyArray<unknown> }
  | { readonly unsupported: string }

/** Per-dialect expectations; a dialect left out is only required to compile. */
export type Wants = Partial<Readonly<Record<DatabaseName, Want>>>

/** The same expectation on every dialect. */
export const same = (w: Want): Wants => ({ sqlite: w, postgres: w, mysql: w })

/** `UnsupportedFeature` naming `feature`. */
export const unsupported = (feature: string): Want => ({ unsupported: feature })

const bigintSafe = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? `${v.toString()}n` : v)

const fail = (what: string, e: DbError): Error =>
  Object.assign(new Error(`${what}: ${describeError(e)}`), { dbError: JSON.stringify(e, bigintSafe) })

/**
 * One `describe` per database (sqlite, postgres, mysql), each with its own fresh schema and an
 * engine into it; `setup` runs once before the cases (create tables, seed rows).
 */
export const conformance = (
  title: string,
  body: (h: Harness) => void,
  options: { readonly tables?: ReadonlyArray<AnyTable>; readonly seed?: (h: Harness) => Promise<void>; readonly which?: ReadonlyArray<DatabaseName> } = {},
): void =>
  describeEachDatabase(
    title,
    (db) => {
      const r = createEngine(db.url, { pool: { size: 2 } })
      if (E.isLeft(r)) throw fail(`createEngine(${db.name})`, r.left)
      const h: Harness = { db, name: db.name, engine: r.right }
      beforeAll(async () => {
        if (options.tables !== undefined) await createTables(h, options.tables)
        if (options.seed !== undefined) await options.seed(h)
      })
      afterAll(() => h.engine.dispose())
      body(h)
    },
    options.which,
  )

/** Runs a statement and returns its rows; a Left fails the test with the error's description. */
export const rows = async <R>(h: Harness, q: Executable<R>): Promise<ReadonlyArray<R>> => {
  const r = await h.engine.execute(q)()
  if (E.isLeft(r)) throw fail(`execute on ${h.name}`, r.left)
  return r.right
}

/** Runs any statement (DML without RETURNING too) and returns the rows affected. */
export const run = async <R>(h: Harness, q: Executable<R>): Promise<number> => {
  const r = await h.engine.run(q)()
  if (E.isLeft(r)) throw fail(`run on ${h.name}`, r.left)
  return r.right.rowsAffected
}

/** Runs a statement expecting a Left, and returns it. */
export const failure = async <R>(h: Harness, q: Executable<R>): Promise<DbError> => {
  const r = await h.engine.run(q)()
  if (E.isRight(r)) throw new Error(`expected a Left on ${h.name}, got Right ${JSON.stringify(r.right.rows, bigintSafe)}`)
  return r.left
}

/** The SQL this engine's dialect produces (or the compile error). */
export const compiled = <R>(h: Harness, q: Executable<R>): E.Either<DbError, { readonly sql: string; readonly params: ReadonlyArray<unknown> }> =>
  E.map((c: { readonly sql: string; readonly params: ReadonlyArray<unknown> }) => ({ sql: c.sql, params: c.params }))(h.engine.compile(q))

/**
 * Checks this database's SQL against its expectation; an `unsupported` expectation also checks
 * that running the statement is the same `Left(UnsupportedFeature)`. Returns whether the
 * statement is supported (so the case goes on to run it).
 */
export const expectSql = async <R>(h: Harness, q: Executable<R>, wants: Wants): Promise<boolean> => {
  const got = compiled(h, q)
  const w = wants[h.name]
  if (w !== undefined && typeof w === 'object' && 'unsupported' in w) {
    const want = { _tag: 'UnsupportedFeature', feature: w.unsupported, dialect: h.engine.dialect.name }
    expect(got, `${h.name}: compile`).toEqual(E.left(want))
    const ran = await h.engine.execute(q)()
    expect(ran, `${h.name}: execute`).toEqual(E.left(want))
    return false
  }
  if (E.isLeft(got)) throw fail(`compile on ${h.name}`, got.left)
  if (typeof w === 'string') expect(got.right.sql, `${h.name} SQL`).toBe(w)
  else if (w !== undefined) expect(got.right, `${h.name} SQL and params`).toEqual(w)
  return true
}

/** Compiles per dialect (checking the SQL), then runs and checks the rows exactly (in order). */
export const expectRows = async <R>(h: Harness, q: Executable<R>, want: ReadonlyArray<R>, wants: Wants = {}): Promise<void> => {
  if (!(await expectSql(h, q, wants))) return
  expect(await rows(h, q)).toStrictEqual(want)
}

/** Like {@link expectRows} for queries without ORDER BY: compares rows as a multiset. */
export const expectRowsUnordered = async <R>(h: Harness, q: Executable<R>, want: ReadonlyArray<R>, wants: Wants = {}): Promise<void> => {
  if (!(await expectSql(h, q, wants))) return
  const key = (r: unknown): string => JSON.stringify(r, bigintSafe)
  const got = await rows(h, q)
  expect([...got].map(key).sort()).toStrictEqual([...want].map(key).sort())
}

/** Creates tables with `createAll` on this database. */
export const createTables = async (h: Harness, tables: ReadonlyArray<AnyTable>): Promise<void> => {
  const stmts = createAll(h.engine.dialect)(tables)
  if (E.isLeft(stmts)) throw fail(`createAll on ${h.name}`, stmts.left)
  const r = await h.engine.runAll(stmts.right)()
  if (E.isLeft(r)) throw fail(`createAll on ${h.name}`, r.left)
}

/** Drops tables with `dropAll` on this database. */
export const dropTables = async (h: Harness, tables: ReadonlyArray<AnyTable>): Promise<void> => {
  const stmts = dropAll(h.engine.dialect)(tables)
  if (E.isLeft(stmts)) throw fail(`dropAll on ${h.name}`, stmts.left)
  const r = await h.engine.runAll(stmts.right)()
  if (E.isLeft(r)) throw fail(`dropAll on ${h.name}`, r.left)
}

/** Asserts a DbError's tag (and, for QueryError, its kind). */
export const expectError = (e: DbError, tag: DbError['_tag'], kind?: string): void => {
  expect(e._tag, describeError(e)).toBe(tag)
  if (kind !== undefined && e._tag === 'QueryError') expect(e.kind, describeError(e)).toBe(kind)
}

/** Runs `f` inside a transaction that is always rolled back (DML cases leave the fixture as it was). */
export const rolledBack = async (h: Harness, f: (h: Harness) => Promise<void>): Promise<void> => {
  let thrown: unknown
  const marker: DbError = { _tag: 'TransactionError', message: 'rolled back on purpose' }
  await h.engine.transaction((c) => async () => {
    try {
      await f({ ...h, engine: { ...h.engine, ...c } })
    } catch (e) {
      thrown = e
    }
    return E.left(marker)
  })()
  if (thrown !== undefined) throw thrown
}
