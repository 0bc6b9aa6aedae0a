/**
 * The Engine: a dialect, a driver and a pool. Statements compile with the dialect, run on a
 * pooled connection and come back decoded; transactions hold one connection; events and
 * `echo` report what happens. Everything returns TaskEither<DbError, _>; nothing throws.
 *
 * @category effects
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { compile as compileWith } from '../compile/compile.js'
import type { Compiled } from '../compile/Compiled.js'
import type { Dialect } from '../compile/Dialect.js'
import {
  brokenConnections,
  type Connection,
  type ConnectionState,
  type Context,
  type Executor,
  makeConnection,
  makeExecutor,
  runTransaction,
  type TransactionOptions,
} from './Connection.js'
import type { DbError } from './DbError.js'
import type { Driver } from './Driver.js'
import { createEmitter, type Echo, type Emitter, installEcho, type Listeners } from './events.js'
import { createPool, isConnectionFatal, type Lease, type PoolOptions, type PoolStats } from './Pool.js'
import { type Compile, type Executable, toCompiled } from './Statement.js'

/** Engine settings. @category effects */
export interface EngineOptions {
  readonly pool?: PoolOptions
  /** `true` logs each statement's SQL, parameters and timing to stdout; a function receives the lines instead. */
  readonly echo?: Echo
  /** Event listeners registered at creation (more can be added with `engine.on`). */
  readonly listeners?: Listeners
}

/** A database engine. @category effects */
export interface Engine extends Executor {
  readonly dialect: Dialect
  /** Registers an event listener; returns a function that removes it. */
  readonly on: Emitter['on']
  /** Runs `f` with one connection checked out for its whole duration, outside any transaction. */
  readonly withConnection: <A>(f: (c: Connection) => TE.TaskEither<DbError, A>) => TE.TaskEither<DbError, A>
  /** Compiles a statement for this engine's dialect (what `execute` would send). */
  readonly compile: <R>(q: Executable<R>) => E.Either<DbError, Compiled>
  readonly poolStats: () => PoolStats
  /** Closes every connection; later calls fail with `ConnectionError`. */
  readonly dispose: () => Promise<void>
}

/**
 * Builds an Engine from a driver. Options are trusted here; `createEngine` validates them.
 *
 * @category effects
 * @example
 * const engine = createEngineFrom(sqliteDriver({ filename: ':memory:' }), { echo: true })
 * await engine.execute(pipe(select({ one: lit(1) })))()   // Right([{ one: 1 }])
 */
export const createEngineFrom = (driver: Driver, options: EngineOptions = {}): Engine => {
  const emitter = createEmitter(options.listeners)
  if (options.echo !== undefined) installEcho(emitter, options.echo)
  const dialect = driver.dialect
  const compile: Compile = compileWith(dialect)
  const ctx: Context = { dialect, compile, emitter }
  const pool = createPool(driver, options.pool, emitter.emit)

  const lease: TE.TaskEither<DbError, Lease> = async () => {
    const l = await pool.acquire()
    if (E.isLeft(l) && emitter.has('error')) emitter.emit({ type: 'error', error: l.left })
    return l
  }

  /** Runs `f` on a checked-out connection wrapped in a fresh state; discards broken ones. */
  const withState =
    <A>(f: (st: ConnectionState) => Promise<E.Either<DbError, A>>): TE.TaskEither<DbError, A> =>
    async () => {
      const l = await lease()
      if (E.isLeft(l)) return l
      const st: ConnectionState = { driver: l.right.connection, depth: 0, savepoints: 0 }
      let broken = true
      try {
        const r = await f(st)
        broken = brokenConnections.has(st.driver) || (E.isLeft(r) && isConnectionFatal(r.left))
        return r
      } finally {
        await l.right.release(broken)
      }
    }

  const transaction = <A>(f: (c: Connection) => TE.TaskEither<DbError, A>, opts?: TransactionOptions): TE.TaskEither<DbError, A> =>
    withState((st) => runTransaction(ctx, st, f, opts))

  const executor = makeExecutor(ctx, lease, transaction)
  const prepare = toCompiled(compile)

  return {
    ...executor,
    dialect,
    on: emitter.on,
    withConnection: (f) =>
      withState(async (st) => {
        const scope = { alive: true }
        try {
          return await f(makeConnection(ctx, st, scope))()
        } catch (cause) {
          return E.left({ _tag: 'TransactionError', message: `the connection callback threw: ${String(cause)}`, cause })
        } finally {
          scope.alive = false
        }
      }),
    compile: (q) => prepare(q),
    poolStats: pool.stats,
    dispose: pool.dispose,
  }
}
