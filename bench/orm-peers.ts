/**
 * The ORMs measured by the ORM workloads, each on its own connection into the run's private
 * database (pools of size 1): MikroORM 6 (better-sqlite / postgresql / mariadb drivers),
 * TypeORM (better-sqlite3 / postgres / mariadb), and Drizzle with a relational schema. The raw
 * driver, athanor and Kysely come from `peers.ts`.
 */
import 'reflect-metadata'
import { MikroORM as MikroSqlite } from '@mikro-orm/better-sqlite'
import type { EntityManager } from '@mikro-orm/core'
import { MikroORM as MikroMaria } from '@mikro-orm/mariadb'
import { MikroORM as MikroPg } from '@mikro-orm/postgresql'
import Database from 'better-sqlite3'
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3'
import { drizzle as drizzleMysql, type MySql2Database } from 'drizzle-orm/mysql2'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { DataSource } from 'typeorm'
import { type BenchDb, serverUrls } from './databases.js'
import { drizzleMysqlSchema, drizzlePgSchema, drizzleSqliteSchema, mikroSchemas, typeormSchemas } from './orm-model.js'

/** Drizzle with the relational schema, per dialect. */
export type DrizzleOrm =
  | { readonly _tag: 'sqlite'; readonly d: ReturnType<typeof drizzleSqlite<typeof drizzleSqliteSchema>> }
  | { readonly _tag: 'postgres'; readonly d: ReturnType<typeof drizzlePg<typeof drizzlePgSchema>> }
  | { readonly _tag: 'mysql'; readonly d: MySql2Database<typeof drizzleMysqlSchema> }

/** The extra libraries of the ORM workloads. */
export interface OrmPeers {
  /** A fresh MikroORM EntityManager (a new identity map) for each use. */
  readonly mikro: () => EntityManager
  readonly typeorm: DataSource
  readonly typeormEntities: ReturnType<typeof typeormSchemas>
  readonly drizzle: DrizzleOrm
  readonly close: () => Promise<void>
}

const mikroCommon = {
  entities: mikroSchemas(),
  debug: false,
  allowGlobalContext: false,
  ensureDatabase: false,
  discovery: { warnWhenNoEntities: false },
  pool: { min: 1, max: 1 },
} as const

/** Opens MikroORM, TypeORM and relational Drizzle on `db`. */
export const openOrmPeers = async (db: BenchDb): Promise<OrmPeers> => {
  const typeormEntities = typeormSchemas(db.name)
  const entities = [typeormEntities.author, typeormEntities.book, typeormEntities.item]
  switch (db.name) {
    case 'sqlite': {
      const mikro = await MikroSqlite.init({ ...mikroCommon, dbName: db.namespace })
      const typeorm = await new DataSource({ type: 'better-sqlite3', database: db.namespace, entities, synchronize: false, logging: false }).initialize()
      const handle = new Database(db.namespace)
      handle.pragma('journal_mode = WAL')
      return {
        mikro: () => mikro.em.fork(),
        typeorm,
        typeormEntities,
        drizzle: { _tag: 'sqlite', d: drizzleSqlite(handle, { schema: drizzleSqliteSchema }) },
        close: async () => {
          await mikro.close(true)
          await typeorm.destroy()
          handle.close()
        },
      }
    }
    case 'postgres': {
      const schema = db.namespace
      const mikro = await MikroPg.init({ ...mikroCommon, clientUrl: serverUrls.postgres, schema })
      const typeorm = await new DataSource({ type: 'postgres', url: serverUrls.postgres, schema, poolSize: 1, entities, synchronize: false, logging: false }).initialize()
      const pool = new pg.Pool({ ...db.pgConfig!, max: 1 })
      return {
        mikro: () => mikro.em.fork(),
        typeorm,
        typeormEntities,
        drizzle: { _tag: 'postgres', d: drizzlePg(pool, { schema: drizzlePgSchema }) },
        close: async () => {
          await mikro.close(true)
          await typeorm.destroy()
          await pool.end()
        },
      }
    }
    case 'mysql': {
      const uri = db.mysqlConfig!.uri!
      const mikro = await MikroMaria.init({ ...mikroCommon, clientUrl: uri })
      const typeorm = await new DataSource({ type: 'mariadb', url: uri, poolSize: 1, entities, synchronize: false, logging: false }).initialize()
      const pool = mysql.createPool({ uri, connectionLimit: 1 })
      return {
        mikro: () => mikro.em.fork(),
        typeorm,
        typeormEntities,
        // MariaDB has no LATERAL: Drizzle's 'planetscale' mode builds relational queries from correlated subqueries.
        drizzle: { _tag: 'mysql', d: drizzleMysql(pool, { schema: drizzleMysqlSchema, mode: 'planetscale' }) },
        close: async () => {
          await mikro.close(true)
          await typeorm.destroy()
          await pool.end()
        },
      }
    }
  }
}
