/**
 * A connection pool over any {@link Driver}: a fixed size plus overflow, a bounded wait
 * (`PoolTimeout`, never a hang), recycling of old connections, pre-ping, leak warnings and
 * disposal. A single-connection driver (SQLite `:memory:`) gets exactly one connection and
 * callers queue for it.
 *
 * @category effects
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { DbError } from './DbError.js'
import type { Driver, DriverConnection } from './Driver.js'
import type { EngineEvent } from './events.js'

/** Pool settings. @category effects */
export interface PoolOptions {
  /** Connections kept open (default 5; forced to 1 for single-connection drivers). */
  readonly size?: number
  /** Extra connections opened under load and closed when returned (default 10). */
  readonly maxOverflow?: number
  /** How long `acquire` waits for a free connection before `PoolTimeout` (default 30 000). */
  readonly acquireTimeoutMs?: number
  /** Connections older than this are closed and replaced at checkout (default: never). */
  readonly recycleSeconds?: number
  /** Ping a connection before handing it out; a dead one is replaced (default false). */
  readonly prePing?: boolean
  /** Emit a `leak` event when a connection stays checked out longer than this (default: off). */
  readonly leakWarningMs?: number
}

/** A checked-out connection; give it back with `release`. @category effects */
export interface Lease {
  readonly connection: DriverConnection
  /** Returns the connection; `broken` closes it instead of reusing it. Idempotent. */
  readonly release: (broken?: boolean) => Promise<void>
}

/** Counts for monitoring and tests. @category effects */
export interface PoolStats {
  /** Open connections (idle + checked out + being opened). */
  readonly total: number
  readonly idle: number
  readonly checkedOut: number
  /** Callers waiting for a connection. */
  readonly waiting: number
}

/** A pool of driver connections. @category effects */
export interface Pool {
  /** Checks a connection out, waiting at most `acquireTimeoutMs`. */
  readonly acquire: TE.TaskEither<DbError, Lease>
  /** Runs `f` with a checked-out connection and returns it afterwards (closing it if `f` reports a lost connection). */
  readonly use: <A>(f: (c: DriverConnection) => TE.TaskEither<DbError, A>) => TE.TaskEither<DbError, A>
  readonly stats: () => PoolStats
  /** Closes idle connections now and checked-out ones when they come back; later acquires fail. */
  readonly dispose: () => Promise<void>
}

interface Entry {
  readonly connection: DriverConnection
  readonly createdAt: number
}

interface Waiter {
  readonly wake: () => void
}

/** True for errors after which a connection must not be reused. @category effects */
export const isConnectionFatal = (e: DbError): boolean =>
  e._tag === 'ConnectionError' || (e._tag === 'QueryError' && e.kind === 'ConnectionLost')

/**
 * Creates a pool. `emit` receives connect, close, checkout, checkin and leak events.
 *
 * @category effects
 */
export const createPool = (driver: Driver, options: PoolOptions = {}, emit: (e: EngineEvent) => void = () => {}): Pool => {
  const single = driver.singleConnection
  const size = single ? 1 : Math.max(1, options.size ?? 5)
  const max = single ? 1 : size + Math.max(0, options.maxOverflow ?? 10)
  const timeoutMs = options.acquireTimeoutMs ?? 30_000
  const recycleMs = single || options.recycleSeconds === undefined ? undefined : options.recycleSeconds * 1000
  const prePing = options.prePing ?? false
  const leakMs = options.leakWarningMs

  const idle: Entry[] = []
  const waiters: Waiter[] = []
  let total = 0
  let out = 0
  let disposed = false

  const close = async (entry: Entry, reason: 'recycle' | 'broken' | 'overflow' | 'dispose'): Promise<void> => {
    total--
    emit({ type: 'close', connectionId: entry.connection.id, reason })
    await entry.connection.close()
    wakeOne()
  }

  const wakeOne = (): void => {
    const w = waiters.shift()
    if (w !== undefined) w.wake()
  }

  const disposedError: DbError = { _tag: 'ConnectionError', message: 'the engine has been disposed' }

  /** Finds or opens a connection; undefined when the caller must wait. */
  const tryCheckout = async (): Promise<E.Either<DbError, Entry> | undefined> => {
    for (;;) {
      if (disposed) return E.left(disposedError)
      const entry = idle.pop()
      if (entry === undefined) break
      if (recycleMs !== undefined && Date.now() - entry.createdAt >= recycleMs) {
        await close(entry, 'recycle')
        continue
      }
      if (prePing) {
        const ok = await entry.connection.ping()
        if (E.isLeft(ok)) {
          await close(entry, 'broken')
          continue
        }
      }
      return E.right(entry)
    }
    if (total >= max) return undefined
    total++
    const opened = await driver.connect()
    if (E.isLeft(opened)) {
      total--
      wakeOne()
      return opened
    }
    emit({ type: 'connect', connectionId: opened.right.id })
    return E.right({ connection: opened.right, createdAt: Date.now() })
  }

  const lease = (entry: Entry): Lease => {
    out++
    const since = Date.now()
    emit({ type: 'checkout', connectionId: entry.connection.id })
    const leakTimer =
      leakMs === undefined
        ? undefined
        : setTimeout(() => emit({ type: 'leak', connectionId: entry.connection.id, heldMs: Date.now() - since }), leakMs)
    leakTimer?.unref()
    let released = false
    return {
      connection: entry.connection,
      release: async (broken = false) => {
        if (released) return
        released = true
        out--
        if (leakTimer !== undefined) clearTimeout(leakTimer)
        emit({ type: 'checkin', connectionId: entry.connection.id, heldMs: Date.now() - since })
        if (broken) return close(entry, 'broken')
        if (disposed) return close(entry, 'dispose')
        if (total > size && waiters.length === 0) return close(entry, 'overflow')
        idle.push(entry)
        wakeOne()
      },
    }
  }

  const acquire: TE.TaskEither<DbError, Lease> = () => {
    const started = Date.now()
    return new Promise((resolve) => {
      let current: Waiter | undefined
      let done = false
      const timer = setTimeout(() => {
        if (current !== undefined) {
          const i = waiters.indexOf(current)
          if (i >= 0) waiters.splice(i, 1)
        }
        done = true
        resolve(E.left({ _tag: 'PoolTimeout', waitedMs: Date.now() - started }))
      }, timeoutMs)
      const wait = (front: boolean): void => {
        current = { wake: () => attempt(true) }
        if (front) waiters.unshift(current)
        else waiters.push(current)
      }
      const attempt = (woken: boolean): void => {
        current = undefined
        void tryCheckout().then((r) => {
          if (done) {
            // timed out while a connection was being found: give it back
            if (r !== undefined && E.isRight(r)) {
              idle.push(r.right)
              wakeOne()
            }
            return
          }
          if (r === undefined && disposed) r = E.left(disposedError)
          if (r === undefined) return wait(woken)
          done = true
          clearTimeout(timer)
          resolve(E.isRight(r) ? E.right(lease(r.right)) : r)
        })
      }
      // queue behind earlier callers (fairness)
      if (waiters.length > 0 && !disposed) wait(false)
      else attempt(false)
    })
  }

  const use =
    <A>(f: (c: DriverConnection) => TE.TaskEither<DbError, A>): TE.TaskEither<DbError, A> =>
    async () => {
      const l = await acquire()
      if (E.isLeft(l)) return l
      let broken = true
      try {
        const r = await f(l.right.connection)()
        broken = E.isLeft(r) && isConnectionFatal(r.left)
        return r
      } finally {
        await l.right.release(broken)
      }
    }

  return {
    acquire,
    use,
    stats: () => ({ total, idle: idle.length, checkedOut: out, waiting: waiters.length }),
    dispose: async () => {
      disposed = true
      const ws = waiters.splice(0)
      for (const w of ws) w.wake()
      const entries = idle.splice(0)
      await Promise.all(entries.map((e) => close(e, 'dispose')))
    },
  }
}
