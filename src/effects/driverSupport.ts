/**
 * Plumbing the drivers of networked servers (PostgreSQL, MySQL/MariaDB) share and that needs
 * no driver package: the URL options they read alike, a connection's broken flag and the
 * statement guard built on it, ping, terminate, and row batches for `stream`. Each driver
 * keeps its native calls and its own error classifier (`errors.ts`), which it passes in.
 *
 * @category effects
 */
import type { EventEmitter } from 'node:events'
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { Compiled } from '../compile/Compiled.js'
import type { DbError } from './DbError.js'
import type { DriverConnection, RawRow, RowBuilder } from './Driver.js'
import type { ServerConfig } from './url.js'

/**
 * The parts of a parsed engine URL a driver reads: a {@link ServerConfig} without its tag
 * and scheme, so that a config can also be written by hand (tests, tools).
 *
 * @category effects
 */
export type ServerUrlParts = Omit<ServerConfig<'Postgres' | 'Mysql'>, '_tag' | 'scheme'>

/**
 * A ConfigError naming the URL options outside `known` (and listing the known ones), if any.
 *
 * @category effects
 */
export const checkKnownOptions = (
  product: string,
  options: Readonly<Record<string, string>>,
  known: ReadonlyArray<string>,
): E.Either<DbError, void> => {
  const unknown = Object.keys(options).filter((k) => !known.includes(k))
  return unknown.length > 0
    ? E.left({
        _tag: 'ConfigError',
        message: `unknown ${product} URL option(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; known: ${known.join(', ')}`,
      })
    : E.right(undefined)
}

/**
 * The TLS setting of an `sslmode` URL option: `require` encrypts without verifying,
 * `verify-ca` / `verify-full` verify (`true`), the other `accepted` modes set nothing; an
 * unknown mode is a ConfigError.
 *
 * @category effects
 */
export const sslOfMode = (
  sslmode: string | undefined,
  accepted: ReadonlyArray<string>,
): E.Either<DbError, { readonly rejectUnauthorized: false } | true | undefined> =>
  sslmode !== undefined && !accepted.includes(sslmode)
    ? E.left({ _tag: 'ConfigError', message: `unknown sslmode ${JSON.stringify(sslmode)}` })
    : E.right(sslmode === 'require' ? { rejectUnauthorized: false } : sslmode === 'verify-ca' || sslmode === 'verify-full' ? true : undefined)

/**
 * The `connect_timeout` URL option (seconds) in milliseconds; a ConfigError when it is not a
 * number.
 *
 * @category effects
 */
export const connectTimeoutMsOf = (seconds: string | undefined): E.Either<DbError, number | undefined> =>
  seconds === undefined
    ? E.right(undefined)
    : /^\d+(\.\d+)?$/.test(seconds)
      ? E.right(Math.round(Number(seconds) * 1000))
      : E.left({ _tag: 'ConfigError', message: `connect_timeout must be a number of seconds, got ${JSON.stringify(seconds)}` })

/**
 * Whether a connection is known to be dead. Set by its native events and by failures that
 * mean the connection is gone; once set, statements fail at once with `ConnectionLost`.
 *
 * @category effects
 */
export interface ConnectionState {
  broken: boolean
}

/**
 * The state of a freshly opened native connection: from now on its `error` and `end` events
 * mark it broken (replacing the `error` listener that only kept Node from crashing while it
 * was being opened).
 *
 * @category effects
 */
export const watchConnection = (native: Pick<EventEmitter, 'on' | 'removeAllListeners'>): ConnectionState => {
  const state: ConnectionState = { broken: false }
  native.removeAllListeners('error')
  native.on('error', () => {
    state.broken = true
  })
  native.on('end', () => {
    state.broken = true
  })
  return state
}

/**
 * How a driver runs statements on one connection, guarded by its {@link ConnectionState}.
 *
 * @category effects
 */
export interface StatementGuard {
  /** The `ConnectionLost` QueryError of `sql` on a connection known to be dead. */
  readonly lost: (sql: string) => DbError
  /** Classifies a native failure of `sql`; one that means the connection is gone marks it broken. */
  readonly failure: (sql: string) => (e: unknown) => DbError
  /** Runs a native call for `sql`, or fails with {@link lost} when the connection is broken (checked when run, not when built). */
  readonly run: <A>(sql: string, call: () => Promise<A>) => TE.TaskEither<DbError, A>
}

/**
 * The {@link StatementGuard} of one connection, with the driver's classifier (`errors.ts`).
 *
 * @category effects
 */
export const statementGuard = (
  product: string,
  state: ConnectionState,
  errors: { readonly classifyQueryError: (sql: string) => (e: unknown) => DbError; readonly isConnectionLost: (e: unknown) => boolean },
): StatementGuard => {
  const lost = (sql: string): DbError => ({
    _tag: 'QueryError',
    kind: 'ConnectionLost',
    message: `the connection to ${product} was lost`,
    sql,
    cause: undefined,
  })
  const failure =
    (sql: string) =>
    (e: unknown): DbError => {
      if (errors.isConnectionLost(e)) state.broken = true
      return errors.classifyQueryError(sql)(e)
    }
  const run =
    <A>(sql: string, call: () => Promise<A>): TE.TaskEither<DbError, A> =>
    () =>
      state.broken ? Promise.resolve(E.left(lost(sql))) : TE.tryCatch(call, failure(sql))()
  return { lost, failure, run }
}

/**
 * A ping from a `SELECT 1` task: any failure becomes a ConnectionError naming the server.
 *
 * @category effects
 */
export const pingWith = (product: string, selectOne: TE.TaskEither<DbError, unknown>): TE.TaskEither<DbError, void> =>
  pipe(
    selectOne,
    TE.bimap(
      (e): DbError => ({
        _tag: 'ConnectionError',
        message: `${product} ping failed: ${e._tag === 'QueryError' ? e.message : e._tag}`,
        cause: e,
      }),
      (): void => undefined,
    ),
  )

/**
 * `Driver.terminate` for a server where one session may end another: finds the victim's
 * server-side id, runs `kill(id)` on a fresh connection, and closes that. A connection the
 * driver did not open is a ConnectionError.
 *
 * @category effects
 */
export const terminateWith =
  (
    product: string,
    sessionId: (c: DriverConnection) => number | undefined,
    connect: TE.TaskEither<DbError, DriverConnection>,
    kill: (id: number) => Compiled,
  ) =>
  (victim: DriverConnection): TE.TaskEither<DbError, void> => {
    const id = sessionId(victim)
    if (id === undefined)
      return TE.left({ _tag: 'ConnectionError', message: `terminate: not a connection opened by this ${product} driver` })
    return pipe(
      connect,
      TE.chain((killer) => async () => {
        const r = await killer.execute(kill(id))()
        await killer.close()
        return pipe(
          r,
          E.map(() => undefined),
        )
      }),
    )
  }

/**
 * A task's Right inside an async iterator, its Left thrown as the DbError value (how
 * `DriverConnection.stream` reports failures).
 *
 * @category effects
 */
export const orThrow = async <A>(t: TE.TaskEither<DbError, A>): Promise<A> => {
  const r = await t()
  if (E.isLeft(r)) throw r.left
  return r.right
}

/**
 * A stream's batch size as given by the caller: a whole number, at least 1.
 *
 * @category effects
 */
export const batchSizeOf = (requested: number): number => Math.max(1, Math.floor(requested))

/**
 * Rows already in memory (DML with RETURNING, run at once) handed out in batches of `size`.
 *
 * @category effects
 */
export function* inBatches<A>(rows: ReadonlyArray<A>, size: number): Generator<ReadonlyArray<A>> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size)
}

/**
 * Rows read as value arrays (a caller passed a {@link RowBuilder}): built by it in place when the
 * result's column names are the statement's labels in order (what the builder reads by
 * position), else made plain objects keyed by the result's names, as the driver would have.
 *
 * @category effects
 */
export const buildRows = (rows: unknown[], names: ReadonlyArray<string>, stmt: Compiled, build: RowBuilder): ReadonlyArray<RawRow> => {
  let same = names.length === stmt.columns.length
  for (let i = 0; same && i < names.length; i++) same = names[i] === stmt.columns[i].name
  for (let i = 0, n = rows.length; i < n; i++) {
    const values = rows[i] as ReadonlyArray<unknown>
    if (same) rows[i] = build(values)
    else {
      const o: RawRow = {}
      for (let j = 0; j < names.length; j++) Object.defineProperty(o, names[j], { value: values[j], writable: true, enumerable: true, configurable: true })
      rows[i] = o
    }
  }
  return rows as RawRow[]
}
