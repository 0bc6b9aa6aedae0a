/**
 * The ORM workloads that need a database (issues #4 and #5), each run on SQLite, PostgreSQL and
 * MariaDB with ratios to the raw driver in the same run:
 *
 * - `orm-persist`: 1,000 new authors each with 5 new books, persisted in one flush /
 *   transaction. athanor `S.addAll` of the graph in `S.runSession` (which flushes and
 *   commits); raw: one multi-row INSERT of the authors, their ids read back (RETURNING on
 *   SQLite and PostgreSQL, MariaDB's consecutive insert ids) to key one multi-row INSERT of the
 *   books, in one transaction; MikroORM `em.create` + `em.persist` + `em.flush`; TypeORM
 *   `repository.save` with an insert cascade. Building the objects from the same plain input
 *   is inside the timing for everyone. After each repetition (untimed) the rows are checked:
 *   1,000 authors, and 5,000 books each pointing at the author it was made for.
 * - `orm-load`: 10,000 six-column rows into a fresh session / identity map. athanor
 *   `S.all(Item)` (decoded, identity-mapped, in `S.runSession`); raw `stmt.all()` /
 *   `client.query` / `connection.query`; MikroORM `em.find` on a fresh fork; TypeORM `find`.
 * - `orm-graph`: 1,000 authors with their 5 books each. athanor selectin / joined / json; raw:
 *   the same two queries as selectin by hand (authors, then books `WHERE author_id IN (…)`),
 *   grouped into arrays; MikroORM populate (its v6 default, joined, and select-in); TypeORM
 *   `relations` (its default, a join; relationLoadStrategy 'query' took ~19 s per repetition on
 *   SQLite in a trial run, so it is left out); Drizzle `db.query…findMany({ with })`; Kysely
 *   `jsonArrayFrom`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { jsonArrayFrom as kyJsonPg } from 'kysely/helpers/postgres'
import { jsonArrayFrom as kyJsonMy } from 'kysely/helpers/mysql'
import { jsonArrayFrom as kyJsonSl } from 'kysely/helpers/sqlite'
import { type Kysely, ParseJSONResultsPlugin, sql } from 'kysely'
import { asc, orderBy } from '../src/algebra/index.js'
import type { Engine } from '../src/effects/Engine.js'
import { createAll } from '../src/index.js'
import { joined, json, load, selectin } from '../src/mapping/loadOptions.js'
import * as S from '../src/mapping/session.js'
import { benchRows } from './data.js'
import { type MacroCandidate, type MacroOptions, type MacroResult, macro, quick } from './harness.js'
import { rawInsert } from './insert.js'
import { Author, authors, Book, extraDdl, graphInput, Item, type KyselyOrmDb, linkedBooksSql, type MAuthor, type MItem, type TAuthor, ormTables, type AuthorInput } from './orm-model.js'
import { type OrmPeers, openOrmPeers } from './orm-peers.js'
import type { Peers } from './peers.js'

/** Authors and books per author of the persist and graph workloads; items of the load workload. */
export const AUTHORS = 1000
export const BOOKS_PER = 5
export const ITEMS = 10_000

const GRAPH_ROWS = AUTHORS * (1 + BOOKS_PER)

const ormMacro: MacroOptions = quick ? { warmup: 1, reps: 3 } : { warmup: 2, reps: 7 }
/** Persisting is slow for some peers (TypeORM ~2 s a repetition), so fewer repetitions. */
const persistMacro: MacroOptions = quick ? { warmup: 1, reps: 3 } : { warmup: 1, reps: 5 }

const fail = (what: string, e: unknown): never => {
  throw new Error(`${what}: ${typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : JSON.stringify(e)}`.slice(0, 400))
}

const ok = <A>(what: string, e: E.Either<unknown, A>): A => (E.isLeft(e) ? fail(what, e.left) : e.right)

const engineOf = (p: Peers): Engine => (E.isLeft(p.athanor) ? fail('athanor', p.athanor.left) : p.athanor.right)

/** One scalar from the raw driver. */
const scalar = async (p: Peers, sql: string): Promise<number> => {
  const raw = p.raw
  switch (raw._tag) {
    case 'sqlite':
      return Number(Object.values(raw.db.prepare(sql).get() as object)[0])
    case 'postgres':
      return Number(Object.values((await raw.client.query(sql)).rows[0] as object)[0])
    case 'mysql':
      return Number(Object.values(((await raw.conn.query(sql))[0] as object[])[0]!)[0])
  }
}

/** Everything the ORM workloads share on one database: the tables (athanor's DDL), the ORMs' connections. */
export interface OrmContext {
  readonly p: Peers
  readonly orm: OrmPeers
  readonly engine: Engine
  readonly close: () => Promise<void>
}

/** Creates the ORM tables (athanor `createAll`), seeds the items, and connects the ORMs. */
export const openOrm = async (p: Peers): Promise<OrmContext> => {
  const engine = engineOf(p)
  for (const s of ok('createAll', createAll(engine.dialect)(ormTables))) ok('createAll', await engine.run(s)())
  for (const s of extraDdl(p.db.name)) await p.exec(s)
  await rawInsert(p, 'orm_items', benchRows(ITEMS))
  const orm = await openOrmPeers(p.db)
  return { p, orm, engine, close: () => orm.close() }
}

const analyze = async (p: Peers): Promise<void> => {
  if (p.db.name === 'postgres') await p.exec('ANALYZE orm_authors; ANALYZE orm_books; ANALYZE orm_items')
  else if (p.db.name === 'mysql') await p.exec('ANALYZE TABLE orm_authors, orm_books, orm_items')
  else await p.exec('ANALYZE')
}

const emptyGraph = async (p: Peers): Promise<void> => {
  await p.exec('DELETE FROM orm_books')
  await p.exec('DELETE FROM orm_authors')
}

// ---------------------------------------------------------------- 1. persist

const placeholders = (pg: boolean, rows: number, cols: number, from = 1): string => {
  const out: string[] = []
  let k = from
  for (let r = 0; r < rows; r++) {
    const slots: string[] = []
    for (let c = 0; c < cols; c++) slots.push(pg ? `$${k++}` : '?')
    out.push(`(${slots.join(', ')})`)
  }
  return out.join(', ')
}

const authorParams = (input: ReadonlyArray<AuthorInput>): unknown[] => {
  const out: unknown[] = []
  for (const a of input) out.push(a.name, a.born)
  return out
}

const bookParams = (input: ReadonlyArray<AuthorInput>, ids: ReadonlyArray<number>): unknown[] => {
  const out: unknown[] = []
  for (let i = 0; i < input.length; i++) for (const b of input[i]!.books) out.push(ids[i], b.title, b.pages)
  return out
}

/** The raw driver persisting the graph with multi-row inserts (also used by bench/orm-profile.ts). */
export const rawPersist = (p: Peers, input: ReadonlyArray<AuthorInput>): MacroCandidate => {
  const raw = p.raw
  const nBooks = input.reduce((n, a) => n + a.books.length, 0)
  switch (raw._tag) {
    case 'sqlite': {
      const ins = raw.db.prepare(`INSERT INTO orm_authors (name, born) VALUES ${placeholders(false, input.length, 2)} RETURNING id`)
      const insBooks = raw.db.prepare(`INSERT INTO orm_books (author_id, title, pages) VALUES ${placeholders(false, nBooks, 3)}`)
      const tx = raw.db.transaction((xs: ReadonlyArray<AuthorInput>) => {
        const ids = (ins.all(...authorParams(xs)) as Array<{ id: number }>).map((r) => r.id)
        return ids.length + insBooks.run(...bookParams(xs, ids)).changes
      })
      return { name: 'raw driver', run: async () => tx(input) }
    }
    case 'postgres':
      return {
        name: 'raw driver',
        run: async () => {
          const c = raw.client
          await c.query('BEGIN')
          try {
            const r = await c.query<{ id: number }>(`INSERT INTO orm_authors (name, born) VALUES ${placeholders(true, input.length, 2)} RETURNING id`, authorParams(input))
            const ids = r.rows.map((x) => x.id)
            const b = await c.query(`INSERT INTO orm_books (author_id, title, pages) VALUES ${placeholders(true, nBooks, 3)}`, bookParams(input, ids))
            await c.query('COMMIT')
            return ids.length + (b.rowCount ?? 0)
          } catch (e) {
            await c.query('ROLLBACK')
            throw e
          }
        },
      }
    case 'mysql':
      return {
        name: 'raw driver',
        run: async () => {
          const c = raw.conn
          await c.beginTransaction()
          try {
            const [a] = await c.query<import('mysql2').ResultSetHeader>(`INSERT INTO orm_authors (name, born) VALUES ${placeholders(false, input.length, 2)}`, authorParams(input))
            // InnoDB hands a multi-row INSERT consecutive ids (innodb_autoinc_lock_mode ≤ 1, MariaDB's default); insertId is the first.
            const ids = Array.from({ length: a.affectedRows }, (_, i) => a.insertId + i)
            const [b] = await c.query<import('mysql2').ResultSetHeader>(`INSERT INTO orm_books (author_id, title, pages) VALUES ${placeholders(false, nBooks, 3)}`, bookParams(input, ids))
            await c.commit()
            return ids.length + b.affectedRows
          } catch (e) {
            await c.rollback()
            throw e
          }
        },
      }
  }
}

const athanorPersist = (engine: Engine, input: ReadonlyArray<AuthorInput>): MacroCandidate => ({
  name: 'athanor S.addAll + flush (S.runSession)',
  run: async () => {
    const graph = input.map((a) =>
      ok('Author.make', Author.make({ name: a.name, born: a.born, books: a.books.map((b) => ok('Book.make', Book.make({ title: b.title, pages: b.pages, authorId: 0 }))) })),
    )
    const added = ok('athanor persist', await S.runSession(engine, S.addAll(graph))())
    return (added as unknown as ReadonlyArray<{ readonly books: ReadonlyArray<unknown> }>).reduce((n, a) => n + 1 + a.books.length, 0)
  },
})

const mikroPersist = (orm: OrmPeers, input: ReadonlyArray<AuthorInput>): MacroCandidate => ({
  name: 'MikroORM em.persist + flush',
  run: async () => {
    const em = orm.mikro()
    const made: MAuthor[] = []
    for (const a of input) {
      const author = em.create<MAuthor>('MAuthor', { name: a.name, born: a.born, books: a.books.map((b) => ({ title: b.title, pages: b.pages })) } as never)
      em.persist(author)
      made.push(author)
    }
    await em.flush()
    return made.reduce((n, a) => n + (a.id !== undefined ? 1 : 0) + a.books.getItems().filter((b) => b.id !== undefined).length, 0)
  },
})

const typeormPersist = (orm: OrmPeers, input: ReadonlyArray<AuthorInput>): MacroCandidate => ({
  name: 'TypeORM save (cascade)',
  run: async () => {
    const repo = orm.typeorm.getRepository(orm.typeormEntities.author)
    const saved: TAuthor[] = await repo.save(input.map((a) => ({ name: a.name, born: a.born, books: a.books.map((b) => ({ title: b.title, pages: b.pages })) })))
    return saved.reduce((n, a) => n + (a.id !== undefined ? 1 : 0) + (a.books ?? []).filter((b) => b.id !== undefined).length, 0)
  },
})

/** Workload `orm-persist` on one database; the first result is the raw reference. */
export const runOrmPersist = async (ctx: OrmContext): Promise<ReadonlyArray<MacroResult>> => {
  const { p, orm, engine } = ctx
  const input = graphInput(AUTHORS, BOOKS_PER)
  const problems = new Map<string, string>()
  let previous: string | undefined
  const check = async (): Promise<void> => {
    if (previous !== undefined) {
      const a = await scalar(p, 'SELECT COUNT(*) FROM orm_authors')
      const linked = await scalar(p, linkedBooksSql)
      const all = await scalar(p, 'SELECT COUNT(*) FROM orm_books')
      if (a !== AUTHORS || linked !== AUTHORS * BOOKS_PER || all !== AUTHORS * BOOKS_PER)
        problems.set(previous, `wrote ${a} authors and ${all} books, ${linked} linked to the right author`)
    }
    await emptyGraph(p)
  }
  const tracked = (c: MacroCandidate): MacroCandidate => ({
    name: c.name,
    setup: check,
    run: async () => {
      previous = c.name
      return c.run()
    },
  })
  const results = await macro([rawPersist(p, input), athanorPersist(engine, input), mikroPersist(orm, input), typeormPersist(orm, input)].map(tracked), {
    ...persistMacro,
    expect: GRAPH_ROWS,
  })
  await check()
  return results.map((r) => (problems.has(r.name) && r.error === undefined ? { ...r, error: problems.get(r.name)! } : r))
}

// ---------------------------------------------------------------- 2. load 10,000 entities

const ITEM_SQL = 'SELECT id, name, email, active, score, created_at FROM orm_items'

const rawLoad = (p: Peers): MacroCandidate => {
  const raw = p.raw
  switch (raw._tag) {
    case 'sqlite': {
      const stmt = raw.db.prepare(ITEM_SQL)
      return { name: 'raw driver', run: async () => stmt.all().length }
    }
    case 'postgres':
      return { name: 'raw driver', run: async () => (await raw.client.query(ITEM_SQL)).rows.length }
    case 'mysql':
      return { name: 'raw driver', run: async () => ((await raw.conn.query(ITEM_SQL))[0] as unknown[]).length }
  }
}

/** Workload `orm-load` on one database; the first result is the raw reference. */
export const runOrmLoad = async (ctx: OrmContext): Promise<{ readonly results: ReadonlyArray<MacroResult>; readonly decodeProblem?: string }> => {
  const { p, orm, engine } = ctx
  await analyze(p)
  const first = ok('athanor load', await S.runSession(engine, S.all(Item))())
  const v = first[1]
  const decodeProblem =
    v === undefined ? 'no rows' : typeof v.active !== 'boolean' || !(v.createdAt instanceof Date) || typeof v.score !== 'number' ? `not decoded: ${JSON.stringify(v)}` : undefined
  const results = await macro(
    [
      rawLoad(p),
      { name: 'athanor S.all(Item) (S.runSession)', run: async () => ok('athanor load', await S.runSession(engine, S.all(Item))()).length },
      { name: 'MikroORM em.find (fresh fork)', run: async () => (await orm.mikro().find<MItem>('MItem', {})).length },
      { name: 'TypeORM find', run: async () => (await orm.typeorm.getRepository(orm.typeormEntities.item).find()).length },
    ],
    { ...ormMacro, expect: ITEMS },
  )
  return decodeProblem === undefined ? { results } : { results, decodeProblem }
}

// ---------------------------------------------------------------- 3. authors with their books

interface RawAuthor {
  id: number
  name: string
  born: number
  books: RawBook[]
}
interface RawBook {
  id: number
  author_id: number
  title: string
  pages: number
}

const AUTHORS_SQL = 'SELECT id, name, born FROM orm_authors ORDER BY id'
const booksSql = (pg: boolean, n: number): string => `SELECT id, author_id, title, pages FROM orm_books WHERE author_id IN (${Array.from({ length: n }, (_, i) => (pg ? `$${i + 1}` : '?')).join(', ')})`

/** Groups books under their authors (the by-hand half of selectin). */
const attach = (as: ReadonlyArray<{ id: number; name: string; born: number }>, bs: ReadonlyArray<RawBook>): RawAuthor[] => {
  const byId = new Map<number, RawAuthor>()
  const out = as.map((a) => {
    const x: RawAuthor = { id: a.id, name: a.name, born: a.born, books: [] }
    byId.set(a.id, x)
    return x
  })
  for (const b of bs) byId.get(b.author_id)?.books.push(b)
  return out
}

const countGraph = (as: ReadonlyArray<{ readonly books: ReadonlyArray<unknown> | { readonly length: number } }>): number => as.reduce((n, a) => n + 1 + a.books.length, 0)

/** The raw driver doing selectin's two queries by hand (also used by bench/orm-profile.ts). */
export const rawGraph = (p: Peers): MacroCandidate => {
  const raw = p.raw
  switch (raw._tag) {
    case 'sqlite': {
      const sa = raw.db.prepare(AUTHORS_SQL)
      const sb = raw.db.prepare(booksSql(false, AUTHORS))
      return {
        name: 'raw driver (2 queries by hand)',
        run: async () => {
          const as = sa.all() as Array<{ id: number; name: string; born: number }>
          const bs = sb.all(...as.map((a) => a.id)) as RawBook[]
          return countGraph(attach(as, bs))
        },
      }
    }
    case 'postgres':
      return {
        name: 'raw driver (2 queries by hand)',
        run: async () => {
          const as = (await raw.client.query<{ id: number; name: string; born: number }>(AUTHORS_SQL)).rows
          const bs = (await raw.client.query<RawBook>(booksSql(true, as.length), as.map((a) => a.id))).rows
          return countGraph(attach(as, bs))
        },
      }
    case 'mysql':
      return {
        name: 'raw driver (2 queries by hand)',
        run: async () => {
          const [as] = await raw.conn.query<Array<import('mysql2').RowDataPacket & { id: number; name: string; born: number }>>(AUTHORS_SQL)
          const [bs] = await raw.conn.query<Array<import('mysql2').RowDataPacket & RawBook>>(booksSql(false, as.length), as.map((a) => a.id))
          return countGraph(attach(as, bs))
        },
      }
  }
}

/** Kysely's jsonArrayFrom graph load (also used by bench/orm-profile.ts). */
export const kyselyGraph = (p: Peers): MacroCandidate => {
  const db = p.kysely as unknown as Kysely<KyselyOrmDb>
  const name = p.db.name
  const parsed = name === 'postgres' ? db : db.withPlugin(new ParseJSONResultsPlugin())
  const jsonArrayFrom = name === 'postgres' ? kyJsonPg : name === 'mysql' ? kyJsonMy : kyJsonSl
  if (name === 'mysql')
    // MariaDB: the helper's CAST(… AS JSON) is MySQL-only, so the same correlated JSON_ARRAYAGG subquery is written with sql``.
    return {
      name: 'Kysely jsonArrayFrom',
      run: async () => {
        const rows = await parsed
          .selectFrom('orm_authors')
          .select([
            'orm_authors.id',
            'orm_authors.name',
            'orm_authors.born',
            sql<RawBook[]>`(select coalesce(json_arrayagg(json_object('id', b.id, 'author_id', b.author_id, 'title', b.title, 'pages', b.pages)), '[]') from orm_books b where b.author_id = orm_authors.id)`.as('books'),
          ])
          .orderBy('orm_authors.id')
          .execute()
        return countGraph(rows)
      },
    }
  return {
    name: 'Kysely jsonArrayFrom',
    run: async () => {
      const rows = await parsed
        .selectFrom('orm_authors')
        .select((eb) => [
          'orm_authors.id',
          'orm_authors.name',
          'orm_authors.born',
          jsonArrayFrom(eb.selectFrom('orm_books').select(['orm_books.id', 'orm_books.author_id', 'orm_books.title', 'orm_books.pages']).whereRef('orm_books.author_id', '=', 'orm_authors.id')).as('books'),
        ])
        .orderBy('orm_authors.id')
        .execute()
      return countGraph(rows)
    },
  }
}

const drizzleGraph = (orm: OrmPeers): MacroCandidate => {
  const d = orm.drizzle
  return {
    name: 'Drizzle db.query…findMany({ with })',
    run: async () => {
      switch (d._tag) {
        case 'sqlite':
          return countGraph(await d.d.query.authors.findMany({ with: { books: true }, orderBy: (a, { asc: up }) => [up(a.id)] }))
        case 'postgres':
          return countGraph(await d.d.query.authors.findMany({ with: { books: true }, orderBy: (a, { asc: up }) => [up(a.id)] }))
        case 'mysql':
          return countGraph(await d.d.query.authors.findMany({ with: { books: true }, orderBy: (a, { asc: up }) => [up(a.id)] }))
      }
    },
  }
}

/** Workload `orm-graph` on one database; the first result is the raw reference. */
export const runOrmGraph = async (ctx: OrmContext): Promise<ReadonlyArray<MacroResult>> => {
  const { p, orm, engine } = ctx
  await emptyGraph(p)
  // Seeded by athanor (checked by the persist workload); fresh ids.
  const input = graphInput(AUTHORS, BOOKS_PER)
  ok(
    'seed',
    await S.runSession(
      engine,
      S.addAll(input.map((a) => ok('make', Author.make({ name: a.name, born: a.born, books: a.books.map((b) => ok('make', Book.make({ title: b.title, pages: b.pages, authorId: 0 }))) })))),
    )(),
  )
  const linked = await scalar(p, linkedBooksSql)
  if (linked !== AUTHORS * BOOKS_PER) throw new Error(`orm-graph seed: ${linked} linked books`)
  await analyze(p)
  const byId = orderBy(asc(authors.c.id))
  const athanor = (name: string, strategy: typeof selectin): MacroCandidate => ({
    name,
    run: async () => countGraph(ok(name, await S.runSession(engine, S.all(Author, byId, load(strategy(Author.books))))())),
  })
  const results = await macro(
    [
      rawGraph(p),
      athanor('athanor selectin', selectin),
      athanor('athanor joined', joined),
      athanor('athanor json', json),
      {
        name: 'MikroORM populate (joined, v6 default)',
        run: async () => countGraph((await orm.mikro().find<MAuthor, 'books'>('MAuthor', {}, { populate: ['books'], orderBy: { id: 'asc' }, strategy: 'joined' })).map((a) => ({ books: a.books.getItems() }))),
      },
      {
        name: 'MikroORM populate (select-in)',
        run: async () => countGraph((await orm.mikro().find<MAuthor, 'books'>('MAuthor', {}, { populate: ['books'], orderBy: { id: 'asc' }, strategy: 'select-in' })).map((a) => ({ books: a.books.getItems() }))),
      },
      {
        name: 'TypeORM find relations (join)',
        run: async () => countGraph((await orm.typeorm.getRepository(orm.typeormEntities.author).find({ relations: { books: true }, order: { id: 'ASC' } })).map((a) => ({ books: a.books ?? [] }))),
      },
      drizzleGraph(orm),
      kyselyGraph(p),
    ],
    { ...ormMacro, expect: GRAPH_ROWS },
  )
  return results
}
