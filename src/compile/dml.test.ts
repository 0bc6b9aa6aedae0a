import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { compile, compileUncached } from './compile.js'
import { mysqlDialect } from '../../test/support/dialects.js'
import { postgres } from '../../test/support/dialects.js'
import { sqlite } from '../../test/support/dialects.js'
import { expectSql, invalidMsg, unsupportedOn } from '../../test/support/sql.js'
import { pipe } from 'fp-ts/lib/function.js'
import { add, alias, param, deleteFrom, eq, excluded, from, gt, insertFromQuery, insertInto, returning, select, update, updateFrom, using, where, withCte, cte } from '../algebra/index.js'
import { text as rawText, sql } from '../algebra/text.js'
import { bigint, binary, boolean, date, enumeration, integer, json, numeric, uuid, varchar, timestamp } from '../algebra/Column.js'
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
      sqlite: { sql: 'INSERT INTO "users" ("id", "name", "email", "active", "visits", "created_at") VALUES (?, ?, ?, ?, ?, ?)', params: [1n, 'Ada', 'a@x.io', 1, 3n, '2024-01-01 00:00:00.000'] },
      postgres: { sql: 'INSERT INTO "users" ("id", "name", "email", "active", "visits", "created_at") VALUES ($1, $2, $3, $4, $5, $6)', params: [1, 'Ada', 'a@x.io', true, 3, '2024-01-01T00:00:00.000Z'] },
      mysql: { sql: 'INSERT INTO `users` (`id`, `name`, `email`, `active`, `visits`, `created_at`) VALUES (?, ?, ?, ?, ?, ?)', params: [1, 'Ada', 'a@x.io', 1, 3, '2024-01-01 00:00:00.000'] },
    }))
  it('multi-row with left-out columns: DEFAULT, or the declared default on SQLite', () =>
    expectSql(insertInto(users, [{ name: 'A', visits: 2 }, { name: 'B', active: false }]), {
      sqlite: { sql: 'INSERT INTO "users" ("name", "active", "visits") VALUES (?, ?, ?), (?, ?, ?)', params: ['A', 1, 2n, 'B', 0, 0n] },
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
  it('several rows of defaults only: (DEFAULT) per row on the first column that is not generated', () => {
    expectSql(insertInto(users, [{}, {}, {}] as never), {
      sqlite: 'INSERT INTO "users" ("name") VALUES (NULL), (NULL), (NULL)',
      postgres: 'INSERT INTO "users" ("name") VALUES (DEFAULT), (DEFAULT), (DEFAULT)',
      mysql: 'INSERT INTO `users` (`name`) VALUES (DEFAULT), (DEFAULT), (DEFAULT)',
    })
    const ids = table('ids', { id: integer().primaryKey() })
    expectSql(insertInto(ids, [{}, {}]), {
      sqlite: 'INSERT INTO "ids" ("id") VALUES (NULL), (NULL)',
      postgres: 'INSERT INTO "ids" ("id") VALUES (DEFAULT), (DEFAULT)',
      mysql: 'INSERT INTO `ids` (`id`) VALUES (DEFAULT), (DEFAULT)',
    })
    // the first column's declared default where it has one (SQLite writes it; DEFAULT elsewhere)
    const counters = table('counters', { n: integer().notNull().default(7), id: integer().primaryKey() })
    expectSql(insertInto(counters, [{}, {}]), {
      sqlite: { sql: 'INSERT INTO "counters" ("n") VALUES (?), (?)', params: [7n, 7n] },
      postgres: 'INSERT INTO "counters" ("n") VALUES (DEFAULT), (DEFAULT)',
      mysql: 'INSERT INTO `counters` (`n`) VALUES (DEFAULT), (DEFAULT)',
    })
  })
  it('PostgreSQL: multi-row VALUES of parameters as unnest arrays, one per column (NULLs, upsert, RETURNING)', () => {
    const rows = [
      { id: 1, name: 'A', email: null, active: true, visits: 2, createdAt: new Date(Date.UTC(2024, 0, 1)) },
      { id: 2, name: 'B', email: 'b@x', active: false, visits: 0, createdAt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)) },
    ]
    expectSql(insertInto(users, rows), {
      sqlite: { sql: 'INSERT INTO "users" ("id", "name", "email", "active", "visits", "created_at") VALUES (?, ?, NULL, ?, ?, ?), (?, ?, ?, ?, ?, ?)', params: [1n, 'A', 1, 2n, '2024-01-01 00:00:00.000', 2n, 'B', 'b@x', 0, 0n, '2024-01-02 03:04:05.006'] },
      postgres: {
        sql: 'INSERT INTO "users" ("id", "name", "email", "active", "visits", "created_at") SELECT * FROM unnest($1::INTEGER[], $2::TEXT[], $3::TEXT[], $4::BOOLEAN[], $5::INTEGER[], $6::TIMESTAMP[])',
        params: [[1, 2], ['A', 'B'], [null, 'b@x'], [true, false], [2, 0], ['2024-01-01T00:00:00.000Z', '2024-01-02T03:04:05.006Z']],
      },
      mysql: { sql: 'INSERT INTO `users` (`id`, `name`, `email`, `active`, `visits`, `created_at`) VALUES (?, ?, NULL, ?, ?, ?), (?, ?, ?, ?, ?, ?)', params: [1, 'A', 1, 2, '2024-01-01 00:00:00.000', 2, 'B', 'b@x', 0, 0, '2024-01-02 03:04:05.006'] },
    })
    const two = [{ name: 'A', email: 'a@x' }, { name: 'B', email: 'b@x' }]
    const up = pipe(insertInto(users, two, { onConflict: { target: [users.c.email], set: { name: excluded(users.c.name) } } }), returning({ id: users.c.id }))
    expect(E.map((c: { readonly sql: string }) => c.sql)(compile(postgres)(up))).toEqual(
      E.right('INSERT INTO "users" ("name", "email") SELECT * FROM unnest($1::TEXT[], $2::TEXT[]) ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name" RETURNING "users"."id" AS "id"'),
    )
    // one row, a left-out column (DEFAULT), an expression or an untyped value: plain VALUES
    expect(E.map((c: { readonly sql: string }) => c.sql)(compile(postgres)(insertInto(users, [{ name: 'A' }, { name: add(param('x'), 'y') as never }])))).toEqual(
      E.right('INSERT INTO "users" ("name") VALUES ($1), ($2 + $3)'),
    )
    // a bad value in any row is an InvalidStatement, on a cache hit too
    const bad = insertInto(users, [{ name: 'A', visits: 1 }, { name: 'B', visits: 1.5 }])
    expect(compile(postgres)(bad)).toEqual(E.left({ _tag: 'InvalidStatement', message: 'a Integer parameter needs a safe integer, got 1.5' }))
  })
  it('PostgreSQL unnest: one shape whatever the row count; element encoding per type', () => {
    const kinds = table('kinds', {
      b: bigint(), n: numeric(38, 10), j: json(), e: enumeration('mood', ['ok', 'meh']), u: uuid(), bin: binary(), tz: timestamp({ withTimeZone: true }), d: date(),
    })
    const row = (i: number) => ({ b: BigInt(i) * 2n ** 40n, n: '1.5', j: { i }, e: 'ok' as const, u: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', bin: Uint8Array.from([i]), tz: new Date(i), d: '2024-02-29' })
    const r2 = compile(postgres)(insertInto(kinds, [row(1), row(2)]))
    const r5 = compile(postgres)(insertInto(kinds, [1, 2, 3, 4, 5].map(row)))
    expect(E.isRight(r2) && E.isRight(r5) && r2.right.sql === r5.right.sql).toBe(true)
    expect(E.isRight(r2) && r2.right.sql).toBe(
      'INSERT INTO "kinds" ("b", "n", "j", "e", "u", "bin", "tz", "d") SELECT * FROM unnest($1::BIGINT[], $2::NUMERIC[], $3::JSONB[], $4::"mood"[], $5::UUID[], $6::BYTEA[], $7::TIMESTAMPTZ[], $8::DATE[])',
    )
    expect(r5).toEqual(compileUncached(postgres)(insertInto(kinds, [1, 2, 3, 4, 5].map(row))))
    const p = E.isRight(r2) ? r2.right.params : []
    expect(p.slice(0, 5)).toEqual([['1099511627776', '2199023255552'], ['1.5', '1.5'], ['{"i":1}', '{"i":2}'], ['ok', 'ok'], ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']])
    expect(Buffer.isBuffer((p[5] as ReadonlyArray<unknown>)[0])).toBe(true)
    expect(p[6]).toEqual(['1970-01-01T00:00:00.001Z', '1970-01-01T00:00:00.002Z'])
  })
  it('from a query', () =>
    expectSql(insertFromQuery(posts, [posts.c.userId, posts.c.title], pipe(select({ a: users.c.id, b: users.c.name }), from(users), where(gt(users.c.id, 5)))), {
      sqlite: { sql: 'INSERT INTO "posts" ("user_id", "title") SELECT "users"."id" AS "a", "users"."name" AS "b" FROM "users" WHERE "users"."id" > ?', params: [5n] },
      postgres: 'INSERT INTO "posts" ("user_id", "title") SELECT "users"."id" AS "a", "users"."name" AS "b" FROM "users" WHERE "users"."id" > $1',
      mysql: 'INSERT INTO `posts` (`user_id`, `title`) SELECT `users`.`id` AS `a`, `users`.`name` AS `b` FROM `users` WHERE `users`.`id` > ?',
    }))
  it('WITH on INSERT: first, or after the columns on MySQL', () => {
    const recent = cte('recent', pipe(select({ uid: posts.c.userId, t: posts.c.title }), from(posts), where(gt(posts.c.id, 100))))
    expectSql(pipe(insertFromQuery(posts, [posts.c.userId, posts.c.title], pipe(select({ a: recent.c.uid, b: recent.c.t }), from(recent))), withCte(recent)), {
      sqlite: { sql: 'WITH "recent" ("uid", "t") AS (SELECT "posts"."user_id" AS "uid", "posts"."title" AS "t" FROM "posts" WHERE "posts"."id" > ?) INSERT INTO "posts" ("user_id", "title") SELECT "recent"."uid" AS "a", "recent"."t" AS "b" FROM "recent"', params: [100n] },
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
      sqlite: { sql: 'INSERT INTO "users" ("name", "email") VALUES (?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name", "visits" = "users"."visits" + ?', params: ['A', 'a@x', 1n] },
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
      sqlite: { sql: 'UPDATE "users" SET "name" = ?, "visits" = "users"."visits" + ? WHERE "users"."id" = ?', params: ['Bob', 1n, 7n] },
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
      sqlite: { sql: 'UPDATE "users" SET "visits" = ? FROM (SELECT "posts"."user_id" AS "uid" FROM "posts" WHERE "posts"."id" > ?) AS "p" WHERE "users"."id" = ?', params: [1n, 9n, 3n] },
      postgres: { sql: 'UPDATE "users" SET "visits" = $1 FROM (SELECT "posts"."user_id" AS "uid" FROM "posts" WHERE "posts"."id" > $2) AS "p" WHERE "users"."id" = $3', params: [1, 9, 3] },
      mysql: { sql: 'UPDATE `users`, (SELECT `posts`.`user_id` AS `uid` FROM `posts` WHERE `posts`.`id` > ?) AS `p` SET `users`.`visits` = ? WHERE `users`.`id` = ?', params: [9, 1, 3] },
    })
    expectSql(pipe(update(users, { visits: 1 }), withCte(recent)), {
      sqlite: 'WITH "recent" ("uid") AS (SELECT "posts"."user_id" AS "uid" FROM "posts" WHERE "posts"."id" > ?) UPDATE "users" SET "visits" = ?',
      postgres: 'WITH "recent" ("uid") AS (SELECT "posts"."user_id" AS "uid" FROM "posts" WHERE "posts"."id" > $1) UPDATE "users" SET "visits" = $2',
      mysql: unsupportedOn('WITH on UPDATE', 'mysql'),
    })
    // MySQL 8 has WITH … UPDATE (MariaDB does not: the default mysql dialect follows MariaDB)
    expect(E.map((c: { readonly sql: string }) => c.sql)(compileUncached(mysqlDialect({ withOnDml: true }))(pipe(update(users, { visits: 1 }), withCte(recent))))).toEqual(
      E.right('WITH `recent` (`uid`) AS (SELECT `posts`.`user_id` AS `uid` FROM `posts` WHERE `posts`.`id` > ?) UPDATE `users` SET `visits` = ?'),
    )
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
      sqlite: { sql: "SELECT ?::int AS x, '12:30' AS t, :lit, ?, ?", params: [1n, 'x', 1n] },
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
      sqlite: { sql: 'SELECT (a + ?) + ? AS "x" FROM "users"', params: [2n, 1n] },
      postgres: { sql: 'SELECT (a + $1) + $2 AS "x" FROM "users"', params: [2, 1] },
      mysql: { sql: 'SELECT (a + ?) + ? AS `x` FROM `users`', params: [2, 1] },
    }))
})
