/**
 * The driver cases every server driver (PostgreSQL, MySQL/MariaDB) must pass, run against
 * its real database: a failed connect names the server and hides the password, deadlocks
 * and lock timeouts are classified, streaming reads in batches, can stop early, keeps memory flat
 * and throws classified errors, ping, and a
 * terminated connection (idle or mid-query) reports `ConnectionLost`. What differs between
 * the servers (SQL, error codes, session ids) comes in a {@link DriverContract}.
 *
 * @category testing
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import * as E from 'fp-ts/lib/Either.js'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DbError } from '../../src/effects/DbError.js'
import type { Driver, DriverConnection } from '../../src/effects/Driver.js'
import { describeEachDatabase, type TestDatabase } from './databases.js'
import { exec, left, right, stmt, withConnection } from './run.js'

/** A full garbage collection, without starting Node with `--expose-gc`. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
})()

/** A `QueryError`, the DbError case the driver tests look into. */
export type QueryError = Extract<DbError, { _tag: 'QueryError' }>

/** Narrows a DbError to a `QueryError`, failing the test on any other case. */
export const queryError = (e: DbError): QueryError => {
  if (e._tag !== 'QueryError') throw new Error(`expected QueryError, got ${e._tag}`)
  return e
}

/** What the shared driver cases need to know about one server and its driver. */
export interface DriverContract {
  /** The database the suite runs on; also the start of its titles (`mysql driver [mysql]`). */
  readonly database: 'postgres' | 'mysql'
  /** The server's name in connect-failure messages (`MySQL`, `PostgreSQL`). */
  readonly product: string
  /** The driver for an explicit server address (the unreachable-server case). */
  readonly driverAt: (config: {
    readonly host: string
    readonly port: number
    readonly password: string
    readonly connectTimeoutMs: number
  }) => Driver
  /** The statement that opens a transaction (`BEGIN`, `START TRANSACTION`). */
  readonly begin: string
  /** Appended to `CREATE TABLE` for a table with row locks (`' ENGINE=InnoDB'`), or `''`. */
  readonly lockingTable: string
  /** What a deadlock's QueryError carries besides its kind (SQLSTATE, errno). */
  readonly deadlock: Partial<QueryError>
  /** The statement that makes the session wait for a row lock only briefly, and what the timeout's QueryError carries. */
  readonly lockTimeout: { readonly set: string; readonly error: Partial<QueryError> }
  /** Statements run once before the stream cases, e.g. to fill a table that the stream queries read. */
  readonly streamSetup: ReadonlyArray<string>
  /** A query of 100k rows in order, `n` from 1 to 100000, with its one parameter as column `tag`. */
  readonly rows100k: string
  /** A query of 100k rows of about 1 kB each. */
  readonly wideRows: string
  /** Checks that a stream, read to its end or stopped early, left nothing open on the server. */
  readonly streamClosed?: (c: DriverConnection) => Promise<void>
  /** What a missing table's QueryError carries besides its kind (SQLSTATE or errno). */
  readonly missingTable: Partial<QueryError>
  /** The server's id of a connection the driver opened (backend pid, thread id). */
  readonly sessionId: (c: DriverConnection) => number | undefined
  /** A query that runs for about 5 s. */
  readonly sleep: string
  /** The SQLSTATE a connection killed mid-query reports, where the server sends one. */
  readonly killedCode?: string
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** The unreachable-server case: needs no database. */
const connectFailures = (spec: DriverContract): void => {
  describe(`${spec.database} connect failures`, () => {
    it('an unreachable server is a ConnectionError without the password', async () => {
      const e = await left(spec.driverAt({ host: '127.0.0.1', port: 1, password: 's3cr3t-pw', connectTimeoutMs: 2000 }).connect)
      expect(e._tag).toBe('ConnectionError')
      expect(e._tag === 'ConnectionError' && e.message).toContain(`could not connect to ${spec.product} at 127.0.0.1:1`)
      expect(JSON.stringify({ ...e, cause: undefined })).not.toContain('s3cr3t-pw')
    })
  })
}

/** Opens a connection with the test database's driver, runs `f` on it and closes it. */
export type WithConn = <A>(f: (c: DriverConnection) => Promise<A>) => Promise<A>

/** The cases that run on the provisioned database. */
const liveCases = (db: TestDatabase, spec: DriverContract, withConn: WithConn): void => {
  describe('errors', () => {
    it('classifies deadlocks', async () => {
      await withConn((a) =>
        withConn(async (b) => {
          await exec(a, `CREATE TABLE dl (id int PRIMARY KEY, v int)${spec.lockingTable}`)
          await exec(a, 'INSERT INTO dl VALUES (1, 0), (2, 0)')
          await exec(a, spec.begin)
          await exec(b, spec.begin)
          await exec(a, 'UPDATE dl SET v = 1 WHERE id = 1')
          await exec(b, 'UPDATE dl SET v = 1 WHERE id = 2')
          const ra = a.execute(stmt('UPDATE dl SET v = 2 WHERE id = 2'))()
          await pause(100)
          const rb = b.execute(stmt('UPDATE dl SET v = 2 WHERE id = 1'))()
          const [xa, xb] = await Promise.all([ra, rb])
          const failed = [xa, xb].filter(E.isLeft).map((x) => queryError(x.left))
          expect(failed).toMatchObject([{ kind: 'Deadlock', ...spec.deadlock }])
          await exec(a, 'ROLLBACK')
          await exec(b, 'ROLLBACK')
        }),
      )
    })

    it('classifies lock timeouts', async () => {
      await withConn((a) =>
        withConn(async (b) => {
          await exec(a, `CREATE TABLE lk (id int PRIMARY KEY, v int)${spec.lockingTable}`)
          await exec(a, 'INSERT INTO lk VALUES (1, 0)')
          await exec(a, spec.begin)
          await exec(a, 'SELECT * FROM lk WHERE id = 1 FOR UPDATE')
          await exec(b, spec.lockTimeout.set)
          const t = queryError(await left(b.execute(stmt('UPDATE lk SET v = 9 WHERE id = 1'))))
          expect(t).toMatchObject({ kind: 'LockTimeout', ...spec.lockTimeout.error })
          await exec(a, 'ROLLBACK')
        }),
      )
    })
  })

  describe('stream', () => {
    beforeAll(() =>
      withConn(async (c) => {
        for (const sql of spec.streamSetup) await exec(c, sql)
      }),
    )

    it('reads 100k rows in batches of batchSize', async () => {
      await withConn(async (c) => {
        const sizes: Array<number> = []
        let sum = 0
        let last = 0
        for await (const batch of c.stream(stmt(spec.rows100k, ['t']), 4096)) {
          sizes.push(batch.length)
          for (const r of batch) {
            sum += r['n'] as number
            last = r['n'] as number
          }
        }
        expect(sizes.length).toBe(Math.ceil(100000 / 4096))
        expect(Math.max(...sizes)).toBe(4096)
        expect(sum).toBe((100000 * 100001) / 2)
        expect(last).toBe(100000)
        await spec.streamClosed?.(c)
        expect((await exec(c, 'SELECT 1 AS one')).rows).toStrictEqual([{ one: 1 }])
      })
    })

    it('stopping early leaves the connection usable', async () => {
      await withConn(async (c) => {
        const it = c.stream(stmt(spec.rows100k, ['t']), 10)[Symbol.asyncIterator]()
        const first = await it.next()
        expect(first.value).toHaveLength(10)
        await it.return?.()
        await spec.streamClosed?.(c)
        expect((await exec(c, 'SELECT 2 AS two')).rows).toStrictEqual([{ two: 2 }])
      })
    })

    it('keeps memory flat: 100k rows of 1 kB (100 MB) stream within a small heap', async () => {
      await withConn(async (c) => {
        // What the stream holds on to, not garbage awaiting collection: the heap after a full GC.
        const live = (): number => {
          collectGarbage()
          return process.memoryUsage().heapUsed
        }
        const base = live()
        let peak = 0
        let rows = 0
        let batches = 0
        for await (const batch of c.stream(stmt(spec.wideRows), 1000)) {
          rows += batch.length
          if (++batches % 10 === 0) peak = Math.max(peak, live() - base)
        }
        expect(rows).toBe(100000)
        expect(peak).toBeLessThan(20 * 1024 * 1024)
      })
    })

    it('throws a classified DbError from the iterator', async () => {
      await withConn(async (c) => {
        const consume = async (): Promise<unknown> => {
          for await (const _ of c.stream(stmt('SELECT * FROM missing_table'), 10)) void _
          return undefined
        }
        const e = await consume().catch((x: unknown) => x)
        expect(e).toMatchObject({ _tag: 'QueryError', kind: 'UndefinedObject', ...spec.missingTable })
        expect((await exec(c, 'SELECT 3 AS three')).rows).toStrictEqual([{ three: 3 }])
      })
    })
  })

  it('pings', async () => {
    await withConn(async (c) => {
      expect(await c.ping()).toStrictEqual(E.right(undefined))
    })
  })

  it('terminate kills another, idle connection: its next use is ConnectionLost, ping a ConnectionError', async () => {
    const d = db.driver()
    await withConnection(d, async (victim) => {
      expect(spec.sessionId(victim)).toEqual(expect.any(Number))
      await exec(victim, spec.begin)
      await right(d.terminate!(victim))
      await pause(100)
      const e = queryError(await left(victim.execute(stmt('SELECT 1'))))
      expect(e.kind).toBe('ConnectionLost')
      expect((await left(victim.ping))._tag).toBe('ConnectionError')
    })
  })

  const sqlstate = spec.killedCode !== undefined ? ` with SQLSTATE ${spec.killedCode}` : ''
  it(`a connection killed during a query reports ConnectionLost${sqlstate}`, async () => {
    const d = db.driver()
    await withConnection(d, async (victim) => {
      const running = victim.execute(stmt(spec.sleep))()
      await pause(200)
      await right(d.terminate!(victim))
      const r = await running
      expect(E.isLeft(r) && queryError(r.left).kind).toBe('ConnectionLost')
      if (spec.killedCode !== undefined) expect(E.isLeft(r) && queryError(r.left).code).toBe(spec.killedCode)
    })
  })
}

/**
 * Registers a server driver's suites: `<database> connect failures` (no database needed) and
 * `<database> driver [<database>]` on a provisioned database, where the dialect's own cases
 * (`dialectCases`, given the database and a {@link WithConn} on it) run first, then the shared ones.
 *
 * @category testing
 * @example
 * driverContract({ database: 'mysql', product: 'MySQL', begin: 'START TRANSACTION', … }, (db, withConn) => {
 *   it('connects with a strict sql_mode', () => withConn(async (c) => { … }))
 * })
 */
export const driverContract = (spec: DriverContract, dialectCases: (db: TestDatabase, withConn: WithConn) => void): void => {
  connectFailures(spec)
  describeEachDatabase(
    `${spec.database} driver`,
    (db) => {
      const withConn: WithConn = (f) => withConnection(db.driver(), f)
      dialectCases(db, withConn)
      liveCases(db, spec, withConn)
    },
    [spec.database],
  )
}
