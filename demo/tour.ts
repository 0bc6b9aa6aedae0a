/**
 * A short tour of athanor on an embedded SQLite file (`npm run demo`).
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { rmSync } from 'node:fs'
import {
  asc,
  avg,
  boolean,
  compile,
  count,
  createAll,
  createEngine,
  desc,
  describe,
  entity,
  eq,
  from,
  fullJoin,
  groupBy,
  gt,
  hasMany,
  having,
  insertInto,
  integer,
  join,
  planFlush,
  like,
  limit,
  mysql,
  orderBy,
  over,
  postgres,
  rank,
  select,
  sqlite,
  S,
  table,
  timestamp,
  varchar,
  where,
  type AnyEntity,
  type DbError,
} from '../src/index.js'

const file = './athanor-demo.db'
rmSync(file, { force: true })

const title = (s: string) => console.log(`\n\x1b[1m== ${s}\x1b[0m`)
const show = (label: string, v: unknown) => console.log(`${label}:`, v)

// 1. Schema values
const users = table('users', {
  id: integer().primaryKey(),
  name: varchar(100).notNull(),
  active: boolean().notNull().default(true),
  createdAt: timestamp().named('created_at').defaultNow(),
})
const posts = table('posts', {
  id: integer().primaryKey(),
  userId: integer()
    .named('user_id')
    .notNull()
    .references(() => users.c.id, { onDelete: 'CASCADE' }),
  title: varchar(200).notNull(),
  score: integer().notNull().default(0),
})

const main = async () => {
  const engine = pipe(
    createEngine(`sqlite:${file}`),
    E.getOrElseW((e) => {
      throw new Error(describe(e))
    }),
  )
  const ok = <A>(t: TE.TaskEither<DbError, A>): Promise<A> =>
    t().then(
      E.getOrElseW((e) => {
        throw new Error(describe(e))
      }),
    )

  title('createAll: DDL in dependency order')
  const ddl = E.getOrElseW(() => [])(createAll(sqlite)([posts, users]))
  for (const s of ddl) console.log(s.sql)
  await ok(engine.runAll(ddl))

  title('insert: one statement, many rows, every value bound')
  const ins = insertInto(users, [{ name: 'Ada' }, { name: 'Alan' }, { name: "O'Brien", active: false }])
  show('sqlite', pipe(compile(sqlite)(ins), E.map((c) => c.sql)))
  await ok(engine.run(ins))
  await ok(
    engine.run(
      insertInto(posts, [
        { userId: 1, title: 'Notes on the analytical engine', score: 10 },
        { userId: 1, title: 'Bernoulli numbers', score: 7 },
        { userId: 2, title: 'On computable numbers', score: 9 },
        { userId: 2, title: 'Morphogenesis', score: 4 },
        { userId: 2, title: 'The imitation game', score: 8 },
      ]),
    ),
  )

  title('a join with group by / having, the row type inferred from the selection')
  const q = pipe(
    select({ id: users.c.id, name: users.c.name, posts: count(posts.c.id), avgScore: avg(posts.c.score) }),
    from(users),
    join(posts, eq(posts.c.userId, users.c.id)),
    where(like(users.c.name, 'A%')),
    groupBy(users.c.id, users.c.name),
    having(gt(count(posts.c.id), 1)),
    orderBy(desc(users.c.name)),
    limit(10),
  )
  for (const [name, d] of [['sqlite', sqlite], ['postgres', postgres], ['mysql', mysql]] as const)
    show(name, pipe(compile(d)(q), E.map((c) => `${c.sql}   params ${JSON.stringify(c.params, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`), E.toUnion))
  console.table(await ok(engine.execute(q)))

  title('window functions')
  console.table(
    await ok(
      engine.execute(
        pipe(
          select({ title: posts.c.title, score: posts.c.score, rank: over(rank(), { partitionBy: [posts.c.userId], orderBy: [desc(posts.c.score)] }) }),
          from(posts),
          orderBy(asc(posts.c.userId), desc(posts.c.score)),
        ),
      ),
    ),
  )

  title('what a dialect cannot express is a typed Left, never wrong SQL')
  show('FULL JOIN on mysql', compile(mysql)(pipe(select({ n: users.c.name }), from(users), fullJoin(posts, eq(posts.c.userId, users.c.id)))))

  title('transactions roll back on Left')
  const failed = await engine.transaction((conn) =>
    pipe(
      conn.run(insertInto(users, { name: 'Ghost' })),
      TE.chain(() => conn.run(insertInto(posts, { userId: 999, title: 'dangling' }))),
    ),
  )()
  show('result', pipe(failed, E.mapLeft(describe)))
  show('ghost rows', await ok(engine.execute(pipe(select({ n: count() }), from(users), where(eq(users.c.name, 'Ghost'))))))

  title('ORM: a Session is a state monad over a unit of work')
  const User = entity(users, { relations: { posts: hasMany((): AnyEntity => Post) } })
  const Post = entity(posts)
  const grace = pipe(
    User.make({ name: 'Grace', posts: [Post.make({ userId: 0, title: 'COBOL' }), Post.make({ userId: 0, title: 'Nanoseconds' })].map(E.getOrElseW(() => { throw new Error('invalid') })) }),
    E.getOrElseW((e) => {
      throw new Error(describe(e))
    }),
  )
  const program = pipe(
    S.add(grace),
    S.chain(() => S.state),
    S.chain((uow) => {
      // The flush plan is a pure value: inspect it before anything runs.
      console.log('flush plan:', planFlush(uow).steps.map((st) => `${st._tag} ${st.table.name}${st._tag === 'Insert' ? ` × ${st.rows.length}` : ''}`))
      return S.one(User, where(eq(User.name, 'Grace')))
    }),
    S.chain((g) => S.update(g, { name: 'Grace Hopper' })),
    S.chain(() => S.all(Post, where(gt(Post.id, 5)), orderBy(asc(Post.id)))),
  )
  console.table(await ok(S.runSession(engine, program)))

  await engine.dispose()
  rmSync(file, { force: true })
  console.log('\nDone. Next: `npm test`, and see README.md.')
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
