import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { compile, compileUncached, type Compilable } from './compile.js'
import type { CompileError } from './CompileError.js'
import { mysql } from '../dialects/mysql/dialect.js'
import { postgres } from '../dialects/postgres/dialect.js'
import { sqlite } from '../dialects/sqlite/dialect.js'

const DIALECTS = { sqlite, postgres, mysql } as const
type Want = string | { readonly sql: string; readonly params: ReadonlyArray<unknown> } | CompileError

/** Checks each dialect's SQL (and params when given); the cached path must agree with the uncached one. */
const expectSql = (q: Compilable, want: { readonly sqlite: Want; readonly postgres: Want; readonly mysql: Want }): void => {
  for (const name of ['sqlite', 'postgres', 'mysql'] as const) {
    const d = DIALECTS[name]
    const got = compileUncached(d)(q)
    expect(compile(d)(q), `${name} cached (miss)`).toEqual(got)
    expect(compile(d)(q), `${name} cached (hit)`).toEqual(got)
    const w = want[name]
    if (typeof w === 'string') expect(E.isRight(got) ? got.right.sql : got.left, name).toBe(w)
    else if ('_tag' in w) expect(got, name).toEqual(E.left(w))
    else expect(E.isRight(got) ? { sql: got.right.sql, params: got.right.params } : got.left, name).toEqual(w)
  }
}
const same = (w: Want) => ({ sqlite: w, postgres: w, mysql: w })
const unsupportedOn = (feature: string, dialect: string): CompileError => ({ _tag: 'UnsupportedFeature', feature, dialect })
const invalidMsg = (q: Compilable): string => {
  const r = compileUncached(sqlite)(q)
  return E.isLeft(r) && r.left._tag === 'InvalidStatement' ? r.left.message : 'no InvalidStatement'
}
import { pipe } from 'fp-ts/function'
import { add, alias, deleteFrom, eq, excluded, from, gt, insertFromQuery, insertInto, returning, select, update, updateFrom, using, where, withCte, cte } from '../algebra/index.js'
import { text as rawText, sql } from '../algebra/text.js'
import { boolean, integer, varchar, timestamp } from '../algebra/Column.js'
import { table } from '../algebra/Table.js'
import type { InsertNode } from '../algebra/ast.js'

const users = table('users', {
  id: integer().primaryKey(), name: varchar(100).notNull(), email: varchar(255).unique(), active: boolean().notNull().default(true),
  visits: integer().notNull().default(0), createdAt: timestamp().named('created_at').defaultNow(),
})
const posts = table('posts', { id: integer().primaryKey(), userId: integer().named('user_id').notNull(), title: varchar(200).notNull() })

describe('INSERT', () => {
  it('shape (c): one row, six columns', () =>
    expectSql(insertInto(users, { id: 1, name: 'Ada', email: 'a@x.io', active: true, visits: 3, createdAt: new Date(Date.UTC(2024, 0, 1)) }), {
      sqlite: { sql: 'INSERT INTO "users" ("id", "name", "email", "active", "visits", "created_at") VALUES (?, ?, ?, ?, ?, ?)', params: [1, 'Ada', 'a@x.io', 1, 3, '2024-01-01 00:00:00.000'] },
      postgres: { sql: 'INSERT INTO "users" ("id", "name", "email", "active", "visits", "created_at") VALUES ($1, $2, $3, $4, $5, $6)', params: [1, 'Ada', 'a@x.io', true, 3, '2024-01-01T00:00:00.000Z'] },
      mysql: { sql: 'INSERT INTO `users` (`id`, `name`, `email`, `active`, `visits`, `created_at`) VALUES (?, ?, ?, ?, ?, ?)', params: [1, 'Ada', 'a@x.io', 1, 3, '2024-01-01 00:00:00.000'] },
    }))
  it('multi-row with left-out columns: DEFAULT, or the declared default on SQLite', () =>
    expectSql(insertInto(users, [{ name: 'A', visits: 2 }, { name: 'B', active: false }]), {
      sqlite: { sql: 'INSERT INTO "users" ("name", "active", "visits") VALUES (?, ?, ?), (?, ?, ?)', params: ['A', 1, 2, 'B', 0, 0] },
      postgres: { sql: 'INSERT INTO "users" ("name", "active", "visits") VALUES ($1, DEFAULT, $2), ($3, $4, DEFAULT)', params: ['A', 2, 'B', false] },
      mysql: { sql: 'INSERT INTO `users` (`name`, `active`, `visits`) VALUES (?, DEFAULT, ?), (?, ?, DEFAULT)', params: ['A', 2, 'B', 0] },
    }))
  it('Default nodes for generated keys and now()', () => {
    const node: InsertNode = {
      _tag: 'Insert', table: users.ref, columns: ['id', 'created_at', 'name'],
      source: { _tag: 'Values', rows: [[{ _tag: 'Default', column: 'id', autoIncrement: true }, { _tag: 'Default', column: 'created_at', autoIncrement: false, default: { _tag: 'Now' } }, { _tag: 'Default', column: 'name', autoIncrement: false }]] },
      returning: [],
    }
    expectSql(node, {
      sqlite: `INSERT INTO "users" ("id", "created_at", "name") VALUES (NULL, (strftime('%Y-%m-%d %H:%M:%f', 'now')), NULL)`,
      postgres: 'INSERT INTO "users" ("id", "created_at", "name") VALUES (DEFAULT, DEFAULT, DEFAULT)',
      mysql: 'INSERT INTO `users` (`id`, `created_at`, `name`) VALUES (DEFAULT, DEFAULT, DEFAULT)',
    })
  })
  it('default values', () =>
    expectSql(insertInto(users, {} as never), {
      sqlite: 'INSERT INTO "users" DEFAULT VALUES',
      postgres: 'INSERT INTO "users" DEFAULT VALUES',
      mysql: 'INSERT INTO `users` () VALUES ()',
    }))
  it('from a query', () =>
    expectSql(insertFromQuery(posts, [posts.c.userId, posts.c.title], pipe(select({ a: users.c.id, b: users.c.name }), from(users), where(gt(users.c.id, 5)))), {
      sqlite: { sql: 'INSERT INTO "posts" ("user_id", "title") SELECT "users"."id" AS "a", "users"."name" AS "b" FROM "users" WHERE "users"."id" > ?', params: [5] },
      postgres: 'INSERT INTO "posts" ("user_id", "title") SELECT "users"."id" AS "a", "users"."name" AS "b" FROM "users" WHERE "users"."id" > $1',
      mysql: 'INSERT INTO `posts` (`user_id`, `title`) SELECT `users`.`id` AS `a`, `users`.`name` AS `b` FROM `users` WHERE `users`.`id` > ?',
    }))
  it('WITH on INSERT: first, or after the columns on MySQL', () => {
    const recent = cte('recent', pipe(select({ uid: posts.c.userId, t: posts.c.title }), from(posts), where(gt(posts.c.id, 100))))
    expectSql(pipe(insertFromQuery(posts, [posts.c.userId, posts.c.title], pipe(select({ a: recent.c.uid, b: recent.c.t }), from(recent))), withCte(recent)), {
      sqlite: { sql: 'WITH "recent" ("uid", "t") AS (SELECT "posts"."user_id" AS "uid", "posts"."title" AS "t" FROM "posts" WHERE "posts"."id" > ?) INSERT INTO "posts" ("user_id", "title") SELECT "recent"."uid" AS "a", "recent"."t" AS "b" FROM "recent"', params: [100] },
      postgres: 'WITH "recent" ("uid", "t") AS (SELECT "posts"."user_id" AS "uid", "posts"."title" AS "t" FROM "posts" WHERE "posts"."id" > $1) INSERT INTO "posts" ("user_id", "title") SELECT "recent"."uid" AS "a", "recent"."t" AS "b" FROM "recent"',
      mysql: 'INSERT INTO `posts` (`user_id`, `title`) WITH `recent` (`uid`, `t`) AS (SELECT `posts`.`user_id` AS `uid`, `posts`.`title` AS `t` FROM `posts` WHERE `posts`.`id` > ?) SELECT `recent`.`uid` AS `a`, `recent`.`t` AS `b` FROM `recent`',
    })
    expectSql(pipe(insertInto(posts, { userId: 1, title: 'x' }), withCte(recent)), {
      sqlite: 'WITH "recent" ("uid", "t") AS (SELECT "posts"."user_id" AS "uid", "posts"."title" AS "t" FROM "posts" WHERE "posts"."id" > ?) INSERT INTO "posts" ("user_id", "title") VALUES (?, ?)',
      postgres: 'WITH "recent" ("uid", "t") AS (SELECT "posts"."user_id" AS "uid", "posts"."title" AS "t" FROM "posts" WHERE "posts"."id" > $1) INSERT INTO "posts" ("user_id", "title") VALUES ($2, $3)',
      mysql: unsupportedOn('WITH on INSERT … VALUES', 'mysql'),
    })
  })
  it('RETURNING', () => {
    const q = pipe(insertInto(users, { name: 'A' }), returning({ id: users.c.id }))
    expectSql(q, {
      sqlite: 'INSERT INTO "users" ("name") VALUES (?) RETURNING "users"."id" AS "id"',
      postgres: 'INSERT INTO "users" ("name") VALUES ($1) RETURNING "users"."id" AS "id"',
      mysql: unsupportedOn('RETURNING', 'mysql'),
    })
    const r = compileUncached(postgres)(q)
    expect(E.isRight(r) && [r.right.kind, r.right.columns]).toEqual(['insert', [{ name: 'id', type: { _tag: 'Integer' } }]])
  })
  it('upsert: ON CONFLICT DO UPDATE / ON DUPLICATE KEY UPDATE', () =>
    expectSql(insertInto(users, { name: 'A', email: 'a@x' }, { onConflict: { target: [users.c.email], set: { name: excluded(users.c.name), visits: add(users.c.visits, 1) } } }), {
      sqlite: { sql: 'INSERT INTO "users" ("name", "email") VALUES (?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name", "visits" = "users"."visits" + ?', params: ['A', 'a@x', 1] },
      postgres: { sql: 'INSERT INTO "users" ("name", "email") VALUES ($1, $2) ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name", "visits" = "users"."visits" + $3', params: ['A', 'a@x', 1] },
      mysql: { sql: 'INSERT INTO `users` (`name`, `email`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `users`.`name` = VALUES(`name`), `users`.`visits` = `users`.`visits` + ?', params: ['A', 'a@x', 1] },
    }))
  it('upsert: DO NOTHING (no-op assignment on MySQL)', () =>
    expectSql(insertInto(users, { name: 'A', email: 'a@x' }, { onConflict: { target: [users.c.email], doNothing: true } }), {
      sqlite: 'INSERT INTO "users" ("name", "email") VALUES (?, ?) ON CONFLICT ("email") DO NOTHING',
      postgres: 'INSERT INTO "users" ("name", "email") VALUES ($1, $2) ON CONFLICT ("email") DO NOTHING',
      mysql: 'INSERT INTO `users` (`name`, `email`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `users`.`email` = `users`.`email`',
    }))
  it('upsert: WHERE, missing target, from a query', () => {
    expectSql(insertInto(users, { name: 'A', email: 'a@x' }, { onConflict: { target: [users.c.email], set: { name: 'B' }, where: gt(users.c.visits, 0) } }), {
      sqlite: 'INSERT INTO "users" ("name", "email") VALUES (?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = ? WHERE "users"."visits" > ?',
      postgres: 'INSERT INTO "users" ("name", "email") VALUES ($1, $2) ON CONFLICT ("email") DO UPDATE SET "name" = $3 WHERE "users"."visits" > $4',
      mysql: unsupportedOn('upsert with a WHERE condition', 'mysql'),
    })
    expectSql(insertInto(users, { name: 'A' }, { onConflict: { set: { name: 'B' } } } as never), {
      sqlite: { _tag: 'InvalidStatement', message: 'ON CONFLICT DO UPDATE needs a conflict target' },
      postgres: { _tag: 'InvalidStatement', message: 'ON CONFLICT DO UPDATE needs a conflict target' },
      mysql: 'INSERT INTO `users` (`name`) VALUES (?) ON DUPLICATE KEY UPDATE `users`.`name` = ?',
    })
    const fromQ: InsertNode = { ...insertFromQuery(posts, [posts.c.userId, posts.c.title], pipe(select({ a: users.c.id, b: users.c.name }), from(users))).node, onConflict: { _tag: 'DoNothing', target: [] } }
    expectSql(fromQ, {
      sqlite: 'INSERT INTO "posts" ("user_id", "title") SELECT * FROM (SELECT "users"."id" AS "a", "users"."name" AS "b" FROM "users") AS "_src" WHERE 1 = 1 ON CONFLICT DO NOTHING',
      postgres: 'INSERT INTO "posts" ("user_id", "title") SELECT * FROM (SELECT "users"."id" AS "a", "users"."name" AS "b" FROM "users") AS "_src" WHERE 1 = 1 ON CONFLICT DO NOTHING',
      mysql: 'INSERT INTO `posts` (`user_id`, `title`) SELECT * FROM (SELECT `users`.`id` AS `a`, `users`.`name` AS `b` FROM `users`) AS `_src` WHERE 1 = 1 ON DUPLICATE KEY UPDATE `posts`.`user_id` = `posts`.`user_id`',
    })
  })
  it('malformed inserts are invalid', () => {
    const base: InsertNode = { _tag: 'Insert', table: users.ref, columns: ['name'], source: { _tag: 'Values', rows: [] }, returning: [] }
    expect(invalidMsg(base)).toMatch(/at least one row/)
    expect(invalidMsg({ ...base, source: { _tag: 'Values', rows: [[{ _tag: 'Null' }, { _tag: 'Null' }]] } })).toBe('INSERT row 1 has 2 values for 1 columns')
    expect(invalidMsg({ ...base, source: { _tag: 'DefaultValues' } })).toMatch(/takes no columns/)
  })
})

describe('UPDATE', () => {
  it('set and where', () =>
    expectSql(pipe(update(users, { name: 'Bob', visits: add(users.c.visits, 1) }), where(eq(users.c.id, 7))), {
      sqlite: { sql: 'UPDATE "users" SET "name" = ?, "visits" = "users"."visits" + ? WHERE "users"."id" = ?', params: ['Bob', 1, 7] },
      postgres: { sql: 'UPDATE "users" SET "name" = $1, "visits" = "users"."visits" + $2 WHERE "users"."id" = $3', params: ['Bob', 1, 7] },
      mysql: { sql: 'UPDATE `users` SET `name` = ?, `visits` = `users`.`visits` + ? WHERE `users`.`id` = ?', params: ['Bob', 1, 7] },
    }))
  it('UPDATE … FROM, or MySQL multi-table UPDATE (FROM first, parameters in text order)', () => {
    const recent = cte('recent', pipe(select({ uid: posts.c.userId }), from(posts), where(gt(posts.c.id, 100))))
    const q = pipe(update(users, { visits: add(users.c.visits, 5) }), updateFrom(posts), where(eq(posts.c.userId, users.c.id)))
    expectSql(q, {
      sqlite: 'UPDATE "users" SET "visits" = "users"."visits" + ? FROM "posts" WHERE "posts"."user_id" = "users"."id"',
      postgres: 'UPDATE "users" SET "visits" = "users"."visits" + $1 FROM "posts" WHERE "posts"."user_id" = "users"."id"',
      mysql: 'UPDATE `users`, `posts` SET `users`.`visits` = `users`.`visits` + ? WHERE `posts`.`user_id` = `users`.`id`',
    })
    const sub = { ref: { _tag: 'SubqueryRef' as const, query: pipe(select({ uid: posts.c.userId }), from(posts), where(gt(posts.c.id, 9))).node, alias: 'p', lateral: false } }
    expectSql(pipe(update(users, { visits: 1 }), updateFrom(sub), where(eq(users.c.id, 3))), {
      sqlite: { sql: 'UPDATE "users" SET "visits" = ? FROM (SELECT "posts"."user_id" AS "uid" FROM "posts" WHERE "posts"."id" > ?) AS "p" WHERE "users"."id" = ?', params: [1, 9, 3] },
      postgres: { sql: 'UPDATE "users" SET "visits" = $1 FROM (SELECT "posts"."user_id" AS "uid" FROM "posts" WHERE "posts"."id" > $2) AS "p" WHERE "users"."id" = $3', params: [1, 9, 3] },
      mysql: { sql: 'UPDATE `users`, (SELECT `posts`.`user_id` AS `uid` FROM `posts` WHERE `posts`.`id` > ?) AS `p` SET `users`.`visits` = ? WHERE `users`.`id` = ?', params: [9, 1, 3] },
    })
    expectSql(pipe(update(users, { visits: 1 }), withCte(recent)), {
      sqlite: 'WITH "recent" ("uid") AS (SELECT "posts"."user_id" AS "uid" FROM "posts" WHERE "posts"."id" > ?) UPDATE "users" SET "visits" = ?',
      postgres: 'WITH "recent" ("uid") AS (SELECT "posts"."user_id" AS "uid" FROM "posts" WHERE "posts"."id" > $1) UPDATE "users" SET "visits" = $2',
      mysql: 'WITH `recent` (`uid`) AS (SELECT `posts`.`user_id` AS `uid` FROM `posts` WHERE `posts`.`id` > ?) UPDATE `users` SET `visits` = ?',
    })
    const none = { ...sqlite, capabilities: { ...sqlite.capabilities, updateFrom: false } }
    expect(compileUncached(none)(q)).toEqual(E.left(unsupportedOn('UPDATE … FROM', 'sqlite')))
  })
  it('RETURNING and an empty SET', () => {
    expectSql(pipe(update(users, { visits: 0 }), returning({ id: users.c.id })), {
      sqlite: 'UPDATE "users" SET "visits" = ? RETURNING "users"."id" AS "id"',
      postgres: 'UPDATE "users" SET "visits" = $1 RETURNING "users"."id" AS "id"',
      mysql: unsupportedOn('RETURNING', 'mysql'),
    })
    expect(invalidMsg({ _tag: 'Update', table: users.ref, set: [], from: [], returning: [] })).toMatch(/at least one assignment/)
  })
})

describe('DELETE', () => {
  it('plain, aliased', () => {
    expectSql(pipe(deleteFrom(users), where(eq(users.c.id, 1))), {
      sqlite: 'DELETE FROM "users" WHERE "users"."id" = ?',
      postgres: 'DELETE FROM "users" WHERE "users"."id" = $1',
      mysql: 'DELETE FROM `users` WHERE `users`.`id` = ?',
    })
    const u = alias(users, 'u')
    expectSql(pipe(deleteFrom(u), where(eq(u.c.id, 1))), {
      sqlite: 'DELETE FROM "users" AS "u" WHERE "u"."id" = ?',
      postgres: 'DELETE FROM "users" AS "u" WHERE "u"."id" = $1',
      mysql: 'DELETE `u` FROM `users` AS `u` WHERE `u`.`id` = ?',
    })
  })
  it('DELETE … USING / multi-table DELETE', () =>
    expectSql(pipe(deleteFrom(posts), using(users), where(eq(posts.c.userId, users.c.id))), {
      sqlite: unsupportedOn('DELETE … USING', 'sqlite'),
      postgres: 'DELETE FROM "posts" USING "users" WHERE "posts"."user_id" = "users"."id"',
      mysql: 'DELETE `posts` FROM `posts`, `users` WHERE `posts`.`user_id` = `users`.`id`',
    }))
  it('RETURNING', () => {
    expectSql(pipe(deleteFrom(users), returning({ id: users.c.id })), {
      sqlite: 'DELETE FROM "users" RETURNING "users"."id" AS "id"',
      postgres: 'DELETE FROM "users" RETURNING "users"."id" AS "id"',
      mysql: unsupportedOn('RETURNING', 'mysql'),
    })
  })
})

describe('text()', () => {
  it('named binds become placeholders; :: and \\: are not binds; a name twice binds twice', () =>
    expectSql(rawText("SELECT :a::int AS x, '12:30' AS t, \\:lit, :b, :a", { a: 1, b: 'x' }), {
      sqlite: { sql: "SELECT ?::int AS x, '12:30' AS t, :lit, ?, ?", params: [1, 'x', 1] },
      postgres: { sql: "SELECT $1::int AS x, '12:30' AS t, :lit, $2, $3", params: [1, 'x', 1] },
      mysql: { sql: "SELECT ?::int AS x, '12:30' AS t, :lit, ?, ?", params: [1, 'x', 1] },
    }))
  it('a missing bind is invalid', () => {
    expect(invalidMsg(rawText('SELECT :a, :zz', { a: 1 }))).toBe('text(): no value bound for :zz')
    expect(invalidMsg(rawText('SELECT :toString', {}))).toBe('text(): no value bound for :toString')
  })
  it('columns and kind come from the text query', () => {
    const r = compileUncached(sqlite)(rawText('SELECT 1 AS n', {}, { n: { _tag: 'Integer' } }))
    expect(E.isRight(r) && [r.right.kind, r.right.columns]).toEqual(['raw', [{ name: 'n', type: { _tag: 'Integer' } }]])
  })
  it('raw fragments inside expressions are parenthesised in operator context', () =>
    expectSql(pipe(select({ x: add(sql<number>('a + :k', { k: 2 }), 1) }), from(users)), {
      sqlite: { sql: 'SELECT (a + ?) + ? AS "x" FROM "users"', params: [2, 1] },
      postgres: { sql: 'SELECT (a + $1) + $2 AS "x" FROM "users"', params: [2, 1] },
      mysql: { sql: 'SELECT (a + ?) + ? AS `x` FROM `users`', params: [2, 1] },
    }))
})
