/**
 * The databases a bench run uses, each private to the run: a temp SQLite file, a fresh
 * PostgreSQL schema and a fresh MariaDB/MySQL database, all named `athanor_bench_<random>`
 * and dropped at the end. Nothing else on the servers is touched.
 *
 * Servers: `ATHANOR_PG_URL` / `ATHANOR_MYSQL_URL`, or the loopback defaults.
 */
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import pg from 'pg'

/** The databases a workload can run on. */
export type DbName = 'sqlite' | 'postgres' | 'mysql'

/** One provisioned database. */
export interface BenchDb {
  readonly name: DbName
  /** An athanor engine URL into the private namespace. */
  readonly url: string
  /** SQLite: the file path; servers: the private schema / database name. */
  readonly namespace: string
  /** PostgreSQL: the pg client config that lands in the private schema. */
  readonly pgConfig?: pg.ClientConfig
  /** MySQL: the mysql2 connection config for the private database. */
  readonly mysqlConfig?: mysql.ConnectionOptions
  /** Drops what was created. Idempotent. */
  readonly dispose: () => Promise<void>
}

/** Server URLs (environment first, then the loopback defaults). */
export const serverUrls = {
  postgres: process.env['ATHANOR_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
  mysql: process.env['ATHANOR_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test',
} as const

/** A fresh `athanor_bench_<random>` name (safe as an unquoted identifier). */
export const randomName = (): string =>
  `athanor_bench_${Date.now().toString(36)}_${Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`

const once = (f: () => Promise<void>): (() => Promise<void>) => {
  let p: Promise<void> | undefined
  return () => (p ??= f())
}

const withParam = (url: string, key: string, value: string): string => {
  const u = new URL(url)
  u.searchParams.set(key, value)
  return u.toString()
}

const withDatabase = (url: string, database: string): string => {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

/** A temp-file SQLite database (removed with its -wal/-shm files at the end). */
export const provisionSqlite = (): BenchDb => {
  const file = join(tmpdir(), `${randomName()}.db`)
  return {
    name: 'sqlite',
    url: `sqlite://${file}`,
    namespace: file,
    dispose: once(async () => {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })
    }),
  }
}

/** A fresh PostgreSQL schema; its search_path is set for every connection made from `pgConfig`. */
export const provisionPostgres = async (): Promise<BenchDb> => {
  const schema = randomName()
  const admin = new pg.Client({ connectionString: serverUrls.postgres, connectionTimeoutMillis: 3000 })
  await admin.connect()
  try {
    await admin.query(`CREATE SCHEMA ${schema}`)
  } finally {
    await admin.end()
  }
  return {
    name: 'postgres',
    url: withParam(serverUrls.postgres, 'schema', schema),
    namespace: schema,
    pgConfig: { connectionString: serverUrls.postgres, options: `-c search_path=${schema}` },
    dispose: once(async () => {
      const c = new pg.Client({ connectionString: serverUrls.postgres, connectionTimeoutMillis: 3000 })
      await c.connect()
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        await c.end()
      }
    }),
  }
}

/** A fresh MariaDB/MySQL database. */
export const provisionMysql = async (): Promise<BenchDb> => {
  const database = randomName()
  const admin = await mysql.createConnection({ uri: serverUrls.mysql, connectTimeout: 3000 })
  try {
    await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
  } finally {
    await admin.end()
  }
  return {
    name: 'mysql',
    url: withDatabase(serverUrls.mysql, database),
    namespace: database,
    mysqlConfig: { uri: withDatabase(serverUrls.mysql, database) },
    dispose: once(async () => {
      const c = await mysql.createConnection({ uri: serverUrls.mysql, connectTimeout: 3000 })
      try {
        await c.query(`DROP DATABASE IF EXISTS ${database}`)
      } finally {
        await c.end()
      }
    }),
  }
}

/** Provisions one database, or explains why it cannot (the workload is then reported as skipped). */
export const provision = async (name: DbName): Promise<BenchDb | string> => {
  try {
    switch (name) {
      case 'sqlite':
        return provisionSqlite()
      case 'postgres':
        return await provisionPostgres()
      case 'mysql':
        return await provisionMysql()
    }
  } catch (e) {
    return `${name} unavailable: ${e instanceof Error ? e.message : String(e)}`
  }
}
