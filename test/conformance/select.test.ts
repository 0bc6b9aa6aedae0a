/**
 * SELECT on every database: selections, joins, filtering, grouping, ordering (NULLS
 * FIRST/LAST), limits, DISTINCT (ON), row locks.
 */
import { pipe } from 'fp-ts/lib/function.js'
import { expect, it } from 'vitest'
import {
  alias,
  asc,
  avg,
  concat,
  count,
  countDistinct,
  crossJoin,
  desc,
  distinct,
  distinctOn,
  eq,
  forShare,
  forUpdate,
  from,
  fullJoin,
  groupBy,
  gte,
  having,
  join,
  leftJoin,
  limit,
  max,
  min,
  mul,
  offset,
  orderBy,
  orNull,
  rightJoin,
  select,
  sum,
  where,
} from '../../src/algebra/index.js'
import { dept, deptRows, emp, empRows, fixtureTables, seed } from './fixture.js'
import { conformance, expectRows, expectRowsUnordered, expectSql, rows, same, unsupported } from './support.js'

conformance(
  'SELECT',
  (h) => {
    it('selects a whole table', async () => {
      await expectRows(h, pipe(select(dept), orderBy(dept.c.id)), [...deptRows], {
        sqlite: 'SELECT "dept"."id" AS "id", "dept"."name" AS "name" FROM "dept" ORDER BY "dept"."id"',
        postgres: 'SELECT "dept"."id" AS "id", "dept"."name" AS "name" FROM "dept" ORDER BY "dept"."id"',
        mysql: 'SELECT `dept`.`id` AS `id`, `dept`.`name` AS `name` FROM `dept` ORDER BY `dept`.`id`',
      })
      await expectRows(h, pipe(select(emp), orderBy(emp.c.id)), empRows.map((r) => ({ ...r })))
    })

    it('selects columns and expressions', async () => {
      const q = pipe(
        select({ name: emp.c.name, double: mul(emp.c.salary, 2), tag: concat(emp.c.name, '#', emp.c.name) }),
        from(emp),
        where(eq(emp.c.id, 3)),
      )
      await expectRows(h, q, [{ name: 'Cy', double: 400, tag: 'Cy#Cy' }], {
        sqlite: { sql: 'SELECT "emp"."name" AS "name", "emp"."salary" * ? AS "double", "emp"."name" || ? || "emp"."name" AS "tag" FROM "emp" WHERE "emp"."id" = ?', params: [2n, '#', 3n] },
        postgres: { sql: 'SELECT "emp"."name" AS "name", "emp"."salary" * $1 AS "double", "emp"."name" || $2 || "emp"."name" AS "tag" FROM "emp" WHERE "emp"."id" = $3', params: [2, '#', 3] },
        mysql: { sql: 'SELECT `emp`.`name` AS `name`, `emp`.`salary` * ? AS `double`, CONCAT(`emp`.`name`, ?, `emp`.`name`) AS `tag` FROM `emp` WHERE `emp`.`id` = ?', params: [2, '#', 3] },
      })
    })

    it('INNER JOIN', async () => {
      const q = pipe(select({ e: emp.c.name, d: dept.c.name }), from(emp), join(dept, eq(dept.c.id, emp.c.deptId)), orderBy(emp.c.id))
      await expectRows(h, q, [
        { e: 'Ada', d: 'Eng' },
        { e: 'Bob', d: 'Eng' },
        { e: 'Cy', d: 'Sales' },
        { e: 'Dee', d: 'Sales' },
      ], {
        postgres: 'SELECT "emp"."name" AS "e", "dept"."name" AS "d" FROM "emp" JOIN "dept" ON "dept"."id" = "emp"."dept_id" ORDER BY "emp"."id"',
        mysql: 'SELECT `emp`.`name` AS `e`, `dept`.`name` AS `d` FROM `emp` JOIN `dept` ON `dept`.`id` = `emp`.`dept_id` ORDER BY `emp`.`id`',
      })
    })

    it('LEFT JOIN keeps rows without a match (NULLs)', async () => {
      const q = pipe(select({ e: emp.c.name, d: orNull(dept.c.name) }), from(emp), leftJoin(dept, eq(dept.c.id, emp.c.deptId)), orderBy(emp.c.id))
      await expectRows(h, q, [
        { e: 'Ada', d: 'Eng' },
        { e: 'Bob', d: 'Eng' },
        { e: 'Cy', d: 'Sales' },
        { e: 'Dee', d: 'Sales' },
        { e: 'Eve', d: null },
      ], { sqlite: 'SELECT "emp"."name" AS "e", "dept"."name" AS "d" FROM "emp" LEFT JOIN "dept" ON "dept"."id" = "emp"."dept_id" ORDER BY "emp"."id"' })
    })

    it('RIGHT JOIN (every dialect here has it)', async () => {
      const q = pipe(select({ e: orNull(emp.c.name), d: dept.c.name }), from(emp), rightJoin(dept, eq(dept.c.id, emp.c.deptId)), orderBy(dept.c.id, emp.c.id))
      await expectRows(h, q, [
        { e: 'Ada', d: 'Eng' },
        { e: 'Bob', d: 'Eng' },
        { e: 'Cy', d: 'Sales' },
        { e: 'Dee', d: 'Sales' },
        { e: null, d: 'Empty' },
      ], { mysql: 'SELECT `emp`.`name` AS `e`, `dept`.`name` AS `d` FROM `emp` RIGHT JOIN `dept` ON `dept`.`id` = `emp`.`dept_id` ORDER BY `dept`.`id`, `emp`.`id`' })
    })

    it('FULL JOIN (UnsupportedFeature on MySQL)', async () => {
      const q = pipe(select({ e: orNull(emp.c.name), d: orNull(dept.c.name) }), from(emp), fullJoin(dept, eq(dept.c.id, emp.c.deptId)))
      await expectRowsUnordered(h, q, [
        { e: 'Ada', d: 'Eng' },
        { e: 'Bob', d: 'Eng' },
        { e: 'Cy', d: 'Sales' },
        { e: 'Dee', d: 'Sales' },
        { e: 'Eve', d: null },
        { e: null, d: 'Empty' },
      ], {
        sqlite: 'SELECT "emp"."name" AS "e", "dept"."name" AS "d" FROM "emp" FULL JOIN "dept" ON "dept"."id" = "emp"."dept_id"',
        postgres: 'SELECT "emp"."name" AS "e", "dept"."name" AS "d" FROM "emp" FULL JOIN "dept" ON "dept"."id" = "emp"."dept_id"',
        mysql: unsupported('FULL JOIN'),
      })
    })

    it('CROSS JOIN', async () => {
      const d2 = alias(dept, 'd2')
      const q = pipe(select({ n: count() }), from(dept), crossJoin(d2))
      await expectRows(h, q, [{ n: 9 }], { postgres: 'SELECT COUNT(*) AS "n" FROM "dept" CROSS JOIN "dept" AS "d2"' })
    })

    it('WHERE, GROUP BY, HAVING, aggregates', async () => {
      const q = pipe(
        select({ d: emp.c.deptId, n: count(), total: sum(emp.c.salary), lo: min(emp.c.salary), hi: max(emp.c.salary), mean: avg(emp.c.salary) }),
        from(emp),
        where(gte(emp.c.salary, 150)),
        groupBy(emp.c.deptId),
        having(gte(count(), 2)),
        orderBy(emp.c.deptId),
      )
      await expectRows(h, q, [
        { d: 1, n: 2, total: 500, lo: 200, hi: 300, mean: 250 },
        { d: 2, n: 2, total: 350, lo: 150, hi: 200, mean: 175 },
      ], {
        postgres: {
          sql: 'SELECT "emp"."dept_id" AS "d", COUNT(*) AS "n", SUM("emp"."salary") AS "total", MIN("emp"."salary") AS "lo", MAX("emp"."salary") AS "hi", AVG("emp"."salary") AS "mean" FROM "emp" WHERE "emp"."salary" >= $1 GROUP BY "emp"."dept_id" HAVING COUNT(*) >= $2::INTEGER ORDER BY "emp"."dept_id"',
          params: [150, 2],
        },
      })
    })

    it('count(column) skips NULLs; count distinct', async () => {
      await expectRows(h, pipe(select({ all: count(), withBonus: count(emp.c.bonus), salaries: countDistinct(emp.c.salary) }), from(emp)), [{ all: 5, withBonus: 3, salaries: 4 }], {
        mysql: 'SELECT COUNT(*) AS `all`, COUNT(`emp`.`bonus`) AS `withBonus`, COUNT(DISTINCT `emp`.`salary`) AS `salaries` FROM `emp`',
      })
    })

    it('aggregates over no rows are NULL (count is 0)', async () => {
      await expectRows(h, pipe(select({ n: count(), s: sum(emp.c.salary), a: avg(emp.c.salary), m: max(emp.c.name) }), from(emp), where(eq(emp.c.id, -1))), [{ n: 0, s: null, a: null, m: null }])
    })

    it('ORDER BY asc/desc NULLS FIRST/LAST (emulated on MySQL)', async () => {
      const q = (o: ReturnType<typeof asc>) => pipe(select({ id: emp.c.id, b: emp.c.bonus }), from(emp), orderBy(o, asc(emp.c.id)))
      await expectRows(h, q(asc(emp.c.bonus, 'FIRST')), [
        { id: 2, b: null },
        { id: 4, b: null },
        { id: 5, b: 10 },
        { id: 3, b: 20 },
        { id: 1, b: 50 },
      ], {
        sqlite: 'SELECT "emp"."id" AS "id", "emp"."bonus" AS "b" FROM "emp" ORDER BY "emp"."bonus" NULLS FIRST, "emp"."id"',
        postgres: 'SELECT "emp"."id" AS "id", "emp"."bonus" AS "b" FROM "emp" ORDER BY "emp"."bonus" NULLS FIRST, "emp"."id"',
        mysql: 'SELECT `emp`.`id` AS `id`, `emp`.`bonus` AS `b` FROM `emp` ORDER BY (`emp`.`bonus` IS NULL) DESC, `emp`.`bonus`, `emp`.`id`',
      })
      await expectRows(h, q(asc(emp.c.bonus, 'LAST')), [
        { id: 5, b: 10 },
        { id: 3, b: 20 },
        { id: 1, b: 50 },
        { id: 2, b: null },
        { id: 4, b: null },
      ], { mysql: 'SELECT `emp`.`id` AS `id`, `emp`.`bonus` AS `b` FROM `emp` ORDER BY (`emp`.`bonus` IS NULL), `emp`.`bonus`, `emp`.`id`' })
      await expectRows(h, q(desc(emp.c.bonus, 'FIRST')), [
        { id: 2, b: null },
        { id: 4, b: null },
        { id: 1, b: 50 },
        { id: 3, b: 20 },
        { id: 5, b: 10 },
      ], { postgres: 'SELECT "emp"."id" AS "id", "emp"."bonus" AS "b" FROM "emp" ORDER BY "emp"."bonus" DESC NULLS FIRST, "emp"."id"' })
      await expectRows(h, q(desc(emp.c.bonus, 'LAST')), [
        { id: 1, b: 50 },
        { id: 3, b: 20 },
        { id: 5, b: 10 },
        { id: 2, b: null },
        { id: 4, b: null },
      ])
      // plain DESC: the order of NULLs is the database's own (not asserted), the rest is fixed
      const plain = await rows(h, pipe(select({ id: emp.c.id, b: emp.c.bonus }), from(emp), orderBy(desc(emp.c.salary), desc(emp.c.id))))
      expect(plain.map((r) => r.id)).toStrictEqual([1, 3, 2, 4, 5])
    })

    it('LIMIT, OFFSET, OFFSET alone', async () => {
      const base = pipe(select({ id: emp.c.id }), from(emp), orderBy(emp.c.id))
      await expectRows(h, pipe(base, limit(2), offset(1)), [{ id: 2 }, { id: 3 }], {
        sqlite: { sql: 'SELECT "emp"."id" AS "id" FROM "emp" ORDER BY "emp"."id" LIMIT ? OFFSET ?', params: [2n, 1n] },
        postgres: { sql: 'SELECT "emp"."id" AS "id" FROM "emp" ORDER BY "emp"."id" LIMIT $1 OFFSET $2', params: [2, 1] },
        mysql: { sql: 'SELECT `emp`.`id` AS `id` FROM `emp` ORDER BY `emp`.`id` LIMIT ? OFFSET ?', params: [2, 1] },
      })
      await expectRows(h, pipe(base, offset(3)), [{ id: 4 }, { id: 5 }], {
        sqlite: 'SELECT "emp"."id" AS "id" FROM "emp" ORDER BY "emp"."id" LIMIT -1 OFFSET ?',
        postgres: 'SELECT "emp"."id" AS "id" FROM "emp" ORDER BY "emp"."id" OFFSET $1',
        mysql: 'SELECT `emp`.`id` AS `id` FROM `emp` ORDER BY `emp`.`id` LIMIT 18446744073709551615 OFFSET ?',
      })
      await expectRows(h, pipe(base, limit(0)), [])
    })

    it('DISTINCT', async () => {
      await expectRows(h, pipe(select({ s: emp.c.salary }), from(emp), distinct(), orderBy(emp.c.salary)), [{ s: 100 }, { s: 150 }, { s: 200 }, { s: 300 }], {
        postgres: 'SELECT DISTINCT "emp"."salary" AS "s" FROM "emp" ORDER BY "emp"."salary"',
      })
    })

    it('DISTINCT ON (PostgreSQL only)', async () => {
      const q = pipe(
        select({ d: emp.c.deptId, name: emp.c.name }),
        from(emp),
        distinctOn(emp.c.deptId),
        orderBy(asc(emp.c.deptId), desc(emp.c.salary), asc(emp.c.id)),
      )
      await expectRows(h, q, [
        { d: 1, name: 'Ada' },
        { d: 2, name: 'Cy' },
        { d: null, name: 'Eve' },
      ], {
        postgres: 'SELECT DISTINCT ON ("emp"."dept_id") "emp"."dept_id" AS "d", "emp"."name" AS "name" FROM "emp" ORDER BY "emp"."dept_id", "emp"."salary" DESC, "emp"."id"',
        sqlite: unsupported('DISTINCT ON'),
        mysql: unsupported('DISTINCT ON'),
      })
    })

    it('FOR UPDATE / FOR SHARE inside a transaction (UnsupportedFeature on SQLite)', async () => {
      const q = pipe(select({ id: emp.c.id }), from(emp), where(eq(emp.c.id, 1)))
      const upd = pipe(q, forUpdate())
      const shr = pipe(q, forShare())
      const okU = await expectSql(h, upd, {
        sqlite: unsupported('FOR UPDATE'),
        postgres: 'SELECT "emp"."id" AS "id" FROM "emp" WHERE "emp"."id" = $1 FOR UPDATE',
        mysql: 'SELECT `emp`.`id` AS `id` FROM `emp` WHERE `emp`.`id` = ? FOR UPDATE',
      })
      const okS = await expectSql(h, shr, {
        sqlite: unsupported('FOR SHARE'),
        postgres: 'SELECT "emp"."id" AS "id" FROM "emp" WHERE "emp"."id" = $1 FOR SHARE',
        mysql: 'SELECT `emp`.`id` AS `id` FROM `emp` WHERE `emp`.`id` = ? LOCK IN SHARE MODE',
      })
      expect(okU).toBe(okS)
      if (!okU) return
      const r = await h.engine.transaction((c) => async () => {
        const a = await c.execute(upd)()
        const b = await c.execute(shr)()
        return a._tag === 'Left' ? a : b._tag === 'Left' ? b : { _tag: 'Right', right: [a.right, b.right] as const }
      })()
      expect(r).toStrictEqual({ _tag: 'Right', right: [[{ id: 1 }], [{ id: 1 }]] })
      // OF: PostgreSQL only here (MariaDB has no FOR UPDATE OF)
      await expectSql(h, pipe(q, forUpdate({ of: [emp], nowait: true })), {
        sqlite: unsupported('FOR UPDATE'),
        postgres: 'SELECT "emp"."id" AS "id" FROM "emp" WHERE "emp"."id" = $1 FOR UPDATE OF "emp" NOWAIT',
        mysql: unsupported('FOR UPDATE OF'),
      })
      // NOWAIT / SKIP LOCKED compile too
      await expectSql(h, pipe(q, forUpdate({ skipLocked: true })), {
        postgres: 'SELECT "emp"."id" AS "id" FROM "emp" WHERE "emp"."id" = $1 FOR UPDATE SKIP LOCKED',
        mysql: 'SELECT `emp`.`id` AS `id` FROM `emp` WHERE `emp`.`id` = ? FOR UPDATE SKIP LOCKED',
      })
    })

    it('the same query compiles to the same SQL for every value (shape cache), and reruns', async () => {
      const q = (id: number) => pipe(select({ name: emp.c.name }), from(emp), where(eq(emp.c.id, id)))
      expect(await rows(h, q(1))).toStrictEqual([{ name: 'Ada' }])
      expect(await rows(h, q(5))).toStrictEqual([{ name: 'Eve' }])
      await expectSql(h, q(2), same(h.name === 'postgres' ? { sql: 'SELECT "emp"."name" AS "name" FROM "emp" WHERE "emp"."id" = $1', params: [2] } : { sql: h.name === 'mysql' ? 'SELECT `emp`.`name` AS `name` FROM `emp` WHERE `emp`.`id` = ?' : 'SELECT "emp"."name" AS "name" FROM "emp" WHERE "emp"."id" = ?', params: [h.name === 'sqlite' ? 2n : 2] }))
    })
  },
  { tables: fixtureTables, seed },
)
