/**
 * What the ORM suites on a real database share: an engine on the suite's database with its
 * tables created (and dropped at the end), emptied before each test, sessions run with the
 * statements they issue counted, and the eager loading strategies to run each case with.
 */
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { text } from '../../src/algebra/index.js'
import type { HasDefinition } from '../../src/compile/index.js'
import { createAll, dropAll } from '../../src/index.js'
import { createEngine } from '../../src/createEngine.js'
import type { DbError } from '../../src/effects/DbError.js'
import type { Engine } from '../../src/effects/Engine.js'
import { joined, json, selectin, subquery } from '../../src/mapping/loadOptions.js'
import * as S from '../../src/mapping/session.js'
import type { TestDatabase } from '../support/databases.js'

/** The Right of an Either; a Left fails the test with the error as JSON (bigints as text). */
export const ok = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))
  return e.right
}

/** The four eager loading strategies and the statements each takes for one level of relationship. */
export const strategies = [
  ['joined', joined, 1],
  ['json', json, 1],
  ['selectin', selectin, 2],
  ['subquery', subquery, 2],
] as const

/** What a suite gets from {@link ormSuite}. */
export interface OrmSuite {
  /** The suite's engine (it connects on first use). */
  readonly engine: Engine
  /** Runs a session in one transaction. */
  readonly run: <A>(p: S.Session<A>) => Promise<E.Either<DbError, A>>
  /** Runs a session (failing the test on Left) and returns its result with the DML and queries it issued. */
  readonly counted: <A>(p: S.Session<A>) => Promise<readonly [A, ReadonlyArray<string>]>
}

/**
 * Sets up an ORM suite inside `describeEachDatabase`: `tables` are created before all tests
 * and dropped after them; before each test the `reset` statements run in order (deletes, in
 * an order the foreign keys allow), then `seed`, if any (a Left fails the test).
 *
 * @example
 * describeEachDatabase('ORM relationships', (db) => {
 *   const { engine, run, counted } = ormSuite(db, { tables: allTables, reset: ['DELETE FROM o_books', 'DELETE FROM o_authors'] })
 * })
 */
export const ormSuite = (
  db: TestDatabase,
  options: {
    readonly tables: ReadonlyArray<HasDefinition>
    readonly reset: ReadonlyArray<string>
    readonly seed?: () => Promise<E.Either<unknown, unknown>>
  },
): OrmSuite => {
  const engine = ok(createEngine(db.url))
  const statements: string[] = []
  beforeAll(async () => {
    for (const s of ok(createAll(engine.dialect)(options.tables))) ok(await engine.run(s)())
    engine.on('beforeExecute', (e) => statements.push(e.sql))
  })
  afterAll(async () => {
    for (const s of ok(dropAll(engine.dialect)(options.tables))) await engine.run(s)()
    await engine.dispose()
  })
  beforeEach(async () => {
    for (const sql of options.reset) ok(await engine.run(text(sql))())
    if (options.seed !== undefined) ok(await options.seed())
    statements.length = 0
  })
  const run = <A>(p: S.Session<A>) => S.runSession(engine, p)()
  const counted = async <A>(p: S.Session<A>): Promise<readonly [A, ReadonlyArray<string>]> => {
    const before = statements.length
    const r = ok(await run(p))
    return [r, statements.slice(before).filter((s) => /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)/i.test(s))]
  }
  return { engine, run, counted }
}
