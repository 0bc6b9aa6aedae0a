/**
 * Engine-level faults on the real servers (PostgreSQL and MySQL/MariaDB): a connection
 * killed mid-transaction, an exhausted pool, and concurrent transactions that deadlock and
 * are retried.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createEngine } from '../../src/createEngine.js'
import type { DbError } from '../../src/effects/DbError.js'
import type { Driver, DriverConnection } from '../../src/effects/Driver.js'
import { createEngineFrom, type Engine, type EngineOptions } from '../../src/effects/Engine.js'
import { retrying } from '../../src/effects/retrying.js'
import { compiled, type CompiledStatement } from '../../src/effects/Statement.js'
import { describeEachDatabase, type TestDatabase } from '../support/databases.js'
import { right } from '../support/run.js'

/** Raw SQL as an Engine statement; `$n` placeholders are rewritten to `?` for MySQL. */
const sqlFor =
  (db: TestDatabase) =>
  (sql: string, params: ReadonlyArray<unknown> = []): CompiledStatement<Record<string, unknown>> =>
    compiled({
      sql: db.name === 'mysql' ? sql.replace(/\$\d+/g, '?') : sql,
      params,
      kind: /^\s*select/i.test(sql) ? 'query' : 'raw',
      columns: [],
    })

/** A driver that remembers its connections by id, so a test can terminate one. */
const tracked = (d: Driver): { readonly driver: Driver; readonly byId: Map<number, DriverConnection> } => {
  const byId = new Map<number, DriverConnection>()
  return {
    byId,
    driver: {
      ...d,
      connect: pipe(
        d.connect,
        TE.map((c) => {
          byId.set(c.id, c)
          return c
        }),
      ),
    },
  }
}

const num = (v: unknown): number => Number(v)

describeEachDatabase(
  'faults',
  (db) => {
    const sql = sqlFor(db)
    let admin: Engine

    beforeAll(async () => {
      const e = createEngine(db.url, { pool: { size: 2 } })
      if (E.isLeft(e)) throw new Error(`createEngine failed: ${JSON.stringify(e.left)}`)
      admin = e.right
      await right(
        admin.runAll([
          sql('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)'),
          sql('CREATE TABLE journal (id int PRIMARY KEY, note varchar(50))'),
        ]),
      )
    })
    afterAll(async () => {
      await admin.dispose()
    })

    it('createEngine(url) connects into the test schema/database', async () => {
      const q =
        db.name === 'postgres' ? sql('SELECT current_schema() AS ns') : sql('SELECT DATABASE() AS ns')
      expect(await right(admin.execute(q))).toStrictEqual([{ ns: db.namespace }])
    })

    it('an unreachable server through createEngine: ConnectionError without the password', async () => {
      const scheme = db.name === 'postgres' ? 'postgres' : 'mariadb'
      const e = createEngine(`${scheme}://someone:pa55-w0rd@127.0.0.1:1/nowhere?connect_timeout=2`, {
        pool: { acquireTimeoutMs: 5000 },
      })
      if (E.isLeft(e)) throw new Error('createEngine failed')
      try {
        const r = await e.right.execute(sql('SELECT 1 AS one'))()
        expect(E.isLeft(r) && r.left._tag).toBe('ConnectionError')
        expect(JSON.stringify(E.isLeft(r) ? { ...r.left, cause: undefined } : r)).not.toContain('pa55-w0rd')
      } finally {
        await e.right.dispose()
      }
    })

    it('a bad URL option is a ConfigError without the password', () => {
      const scheme = db.name === 'postgres' ? 'postgresql' : 'mysql'
      const e = createEngine(`${scheme}://someone:pa55-w0rd@127.0.0.1/x?no_such_option=1`)
      expect(E.isLeft(e) && e.left._tag).toBe('ConfigError')
      expect(JSON.stringify(e)).not.toContain('pa55-w0rd')
    })

    it('a connection killed mid-transaction: ConnectionLost, nothing committed, the pool recovers', async () => {
      const t = tracked(db.driver())
      const engine = createEngineFrom(t.driver, { pool: { size: 1, maxOverflow: 0, acquireTimeoutMs: 5000 } })
      try {
        let victimId = -1
        const r = await engine.transaction((c) =>
          pipe(
            c.run(sql('INSERT INTO journal (id, note) VALUES ($1, $2)', [1, 'doomed'])),
            TE.chain(() => {
              victimId = c.id
              const victim = t.byId.get(c.id)
              if (victim === undefined) return TE.left<DbError, void>({ _tag: 'ConnectionError', message: 'no victim' })
              return t.driver.terminate!(victim)
            }),
            TE.chain(() => TE.fromTask(() => new Promise<void>((res) => setTimeout(res, 100)))),
            TE.chain(() => c.run(sql('INSERT INTO journal (id, note) VALUES ($1, $2)', [2, 'after kill']))),
          ),
        )()
        expect(E.isLeft(r)).toBe(true)
        const e = (r as E.Left<DbError>).left
        expect(
          e._tag === 'ConnectionError' || (e._tag === 'QueryError' && e.kind === 'ConnectionLost'),
          `got ${JSON.stringify({ ...e, cause: undefined })}`,
        ).toBe(true)
        // Nothing was committed.
        const [count] = await right(admin.execute(sql('SELECT count(*) AS n FROM journal')))
        expect(num(count?.['n'])).toBe(0)
        // The pool hands out a fresh, working connection.
        const next = await right(engine.withConnection((c) => TE.right(c.id)))
        expect(next).not.toBe(victimId)
        expect(await right(engine.execute(sql('SELECT 1 AS one')))).toStrictEqual([{ one: 1 }])
        expect(engine.poolStats().total).toBe(1)
      } finally {
        await engine.dispose()
      }
    })

    it('a connection killed during a query outside a transaction: ConnectionLost, then a fresh connection', async () => {
      const t = tracked(db.driver())
      const engine = createEngineFrom(t.driver, { pool: { size: 1, maxOverflow: 0 } })
      try {
        await right(engine.execute(sql('SELECT 1 AS one')))
        const [victim] = [...t.byId.values()]
        const sleep = db.name === 'postgres' ? 'SELECT pg_sleep(5) AS s' : 'SELECT SLEEP(5) AS s'
        const running = engine.execute(sql(sleep))()
        await new Promise((res) => setTimeout(res, 300))
        await right(t.driver.terminate!(victim!))
        const r = await running
        expect(E.isLeft(r) && r.left._tag === 'QueryError' && r.left.kind).toBe('ConnectionLost')
        expect(await right(engine.execute(sql('SELECT 2 AS two')))).toStrictEqual([{ two: 2 }])
        expect(t.byId.size).toBe(2)
      } finally {
        await engine.dispose()
      }
    })

    it('an exhausted pool answers PoolTimeout within the configured time', async () => {
      const options: EngineOptions = { pool: { size: 1, maxOverflow: 0, acquireTimeoutMs: 300 } }
      const engine = createEngineFrom(db.driver(), options)
      try {
        let release: () => void = () => undefined
        const held = new Promise<void>((res) => {
          release = res
        })
        const holder = engine.withConnection(() => TE.fromTask(() => held))()
        await new Promise((res) => setTimeout(res, 100))
        const t0 = performance.now()
        const r = await engine.execute(sql('SELECT 1 AS one'))()
        const elapsed = performance.now() - t0
        expect(E.isLeft(r) && r.left._tag).toBe('PoolTimeout')
        expect(elapsed).toBeGreaterThanOrEqual(250)
        expect(elapsed).toBeLessThan(1500)
        release()
        expect(E.isRight(await holder)).toBe(true)
        // Once the holder is done the pool serves again.
        expect(await right(engine.execute(sql('SELECT 1 AS one')))).toStrictEqual([{ one: 1 }])
      } finally {
        await engine.dispose()
      }
    })

    it('50 concurrent transfers between accounts keep the total (deadlocks retried)', async () => {
      const accounts = 8
      await right(admin.run(sql('DELETE FROM accounts')))
      await right(
        admin.run(
          sql(
            `INSERT INTO accounts (id, balance) VALUES ${Array.from({ length: accounts }, (_, i) => `(${i + 1}, 1000)`).join(', ')}`,
          ),
        ),
      )
      const engine = createEngineFrom(db.driver(), { pool: { size: 10, maxOverflow: 0, acquireTimeoutMs: 30_000 } })
      let retries = 0
      try {
        // First four pairs of opposite transfers on disjoint accounts (a -> b and b -> a start
        // together and lock in opposite orders: they deadlock and one of each is retried),
        // then 42 transfers from a deterministic pseudo-random plan.
        let seed = 42
        const rand = (n: number): number => {
          seed = (seed * 1103515245 + 12345) % 2 ** 31
          return seed % n
        }
        const pairs = [1, 3, 5, 7].flatMap((a) => [
          { from: a, to: a + 1, amount: 10, pauseMs: 50 },
          { from: a + 1, to: a, amount: 20, pauseMs: 50 },
        ])
        const randomTransfers = Array.from({ length: 42 }, () => {
          const from = rand(accounts) + 1
          const to = ((from + rand(accounts - 1)) % accounts) + 1
          return { from, to, amount: rand(100) + 1, pauseMs: 2 }
        })
        const transfers = [...pairs, ...randomTransfers]
        const results = await Promise.all(
          transfers.map(({ from, to, amount, pauseMs }) =>
            retrying(
              30,
              engine.transaction((c) =>
                pipe(
                  c.run(sql('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from])),
                  TE.chain(() => TE.fromTask(() => new Promise<void>((res) => setTimeout(res, pauseMs)))),
                  TE.chain(() => c.run(sql('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]))),
                ),
              ),
              { backoffMs: 5, onRetry: () => void retries++ },
            )(),
          ),
        )
        const failed = results.filter(E.isLeft).map((r) => r.left)
        expect(failed).toStrictEqual([])
        const rows = await right(admin.execute(sql('SELECT sum(balance) AS total, count(*) AS n FROM accounts')))
        expect(num(rows[0]?.['total'])).toBe(accounts * 1000)
        expect(num(rows[0]?.['n'])).toBe(accounts)
        expect(retries).toBeGreaterThan(0)
      } finally {
        await engine.dispose()
      }
    })
  },
  ['postgres', 'mysql'],
)
