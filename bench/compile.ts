/**
 * Workload 1: compiling three statement shapes to PostgreSQL SQL + parameters.
 *
 * (a) select 4 columns from users where active = ? and name like ? order by name limit ?
 * (b) users join posts group by users.id, users.name having count(posts.id) > ?
 * (c) a six-column single-row insert
 *
 * Candidates per shape: Kysely `.compile()` and Knex `.toSQL()` of prebuilt queries, Drizzle
 * `.toSQL()` (for reference), each also as build+compile; athanor `compileUncached` and
 * `compile` (shape cache) of prebuilt statements (each call on a fresh root node, so the
 * identity memo cannot answer), and build+compile. Every prebuilt variant
 * cycles through 64 statements that differ only in literal values, so a cache can only hit
 * by shape, never by the statement's identity. (The root is fresh, its clauses are the
 * prebuilt ones: athanor remembers the shape id and raw values of clause objects it has seen,
 * so a prebuilt call costs a lookup per clause, the shape lookup and encoding the
 * parameters; build+compile gets new clauses every call.) Ratios are to the fastest of
 * Kysely/Knex prebuilt.
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as E from 'fp-ts/lib/Either.js'
import knexFactory from 'knex'
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely'
import { boolean as dBoolean, integer as dInteger, pgTable, real as dReal, text as dText, timestamp as dTimestamp, varchar as dVarchar } from 'drizzle-orm/pg-core'
import { and as dAnd, count as dCount, eq as dEq, gt as dGt, like as dLike } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import {
  and,
  boolean,
  count,
  eq,
  from,
  groupBy,
  gt,
  having,
  insertInto,
  integer,
  join,
  like,
  limit,
  orderBy,
  real,
  select,
  table,
  textColumn,
  timestamp,
  varchar,
  where,
} from '../src/algebra/index.js'
import { compile, compileUncached } from '../src/compile/compile.js'
import type { StatementNode } from '../src/algebra/ast.js'
import type { Compiled } from '../src/compile/Compiled.js'
import type { CompileError } from '../src/compile/CompileError.js'
import { postgres } from '../src/dialects/postgres/dialect.js'
import { type MicroCandidate, type MicroResult, micro } from './harness.js'

/** One shape's results. */
export interface CompileShapeResult {
  readonly shape: string
  readonly results: ReadonlyArray<MicroResult>
  /** The reference: fastest of the Kysely/Knex prebuilt variants. */
  readonly reference: string
  readonly referenceNs: number
  /** One sample SQL per candidate family, to show they compile the same statement. */
  readonly samples: Readonly<Record<string, string>>
}

const VARIANTS = 64
const MASK = VARIANTS - 1
const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-'
const pattern = (k: number): string => `${letters[k % letters.length]}%`
const epoch = Date.UTC(2024, 0, 1)

// ---- Schemas -------------------------------------------------------------------------

const users = table('users', {
  id: integer().primaryKey(),
  name: varchar(100).notNull(),
  email: varchar(200).notNull(),
  active: boolean().notNull(),
  score: real().notNull(),
  createdAt: timestamp().notNull().named('created_at'),
})
const posts = table('posts', {
  id: integer().primaryKey(),
  userId: integer().notNull().named('user_id'),
  title: textColumn().notNull(),
})

interface KUsers {
  id: number
  name: string
  email: string
  active: boolean
  score: number
  created_at: Date
}
interface KPosts {
  id: number
  user_id: number
  title: string
}
interface KDb {
  users: KUsers
  posts: KPosts
}

const kysely = new Kysely<KDb>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})
const knex = knexFactory({ client: 'pg' })

const dUsers = pgTable('users', {
  id: dInteger('id').primaryKey(),
  name: dVarchar('name', { length: 100 }).notNull(),
  email: dVarchar('email', { length: 200 }).notNull(),
  active: dBoolean('active').notNull(),
  score: dReal('score').notNull(),
  createdAt: dTimestamp('created_at').notNull(),
})
const dPosts = pgTable('posts', {
  id: dInteger('id').primaryKey(),
  userId: dInteger('user_id').notNull(),
  title: dText('title').notNull(),
})
const drz = drizzle.mock()

// ---- Builders per shape (k varies the literal values) --------------------------------

type Builders = {
  readonly athanor: (k: number) => { readonly node: import('../src/algebra/ast.js').StatementNode }
  readonly kysely: (k: number) => { compile: () => { sql: string; parameters: ReadonlyArray<unknown> } }
  readonly knex: (k: number) => { toSQL: () => { sql: string; bindings: ReadonlyArray<unknown> } }
  readonly drizzle: (k: number) => { toSQL: () => { sql: string; params: ReadonlyArray<unknown> } }
}

const shapeA: Builders = {
  athanor: (k) =>
    pipe(
      select({ id: users.c.id, name: users.c.name, email: users.c.email, createdAt: users.c.createdAt }),
      from(users),
      where(and(eq(users.c.active, k % 2 === 0), like(users.c.name, pattern(k)))),
      orderBy(users.c.name),
      limit(10 + k),
    ),
  kysely: (k) =>
    kysely
      .selectFrom('users')
      .select(['id', 'name', 'email', 'created_at'])
      .where('active', '=', k % 2 === 0)
      .where('name', 'like', pattern(k))
      .orderBy('name')
      .limit(10 + k),
  knex: (k) =>
    knex('users')
      .select('id', 'name', 'email', 'created_at')
      .where('active', k % 2 === 0)
      .andWhere('name', 'like', pattern(k))
      .orderBy('name')
      .limit(10 + k),
  drizzle: (k) =>
    drz
      .select({ id: dUsers.id, name: dUsers.name, email: dUsers.email, createdAt: dUsers.createdAt })
      .from(dUsers)
      .where(dAnd(dEq(dUsers.active, k % 2 === 0), dLike(dUsers.name, pattern(k))))
      .orderBy(dUsers.name)
      .limit(10 + k),
}

const shapeB: Builders = {
  athanor: (k) =>
    pipe(
      select({ id: users.c.id, name: users.c.name, posts: count(posts.c.id) }),
      from(users),
      join(posts, eq(posts.c.userId, users.c.id)),
      groupBy(users.c.id, users.c.name),
      having(gt(count(posts.c.id), 3 + k)),
    ),
  kysely: (k) =>
    kysely
      .selectFrom('users')
      .innerJoin('posts', 'posts.user_id', 'users.id')
      .select(['users.id', 'users.name', (eb) => eb.fn.count('posts.id').as('posts')])
      .groupBy(['users.id', 'users.name'])
      .having((eb) => eb.fn.count('posts.id'), '>', 3 + k),
  knex: (k) =>
    knex('users')
      .join('posts', 'posts.user_id', 'users.id')
      .select('users.id', 'users.name')
      .count({ posts: 'posts.id' })
      .groupBy('users.id', 'users.name')
      .having(knex.raw('count(??)', ['posts.id']), '>', 3 + k),
  drizzle: (k) =>
    drz
      .select({ id: dUsers.id, name: dUsers.name, posts: dCount(dPosts.id) })
      .from(dUsers)
      .innerJoin(dPosts, dEq(dPosts.userId, dUsers.id))
      .groupBy(dUsers.id, dUsers.name)
      .having(dGt(dCount(dPosts.id), 3 + k)),
}

const row = (k: number) => ({
  id: k + 1,
  name: `user ${k}`,
  email: `user${k}@example.com`,
  active: k % 2 === 0,
  score: k * 0.5,
  createdAt: new Date(epoch + k * 60_000),
})

const shapeC: Builders = {
  athanor: (k) => insertInto(users, row(k)),
  kysely: (k) => {
    const r = row(k)
    return kysely.insertInto('users').values({ id: r.id, name: r.name, email: r.email, active: r.active, score: r.score, created_at: r.createdAt })
  },
  knex: (k) => {
    const r = row(k)
    return knex('users').insert({ id: r.id, name: r.name, email: r.email, active: r.active, score: r.score, created_at: r.createdAt })
  },
  drizzle: (k) => drz.insert(dUsers).values(row(k)),
}

// ---- Candidates ----------------------------------------------------------------------

const compiledSize = (r: E.Either<CompileError, Compiled>): number => {
  if (E.isLeft(r)) throw new Error(`athanor failed to compile: ${JSON.stringify(r.left)}`)
  return r.right.sql.length + r.right.params.length
}

/**
 * A new root node over the same tree. `compile` also memoises results by node identity; a
 * fresh root per call makes every call a shape-cache lookup, as for statements users build
 * per request. Applied to both athanor variants, so both pay the (tens of ns) copy.
 */
const fresh = (s: { readonly node: StatementNode }): { readonly node: StatementNode } => ({ node: { ...s.node } })

const prebuilt = <A>(f: (k: number) => A): ReadonlyArray<A> => Array.from({ length: VARIANTS }, (_, k) => f(k))

const candidatesFor = (b: Builders): ReadonlyArray<MicroCandidate> => {
  const ky = prebuilt(b.kysely)
  const kn = prebuilt(b.knex)
  const dz = prebuilt(b.drizzle)
  const at = prebuilt(b.athanor)
  const uncached = compileUncached(postgres)
  const cached = compile(postgres)
  return [
    { name: 'Kysely .compile()', fn: (i) => { const c = ky[i & MASK]!.compile(); return c.sql.length + c.parameters.length } },
    { name: 'Knex .toSQL()', fn: (i) => { const c = kn[i & MASK]!.toSQL(); return c.sql.length + c.bindings.length } },
    { name: 'Drizzle .toSQL()', fn: (i) => { const c = dz[i & MASK]!.toSQL(); return c.sql.length + c.params.length } },
    { name: 'athanor compileUncached', fn: (i) => compiledSize(uncached(fresh(at[i & MASK]!))) },
    { name: 'athanor compile (cached)', fn: (i) => compiledSize(cached(fresh(at[i & MASK]!))) },
    { name: 'Kysely build+compile', fn: (i) => { const c = b.kysely(i & MASK).compile(); return c.sql.length + c.parameters.length } },
    { name: 'Knex build+toSQL', fn: (i) => { const c = b.knex(i & MASK).toSQL(); return c.sql.length + c.bindings.length } },
    { name: 'Drizzle build+toSQL', fn: (i) => { const c = b.drizzle(i & MASK).toSQL(); return c.sql.length + c.params.length } },
    { name: 'athanor build+compileUncached', fn: (i) => compiledSize(uncached(b.athanor(i & MASK))) },
    { name: 'athanor build+compile (cached)', fn: (i) => compiledSize(cached(b.athanor(i & MASK))) },
  ]
}

const samplesFor = (b: Builders): Readonly<Record<string, string>> => {
  const a = compileUncached(postgres)(b.athanor(1))
  return {
    athanor: E.isRight(a) ? `${a.right.sql}  -- ${JSON.stringify(a.right.params)}` : `ERROR ${JSON.stringify(a.left)}`,
    Kysely: b.kysely(1).compile().sql,
    Knex: b.knex(1).toSQL().sql,
    Drizzle: b.drizzle(1).toSQL().sql,
  }
}

/** The three shapes, in report order. */
export const shapes: ReadonlyArray<readonly [string, Builders]> = [
  ['(a) filtered, ordered, limited select', shapeA],
  ['(b) join + group by + having', shapeB],
  ['(c) six-column insert', shapeC],
]

/** Runs the compile workload. */
export const runCompile = (): ReadonlyArray<CompileShapeResult> =>
  shapes.map(([shape, b]) => {
    const results = micro(candidatesFor(b))
    const peers = results.filter((r) => r.name === 'Kysely .compile()' || r.name === 'Knex .toSQL()')
    const ref = peers.reduce((a, r) => (r.nsPerOp < a.nsPerOp ? r : a))
    return { shape, results, reference: ref.name, referenceNs: ref.nsPerOp, samples: samplesFor(b) }
  })

/** Releases the Knex instance (it holds no connection, but may hold timers). */
export const closeCompile = async (): Promise<void> => {
  await knex.destroy()
  await kysely.destroy()
}
