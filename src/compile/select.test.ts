import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { compile, compileUncached } from './compile.js'
import { postgres } from '../../test/support/dialects.js'
import { mysql, sqlite } from '../../test/support/dialects.js'
import { expectSql, invalidMsg, unsupportedOn } from '../../test/support/sql.js'
import { pipe } from 'fp-ts/lib/function.js'
import {
  exists, param,
  add, and, asc, cast, count, crossJoin, desc, distinct, distinctOn, eq, 
  forShare, forUpdate, from, fullJoin, groupBy, gt, having, 
  join, label, leftJoin, like, limit, offset,
  orderBy, rightJoin, select, subquery, sum, types, union,
  where, 
} from '../algebra/index.js'
import { boolean, double, integer, real, varchar, timestamp } from '../algebra/Column.js'
import { table } from '../algebra/Table.js'


const users = table('users', { id: integer().primaryKey(), name: varchar(100).notNull(), age: integer(), active: boolean().notNull() })
const posts = table('posts', { id: integer().primaryKey(), userId: integer().named('user_id').notNull(), title: varchar(200).notNull(), at: timestamp() })

describe('SELECT', () => {
  it('binds literals and quotes identifiers', () =>
    expectSql(pipe(select({ id: users.c.id }), from(users), where(eq(users.c.name, 'Ada'))), {
      sqlite: { sql: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."name" = ?', params: ['Ada'] },
      postgres: { sql: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."name" = $1', params: ['Ada'] },
      mysql: { sql: 'SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`name` = ?', params: ['Ada'] },
    }))

  it('encodes booleans per dialect', () =>
    expectSql(pipe(select({ id: users.c.id }), from(users), where(eq(users.c.active, true))), {
      sqlite: { sql: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = ?', params: [1] },
      postgres: { sql: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."active" = $1', params: [true] },
      mysql: { sql: 'SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`active` = ?', params: [1] },
    }))

  it('shape (a): where, like, order by, limit', () =>
    expectSql(
      pipe(select({ id: users.c.id, name: users.c.name }), from(users), where(and(eq(users.c.active, true), like(users.c.name, 'A%'))), orderBy(users.c.name), limit(10)),
      {
        sqlite: { sql: 'SELECT "users"."id" AS "id", "users"."name" AS "name" FROM "users" WHERE "users"."active" = ? AND "users"."name" LIKE ? ORDER BY "users"."name" LIMIT ?', params: [1, 'A%', 10n] },
        postgres: { sql: 'SELECT "users"."id" AS "id", "users"."name" AS "name" FROM "users" WHERE "users"."active" = $1 AND "users"."name" LIKE $2 ORDER BY "users"."name" LIMIT $3', params: [true, 'A%', 10] },
        mysql: { sql: 'SELECT `users`.`id` AS `id`, `users`.`name` AS `name` FROM `users` WHERE `users`.`active` = ? AND `users`.`name` LIKE ? ORDER BY `users`.`name` LIMIT ?', params: [1, 'A%', 10] },
      },
    ))

  it('shape (b): join, group by, having', () =>
    expectSql(
      pipe(select({ name: users.c.name, n: count(posts.c.id) }), from(users), join(posts, eq(posts.c.userId, users.c.id)), groupBy(users.c.name), having(gt(count(posts.c.id), 3))),
      {
        sqlite: 'SELECT "users"."name" AS "name", COUNT("posts"."id") AS "n" FROM "users" JOIN "posts" ON "posts"."user_id" = "users"."id" GROUP BY "users"."name" HAVING COUNT("posts"."id") > ?',
        postgres: 'SELECT "users"."name" AS "name", COUNT("posts"."id") AS "n" FROM "users" JOIN "posts" ON "posts"."user_id" = "users"."id" GROUP BY "users"."name" HAVING COUNT("posts"."id") > $1::INTEGER',
        mysql: 'SELECT `users`.`name` AS `name`, COUNT(`posts`.`id`) AS `n` FROM `users` JOIN `posts` ON `posts`.`user_id` = `users`.`id` GROUP BY `users`.`name` HAVING COUNT(`posts`.`id`) > ?',
      },
    ))

  it('offset without limit', () =>
    expectSql(pipe(select({ id: users.c.id }), from(users), offset(5)), {
      sqlite: { sql: 'SELECT "users"."id" AS "id" FROM "users" LIMIT -1 OFFSET ?', params: [5n] },
      postgres: { sql: 'SELECT "users"."id" AS "id" FROM "users" OFFSET $1', params: [5] },
      mysql: { sql: 'SELECT `users`.`id` AS `id` FROM `users` LIMIT 18446744073709551615 OFFSET ?', params: [5] },
    }))

  it('DISTINCT of values that do not depend on the rows, with OFFSET, is a derived table on MySQL (MariaDB ignores the OFFSET)', () => {
    expectSql(pipe(select({ c: param(7, types.integer) }), from(users), distinct(), orderBy(asc(label('c'))), offset(1)), {
      sqlite: { sql: 'SELECT DISTINCT ? AS "c" FROM "users" ORDER BY "c" LIMIT -1 OFFSET ?', params: [7n, 1n] },
      postgres: { sql: 'SELECT DISTINCT $1::INTEGER AS "c" FROM "users" ORDER BY "c" OFFSET $2', params: [7, 1] },
      mysql: { sql: 'SELECT * FROM (SELECT DISTINCT ? AS `c` FROM `users`) AS `_c` LIMIT 18446744073709551615 OFFSET ?', params: [7, 1] },
    })
    // A column, or a subquery correlated to the rows, keeps the plain form.
    const onMysql = (q: Parameters<ReturnType<typeof compileUncached>>[0]) => pipe(compileUncached(mysql)(q), E.map((c) => c.sql))
    expect(onMysql(pipe(select({ n: users.c.name }), from(users), distinct(), offset(1)))).toEqual(
      E.right('SELECT DISTINCT `users`.`name` AS `n` FROM `users` LIMIT 18446744073709551615 OFFSET ?'),
    )
    const corr = pipe(select({ one: param(1) }), from(posts), where(eq(posts.c.userId, users.c.id)))
    expect(onMysql(pipe(select({ e: exists(corr) }), from(users), distinct(), offset(1)))).toEqual(
      E.right('SELECT DISTINCT EXISTS (SELECT ? AS `one` FROM `posts` WHERE `posts`.`user_id` = `users`.`id`) AS `e` FROM `users` LIMIT 18446744073709551615 OFFSET ?'),
    )
  })

  it('limit and offset', () =>
    expectSql(pipe(select({ id: users.c.id }), from(users), limit(10), offset(20)), {
      sqlite: { sql: 'SELECT "users"."id" AS "id" FROM "users" LIMIT ? OFFSET ?', params: [10n, 20n] },
      postgres: { sql: 'SELECT "users"."id" AS "id" FROM "users" LIMIT $1 OFFSET $2', params: [10, 20] },
      mysql: { sql: 'SELECT `users`.`id` AS `id` FROM `users` LIMIT ? OFFSET ?', params: [10, 20] },
    }))

  it('a negative or fractional LIMIT is invalid', () => {
    expect(invalidMsg(pipe(select({ id: users.c.id }), from(users), limit(-1)))).toMatch(/non-negative/)
    expect(invalidMsg(pipe(select({ id: users.c.id }), from(users), limit(1.5)))).toMatch(/safe integer/)
  })

  it('joins of every kind', () => {
    const base = pipe(select({ id: users.c.id }), from(users))
    expectSql(pipe(base, leftJoin(posts, eq(posts.c.userId, users.c.id))), {
      sqlite: 'SELECT "users"."id" AS "id" FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id"',
      postgres: 'SELECT "users"."id" AS "id" FROM "users" LEFT JOIN "posts" ON "posts"."user_id" = "users"."id"',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` LEFT JOIN `posts` ON `posts`.`user_id` = `users`.`id`',
    })
    expectSql(pipe(base, rightJoin(posts, eq(posts.c.userId, users.c.id))), {
      sqlite: 'SELECT "users"."id" AS "id" FROM "users" RIGHT JOIN "posts" ON "posts"."user_id" = "users"."id"',
      postgres: 'SELECT "users"."id" AS "id" FROM "users" RIGHT JOIN "posts" ON "posts"."user_id" = "users"."id"',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` RIGHT JOIN `posts` ON `posts`.`user_id` = `users`.`id`',
    })
    expectSql(pipe(base, fullJoin(posts, eq(posts.c.userId, users.c.id))), {
      sqlite: 'SELECT "users"."id" AS "id" FROM "users" FULL JOIN "posts" ON "posts"."user_id" = "users"."id"',
      postgres: 'SELECT "users"."id" AS "id" FROM "users" FULL JOIN "posts" ON "posts"."user_id" = "users"."id"',
      mysql: unsupportedOn('FULL JOIN', 'mysql'),
    })
    expectSql(pipe(base, crossJoin(posts)), {
      sqlite: 'SELECT "users"."id" AS "id" FROM "users" CROSS JOIN "posts"',
      postgres: 'SELECT "users"."id" AS "id" FROM "users" CROSS JOIN "posts"',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` CROSS JOIN `posts`',
    })
  })

  it('RIGHT JOIN is unsupported where the flag is off', () => {
    const old = { ...sqlite, capabilities: { ...sqlite.capabilities, rightJoin: false } }
    expect(compileUncached(old)(pipe(select({ id: users.c.id }), from(users), rightJoin(posts, eq(posts.c.userId, users.c.id))))).toEqual(
      E.left(unsupportedOn('RIGHT JOIN', 'sqlite')),
    )
  })

  it('DISTINCT and DISTINCT ON', () => {
    expectSql(pipe(select({ name: users.c.name }), from(users), distinct()), {
      sqlite: 'SELECT DISTINCT "users"."name" AS "name" FROM "users"',
      postgres: 'SELECT DISTINCT "users"."name" AS "name" FROM "users"',
      mysql: 'SELECT DISTINCT `users`.`name` AS `name` FROM `users`',
    })
    expectSql(pipe(select({ name: users.c.name }), from(users), distinctOn(users.c.name)), {
      sqlite: unsupportedOn('DISTINCT ON', 'sqlite'),
      postgres: 'SELECT DISTINCT ON ("users"."name") "users"."name" AS "name" FROM "users"',
      mysql: unsupportedOn('DISTINCT ON', 'mysql'),
    })
  })

  it('NULLS FIRST/LAST, emulated on MySQL', () =>
    expectSql(pipe(select({ id: users.c.id }), from(users), orderBy(desc(users.c.age, 'LAST'), asc(users.c.name, 'FIRST'))), {
      sqlite: 'SELECT "users"."id" AS "id" FROM "users" ORDER BY "users"."age" DESC NULLS LAST, "users"."name" NULLS FIRST',
      postgres: 'SELECT "users"."id" AS "id" FROM "users" ORDER BY "users"."age" DESC NULLS LAST, "users"."name" NULLS FIRST',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` ORDER BY (`users`.`age` IS NULL), `users`.`age` DESC, (`users`.`name` IS NULL) DESC, `users`.`name`',
    }))

  it('NULLS emulation repeats the parameters of the ordered expression', () =>
    expectSql(pipe(select({ id: users.c.id }), from(users), where(eq(users.c.id, 1)), orderBy(asc(add(users.c.age, 5), 'FIRST')), limit(3)), {
      sqlite: { sql: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."id" = ? ORDER BY "users"."age" + ? NULLS FIRST LIMIT ?', params: [1n, 5n, 3n] },
      postgres: { sql: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."id" = $1 ORDER BY "users"."age" + $2 NULLS FIRST LIMIT $3', params: [1, 5, 3] },
      mysql: { sql: 'SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`id` = ? ORDER BY (`users`.`age` + ? IS NULL) DESC, `users`.`age` + ? LIMIT ?', params: [1, 5, 5, 3] },
    }))

  it('NULLS emulation on an output label uses the select item (aggregate or shadowed label)', () =>
    expectSql(pipe(select({ k: users.c.age, n: add(sum(users.c.id), 2) }), from(users), where(eq(users.c.id, 1)), groupBy(users.c.age), orderBy(asc(label('k'), 'FIRST'), desc(label('n'), 'LAST'))), {
      sqlite: { sql: 'SELECT "users"."age" AS "k", SUM("users"."id") + ? AS "n" FROM "users" WHERE "users"."id" = ? GROUP BY "users"."age" ORDER BY "k" NULLS FIRST, "n" DESC NULLS LAST', params: [2n, 1n] },
      postgres: { sql: 'SELECT "users"."age" AS "k", SUM("users"."id") + $1::INTEGER AS "n" FROM "users" WHERE "users"."id" = $2 GROUP BY "users"."age" ORDER BY "k" NULLS FIRST, "n" DESC NULLS LAST', params: [2, 1] },
      mysql: {
        sql: 'SELECT `users`.`age` AS `k`, SUM(`users`.`id`) + ? AS `n` FROM `users` WHERE `users`.`id` = ? GROUP BY `users`.`age` ORDER BY (`users`.`age` IS NULL) DESC, `k`, (SUM(`users`.`id`) + ? IS NULL), `n` DESC',
        params: [2, 1, 2],
      },
    }))

  it('NULLS emulation on a compound orders it as a derived table', () =>
    expectSql(pipe(union(pipe(select({ a: users.c.id }), from(users)), pipe(select({ a: posts.c.userId }), from(posts))), orderBy(asc(label('a'), 'LAST'))), {
      sqlite: 'SELECT "users"."id" AS "a" FROM "users" UNION SELECT "posts"."user_id" AS "a" FROM "posts" ORDER BY "a" NULLS LAST',
      postgres: 'SELECT "users"."id" AS "a" FROM "users" UNION SELECT "posts"."user_id" AS "a" FROM "posts" ORDER BY "a" NULLS LAST',
      mysql: 'SELECT * FROM (SELECT `users`.`id` AS `a` FROM `users` UNION SELECT `posts`.`user_id` AS `a` FROM `posts`) AS `_c` ORDER BY (`_c`.`a` IS NULL), `_c`.`a`',
    }))

  it('unsafe result labels are written as positional aliases and renamed back by the decoder', () => {
    const q = pipe(select({ ['__proto__']: users.c.id, ' lead': users.c.age, _c0: users.c.name, ['x\u0001']: users.c.id }), from(users), orderBy(asc(label('__proto__')), desc(label(' lead'), 'LAST')))
    expectSql(q, {
      sqlite: 'SELECT "users"."id" AS "_c0_", "users"."age" AS "_c1", "users"."name" AS "_c0", "users"."id" AS "_c3" FROM "users" ORDER BY "_c0_", "_c1" DESC NULLS LAST',
      postgres: 'SELECT "users"."id" AS "_c0_", "users"."age" AS "_c1", "users"."name" AS "_c0", "users"."id" AS "_c3" FROM "users" ORDER BY "_c0_", "_c1" DESC NULLS LAST',
      mysql: 'SELECT `users`.`id` AS `_c0_`, `users`.`age` AS `_c1`, `users`.`name` AS `_c0`, `users`.`id` AS `_c3` FROM `users` ORDER BY `_c0_`, (`users`.`age` IS NULL), `_c1` DESC',
    })
    const c = compile(sqlite)(q)
    expect(E.isRight(c) && c.right.columns.map((x) => [x.name, x.source])).toEqual([['__proto__', '_c0_'], [' lead', '_c1'], ['_c0', undefined], ['x\u0001', '_c3']])
  })

  it('unsafe labels of a subquery keep their names (only the statement result is renamed)', () => {
    const sq = subquery(pipe(select({ ' s': users.c.id }), from(users)), 'sq')
    expectSql(pipe(select({ ' o': sq.c[' s'] }), from(sq)), {
      sqlite: 'SELECT "sq"." s" AS "_c0" FROM (SELECT "users"."id" AS " s" FROM "users") AS "sq"',
      postgres: 'SELECT "sq"." s" AS "_c0" FROM (SELECT "users"."id" AS " s" FROM "users") AS "sq"',
      mysql: 'SELECT `sq`.` s` AS `_c0` FROM (SELECT `users`.`id` AS ` s` FROM `users`) AS `sq`',
    })
  })

  it('MySQL reads a REAL column as DOUBLE (FLOAT text has 6 digits)', () => {
    const m = table('m', { r: real(), d: double() })
    expectSql(pipe(select({ r: m.c.r, d: m.c.d, s: sum(m.c.r) }), from(m)), {
      sqlite: 'SELECT "m"."r" AS "r", "m"."d" AS "d", SUM("m"."r") AS "s" FROM "m"',
      postgres: 'SELECT "m"."r" AS "r", "m"."d" AS "d", SUM("m"."r") AS "s" FROM "m"',
      mysql: 'SELECT CAST(`m`.`r` AS DOUBLE) AS `r`, `m`.`d` AS `d`, SUM(`m`.`r`) AS `s` FROM `m`',
    })
  })

  it('row locks', () => {
    const q = pipe(select({ id: users.c.id }), from(users), forUpdate())
    expectSql(q, {
      sqlite: unsupportedOn('FOR UPDATE', 'sqlite'),
      postgres: 'SELECT "users"."id" AS "id" FROM "users" FOR UPDATE',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` FOR UPDATE',
    })
    expectSql(pipe(select({ id: users.c.id }), from(users), forShare({ skipLocked: true })), {
      sqlite: unsupportedOn('FOR SHARE', 'sqlite'),
      postgres: 'SELECT "users"."id" AS "id" FROM "users" FOR SHARE SKIP LOCKED',
      mysql: 'SELECT `users`.`id` AS `id` FROM `users` LOCK IN SHARE MODE SKIP LOCKED',
    })
    expectSql(pipe(select({ id: users.c.id }), from(users), forUpdate({ of: [users], nowait: true })), {
      sqlite: unsupportedOn('FOR UPDATE', 'sqlite'),
      postgres: 'SELECT "users"."id" AS "id" FROM "users" FOR UPDATE OF "users" NOWAIT',
      mysql: unsupportedOn('FOR UPDATE OF', 'mysql'),
    })
  })

  it('an empty select list or a join without FROM is invalid', () => {
    expect(invalidMsg({ node: { _tag: 'Select', distinct: false, columns: [], from: [], joins: [], groupBy: [], orderBy: [] } })).toMatch(/at least one column/)
    expect(invalidMsg({ node: { _tag: 'Select', distinct: false, columns: [{ alias: 'x', expr: { _tag: 'Null' } }], from: [], joins: [{ kind: 'INNER', target: users.ref, on: { _tag: 'Null' } }], groupBy: [], orderBy: [] } })).toMatch(/needs a FROM/)
    expect(invalidMsg({ node: { _tag: 'Select', distinct: false, columns: [{ alias: 'x', expr: { _tag: 'Null' } }], from: [users.ref], joins: [{ kind: 'INNER', target: posts.ref }], groupBy: [], orderBy: [] } })).toMatch(/needs an ON/)
    expect(invalidMsg({ node: { _tag: 'Select', distinct: false, columns: [{ alias: 'x', expr: { _tag: 'Null' } }], from: [users.ref], joins: [{ kind: 'CROSS', target: posts.ref, on: { _tag: 'Null' } }], groupBy: [], orderBy: [] } })).toMatch(/CROSS JOIN/)
  })

  it('result columns carry labels and types', () => {
    const r = compileUncached(postgres)(pipe(select({ id: users.c.id, n: count(), t: cast(users.c.age, types.text) }), from(users)))
    expect(E.isRight(r) && r.right.columns).toEqual([
      { name: 'id', type: { _tag: 'Integer' } },
      { name: 'n', type: { _tag: 'Integer' } },
      { name: 't', type: { _tag: 'Text' } },
    ])
    expect(E.isRight(r) && r.right.kind).toBe('query')
  })
})
