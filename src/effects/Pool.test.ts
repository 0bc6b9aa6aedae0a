import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { describe, expect, it } from 'vitest'
import type { Dialect } from '../compile/Dialect.js'
import type { DbError } from './DbError.js'
import type { Driver, DriverConnection } from './Driver.js'
import type { EngineEvent } from './events.js'
import { createPool } from './Pool.js'

/** A tiny in-process driver for the pool's own tests: connections are counters. */
const fakeDriver = (opts: { single?: boolean; failPing?: (id: number) => boolean; failConnect?: () => boolean } = {}) => {
  let next = 1
  const closed: number[] = []
  const driver: Driver = {
    dialect: undefined as unknown as Dialect,
    singleConnection: opts.single ?? false,
    connect: async () => {
      if (opts.failConnect?.()) return E.left<DbError>({ _tag: 'ConnectionError', message: 'refused' })
      const id = next++
      const c: DriverConnection = {
        id,
        execute: () => TE.right({ rows: [], rowsAffected: 0 }),
        stream: () => ({ [Symbol.asyncIterator]: async function* () {} }),
        ping: opts.failPing?.(id) ? TE.left({ _tag: 'ConnectionError', message: 'dead' }) : TE.right(undefined),
        close: async () => {
          closed.push(id)
        },
      }
      return E.right(c)
    },
  }
  return { driver, closed }
}

const right = <A>(e: E.Either<DbError, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}

describe('Pool', () => {
  it('reuses idle connections and emits connect/checkout/checkin', async () => {
    const events: EngineEvent[] = []
    const { driver } = fakeDriver()
    const pool = createPool(driver, { size: 2 }, (e) => events.push(e))
    const a = right(await pool.acquire())
    await a.release()
    const b = right(await pool.acquire())
    expect(b.connection.id).toBe(a.connection.id)
    await b.release()
    await b.release() // idempotent
    expect(events.map((e) => e.type)).toStrictEqual(['connect', 'checkout', 'checkin', 'checkout', 'checkin'])
    expect(pool.stats()).toStrictEqual({ total: 1, idle: 1, checkedOut: 0, waiting: 0 })
  })

  it('times out with PoolTimeout instead of hanging', async () => {
    const { driver } = fakeDriver()
    const pool = createPool(driver, { size: 1, maxOverflow: 1, acquireTimeoutMs: 50 })
    const a = right(await pool.acquire())
    const b = right(await pool.acquire())
    const t0 = Date.now()
    const c = await pool.acquire()
    expect(E.isLeft(c) && c.left._tag).toBe('PoolTimeout')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45)
    expect(pool.stats().waiting).toBe(0)
    await a.release()
    await b.release()
    // overflow connection closed on return, the base one kept
    expect(pool.stats()).toMatchObject({ total: 1, idle: 1 })
  })

  it('hands a returned connection to the first waiter (FIFO)', async () => {
    const { driver } = fakeDriver()
    const pool = createPool(driver, { size: 1, maxOverflow: 0, acquireTimeoutMs: 1000 })
    const a = right(await pool.acquire())
    const order: string[] = []
    const w1 = pool.acquire().then((r) => (order.push('w1'), right(r)))
    const w2 = pool.acquire().then((r) => (order.push('w2'), right(r)))
    await new Promise((r) => setTimeout(r, 10))
    expect(pool.stats().waiting).toBe(2)
    await a.release()
    const l1 = await w1
    await l1.release()
    const l2 = await w2
    await l2.release()
    expect(order).toStrictEqual(['w1', 'w2'])
    expect(l2.connection.id).toBe(a.connection.id)
  })

  it('single-connection drivers get exactly one connection; callers queue', async () => {
    const { driver } = fakeDriver({ single: true })
    const pool = createPool(driver, { size: 10, maxOverflow: 10, acquireTimeoutMs: 1000 })
    const ids = await Promise.all(
      [1, 2, 3, 4].map(async () => {
        const l = right(await pool.acquire())
        await new Promise((r) => setTimeout(r, 5))
        const id = l.connection.id
        await l.release()
        return id
      }),
    )
    expect(new Set(ids)).toStrictEqual(new Set([1]))
    expect(pool.stats().total).toBe(1)
  })

  it('pre-ping replaces a dead connection', async () => {
    const events: EngineEvent[] = []
    const { driver, closed } = fakeDriver({ failPing: (id) => id === 1 })
    const pool = createPool(driver, { size: 1, prePing: true }, (e) => events.push(e))
    const a = right(await pool.acquire())
    expect(a.connection.id).toBe(1)
    await a.release()
    const b = right(await pool.acquire())
    expect(b.connection.id).toBe(2)
    expect(closed).toStrictEqual([1])
    expect(events.find((e) => e.type === 'close')).toMatchObject({ connectionId: 1, reason: 'broken' })
    await b.release()
  })

  it('recycles connections older than recycleSeconds', async () => {
    const { driver, closed } = fakeDriver()
    const pool = createPool(driver, { size: 1, recycleSeconds: 0.02 })
    const a = right(await pool.acquire())
    await a.release()
    await new Promise((r) => setTimeout(r, 30))
    const b = right(await pool.acquire())
    expect(b.connection.id).toBe(2)
    expect(closed).toStrictEqual([1])
    await b.release()
  })

  it('a broken release closes the connection and a waiter gets a new one', async () => {
    const { driver, closed } = fakeDriver()
    const pool = createPool(driver, { size: 1, maxOverflow: 0, acquireTimeoutMs: 500 })
    const a = right(await pool.acquire())
    const w = pool.acquire()
    await a.release(true)
    const b = right(await w)
    expect(closed).toStrictEqual([1])
    expect(b.connection.id).toBe(2)
    await b.release()
  })

  it('emits leak for a connection held too long', async () => {
    const events: EngineEvent[] = []
    const { driver } = fakeDriver()
    const pool = createPool(driver, { leakWarningMs: 20 }, (e) => events.push(e))
    const a = right(await pool.acquire())
    await new Promise((r) => setTimeout(r, 40))
    await a.release()
    const leak = events.find((e) => e.type === 'leak')
    expect(leak).toMatchObject({ type: 'leak', connectionId: a.connection.id })
    expect(leak !== undefined && leak.type === 'leak' && leak.heldMs).toBeGreaterThanOrEqual(15)
  })

  it('connect failures are returned and free their slot', async () => {
    let fail = true
    const { driver } = fakeDriver({ failConnect: () => fail })
    const pool = createPool(driver, { size: 1, maxOverflow: 0 })
    const a = await pool.acquire()
    expect(E.isLeft(a) && a.left._tag).toBe('ConnectionError')
    fail = false
    const b = right(await pool.acquire())
    await b.release()
  })

  it('dispose closes idle connections, fails waiters and later acquires', async () => {
    const { driver, closed } = fakeDriver()
    const pool = createPool(driver, { size: 1, maxOverflow: 0, acquireTimeoutMs: 1000 })
    const a = right(await pool.acquire())
    const w = pool.acquire()
    await pool.dispose()
    const wr = await w
    expect(E.isLeft(wr) && wr.left._tag).toBe('ConnectionError')
    await a.release()
    expect(closed).toStrictEqual([1])
    const later = await pool.acquire()
    expect(E.isLeft(later) && later.left._tag).toBe('ConnectionError')
  })

  it('use() returns the connection even when f fails', async () => {
    const { driver } = fakeDriver()
    const pool = createPool(driver)
    const r = await pool.use(() => TE.left<DbError>({ _tag: 'InvalidStatement', message: 'x' }))()
    expect(E.isLeft(r)).toBe(true)
    expect(pool.stats()).toMatchObject({ checkedOut: 0, idle: 1 })
  })
})
