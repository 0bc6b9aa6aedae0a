/**
 * Connection: the statement API shared by the Engine and by the connection a transaction
 * hands to its callback (execute, run, first, one, oneOrNone, executeMany, runAll, stream,
 * streamFold, transaction), and the transaction machinery (BEGIN/COMMIT/ROLLBACK, savepoints
 * for nesting).
 *
 * @category effects
 */
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { Compiled } from '../compile/Compiled.js'
import type { Dialect, IsolationLevel } from '../compile/Dialect.js'
import type { DbError } from './DbError.js'
import { decoderFor } from './decode.js'
import type { DriverConnection, QueryResult, RowBuilder } from './Driver.js'
import type { Emitter } from './events.js'
import type { Lease } from './Pool.js'
import { isConnectionFatal } from './Pool.js'
import { control, rowBuilderOf, type Compile, type Executable, type RunResult, toCompiled } from './Statement.js'

/** Options of `transaction`. @category effects */
export interface TransactionOptions {
  /** Ignored for nested transactions (savepoints inherit the outer level). */
  readonly isolation?: IsolationLevel
}

/** Options of `stream`. @category effects */
export interface StreamOptions {
  /** Rows per batch (default 1000). */
  readonly batchSize?: number
}

/**
 * Everything that runs statements: the Engine (each call checks a connection out of the
 * pool) and a Connection (calls run on its one connection). Code written against
 * `Executor` runs unchanged inside `withRollback`.
 *
 * @category effects
 */
export interface Executor {
  /** Runs a query (or DML with RETURNING) and returns its decoded rows. */
  readonly execute: <R>(q: Executable<R>) => TE.TaskEither<DbError, ReadonlyArray<R>>
  /** Runs any statement: rows affected, the generated key where there is one, and decoded rows. */
  readonly run: <R>(q: Executable<R>) => TE.TaskEither<DbError, RunResult<R>>
  /** The first row, if any. */
  readonly first: <R>(q: Executable<R>) => TE.TaskEither<DbError, O.Option<R>>
  /** Exactly one row: `NoResult` when none, `MultipleResults` when more. */
  readonly one: <R>(q: Executable<R>) => TE.TaskEither<DbError, R>
  /** At most one row: `MultipleResults` when more. */
  readonly oneOrNone: <R>(q: Executable<R>) => TE.TaskEither<DbError, O.Option<R>>
  /** Runs queries in order on one connection, stopping at the first failure. */
  readonly executeMany: <R>(qs: ReadonlyArray<Executable<R>>) => TE.TaskEither<DbError, ReadonlyArray<ReadonlyArray<R>>>
  /** Runs statements in order on one connection, stopping at the first failure. */
  readonly runAll: <R>(qs: ReadonlyArray<Executable<R>>) => TE.TaskEither<DbError, ReadonlyArray<RunResult<R>>>
  /**
   * Streams a query's decoded rows in batches, reading the next batch only when the consumer
   * asks for it. A failure arrives as one final `Left`; breaking out early frees the cursor.
   */
  readonly stream: <R>(q: Executable<R>, options?: StreamOptions) => AsyncIterable<E.Either<DbError, ReadonlyArray<R>>>
  /** Folds a query's row batches into one value without holding all rows in memory. */
  readonly streamFold: <R, B>(
    q: Executable<R>,
    initial: B,
    f: (acc: B, batch: ReadonlyArray<R>) => B,
    options?: StreamOptions,
  ) => TE.TaskEither<DbError, B>
  /**
   * Runs `f` in a transaction: commits when it returns `Right`, rolls back on `Left` or when
   * it throws (then `Left(TransactionError)`). Inside a transaction this is a savepoint: a
   * failure rolls back to it only.
   */
  readonly transaction: <A>(f: (c: Connection) => TE.TaskEither<DbError, A>, options?: TransactionOptions) => TE.TaskEither<DbError, A>
}

/** One database connection, as given to a transaction's callback. @category effects */
export interface Connection extends Executor {
  /** The driver connection's id (as in events). */
  readonly id: number
  /** Nesting depth: 0 outside a transaction, 1 in a transaction, 2+ in savepoints. */
  readonly depth: number
}

/** What statement execution needs from its engine. @internal */
export interface Context {
  readonly dialect: Dialect
  readonly compile: Compile
  readonly emitter: Emitter
}

/** Runs one compiled statement on a connection, emitting execute events. @internal */
export const runOn =
  (ctx: Context, conn: DriverConnection, c: Compiled, build?: RowBuilder): TE.TaskEither<DbError, QueryResult> =>
  async () => {
    const em = ctx.emitter
    if (em.has('beforeExecute')) em.emit({ type: 'beforeExecute', connectionId: conn.id, sql: c.sql, params: c.params })
    const t0 = performance.now()
    const r = await conn.execute(c, build)()
    if (E.isRight(r)) {
      if (em.has('afterExecute'))
        em.emit({
          type: 'afterExecute',
          connectionId: conn.id,
          sql: c.sql,
          params: c.params,
          elapsedMs: performance.now() - t0,
          rowCount: r.right.rows.length,
          rowsAffected: r.right.rowsAffected,
        })
    } else if (em.has('error')) em.emit({ type: 'error', connectionId: conn.id, sql: c.sql, error: r.left })
    return r
  }

const isDbError = (e: unknown): e is DbError => typeof e === 'object' && e !== null && typeof (e as { _tag?: unknown })._tag === 'string'

const runCompiled = async <R>(ctx: Context, conn: DriverConnection, c: Compiled, build?: RowBuilder): Promise<E.Either<DbError, RunResult<R>>> => {
  const r = await runOn(ctx, conn, c, build)()
  if (E.isLeft(r)) return r
  const res = r.right
  if (res.rows.length === 0) return r as E.Either<DbError, RunResult<R>>
  const d = decoderFor(c.columns)(res.rows)
  if (E.isLeft(d)) {
    if (ctx.emitter.has('error')) ctx.emitter.emit({ type: 'error', connectionId: conn.id, sql: c.sql, error: d.left })
    return d
  }
  return r as E.Either<DbError, RunResult<R>>
}

/**
 * The statement API over a way to get a connection (`lease`): the pool for the Engine, a
 * held connection for a transaction. `transaction` is supplied by the caller.
 *
 * @internal
 */
export const makeExecutor = (
  ctx: Context,
  lease: TE.TaskEither<DbError, Lease>,
  transaction: Executor['transaction'],
): Executor => {
  const prepare = toCompiled(ctx.compile)
  const withConn =
    <A>(f: (conn: DriverConnection) => Promise<E.Either<DbError, A>>): TE.TaskEither<DbError, A> =>
    async () => {
      const l = await lease()
      if (E.isLeft(l)) return l
      let broken = true
      try {
        const r = await f(l.right.connection)
        broken = E.isLeft(r) && isConnectionFatal(r.left)
        return r
      } finally {
        await l.right.release(broken)
      }
    }
  const run = <R>(q: Executable<R>): TE.TaskEither<DbError, RunResult<R>> => {
    const c = prepare(q)
    return E.isLeft(c) ? async () => c : withConn((conn) => runCompiled<R>(ctx, conn, c.right, rowBuilderOf(q, c.right)))
  }
  const execute = <R>(q: Executable<R>): TE.TaskEither<DbError, ReadonlyArray<R>> => {
    const t = run(q)
    return async () => {
      const r = await t()
      return E.isLeft(r) ? r : E.right(r.right.rows)
    }
  }
  const sqlOf = <R>(q: Executable<R>): string => {
    const c = prepare(q)
    return E.isRight(c) ? c.right.sql : ''
  }
  const oneOrNone = <R>(q: Executable<R>): TE.TaskEither<DbError, O.Option<R>> => {
    const t = execute(q)
    return async () => {
      const r = await t()
      if (E.isLeft(r)) return r
      if (r.right.length > 1) return E.left({ _tag: 'MultipleResults', sql: sqlOf(q), count: r.right.length })
      return E.right(O.fromNullable(r.right[0]))
    }
  }
  const runAll = <R>(qs: ReadonlyArray<Executable<R>>): TE.TaskEither<DbError, ReadonlyArray<RunResult<R>>> => {
    const cs: Compiled[] = []
    for (const q of qs) {
      const c = prepare(q)
      if (E.isLeft(c)) return async () => c
      cs.push(c.right)
    }
    return withConn(async (conn) => {
      const out: Array<RunResult<R>> = []
      for (let i = 0; i < cs.length; i++) {
        const r = await runCompiled<R>(ctx, conn, cs[i], rowBuilderOf(qs[i], cs[i]))
        if (E.isLeft(r)) return r
        out.push(r.right)
      }
      return E.right(out)
    })
  }
  const stream = <R>(q: Executable<R>, options: StreamOptions = {}): AsyncIterable<E.Either<DbError, ReadonlyArray<R>>> => ({
    [Symbol.asyncIterator]: () => streamRows<R>(ctx, lease, prepare(q), Math.max(1, options.batchSize ?? 1000)),
  })
  return {
    execute,
    run,
    first: (q) => {
      const t = execute(q)
      return async () => {
        const r = await t()
        return E.isLeft(r) ? r : E.right(O.fromNullable(r.right[0]))
      }
    },
    one: (q) => {
      const t = oneOrNone(q)
      return async () => {
        const r = await t()
        if (E.isLeft(r)) return r
        return O.isSome(r.right) ? E.right(r.right.value) : E.left({ _tag: 'NoResult', sql: sqlOf(q) })
      }
    },
    oneOrNone,
    executeMany: (qs) => {
      const t = runAll(qs)
      return async () => {
        const r = await t()
        return E.isLeft(r) ? r : E.right(r.right.map((x) => x.rows))
      }
    },
    runAll,
    stream,
    streamFold: (q, initial, f, options) => async () => {
      let acc = initial
      for await (const batch of stream(q, options)) {
        if (E.isLeft(batch)) return batch
        acc = f(acc, batch.right)
      }
      return E.right(acc)
    },
    transaction,
  }
}

async function* streamRows<R>(
  ctx: Context,
  lease: TE.TaskEither<DbError, Lease>,
  compiled: E.Either<DbError, Compiled>,
  batchSize: number,
): AsyncGenerator<E.Either<DbError, ReadonlyArray<R>>, void, undefined> {
  if (E.isLeft(compiled)) {
    yield compiled
    return
  }
  const c = compiled.right
  const l = await lease()
  if (E.isLeft(l)) {
    yield l
    return
  }
  const conn = l.right.connection
  const em = ctx.emitter
  const decode = decoderFor(c.columns)
  const it = conn.stream(c, batchSize)[Symbol.asyncIterator]()
  let broken = false
  let index = 0
  try {
    if (em.has('beforeExecute')) em.emit({ type: 'beforeExecute', connectionId: conn.id, sql: c.sql, params: c.params })
    const t0 = performance.now()
    for (;;) {
      let r: IteratorResult<ReadonlyArray<Record<string, unknown>>>
      try {
        r = await it.next()
      } catch (e) {
        const err: DbError = isDbError(e) ? e : { _tag: 'QueryError', kind: 'Other', message: String(e), sql: c.sql, cause: e }
        broken = isConnectionFatal(err)
        if (em.has('error')) em.emit({ type: 'error', connectionId: conn.id, sql: c.sql, error: err })
        yield E.left(err)
        return
      }
      if (r.done === true) break
      const d = decode(r.value, index)
      index += r.value.length
      if (E.isLeft(d)) {
        if (em.has('error')) em.emit({ type: 'error', connectionId: conn.id, sql: c.sql, error: d.left })
        yield d
        return
      }
      yield E.right(d.right as ReadonlyArray<R>)
    }
    if (em.has('afterExecute'))
      em.emit({
        type: 'afterExecute',
        connectionId: conn.id,
        sql: c.sql,
        params: c.params,
        elapsedMs: performance.now() - t0,
        rowCount: index,
        rowsAffected: 0,
      })
  } finally {
    await it.return?.()
    await l.right.release(broken)
  }
}

// ---------------------------------------------------------------- transactions

/** The mutable state of one physical connection while a Connection wraps it. @internal */
export interface ConnectionState {
  readonly driver: DriverConnection
  depth: number
  savepoints: number
}

interface Scope {
  alive: boolean
}

const ended: DbError = { _tag: 'TransactionError', message: 'the connection was used after its transaction ended' }

const exec = async (ctx: Context, st: ConnectionState, sql: string): Promise<E.Either<DbError, unknown>> =>
  runOn(ctx, st.driver, control(sql))()

const callSafely = async <A>(f: () => TE.TaskEither<DbError, A>): Promise<E.Either<DbError, A>> => {
  try {
    return await f()()
  } catch (cause) {
    return E.left({ _tag: 'TransactionError', message: `the transaction callback threw: ${String(cause)}`, cause })
  }
}

/** A Connection over one physical connection, valid while `scope.alive`. @internal */
export const makeConnection = (ctx: Context, st: ConnectionState, scope: Scope): Connection => {
  const lease: TE.TaskEither<DbError, Lease> = async () =>
    scope.alive ? E.right({ connection: st.driver, release: async () => {} }) : E.left(ended)
  const depth = st.depth
  const executor = makeExecutor(ctx, lease, (f, options) => async () => {
    if (!scope.alive) return E.left(ended)
    return runTransaction(ctx, st, f, options)
  })
  return { ...executor, id: st.driver.id, depth }
}

/**
 * Runs `f` in a transaction (depth 0) or a savepoint (depth ≥ 1) on `st`'s connection.
 * Returns the outcome; when the connection is left in an unknown state, `broken` is set so
 * the caller can discard it.
 *
 * @internal
 */
export const runTransaction = async <A>(
  ctx: Context,
  st: ConnectionState,
  f: (c: Connection) => TE.TaskEither<DbError, A>,
  options: TransactionOptions = {},
): Promise<E.Either<DbError, A>> => {
  const tx = ctx.dialect.transaction
  const em = ctx.emitter
  const id = st.driver.id
  const outer = st.depth === 0
  const savepoint = outer ? undefined : `athanor_sp_${++st.savepoints}`
  const open = outer ? tx.begin(options.isolation) : [tx.savepoint(savepoint as string)]
  for (const sql of open) {
    const r = await exec(ctx, st, sql)
    if (E.isLeft(r)) {
      if (outer && sql !== open[0]) await exec(ctx, st, tx.rollback)
      return r
    }
  }
  em.emit(savepoint === undefined ? { type: 'begin', connectionId: id } : { type: 'begin', connectionId: id, savepoint })
  st.depth++
  const scope: Scope = { alive: true }
  const result = await callSafely(() => f(makeConnection(ctx, st, scope)))
  scope.alive = false
  st.depth--
  if (E.isRight(result)) {
    const done = await exec(ctx, st, savepoint === undefined ? tx.commit : tx.releaseSavepoint(savepoint))
    if (E.isLeft(done)) {
      // a failed COMMIT (e.g. a deferred constraint) leaves the transaction open on some databases
      if (outer) await exec(ctx, st, tx.rollback)
      em.emit(savepoint === undefined ? { type: 'rollback', connectionId: id } : { type: 'rollback', connectionId: id, savepoint })
      return done
    }
    em.emit(savepoint === undefined ? { type: 'commit', connectionId: id } : { type: 'commit', connectionId: id, savepoint })
    return result
  }
  if (savepoint === undefined) {
    const rb = await exec(ctx, st, tx.rollback)
    if (E.isLeft(rb)) markBroken(st)
  } else {
    const rb = await exec(ctx, st, tx.rollbackToSavepoint(savepoint))
    if (E.isRight(rb)) await exec(ctx, st, tx.releaseSavepoint(savepoint))
  }
  em.emit(savepoint === undefined ? { type: 'rollback', connectionId: id } : { type: 'rollback', connectionId: id, savepoint })
  return result
}

/** Connections whose ROLLBACK failed; the engine closes them instead of reusing them. @internal */
export const brokenConnections = new WeakSet<DriverConnection>()

const markBroken = (st: ConnectionState): void => {
  brokenConnections.add(st.driver)
}
