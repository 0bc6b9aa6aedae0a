/**
 * Test databases for every suite: each run gets its own fresh PostgreSQL schema and MySQL
 * database (named `athanor_<random>`), dropped at the end. Nothing else on the shared
 * servers is touched.
 *
 * Servers: `ATHANOR_PG_URL` / `ATHANOR_MYSQL_URL`, or the loopback defaults. When a server
 * cannot be reached, a suite is skipped with a loud warning, except with `CI=true`, where
 * it fails.
 *
 * @category testing
 */
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, it } from 'vitest'
import type { DbError } from '../../src/effects/DbError.js'
import { describe as describeError } from '../../src/effects/DbError.js'
import type { Driver, DriverConnection } from '../../src/effects/Driver.js'
import type { ServerUrlParts } from '../../src/effects/driverSupport.js'
import { mysqlDriver, mysqlDriverConfig, type MysqlDriverConfig } from '../../src/dialects/mysql/driver.js'
import { postgresDriver, postgresDriverConfig, type PostgresDriverConfig } from '../../src/dialects/postgres/driver.js'
import { sqliteDriver } from '../../src/dialects/sqlite/driver.js'

/** The databases a suite can run on. */
export type DatabaseName = 'sqlite' | 'postgres' | 'mysql'

/** Every database, in the order suites run them. */
export const allDatabases: ReadonlyArray<DatabaseName> = ['sqlite', 'postgres', 'mysql']

/** One provisioned database, private to this test run. */
export interface TestDatabase {
  readonly name: DatabaseName
  /** An engine URL that connects into this run's own schema / database. */
  readonly url: string
  /** A driver that connects into it (for driver-level tests). */
  readonly driver: () => Driver
  /** The schema (postgres) or database (mysql) created for this run; absent for sqlite. */
  readonly namespace?: string
  /** Drops what was created for this run. Idempotent. */
  readonly dispose: () => Promise<void>
}

/** The loopback default server URLs. */
export const defaultUrls = {
  postgres: 'postgres://postgres@127.0.0.1:5432/test',
  mysql: 'mysql://root@127.0.0.1:3306/test',
} as const

/** The server URL for a database (environment first, then the default). */
export const serverUrl = (name: 'postgres' | 'mysql'): string =>
  name === 'postgres'
    ? (process.env['ATHANOR_PG_URL'] ?? defaultUrls.postgres)
    : (process.env['ATHANOR_MYSQL_URL'] ?? defaultUrls.mysql)

/** True when suites must not skip (CI). */
export const mustRun = (): boolean => process.env['CI'] === 'true'

/** A URL without its password, for messages. */
export const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')

const randomName = (): string =>
  `athanor_${Date.now().toString(36)}_${Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`

/** Splits a server URL into the parts the drivers' config builders read. */
const urlParts = (url: string): E.Either<string, ServerUrlParts> => {
  try {
    const u = new URL(url)
    const db = decodeURIComponent(u.pathname.replace(/^\//, ''))
    return E.right({
      ...(u.hostname !== '' ? { host: u.hostname.replace(/^\[(.*)\]$/, '$1') } : {}),
      ...(u.port !== '' ? { port: Number(u.port) } : {}),
      ...(u.username !== '' ? { user: decodeURIComponent(u.username) } : {}),
      ...(u.password !== '' ? { password: decodeURIComponent(u.password) } : {}),
      ...(db !== '' ? { database: db } : {}),
      options: Object.fromEntries(u.searchParams.entries()),
    })
  } catch {
    return E.left(`not a valid URL: ${redact(url)}`)
  }
}

const withParam = (url: string, key: string, value: string): string => {
  const u = new URL(url)
  u.searchParams.set(key, value)
  return u.toString()
}

const withDatabase = (url: string, database: string): string => {
  const u = new URL(url)
  u.pathname = `/${encodeURIComponent(database)}`
  return u.toString()
}

const describeLeft = (e: DbError): string => describeError(e)

/** Runs one SQL statement on a fresh admin connection, then closes it. */
const adminRun = async (driver: Driver, sqls: ReadonlyArray<string>): Promise<E.Either<string, void>> => {
  const c = await driver.connect()
  if (E.isLeft(c)) return E.left(describeLeft(c.left))
  const conn: DriverConnection = c.right
  try {
    for (const sql of sqls) {
      const r = await conn.execute({ sql, params: [], kind: 'ddl', columns: [] })()
      if (E.isLeft(r)) return E.left(describeLeft(r.left))
    }
    return E.right(undefined)
  } finally {
    await conn.close()
  }
}

const once = (f: () => Promise<void>): (() => Promise<void>) => {
  let p: Promise<void> | undefined
  return () => (p ??= f())
}

const provisionPostgres = async (): Promise<E.Either<string, TestDatabase>> => {
  const base = serverUrl('postgres')
  const parts = urlParts(base)
  if (E.isLeft(parts)) return parts
  const cfg = postgresDriverConfig(parts.right)
  if (E.isLeft(cfg)) return E.left(describeLeft(cfg.left))
  const admin = postgresDriver({ ...cfg.right, connectTimeoutMs: 3000 })
  const schema = randomName()
  const created = await adminRun(admin, [`CREATE SCHEMA ${schema}`])
  if (E.isLeft(created)) return created
  const config: PostgresDriverConfig = { ...cfg.right, schema }
  return E.right({
    name: 'postgres',
    url: withParam(base, 'schema', schema),
    driver: () => postgresDriver(config),
    namespace: schema,
    dispose: once(async () => {
      const r = await adminRun(admin, [`DROP SCHEMA IF EXISTS ${schema} CASCADE`])
      if (E.isLeft(r)) console.warn(`[athanor tests] could not drop PostgreSQL schema ${schema}: ${r.left}`)
    }),
  })
}

const provisionMysql = async (): Promise<E.Either<string, TestDatabase>> => {
  const base = serverUrl('mysql')
  const parts = urlParts(base)
  if (E.isLeft(parts)) return parts
  const cfg = mysqlDriverConfig(parts.right)
  if (E.isLeft(cfg)) return E.left(describeLeft(cfg.left))
  const admin = mysqlDriver({ ...cfg.right, connectTimeoutMs: 3000 })
  const database = randomName()
  const created = await adminRun(admin, [
    `CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  ])
  if (E.isLeft(created)) return created
  const config: MysqlDriverConfig = { ...cfg.right, database }
  return E.right({
    name: 'mysql',
    url: withDatabase(base, database),
    driver: () => mysqlDriver(config),
    namespace: database,
    dispose: once(async () => {
      const r = await adminRun(admin, [`DROP DATABASE IF EXISTS ${database}`])
      if (E.isLeft(r)) console.warn(`[athanor tests] could not drop MySQL database ${database}: ${r.left}`)
    }),
  })
}

/**
 * Provisions one database: `Right` with a private schema/database, or `Left` with why the
 * server could not be used (the caller decides between skipping and failing).
 */
export const provision = (name: DatabaseName): Promise<E.Either<string, TestDatabase>> => {
  switch (name) {
    case 'sqlite':
      return Promise.resolve(
        E.right({
          name,
          url: 'sqlite::memory:',
          driver: () => sqliteDriver({ filename: ':memory:' }),
          dispose: () => Promise.resolve(),
        }),
      )
    case 'postgres':
      return provisionPostgres()
    case 'mysql':
      return provisionMysql()
  }
}

const unavailableMessage = (name: DatabaseName, reason: string): string =>
  `${name} is not available (${name === 'sqlite' ? 'in-process' : redact(serverUrl(name))}): ${reason}. ` +
  `Start the server or set ${name === 'postgres' ? 'ATHANOR_PG_URL' : 'ATHANOR_MYSQL_URL'}.`

const warnSkipped = (name: DatabaseName, reason: string, what: string): void => {
  console.warn(
    `\n[athanor tests] !!! SKIPPED ${what} on ${name} !!!\n[athanor tests] ${unavailableMessage(name, reason)}\n` +
      `[athanor tests] (with CI=true this is a failure)\n`,
  )
}

/**
 * Provisions every requested database that can be reached. An unreachable server is a
 * thrown Error when `CI=true`, otherwise a loud warning and it is left out.
 */
export const databases = async (
  which: ReadonlyArray<DatabaseName> = allDatabases,
): Promise<ReadonlyArray<TestDatabase>> => {
  const out: Array<TestDatabase> = []
  for (const name of which) {
    const r = await provision(name)
    if (E.isRight(r)) out.push(r.right)
    else if (mustRun()) throw new Error(unavailableMessage(name, r.left))
    else warnSkipped(name, r.left, 'database suites')
  }
  return out
}

/**
 * A vitest `describe` per database, each with its own schema/database, provisioned while
 * the suite is collected and dropped in `afterAll`; the body gets the ready
 * {@link TestDatabase}. When a server cannot be reached the suite is replaced by one
 * skipped test and a loud warning, or by one failing test with `CI=true`.
 *
 * @example
 * describeEachDatabase('select', (db) => {
 *   it('runs', async () => { const engine = createEngine(db.url) … })
 * })
 */
export const describeEachDatabase = (
  title: string,
  body: (db: TestDatabase) => void,
  which: ReadonlyArray<DatabaseName> = allDatabases,
): void => {
  for (const name of which) {
    describe(`${title} [${name}]`, async () => {
      const r = await provision(name)
      if (E.isRight(r)) {
        const db = r.right
        afterAll(() => db.dispose())
        body(db)
      } else if (mustRun()) {
        const message = unavailableMessage(name, r.left)
        it(`${name} must be reachable with CI=true`, () => {
          throw new Error(message)
        })
      } else {
        warnSkipped(name, r.left, `"${title}"`)
        it.skip(`${name} unavailable: ${r.left}`, () => undefined)
      }
    })
  }
}
