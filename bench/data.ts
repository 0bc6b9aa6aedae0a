/**
 * The six-column rows the read, insert and stream workloads move, their tables in each
 * database, and the athanor table value describing them.
 *
 * Columns: id integer, name text, email varchar(100), active boolean, score real,
 * created_at timestamp.
 */
import { boolean, integer, real, table, textColumn, timestamp, varchar } from '../src/algebra/index.js'
import type { DbName } from './databases.js'

/** A row as application code holds it. */
export interface BenchRow {
  readonly id: number
  readonly name: string
  readonly email: string
  readonly active: boolean
  readonly score: number
  readonly createdAt: Date
}

const epoch = Date.UTC(2024, 0, 1)

/** Row `i` (0-based) of the data set; deterministic. Scores are multiples of 1/4, exact in float4. */
export const benchRow = (i: number): BenchRow => ({
  id: i + 1,
  name: `name ${i}`,
  email: `user${i}@example.com`,
  active: i % 3 !== 0,
  score: (i % 4000) / 4,
  createdAt: new Date(epoch + i * 61_000 + (i % 1000)),
})

/** `n` rows. */
export const benchRows = (n: number): ReadonlyArray<BenchRow> => Array.from({ length: n }, (_, i) => benchRow(i))

/** The column names in SQL, in order. */
export const columnNames = ['id', 'name', 'email', 'active', 'score', 'created_at'] as const

/** `CREATE TABLE` for one of the bench tables on one database. */
export const createTableSql = (db: DbName, name: string): string => {
  switch (db) {
    case 'sqlite':
      return `CREATE TABLE ${name} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email VARCHAR(100) NOT NULL, active BOOLEAN NOT NULL, score REAL NOT NULL, created_at TIMESTAMP NOT NULL)`
    case 'postgres':
      return `CREATE TABLE ${name} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email VARCHAR(100) NOT NULL, active BOOLEAN NOT NULL, score REAL NOT NULL, created_at TIMESTAMP(3) NOT NULL)`
    case 'mysql':
      return `CREATE TABLE ${name} (id INT PRIMARY KEY, name TEXT NOT NULL, email VARCHAR(100) NOT NULL, active BOOLEAN NOT NULL, score FLOAT NOT NULL, created_at DATETIME(3) NOT NULL) ENGINE=InnoDB`
  }
}

/** The athanor description of a bench table. */
export const benchTable = <N extends string>(name: N) =>
  table(name, {
    id: integer().primaryKey(),
    name: textColumn().notNull(),
    email: varchar(100).notNull(),
    active: boolean().notNull(),
    score: real().notNull(),
    createdAt: timestamp().notNull().named('created_at'),
  })

/** `YYYY-MM-DD HH:MM:SS.sss` in UTC: how SQLite and MySQL store timestamps as text. */
export const timestampText = (d: Date): string => d.toISOString().replace('T', ' ').slice(0, 23)

/** The 6 positional values of a row as the raw driver of `db` binds them. */
export const rawValues = (db: DbName, r: BenchRow): ReadonlyArray<unknown> =>
  db === 'postgres'
    ? [r.id, r.name, r.email, r.active, r.score, r.createdAt]
    : [r.id, r.name, r.email, r.active ? 1 : 0, r.score, timestampText(r.createdAt)]

/** Most bound parameters per statement: SQLite 32766, PostgreSQL and MySQL 65535. */
export const maxParams = (db: DbName): number => (db === 'sqlite' ? 32766 : 65535)

/** Rows per multi-row INSERT so a chunk stays under the parameter limit. */
export const chunkRows = (db: DbName): number => Math.floor(maxParams(db) / columnNames.length)

/** Splits rows into chunks of `size`. */
export const chunks = <A>(xs: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size))
  return out
}
