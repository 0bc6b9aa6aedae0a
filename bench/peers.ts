/**
 * Every library measured against one database: the raw driver, athanor, Kysely, Knex and
 * Drizzle, each with its own connection (one connection per library, pools of size 1) into
 * the run's private schema / database.
 */
import Database from 'better-sqlite3'
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3'
import { drizzle as drizzleMysql, type MySql2Database } from 'drizzle-orm/mysql2'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { int as myInt, boolean as myBoolean, datetime as myDatetime, float as myFloat, mysqlTable, text as myText, varchar as myVarchar } from 'drizzle-orm/mysql-core'
import { boolean as pgBoolean, integer as pgInt, pgTable, real as pgReal, text as pgText, timestamp as pgTimestamp, varchar as pgVarchar } from 'drizzle-orm/pg-core'
import { integer as slInt, real as slReal, sqliteTable, text as slText } from 'drizzle-orm/sqlite-core'
import * as E from 'fp-ts/lib/Either.js'
import knexFactory, { type Knex } from 'knex'
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely'
import mysqlCallback from 'mysql2'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { createEngine } from '../src/createEngine.js'
import type { Engine } from '../src/effects/Engine.js'
import type { BenchDb, DbName } from './databases.js'

/** Kysely's view of a bench table. */
export interface KRow {
  id: number
  name: string
  email: string
  active: boolean | number
  score: number
  created_at: Date | string
}
/** Kysely database type: every bench table has the same columns. */
export type KDb = Record<string, KRow>

/** Drizzle table objects for one bench table name, per dialect. */
export const drizzleTables = (name: string) => ({
  sqlite: sqliteTable(name, {
    id: slInt('id').primaryKey(),
    name: slText('name').notNull(),
    email: slText('email').notNull(),
    active: slInt('active', { mode: 'boolean' }).notNull(),
    score: slReal('score').notNull(),
    createdAt: slText('created_at').notNull(),
  }),
  postgres: pgTable(name, {
    id: pgInt('id').primaryKey(),
    name: pgText('name').notNull(),
    email: pgVarchar('email', { length: 100 }).notNull(),
    active: pgBoolean('active').notNull(),
    score: pgReal('score').notNull(),
    createdAt: pgTimestamp('created_at', { precision: 3 }).notNull(),
  }),
  mysql: mysqlTable(name, {
    id: myInt('id').primaryKey(),
    name: myText('name').notNull(),
    email: myVarchar('email', { length: 100 }).notNull(),
    active: myBoolean('active').notNull(),
    score: myFloat('score').notNull(),
    createdAt: myDatetime('created_at', { fsp: 3 }).notNull(),
  }),
})

/** The raw driver handle of one database. */
export type Raw =
  | { readonly _tag: 'sqlite'; readonly db: Database.Database }
  | { readonly _tag: 'postgres'; readonly client: pg.Client }
  | { readonly _tag: 'mysql'; readonly conn: mysql.Connection }

/** All libraries, connected to one database. */
export interface Peers {
  readonly db: BenchDb
  readonly raw: Raw
  /** Runs one SQL statement through the raw driver (setup, truncation). */
  readonly exec: (sql: string) => Promise<void>
  readonly athanor: E.Either<string, Engine>
  readonly kysely: Kysely<KDb>
  readonly knex: Knex
  /** Drizzle's database object; its type differs per dialect, so workloads narrow by `db.name`. */
  readonly drizzle: DrizzleDb
  readonly close: () => Promise<void>
}

/** Drizzle database objects per dialect. */
export type DrizzleDb =
  | { readonly _tag: 'sqlite'; readonly d: ReturnType<typeof drizzleSqlite> }
  | { readonly _tag: 'postgres'; readonly d: ReturnType<typeof drizzlePg> }
  | { readonly _tag: 'mysql'; readonly d: MySql2Database }

const describeLeft = (e: unknown): string => (typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : JSON.stringify(e))

const openAthanor = (db: BenchDb): E.Either<string, Engine> => {
  const r = createEngine(db.url, { pool: { size: 1 } })
  return E.isLeft(r) ? E.left(`createEngine: ${describeLeft(r.left)}`) : E.right(r.right)
}

const sqliteHandle = (file: string): Database.Database => {
  const d = new Database(file)
  d.pragma('journal_mode = WAL')
  return d
}

/** Connects every library to `db`. */
export const openPeers = async (db: BenchDb): Promise<Peers> => {
  const name: DbName = db.name
  const athanor = openAthanor(db)
  const closeAthanor = async (): Promise<void> => {
    if (E.isRight(athanor)) await athanor.right.dispose()
  }
  switch (name) {
    case 'sqlite': {
      const raw = sqliteHandle(db.namespace)
      const kyDb = sqliteHandle(db.namespace)
      const drDb = sqliteHandle(db.namespace)
      const kysely = new Kysely<KDb>({ dialect: new SqliteDialect({ database: kyDb }) })
      const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: db.namespace }, useNullAsDefault: true, pool: { min: 1, max: 1 } })
      return {
        db,
        raw: { _tag: 'sqlite', db: raw },
        exec: async (sql) => {
          raw.exec(sql)
        },
        athanor,
        kysely,
        knex,
        drizzle: { _tag: 'sqlite', d: drizzleSqlite(drDb) },
        close: async () => {
          await closeAthanor()
          await kysely.destroy()
          await knex.destroy()
          drDb.close()
          raw.close()
        },
      }
    }
    case 'postgres': {
      const cfg = db.pgConfig!
      const client = new pg.Client(cfg)
      await client.connect()
      const kyPool = new pg.Pool({ ...cfg, max: 1 })
      const drPool = new pg.Pool({ ...cfg, max: 1 })
      const kysely = new Kysely<KDb>({ dialect: new PostgresDialect({ pool: kyPool }) })
      const knex = knexFactory({ client: 'pg', connection: { connectionString: cfg.connectionString!, options: cfg.options! }, pool: { min: 1, max: 1 } })
      return {
        db,
        raw: { _tag: 'postgres', client },
        exec: async (sql) => {
          await client.query(sql)
        },
        athanor,
        kysely,
        knex,
        drizzle: { _tag: 'postgres', d: drizzlePg(drPool) },
        close: async () => {
          await closeAthanor()
          await kysely.destroy()
          await knex.destroy()
          await drPool.end()
          await client.end()
        },
      }
    }
    case 'mysql': {
      const uri = db.mysqlConfig!.uri!
      const conn = await mysql.createConnection({ uri })
      const kyPool = mysqlCallback.createPool({ uri, connectionLimit: 1 })
      const drPool = mysql.createPool({ uri, connectionLimit: 1 })
      const kysely = new Kysely<KDb>({ dialect: new MysqlDialect({ pool: kyPool }) })
      const knex = knexFactory({ client: 'mysql2', connection: uri, pool: { min: 1, max: 1 } })
      return {
        db,
        raw: { _tag: 'mysql', conn },
        exec: async (sql) => {
          await conn.query(sql)
        },
        athanor,
        kysely,
        knex,
        drizzle: { _tag: 'mysql', d: drizzleMysql(drPool) },
        close: async () => {
          await closeAthanor()
          await kysely.destroy()
          await knex.destroy()
          await drPool.end()
          await conn.end()
        },
      }
    }
  }
}
