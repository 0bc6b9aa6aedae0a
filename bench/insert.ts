/**
 * Workload 3: inserting 10,000 six-column rows in one transaction.
 *
 * The raw reference is the driver's best form: one multi-row INSERT per chunk under the
 * parameter limit (SQLite 32766, MySQL 65535 placeholders); on PostgreSQL one
 * `INSERT … SELECT * FROM unnest($1::int[], …)`. Supporting raw rows: a prepared single-row
 * statement in a loop (SQLite) and a multi-row VALUES (PostgreSQL). athanor inserts chunked
 * multi-row `insertInto` statements inside `engine.transaction`; Kysely, Knex and Drizzle
 * insert the same chunks inside their transactions. Every candidate gets the same row
 * objects and must do its own value encoding inside the timed part. The table is emptied
 * before each repetition, outside the timing.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import { insertInto } from '../src/algebra/index.js'
import type { DbName } from './databases.js'
import { type BenchRow, benchRows, benchTable, chunkRows, chunks, columnNames, createTableSql, rawValues, timestampText } from './data.js'
import { type MacroCandidate, type MacroResult, macro } from './harness.js'
import { drizzleTables, type Peers } from './peers.js'

const COLS = columnNames.join(', ')

const placeholders = (db: DbName, rows: number): string => {
  const out: string[] = []
  let p = 1
  for (let r = 0; r < rows; r++) {
    const slots: string[] = []
    for (let c = 0; c < columnNames.length; c++) slots.push(db === 'postgres' ? `$${p++}` : '?')
    out.push(`(${slots.join(', ')})`)
  }
  return out.join(', ')
}

const flat = (db: DbName, rows: ReadonlyArray<BenchRow>): unknown[] => {
  const out: unknown[] = []
  for (const r of rows) for (const v of rawValues(db, r)) out.push(v)
  return out
}

/** The raw driver's best form: multi-row INSERT per chunk (unnest on PostgreSQL), in one transaction. */
export const rawInsert = async (p: Peers, name: string, rows: ReadonlyArray<BenchRow>): Promise<number> => {
  const raw = p.raw
  const db = p.db.name
  switch (raw._tag) {
    case 'sqlite': {
      const size = chunkRows(db)
      const cache = new Map<number, import('better-sqlite3').Statement<unknown[]>>()
      const stmt = (n: number): import('better-sqlite3').Statement<unknown[]> => {
        let s = cache.get(n)
        if (s === undefined) cache.set(n, (s = raw.db.prepare<unknown[]>(`INSERT INTO ${name} (${COLS}) VALUES ${placeholders(db, n)}`)))
        return s
      }
      let n = 0
      raw.db.transaction(() => {
        for (const c of chunks(rows, size)) n += stmt(c.length).run(...flat(db, c)).changes
      })()
      return n
    }
    case 'postgres': {
      const ids: number[] = []
      const names: string[] = []
      const emails: string[] = []
      const actives: boolean[] = []
      const scores: number[] = []
      const created: string[] = []
      for (const r of rows) {
        ids.push(r.id)
        names.push(r.name)
        emails.push(r.email)
        actives.push(r.active)
        scores.push(r.score)
        created.push(r.createdAt.toISOString())
      }
      await raw.client.query('BEGIN')
      try {
        const res = await raw.client.query(
          `INSERT INTO ${name} (${COLS}) SELECT * FROM unnest($1::int[], $2::text[], $3::varchar[], $4::bool[], $5::real[], $6::timestamptz[])`,
          [ids, names, emails, actives, scores, created],
        )
        await raw.client.query('COMMIT')
        return res.rowCount ?? 0
      } catch (e) {
        await raw.client.query('ROLLBACK')
        throw e
      }
    }
    case 'mysql': {
      const size = chunkRows(db)
      let n = 0
      await raw.conn.beginTransaction()
      try {
        for (const c of chunks(rows, size)) {
          const [res] = await raw.conn.query<import('mysql2').ResultSetHeader>(`INSERT INTO ${name} (${COLS}) VALUES ?`, [c.map((r) => rawValues(db, r))])
          n += res.affectedRows
        }
        await raw.conn.commit()
        return n
      } catch (e) {
        await raw.conn.rollback()
        throw e
      }
    }
  }
}

const rawSupporting = (p: Peers, name: string, rows: ReadonlyArray<BenchRow>): MacroCandidate | undefined => {
  const raw = p.raw
  const db = p.db.name
  if (raw._tag === 'sqlite') {
    const s = raw.db.prepare(`INSERT INTO ${name} (${COLS}) VALUES ${placeholders(db, 1)}`)
    const tx = raw.db.transaction((rs: ReadonlyArray<BenchRow>) => {
      let n = 0
      for (const r of rs) n += s.run(r.id, r.name, r.email, r.active ? 1 : 0, r.score, timestampText(r.createdAt)).changes
      return n
    })
    return { name: 'raw: prepared single-row loop (SQLite)', setup: () => p.exec(`DELETE FROM ${name}`), run: async () => tx(rows) }
  }
  if (raw._tag === 'postgres')
    return {
      name: 'raw: one multi-row VALUES (PostgreSQL)',
      setup: () => p.exec(`TRUNCATE ${name}`),
      run: async () => {
        await raw.client.query('BEGIN')
        const res = await raw.client.query(`INSERT INTO ${name} (${COLS}) VALUES ${placeholders(db, rows.length)}`, flat(db, rows))
        await raw.client.query('COMMIT')
        return res.rowCount ?? 0
      },
    }
  return undefined
}

const athanorInsert = (p: Peers, name: string, rows: ReadonlyArray<BenchRow>): MacroCandidate => {
  const t = benchTable(name)
  return {
    name: 'athanor insertInto (chunked)',
    run: async () => {
      if (E.isLeft(p.athanor)) throw new Error(p.athanor.left)
      const engine = p.athanor.right
      const size = Math.floor(engine.dialect.capabilities.maxParams / columnNames.length)
      const parts = chunks(rows, size)
      const r = await engine.transaction((c) =>
        pipe(
          parts,
          TE.traverseSeqArray((part) => c.run(insertInto(t, part))),
          TE.map((rs) => rs.reduce((n, x) => n + x.rowsAffected, 0)),
        ),
      )()
      if (E.isLeft(r)) throw new Error(`athanor: ${JSON.stringify(r.left).slice(0, 300)}`)
      return r.right
    },
  }
}

const kyselyInsert = (p: Peers, name: string, rows: ReadonlyArray<BenchRow>): MacroCandidate => {
  const db = p.db.name
  return {
    name: 'Kysely',
    run: async () =>
      p.kysely.transaction().execute(async (trx) => {
        let n = 0
        for (const c of chunks(rows, chunkRows(db))) {
          const values = c.map((r) => ({
            id: r.id,
            name: r.name,
            email: r.email,
            active: db === 'postgres' ? r.active : r.active ? 1 : 0,
            score: r.score,
            created_at: db === 'sqlite' ? timestampText(r.createdAt) : r.createdAt,
          }))
          const res = await trx.insertInto(name).values(values).executeTakeFirst()
          n += Number(res.numInsertedOrUpdatedRows ?? 0n)
        }
        return n
      }),
  }
}

const knexInsert = (p: Peers, name: string, rows: ReadonlyArray<BenchRow>): MacroCandidate => {
  const db = p.db.name
  // Knex writes a multi-row insert on SQLite as INSERT … SELECT … UNION ALL SELECT …, and
  // SQLite allows at most 500 compound terms: chunks of 500 there (what batchInsert users pick).
  const knexChunk = db === 'sqlite' ? 500 : chunkRows(db)
  return {
    name: 'Knex',
    run: async () => {
      await p.knex.transaction(async (trx) => {
        for (const c of chunks(rows, knexChunk))
          await trx(name).insert(
            c.map((r) => ({
              id: r.id,
              name: r.name,
              email: r.email,
              active: r.active,
              score: r.score,
              created_at: db === 'sqlite' ? timestampText(r.createdAt) : r.createdAt,
            })),
          )
      })
      return rows.length
    },
  }
}

const drizzleInsert = (p: Peers, name: string, rows: ReadonlyArray<BenchRow>): MacroCandidate => {
  const t = drizzleTables(name)
  const d = p.drizzle
  const size = chunkRows(p.db.name)
  return {
    name: 'Drizzle',
    run: async () => {
      switch (d._tag) {
        case 'sqlite':
          d.d.transaction((tx) => {
            for (const c of chunks(rows, size)) tx.insert(t.sqlite).values(c.map((r) => ({ ...r, createdAt: timestampText(r.createdAt) }))).run()
          })
          return rows.length
        case 'postgres':
          await d.d.transaction(async (tx) => {
            for (const c of chunks(rows, size)) await tx.insert(t.postgres).values(c as BenchRow[])
          })
          return rows.length
        case 'mysql':
          await d.d.transaction(async (tx) => {
            for (const c of chunks(rows, size)) await tx.insert(t.mysql).values(c as BenchRow[])
          })
          return rows.length
      }
    },
  }
}

/** Runs the insert workload on one database; the first result is the raw reference. */
export const runInsert = async (p: Peers, n: number): Promise<ReadonlyArray<MacroResult>> => {
  const name = 'bench_insert'
  await p.exec(createTableSql(p.db.name, name))
  const rows = benchRows(n)
  const empty = (): Promise<void> => p.exec(p.db.name === 'sqlite' ? `DELETE FROM ${name}` : `TRUNCATE TABLE ${name}`)
  const withSetup = (c: MacroCandidate): MacroCandidate => ({ ...c, setup: empty })
  const supporting = rawSupporting(p, name, rows)
  const candidates: MacroCandidate[] = [
    withSetup({ name: 'raw best form', run: () => rawInsert(p, name, rows) }),
    withSetup(athanorInsert(p, name, rows)),
    withSetup(kyselyInsert(p, name, rows)),
    withSetup(knexInsert(p, name, rows)),
    withSetup(drizzleInsert(p, name, rows)),
    ...(supporting ? [withSetup(supporting)] : []),
  ]
  return macro(candidates, { expect: n })
}
