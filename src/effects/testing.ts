/**
 * Testing helpers: run a test's database work inside a transaction that is always rolled
 * back, so a suite can share one database.
 *
 * @category testing
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { Connection, Executor } from './Connection.js'
import type { DbError } from './DbError.js'

const rollbackMarker: DbError = { _tag: 'TransactionError', message: 'withRollback: rolled back on purpose' }

/**
 * Runs `f` inside a transaction that is rolled back whatever happens, and returns `f`'s
 * result. `f` gets a {@link Connection} (an {@link Executor}): transactions it opens become
 * savepoints. Code under test must use that connection, not the engine (on a
 * single-connection engine a second checkout would wait for the acquire timeout).
 *
 * @category testing
 * @example
 * it('inserts', async () => {
 *   const r = await withRollback(engine, (db) => db.run(insertInto(users).values({ name: 'A' })))()
 *   expect(E.isRight(r)).toBe(true)   // and the row is gone afterwards
 * })
 */
export const withRollback =
  <A>(engine: Pick<Executor, 'transaction'>, f: (c: Connection) => TE.TaskEither<DbError, A>): TE.TaskEither<DbError, A> =>
  async () => {
    let result: E.Either<DbError, A> | undefined
    const r = await engine.transaction((c) => async () => {
      result = await f(c)()
      return E.left(rollbackMarker)
    })()
    if (E.isLeft(r) && r.left === rollbackMarker && result !== undefined) return result
    // BEGIN failed, f threw (TransactionError), or the rollback itself failed
    return E.isRight(r) ? E.left(rollbackMarker) : r
  }
