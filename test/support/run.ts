/**
 * Small helpers for driver-level tests: run a TaskEither and get its Right (or fail the
 * test with the DbError), or get its Left.
 *
 * @category testing
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { Compiled } from '../../src/compile/Compiled.js'
import { describe as describeError, type DbError } from '../../src/effects/DbError.js'
import type { Driver, DriverConnection, QueryResult } from '../../src/effects/Driver.js'

/** Runs a task and returns its Right; a Left becomes a thrown Error naming the DbError. */
export const right = async <A>(t: TE.TaskEither<DbError, A>): Promise<A> => {
  const r = await t()
  if (E.isLeft(r)) throw Object.assign(new Error(`expected Right, got ${describeError(r.left)}`), { dbError: r.left })
  return r.right
}

/** Runs a task and returns its Left; a Right becomes a thrown Error. */
export const left = async <A>(t: TE.TaskEither<DbError, A>): Promise<DbError> => {
  const r = await t()
  if (E.isRight(r)) throw new Error(`expected Left, got Right ${JSON.stringify(r.right, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`)
  return r.left
}

/** A raw statement (no compile step) for driver tests. */
export const stmt = (sql: string, params: ReadonlyArray<unknown> = []): Compiled => ({
  sql,
  params,
  kind: /^\s*select/i.test(sql) ? 'query' : 'raw',
  columns: [],
})

/** Executes SQL on a connection and returns the result (failing the test on Left). */
export const exec = (c: DriverConnection, sql: string, params: ReadonlyArray<unknown> = []): Promise<QueryResult> =>
  right(c.execute(stmt(sql, params)))

/** Opens a connection, runs `f`, and closes it whatever happens. */
export const withConnection = async <A>(driver: Driver, f: (c: DriverConnection) => Promise<A>): Promise<A> => {
  const c = await right(driver.connect)
  try {
    return await f(c)
  } finally {
    await c.close()
  }
}
