/**
 * Workload 2: reading 10,000 six-column rows (integer, text, varchar, boolean, real,
 * timestamp) into JavaScript objects.
 *
 * The raw reference is the driver's own call on the same statement: better-sqlite3
 * `stmt.all()` (prepared once), pg `client.query`, mysql2 `connection.query`, with each
 * driver's default value conversion. athanor runs `engine.execute(select(table))` and
 * decodes every value to its declared type (booleans to boolean, timestamps to Date);
 * Kysely, Knex and Drizzle return what their driver gives (on SQLite: 0/1 and text).
 */
import * as E from 'fp-ts/lib/Either.js'
import { select } from '../src/algebra/index.js'
import { benchRows, benchTable, columnNames, createTableSql } from './data.js'
import { type MacroCandidate, type MacroResult, macro } from './harness.js'
import { rawInsert } from './insert.js'
import { drizzleTables, type Peers } from './peers.js'

const SQL = (name: string): string => `SELECT ${columnNames.join(', ')} FROM ${name}`

const rawRead = (p: Peers, name: string): MacroCandidate => {
  const raw = p.raw
  switch (raw._tag) {
    case 'sqlite': {
      const stmt = raw.db.prepare(SQL(name))
      return { name: 'raw driver', run: async () => stmt.all().length }
    }
    case 'postgres':
      return { name: 'raw driver', run: async () => (await raw.client.query(SQL(name))).rows.length }
    case 'mysql':
      return { name: 'raw driver', run: async () => ((await raw.conn.query(SQL(name)))[0] as unknown[]).length }
  }
}

/** Checks once, outside the timing, that athanor returns decoded values (so the ratio is for real work). */
const checkDecoded = async (p: Peers, name: string): Promise<string | undefined> => {
  if (E.isLeft(p.athanor)) return p.athanor.left
  const r = await p.athanor.right.execute(select(benchTable(name)))()
  if (E.isLeft(r)) return JSON.stringify(r.left).slice(0, 300)
  const row = r.right[1]
  if (row === undefined) return 'no rows'
  if (typeof row.active !== 'boolean' || !(row.createdAt instanceof Date) || typeof row.score !== 'number') return `not decoded: ${JSON.stringify(row)}`
  return undefined
}

const athanorRead = (p: Peers, name: string): MacroCandidate => {
  const q = select(benchTable(name))
  return {
    name: 'athanor engine.execute (decoded)',
    run: async () => {
      if (E.isLeft(p.athanor)) throw new Error(p.athanor.left)
      const r = await p.athanor.right.execute(q)()
      if (E.isLeft(r)) throw new Error(`athanor: ${JSON.stringify(r.left).slice(0, 300)}`)
      return r.right.length
    },
  }
}

const drizzleRead = (p: Peers, name: string): MacroCandidate => {
  const t = drizzleTables(name)
  const d = p.drizzle
  return {
    name: 'Drizzle',
    run: async () => {
      switch (d._tag) {
        case 'sqlite':
          return d.d.select().from(t.sqlite).all().length
        case 'postgres':
          return (await d.d.select().from(t.postgres)).length
        case 'mysql':
          return (await d.d.select().from(t.mysql)).length
      }
    },
  }
}

/** Runs the read workload on one database; the first result is the raw reference. */
export const runRead = async (p: Peers, n: number): Promise<{ readonly results: ReadonlyArray<MacroResult>; readonly decodeProblem?: string }> => {
  const name = 'bench_read'
  await p.exec(createTableSql(p.db.name, name))
  await rawInsert(p, name, benchRows(n))
  if (p.db.name !== 'sqlite') await p.exec(p.db.name === 'postgres' ? `ANALYZE ${name}` : `ANALYZE TABLE ${name}`)
  const decodeProblem = await checkDecoded(p, name)
  const candidates: MacroCandidate[] = [
    rawRead(p, name),
    athanorRead(p, name),
    { name: 'Kysely', run: async () => (await p.kysely.selectFrom(name).select([...columnNames]).execute()).length },
    { name: 'Knex', run: async () => (await p.knex(name).select([...columnNames])).length },
    drizzleRead(p, name),
  ]
  const results = await macro(candidates, { expect: n })
  return decodeProblem === undefined ? { results } : { results, decodeProblem }
}
