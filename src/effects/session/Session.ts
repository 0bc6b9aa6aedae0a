/**
 * The Session as an explicit state monad: `Session<A>` is a
 * `StateReaderTaskEither<UnitOfWork, SessionEnv, DbError, A>`. The state is the identity map
 * and change set; the environment is the transaction's connection. This module holds the
 * row-level core (track, change, flush, commit, rollback) and `runSession`; the entity-level
 * operations (`src/mapping/session.ts`) are built on it.
 *
 * @category session
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as SRTE from 'fp-ts/lib/StateReaderTaskEither.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { AnyTable } from '../../algebra/Table.js'
import type { Dialect } from '../../compile/Dialect.js'
import type { Connection } from '../Connection.js'
import type { DbError } from '../DbError.js'
import type { Engine } from '../Engine.js'
import { control } from '../Statement.js'
import { planFlush, type FlushPlan } from './planFlush.js'
import { runFlush, type FlushOutcome } from './runFlush.js'
import { addLoadedAll, empty, identityKey, merge, NO_REFS, unitOfWork, type RowKey, type RowValues, type TrackedRow, type UnitOfWork } from './UnitOfWork.js'

/** What a row-level event sees. */
export interface RowEvent {
  readonly kind: 'insert' | 'update' | 'delete'
  readonly table: AnyTable
  readonly key: RowKey
  readonly values: RowValues
}

/** Listeners over a session's life; each returns an effect, and a Left aborts the operation. */
export interface SessionListeners {
  readonly beforeFlush?: (plan: FlushPlan, uow: UnitOfWork) => TE.TaskEither<DbError, void>
  readonly beforeRow?: (e: RowEvent) => TE.TaskEither<DbError, void>
  readonly afterRow?: (e: RowEvent) => TE.TaskEither<DbError, void>
  readonly afterCommit?: () => TE.TaskEither<DbError, void>
  readonly afterRollback?: () => TE.TaskEither<DbError, void>
}

/** The Session's environment: the connection its transaction runs on. */
export interface SessionEnv {
  readonly conn: Connection
  readonly dialect: Dialect
  /** Flush before every query (default true). */
  readonly autoflush: boolean
  readonly listeners: ReadonlyArray<SessionListeners>
}

/** A session program producing `A`. @category session */
export type Session<A> = SRTE.StateReaderTaskEither<UnitOfWork, SessionEnv, DbError, A>

/** Options of {@link runSession}. */
export interface SessionOptions {
  readonly autoflush?: boolean
  readonly listeners?: ReadonlyArray<SessionListeners>
}

const fire = (
  listeners: ReadonlyArray<SessionListeners>,
  pick: (l: SessionListeners) => (() => TE.TaskEither<DbError, void>) | undefined,
): TE.TaskEither<DbError, void> =>
  listeners.reduce<TE.TaskEither<DbError, void>>((acc, l) => {
    const f = pick(l)
    return f ? pipe(acc, TE.chain(f)) : acc
  }, TE.right(undefined))

/** Lifts a connection effect into a session. @category session */
export const fromConnection = <A>(f: (conn: Connection, env: SessionEnv) => TE.TaskEither<DbError, A>): Session<A> =>
  SRTE.asksStateReaderTaskEither((env: SessionEnv) => SRTE.fromTaskEither(f(env.conn, env)))

/** Reads the unit of work. @category session */
export const state: Session<UnitOfWork> = SRTE.get()

const holdsAll = (a: RowValues, b: RowValues): boolean => {
  for (const k in b) if (Object.prototype.hasOwnProperty.call(b, k) && !Object.prototype.hasOwnProperty.call(a, k)) return false
  return true
}

/** Applies what a successful flush wrote to the unit of work. @internal */
export const applyFlush = (uow: UnitOfWork, plan: FlushPlan, out: FlushOutcome): UnitOfWork => {
  const rows = uow.rows
  // Every change, in order, as one new version of each map.
  const keys: RowKey[] = []
  const changes: Array<TrackedRow | undefined> = []
  const from: RowKey[] = []
  const to: RowKey[] = []
  for (const step of plan.steps) {
    if (step._tag !== 'Insert') continue
    for (const p of step.rows) {
      const old = rows.get(p.key)
      const stored = out.inserted.get(p.key)
      if (!old || !stored) continue
      // What the flush stored holds every column the row had (as sent, or read back).
      const values = holdsAll(stored, old.values) ? stored : merge(old.values, stored)
      const key = identityKey(old.table, values) ?? p.key
      if (key !== p.key) {
        keys.push(p.key)
        changes.push(undefined)
        from.push(p.key)
        to.push(key)
      }
      keys.push(key)
      changes.push({ key, table: old.table, state: 'persistent', seq: old.seq, loaded: values, values, refs: NO_REFS, versionKey: old.versionKey })
    }
  }
  // Updated rows are persistent ones, never those the plan inserts: each key changes once.
  for (const [key, set] of out.updated) {
    const row = rows.get(key)
    if (!row) continue
    const values = merge(row.values, set)
    keys.push(key)
    changes.push({ ...row, loaded: values, values, refs: NO_REFS })
  }
  for (const key of out.deleted) {
    keys.push(key)
    changes.push(undefined)
  }
  // A persistent row whose changes cancelled out is clean too.
  return unitOfWork(rows.setMany(keys, changes), uow.changed.clear(), uow.renamed.setMany(from, to), uow.nextSeq, uow.related)
}

const rowEvents = (plan: FlushPlan, uow: UnitOfWork): ReadonlyArray<RowEvent> =>
  plan.steps.flatMap((s): ReadonlyArray<RowEvent> => {
    switch (s._tag) {
      case 'Insert':
        return s.rows.map((r) => ({ kind: 'insert', table: s.table, key: r.key, values: r.values }))
      case 'Update':
        return [{ kind: 'update', table: s.table, key: s.key, values: uow.rows.get(s.key)?.values ?? s.set }]
      case 'Delete':
        return s.keys.map((key) => ({ kind: 'delete', table: s.table, key, values: uow.rows.get(key)?.values ?? {} }))
    }
  })

/** Runs `f` for each event in order (a plain loop: no chain of effects per row). */
const each =
  (events: ReadonlyArray<RowEvent>, f: (e: RowEvent) => TE.TaskEither<DbError, void>): TE.TaskEither<DbError, void> =>
  async () => {
    for (const e of events) {
      const r = await f(e)()
      if (E.isLeft(r)) return r
    }
    return E.right(undefined)
  }

/**
 * Writes every pending change: plans the statements (`planFlush`), runs them inside a
 * savepoint, and marks the rows clean. On failure the savepoint is rolled back and the
 * state is left exactly as before, so the caller can fix a value and flush again.
 * @category session
 */
export const flush: Session<void> = (uow) => (env) => {
  if (uow.changed.size === 0) return TE.right([undefined, uow])
  const plan = planFlush(uow)
  if (plan.steps.length === 0) return TE.right([undefined, { ...uow, changed: uow.changed.clear() }])
  const ls = env.listeners
  const before = ls.filter((l) => l.beforeRow !== undefined)
  const after = ls.filter((l) => l.afterRow !== undefined)
  // Row events are built only when someone listens for them.
  const events = before.length > 0 || after.length > 0 ? rowEvents(plan, uow) : []
  return pipe(
    fire(ls, (l) => (l.beforeFlush ? () => l.beforeFlush!(plan, uow) : undefined)),
    TE.chain(() => (before.length > 0 ? each(events, (e) => fire(before, (l) => () => l.beforeRow!(e))) : TE.right(undefined))),
    TE.chain(() => env.conn.transaction((c) => runFlush(c, env.dialect, plan))),
    TE.map((out) => applyFlush(uow, plan, out)),
    TE.chainFirst(() => (after.length > 0 ? each(events, (e) => fire(after, (l) => () => l.afterRow!(e))) : TE.right(undefined))),
    TE.map((next): [void, UnitOfWork] => [undefined, next]),
  )
}

/** Flushes when autoflush is on and there is something to write. @category session */
export const autoflush: Session<void> = (uow) => (env) => (env.autoflush && uow.changed.size > 0 ? flush(uow)(env) : TE.right([undefined, uow]))

const controlStatements = (env: SessionEnv, sql: ReadonlyArray<string>): TE.TaskEither<DbError, void> =>
  sql.reduce<TE.TaskEither<DbError, void>>((acc, s) => pipe(acc, TE.chain(() => pipe(env.conn.run(control(s)), TE.map(() => undefined)))), TE.right(undefined))

/**
 * Flushes, commits the transaction so far and begins the next one. The session's values stay
 * (SQLAlchemy's `expire_on_commit=False`).
 * @category session
 */
export const commit: Session<void> = pipe(
  flush,
  SRTE.chain(() =>
    fromConnection((_, env) =>
      pipe(
        controlStatements(env, [env.dialect.transaction.commit, ...env.dialect.transaction.begin(undefined)]),
        TE.chain(() => fire(env.listeners, (l) => l.afterCommit)),
      ),
    ),
  ),
)

/** Rolls back everything since the last commit and forgets every tracked row. @category session */
export const rollback: Session<void> = pipe(
  fromConnection((_, env) =>
    pipe(
      controlStatements(env, [env.dialect.transaction.rollback, ...env.dialect.transaction.begin(undefined)]),
      TE.chain(() => fire(env.listeners, (l) => l.afterRollback)),
    ),
  ),
  SRTE.chain(() => SRTE.put(empty)),
)

/**
 * Runs a query and tracks its rows: a row whose key the session already holds comes back as
 * the session's row (pending changes included). Autoflushes first.
 * @category session
 */
export const loadRows = (table: AnyTable, run: (conn: Connection) => TE.TaskEither<DbError, ReadonlyArray<RowValues>>, versionKey?: string): Session<ReadonlyArray<TrackedRow>> =>
  pipe(
    autoflush,
    SRTE.chain(() => fromConnection((conn) => run(conn))),
    SRTE.chain((rows) => (uow: UnitOfWork) => (_: SessionEnv) => {
      const [u, out] = addLoadedAll(uow, table, rows, versionKey)
      return TE.right([out, u])
    }),
  )

/**
 * Runs a session program in one transaction: flushes at the end and commits; rolls back on
 * any Left (or a throw) and returns it. The final state is discarded; return what you need.
 *
 * @example
 * await runSession(engine, pipe(S.add(user), S.chain(() => S.all(User))))()
 * @category session
 */
export const runSession = <A>(engine: Engine, program: Session<A>, options: SessionOptions = {}): TE.TaskEither<DbError, A> =>
  pipe(
    engine.transaction((conn) => {
      const env: SessionEnv = { conn, dialect: engine.dialect, autoflush: options.autoflush ?? true, listeners: options.listeners ?? [] }
      return pipe(
        program(empty)(env),
        TE.chain(([a, uow]) => pipe(flush(uow)(env), TE.map(() => a))),
      )
    }),
    TE.chainFirst(() => fire(options.listeners ?? [], (l) => l.afterCommit)),
    TE.orElse((e) => pipe(fire(options.listeners ?? [], (l) => l.afterRollback), TE.chain(() => TE.left(e)))),
  )

/** Runs a session program against an existing unit of work and connection (for tests and composition). @category session */
export const runWith = <A>(program: Session<A>, uow: UnitOfWork, env: SessionEnv): TE.TaskEither<DbError, readonly [A, UnitOfWork]> =>
  pipe(program(uow)(env), TE.map(([a, u]) => [a, u] as const))

/** Fails the session with an error. @category session */
export const fail = <A = never>(e: DbError): Session<A> => SRTE.left(e)

/** Lifts an Either into a session. @category session */
export const fromEither = <A>(e: E.Either<DbError, A>): Session<A> => SRTE.fromEither(e)

/**
 * Recovers from a failure. The handler starts from the state as it was before the failed
 * step (a failed flush changed nothing), so it can fix a value and try again.
 * @category session
 */
export const orElse =
  <A>(f: (e: DbError) => Session<A>) =>
  (ma: Session<A>): Session<A> =>
  (uow) =>
  (env) =>
    pipe(
      ma(uow)(env),
      TE.orElse((e) => f(e)(uow)(env)),
    )
