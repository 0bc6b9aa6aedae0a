import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { compileUncached } from './compile.js'
import { mysqlDialect } from '../../test/support/dialects.js'
import { expectSql, unsupportedOn } from '../../test/support/sql.js'
import { pipe } from 'fp-ts/lib/function.js'
import {
  add, lt, count, crossJoin, cte, eq, except, exceptAll,
  exists, from, groupBy, gt, intersect, intersectAll, 
  isIn, join, label, lateral, limit, not, notExists, 
  orderBy, param, recursiveCte, scalar, select, subquery, types, union,
  unionAll, where, withCte, 
} from '../algebra/index.js'
import { boolean, integer, varchar, timestamp } from '../algebra/Column.js'
import { table } from '../algebra/Table.js'


const users = table('users', { id: integer().primaryKey(), name: varchar(100).notNull(), age: integer(), active: boolean().notNull() })
const posts = table('posts', { id: integer().primaryKey(), userId: integer().named('user_id').notNull(), title: varchar(200).notNull(), at: timestamp() })

describe('SELECT with subqueries and CTEs', () => {
  it('subqueries: scalar, EXISTS, IN, derived tables, LATERAL', () => {
    const inner = pipe(select({ userId: posts.c.userId }), from(posts), where(gt(posts.c.id, 10)))
    expectSql(pipe(select({ id: users.c.id }), from(users), where(isIn(users.c.id, inner))), {
      sqlite: { sql: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."id" IN (SELECT "posts"."user_id" AS "userId" FROM "posts" WHERE "posts"."id" > ?)', params: [10n] },
      postgres: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."id" IN (SELECT "posts"."user_id" AS "userId" FROM "posts" WHERE "posts"."id" > $1)',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`id` IN (SELECT `posts`.`user_id` AS `userId` FROM `posts` WHERE `posts`.`id` > ?)',
    })
    const corr = pipe(select({ one: param(1) }), from(posts), where(eq(posts.c.userId, users.c.id)))
    expectSql(pipe(select({ id: users.c.id }), from(users), where(not(exists(corr)))), {
      sqlite: 'SELECT "users"."id" AS "id" FROM "users" WHERE NOT EXISTS (SELECT ? AS "one" FROM "posts" WHERE "posts"."user_id" = "users"."id")',
      postgres: 'SELECT "users"."id" AS "id" FROM "users" WHERE NOT EXISTS (SELECT $1 AS "one" FROM "posts" WHERE "posts"."user_id" = "users"."id")',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` WHERE NOT EXISTS (SELECT ? AS `one` FROM `posts` WHERE `posts`.`user_id` = `users`.`id`)',
    })
    expectSql(pipe(select({ id: users.c.id }), from(users), where(notExists(corr))), {
      sqlite: 'SELECT "users"."id" AS "id" FROM "users" WHERE NOT EXISTS (SELECT ? AS "one" FROM "posts" WHERE "posts"."user_id" = "users"."id")',
      postgres: 'SELECT "users"."id" AS "id" FROM "users" WHERE NOT EXISTS (SELECT $1 AS "one" FROM "posts" WHERE "posts"."user_id" = "users"."id")',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` WHERE NOT EXISTS (SELECT ? AS `one` FROM `posts` WHERE `posts`.`user_id` = `users`.`id`)',
    })
    const n = scalar(pipe(select({ n: count() }), from(posts), where(eq(posts.c.userId, users.c.id))))
    expectSql(pipe(select({ id: users.c.id, n }), from(users)), {
      sqlite: 'SELECT "users"."id" AS "id", (SELECT COUNT(*) AS "n" FROM "posts" WHERE "posts"."user_id" = "users"."id") AS "n" FROM "users"',
      postgres: 'SELECT "users"."id" AS "id", (SELECT COUNT(*) AS "n" FROM "posts" WHERE "posts"."user_id" = "users"."id") AS "n" FROM "users"',
      mysql: 'SELECT `users`.`id` AS `id`, (SELECT COUNT(*) AS `n` FROM `posts` WHERE `posts`.`user_id` = `users`.`id`) AS `n` FROM `users`',
    })
    const totals = subquery(pipe(select({ userId: posts.c.userId, n: count() }), from(posts), groupBy(posts.c.userId)), 't')
    expectSql(pipe(select({ name: users.c.name, n: totals.c.n }), from(users), join(totals, eq(totals.c.userId, users.c.id))), {
      sqlite: 'SELECT "users"."name" AS "name", "t"."n" AS "n" FROM "users" JOIN (SELECT "posts"."user_id" AS "userId", COUNT(*) AS "n" FROM "posts" GROUP BY "posts"."user_id") AS "t" ON "t"."userId" = "users"."id"',
      postgres: 'SELECT "users"."name" AS "name", "t"."n" AS "n" FROM "users" JOIN (SELECT "posts"."user_id" AS "userId", COUNT(*) AS "n" FROM "posts" GROUP BY "posts"."user_id") AS "t" ON "t"."userId" = "users"."id"',
      mysql: 'SELECT `users`.`name` AS `name`, `t`.`n` AS `n` FROM `users` JOIN (SELECT `posts`.`user_id` AS `userId`, COUNT(*) AS `n` FROM `posts` GROUP BY `posts`.`user_id`) AS `t` ON `t`.`userId` = `users`.`id`',
    })
    const lat = lateral(pipe(select({ title: posts.c.title }), from(posts), where(eq(posts.c.userId, users.c.id)), limit(1)), 'p')
    expectSql(pipe(select({ name: users.c.name, title: lat.c.title }), from(users), crossJoin(lat)), {
      sqlite: unsupportedOn('LATERAL subquery', 'sqlite'),
      postgres: 'SELECT "users"."name" AS "name", "p"."title" AS "title" FROM "users" CROSS JOIN LATERAL (SELECT "posts"."title" AS "title" FROM "posts" WHERE "posts"."user_id" = "users"."id" LIMIT $1) AS "p"',
      mysql: unsupportedOn('LATERAL subquery', 'mysql'),
    })
  })

  it('CTEs, recursive CTEs', () => {
    const active = cte('active', pipe(select({ id: users.c.id }), from(users), where(eq(users.c.active, true))))
    expectSql(pipe(select({ id: active.c.id }), from(active), withCte(active)), {
      sqlite: { sql: 'WITH "active" ("id") AS (SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = ?) SELECT "active"."id" AS "id" FROM "active"', params: [1] },
      postgres: 'WITH "active" ("id") AS (SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = $1) SELECT "active"."id" AS "id" FROM "active"',
      mysql: 'WITH `active` (`id`) AS (SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`active` = ?) SELECT `active`.`id` AS `id` FROM `active`',
    })
    const nums = recursiveCte('nums', select({ n: param(1, types.integer) }), (self) => pipe(select({ n: add(self.c.n, 1) }), from(self), where(lt(self.c.n, 5))))
    expectSql(pipe(select({ n: nums.c.n }), from(nums), withCte(nums)), {
      sqlite: { sql: 'WITH RECURSIVE "nums" ("n") AS (SELECT ? AS "n" UNION ALL SELECT "nums"."n" + ? AS "n" FROM "nums" WHERE "nums"."n" < ?) SELECT "nums"."n" AS "n" FROM "nums"', params: [1n, 1n, 5n] },
      postgres: 'WITH RECURSIVE "nums" ("n") AS (SELECT $1::INTEGER AS "n" UNION ALL SELECT "nums"."n" + $2 AS "n" FROM "nums" WHERE "nums"."n" < $3) SELECT "nums"."n" AS "n" FROM "nums"',
      mysql: 'WITH RECURSIVE `nums` (`n`) AS (SELECT ? AS `n` UNION ALL SELECT `nums`.`n` + ? AS `n` FROM `nums` WHERE `nums`.`n` < ?) SELECT `nums`.`n` AS `n` FROM `nums`',
    })
  })
})

describe('set operations', () => {
  const a = pipe(select({ id: users.c.id }), from(users), where(eq(users.c.active, true)))
  const b = pipe(select({ id: posts.c.userId }), from(posts))
  it('UNION / UNION ALL with ORDER BY and LIMIT on the whole', () => {
    expectSql(pipe(union(a, b), orderBy(label('id')), limit(5)), {
      sqlite: { sql: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = ? UNION SELECT "posts"."user_id" AS "id" FROM "posts" ORDER BY "id" LIMIT ?', params: [1, 5n] },
      postgres: { sql: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = $1 UNION SELECT "posts"."user_id" AS "id" FROM "posts" ORDER BY "id" LIMIT $2', params: [true, 5] },
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`active` = ? UNION SELECT `posts`.`user_id` AS `id` FROM `posts` ORDER BY `id` LIMIT ?',
    })
    expectSql(unionAll(a, b), {
      sqlite: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = ? UNION ALL SELECT "posts"."user_id" AS "id" FROM "posts"',
      postgres: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = $1 UNION ALL SELECT "posts"."user_id" AS "id" FROM "posts"',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`active` = ? UNION ALL SELECT `posts`.`user_id` AS `id` FROM `posts`',
    })
  })
  it('INTERSECT / EXCEPT (ALL) by capability', () => {
    expectSql(intersect(a, b), {
      sqlite: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = ? INTERSECT SELECT "posts"."user_id" AS "id" FROM "posts"',
      postgres: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = $1 INTERSECT SELECT "posts"."user_id" AS "id" FROM "posts"',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`active` = ? INTERSECT SELECT `posts`.`user_id` AS `id` FROM `posts`',
    })
    expectSql(exceptAll(a, b), {
      sqlite: unsupportedOn('EXCEPT ALL', 'sqlite'),
      postgres: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = $1 EXCEPT ALL SELECT "posts"."user_id" AS "id" FROM "posts"',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`active` = ? EXCEPT ALL SELECT `posts`.`user_id` AS `id` FROM `posts`',
    })
    expectSql(intersectAll(a, b), {
      sqlite: unsupportedOn('INTERSECT ALL', 'sqlite'),
      postgres: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = $1 INTERSECT ALL SELECT "posts"."user_id" AS "id" FROM "posts"',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`active` = ? INTERSECT ALL SELECT `posts`.`user_id` AS `id` FROM `posts`',
    })
    const old = mysqlDialect({ intersectExcept: false })
    expect(compileUncached(old)(except(a, b))).toEqual(E.left(unsupportedOn('EXCEPT', 'mysql')))
    expect(compileUncached(old)(union(a, b))._tag).toBe('Right')
    expect(compileUncached(mysqlDialect({ intersectExceptAll: false }))(intersectAll(a, b))).toEqual(E.left(unsupportedOn('INTERSECT ALL', 'mysql')))
  })
  it('members with ORDER BY / LIMIT are parenthesised, or wrapped on SQLite', () => {
    const top = pipe(select({ id: users.c.id }), from(users), orderBy(users.c.id), limit(1))
    expectSql(union(top, b), {
      sqlite: { sql: 'SELECT * FROM (SELECT "users"."id" AS "id" FROM "users" ORDER BY "users"."id" LIMIT ?) UNION SELECT "posts"."user_id" AS "id" FROM "posts"', params: [1n] },
      postgres: '(SELECT "users"."id" AS "id" FROM "users" ORDER BY "users"."id" LIMIT $1) UNION SELECT "posts"."user_id" AS "id" FROM "posts"',
      mysql: '(SELECT `users`.`id` AS `id` FROM `users` ORDER BY `users`.`id` LIMIT ?) UNION SELECT `posts`.`user_id` AS `id` FROM `posts`',
    })
  })
  it('nested set operations keep their grouping', () => {
    expectSql(union(b, intersect(a, b)), {
      sqlite: 'SELECT "posts"."user_id" AS "id" FROM "posts" UNION SELECT * FROM (SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = ? INTERSECT SELECT "posts"."user_id" AS "id" FROM "posts")',
      postgres: 'SELECT "posts"."user_id" AS "id" FROM "posts" UNION (SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = $1 INTERSECT SELECT "posts"."user_id" AS "id" FROM "posts")',
      mysql: 'SELECT `posts`.`user_id` AS `id` FROM `posts` UNION (SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`active` = ? INTERSECT SELECT `posts`.`user_id` AS `id` FROM `posts`)',
    })
    expectSql(union(intersect(a, b), b), {
      sqlite: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = ? INTERSECT SELECT "posts"."user_id" AS "id" FROM "posts" UNION SELECT "posts"."user_id" AS "id" FROM "posts"',
      postgres: '(SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = $1 INTERSECT SELECT "posts"."user_id" AS "id" FROM "posts") UNION SELECT "posts"."user_id" AS "id" FROM "posts"',
      mysql: '(SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`active` = ? INTERSECT SELECT `posts`.`user_id` AS `id` FROM `posts`) UNION SELECT `posts`.`user_id` AS `id` FROM `posts`',
    })
  })
})
