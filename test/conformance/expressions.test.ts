/**
 * Expressions on every database: comparison, logic, NULL tests, IN, BETWEEN, LIKE / ILIKE and
 * the escaping helpers, arithmetic, concatenation, CASE, CAST, COALESCE, func.*, IS DISTINCT FROM.
 */
import { pipe } from 'fp-ts/lib/function.js'
import { expect, it } from 'vitest'
import {
  add,
  and,
  asc,
  between,
  caseOf,
  caseWhen,
  cast,
  coalesce,
  concat,
  count,
  filterWhere,
  isFalse,
  isTrue,
  contains,
  div,
  endsWith,
  eq,
  fn,
  from,
  func,
  gt,
  gte,
  ilike,
  isDistinctFrom,
  isIn,
  isNotDistinctFrom,
  isNotIn,
  isNotNull,
  isNull,
  like,
  lt,
  lte,
  mod,
  mul,
  ne,
  neg,
  not,
  notBetween,
  notIlike,
  notLike,
  or,
  orderBy,
  param,
  select,
  startsWith,
  sub,
  types,
  where,
} from '../../src/algebra/index.js'
import { emp, events, fixtureTables, seed, words } from './fixture.js'
import { insertInto } from '../../src/algebra/index.js'
import { conformance, expectRows, rolledBack, rows, run } from './support.js'

const ids = async (h: Parameters<typeof rows>[0], p: Parameters<typeof where>[0], t: 'emp' | 'words' = 'emp'): Promise<ReadonlyArray<number>> => {
  const q = t === 'emp' ? pipe(select({ id: emp.c.id }), from(emp), where(p), orderBy(emp.c.id)) : pipe(select({ id: words.c.id }), from(words), where(p), orderBy(words.c.id))
  return (await rows(h, q)).map((r) => r.id)
}

conformance(
  'expressions',
  (h) => {
    it('comparisons', async () => {
      expect(await ids(h, eq(emp.c.salary, 200))).toStrictEqual([2, 3])
      expect(await ids(h, ne(emp.c.salary, 200))).toStrictEqual([1, 4, 5])
      expect(await ids(h, lt(emp.c.salary, 200))).toStrictEqual([4, 5])
      expect(await ids(h, lte(emp.c.salary, 200))).toStrictEqual([2, 3, 4, 5])
      expect(await ids(h, gt(emp.c.salary, 200))).toStrictEqual([1])
      expect(await ids(h, gte(emp.c.hired, '2022-01-01'))).toStrictEqual([4, 5])
      expect(await ids(h, eq(emp.c.name, 'Bob'))).toStrictEqual([2])
      // eq(x, null) is IS NULL, as in SQLAlchemy
      expect(await ids(h, eq(emp.c.bonus, null))).toStrictEqual([2, 4])
      expect(await ids(h, ne(emp.c.bonus, null))).toStrictEqual([1, 3, 5])
    })

    it('and / or / not (three-valued logic: NOT of NULL excludes the row)', async () => {
      expect(await ids(h, and(gt(emp.c.salary, 100), lt(emp.c.salary, 300)))).toStrictEqual([2, 3, 4])
      expect(await ids(h, or(eq(emp.c.id, 1), eq(emp.c.id, 5), and(eq(emp.c.salary, 200), eq(emp.c.deptId, 2))))).toStrictEqual([1, 3, 5])
      expect(await ids(h, not(gt(emp.c.bonus, 15)))).toStrictEqual([5])
      expect(await ids(h, not(or(eq(emp.c.id, 1), eq(emp.c.id, 2))))).toStrictEqual([3, 4, 5])
    })

    it('IS NULL / IS NOT NULL', async () => {
      expect(await ids(h, isNull(emp.c.deptId))).toStrictEqual([5])
      expect(await ids(h, isNotNull(emp.c.bonus))).toStrictEqual([1, 3, 5])
    })

    it('IN list, NOT IN, empty lists, IN subquery', async () => {
      expect(await ids(h, isIn(emp.c.name, ['Ada', 'Dee', 'Nobody']))).toStrictEqual([1, 4])
      expect(await ids(h, isNotIn(emp.c.id, [1, 2]))).toStrictEqual([3, 4, 5])
      expect(await ids(h, isIn(emp.c.id, []))).toStrictEqual([])
      expect(await ids(h, isNotIn(emp.c.id, []))).toStrictEqual([1, 2, 3, 4, 5])
      const managers = pipe(select({ m: emp.c.managerId }), from(emp), where(isNotNull(emp.c.managerId)))
      expect(await ids(h, isIn(emp.c.id, managers))).toStrictEqual([1, 3])
      expect(await ids(h, isNotIn(emp.c.id, managers))).toStrictEqual([2, 4, 5])
    })

    it('BETWEEN / NOT BETWEEN (inclusive)', async () => {
      expect(await ids(h, between(emp.c.salary, 150, 200))).toStrictEqual([2, 3, 4])
      expect(await ids(h, notBetween(emp.c.salary, 150, 200))).toStrictEqual([1, 5])
      expect(await ids(h, between(emp.c.hired, '2021-01-01', '2021-12-31'))).toStrictEqual([2, 3])
    })

    it('LIKE / NOT LIKE with wildcards and an explicit ESCAPE', async () => {
      expect(await ids(h, like(words.c.w, '100%'), 'words')).toStrictEqual([1, 2])
      expect(await ids(h, like(words.c.w, 'a_b'), 'words')).toStrictEqual([3, 4])
      expect(await ids(h, like(words.c.w, '100!%', { escape: '!' }), 'words')).toStrictEqual([1])
      expect(await ids(h, like(words.c.w, 'a#_b', { escape: '#' }), 'words')).toStrictEqual([3])
      expect(await ids(h, notLike(words.c.w, '%a%'), 'words')).toStrictEqual([1, 2, 5, 9, 11])
      expect(await ids(h, like(words.c.w, "it's"), 'words')).toStrictEqual([5])
      await expectRows(h, pipe(select({ id: words.c.id }), from(words), where(like(words.c.w, '100!%', { escape: '!' }))), [{ id: 1 }], {
        sqlite: { sql: `SELECT "words"."id" AS "id" FROM "words" WHERE "words"."w" LIKE ? ESCAPE '!'`, params: ['100!%'] },
        postgres: { sql: `SELECT "words"."id" AS "id" FROM "words" WHERE "words"."w" LIKE $1 ESCAPE '!'`, params: ['100!%'] },
        mysql: { sql: "SELECT `words`.`id` AS `id` FROM `words` WHERE `words`.`w` LIKE ? ESCAPE '!'", params: ['100!%'] },
      })
    })

    it('ILIKE / NOT ILIKE is case-insensitive on every dialect', async () => {
      expect(await ids(h, ilike(words.c.w, 'hello%'), 'words')).toStrictEqual([9])
      expect(await ids(h, ilike(words.c.w, '%WORLD'), 'words')).toStrictEqual([9])
      expect(await ids(h, ilike(words.c.w, 'BANG%'), 'words')).toStrictEqual([7, 8])
      expect(await ids(h, notIlike(words.c.w, '%O%'), 'words')).toStrictEqual([1, 2, 3, 4, 5, 6, 7, 8, 10, 11])
      await expectRows(h, pipe(select({ id: words.c.id }), from(words), where(ilike(words.c.w, 'HELLO%'))), [{ id: 9 }], {
        sqlite: 'SELECT "words"."id" AS "id" FROM "words" WHERE LOWER("words"."w") LIKE LOWER(?)',
        postgres: 'SELECT "words"."id" AS "id" FROM "words" WHERE "words"."w" ILIKE $1',
        mysql: 'SELECT `words`.`id` AS `id` FROM `words` WHERE LOWER(`words`.`w`) LIKE LOWER(?)',
      })
    })

    it('ilike folds non-ASCII letters on PostgreSQL and MariaDB; on SQLite ASCII only (documented limitation)', async () => {
      await rolledBack(h, async (t) => {
        await run(t, insertInto(words, [{ id: 100, w: 'ÉCOLE' }, { id: 101, w: 'Straße' }]))
        // SQLite's LOWER() and LIKE fold ASCII letters only: 'É' does not match 'é' there
        expect(await ids(t, ilike(words.c.w, 'école'), 'words')).toStrictEqual(h.name === 'sqlite' ? [] : [100])
        expect(await ids(t, ilike(words.c.w, 'Écol_'), 'words')).toStrictEqual([100])
        expect(await ids(t, ilike(words.c.w, 'STRAßE'), 'words')).toStrictEqual([101])
      })
    })

    it('plain LIKE follows the database: case-sensitive on PostgreSQL, not on SQLite (ASCII) and MariaDB (_ci collation)', async () => {
      expect(await ids(h, like(words.c.w, 'hello%'), 'words')).toStrictEqual(h.name === 'postgres' ? [] : [9])
    })

    it('IN with a long list (5,000 parameters)', async () => {
      const many = Array.from({ length: 5000 }, (_, i) => i - 2000)
      expect(await ids(h, isIn(emp.c.id, many))).toStrictEqual([1, 2, 3, 4, 5])
    })

    it('contains / startsWith / endsWith match %, _, !, quotes and backslashes literally', async () => {
      expect(await ids(h, contains(words.c.w, '%'), 'words')).toStrictEqual([1, 11])
      expect(await ids(h, contains(words.c.w, '_'), 'words')).toStrictEqual([3, 11])
      expect(await ids(h, contains(words.c.w, '!'), 'words')).toStrictEqual([7, 11])
      expect(await ids(h, contains(words.c.w, '!%_'), 'words')).toStrictEqual([11])
      expect(await ids(h, startsWith(words.c.w, '100%'), 'words')).toStrictEqual([1])
      expect(await ids(h, endsWith(words.c.w, '0%'), 'words')).toStrictEqual([1])
      expect(await ids(h, startsWith(words.c.w, 'a_'), 'words')).toStrictEqual([3])
      expect(await ids(h, endsWith(words.c.w, 'g!'), 'words')).toStrictEqual([7])
      expect(await ids(h, contains(words.c.w, "'"), 'words')).toStrictEqual([5])
      expect(await ids(h, contains(words.c.w, '"hi"'), 'words')).toStrictEqual([10])
      expect(await ids(h, contains(words.c.w, '\\'), 'words')).toStrictEqual([6])
      expect(await ids(h, contains(words.c.w, 'k\\s'), 'words')).toStrictEqual([6])
      expect(await ids(h, contains(words.c.w, 'world', { caseInsensitive: true }), 'words')).toStrictEqual([9])
      await expectRows(h, pipe(select({ id: words.c.id }), from(words), where(contains(words.c.w, '0%'))), [{ id: 1 }], {
        sqlite: { sql: `SELECT "words"."id" AS "id" FROM "words" WHERE "words"."w" LIKE ? ESCAPE '!'`, params: ['%0!%%'] },
        postgres: { sql: `SELECT "words"."id" AS "id" FROM "words" WHERE "words"."w" LIKE $1 ESCAPE '!'`, params: ['%0!%%'] },
        mysql: { sql: "SELECT `words`.`id` AS `id` FROM `words` WHERE `words`.`w` LIKE ? ESCAPE '!'", params: ['%0!%%'] },
      })
    })

    it('arithmetic: + - * % and unary minus', async () => {
      const q = pipe(
        select({ a: add(emp.c.salary, 1), s: sub(emp.c.salary, 1), m: mul(emp.c.salary, 3), r: mod(emp.c.salary, 7), n: neg(emp.c.salary), p: add(mul(emp.c.salary, 2), param(1)) }),
        from(emp),
        where(eq(emp.c.id, 4)),
      )
      await expectRows(h, q, [{ a: 151, s: 149, m: 450, r: 3, n: -150, p: 301 }])
    })

    it('division: integer on SQLite and PostgreSQL, decimal on MySQL (documented)', async () => {
      // column / column: both operands are INTEGER columns
      const q = pipe(select({ d: div(emp.c.salary, emp.c.id) }), from(emp), where(eq(emp.c.id, 4)))
      const got = await rows(h, q)
      expect(got).toStrictEqual([{ d: h.name === 'mysql' ? 37.5 : 37 }])
      // column / bound integer: SQLite binds integers as INTEGER (not REAL), so still integer division
      const bound = pipe(select({ d: div(emp.c.salary, 7) }), from(emp), where(eq(emp.c.id, 4)))
      await expectRows(h, bound, [{ d: h.name === 'mysql' ? 21.4286 : 21 }], {
        sqlite: { sql: 'SELECT "emp"."salary" / ? AS "d" FROM "emp" WHERE "emp"."id" = ?', params: [7n, 4n] },
      })
    })

    it('concatenation (NULL operand gives NULL everywhere)', async () => {
      const q = pipe(select({ c: concat(emp.c.name, ' <', cast(emp.c.salary, types.text), '>'), n: concat(emp.c.name, cast(emp.c.bonus, types.text)) }), from(emp), where(eq(emp.c.id, 2)))
      await expectRows(h, q, [{ c: 'Bob <200>', n: null as unknown as string }])
    })

    it('CASE (searched and simple)', async () => {
      const grade = caseWhen([[gte(emp.c.salary, 300), 'A'], [gte(emp.c.salary, 200), 'B']], 'C')
      const kind = caseOf(emp.c.deptId, [[1, 'eng'], [2, 'sales']])
      const q = pipe(select({ id: emp.c.id, grade, kind }), from(emp), orderBy(emp.c.id))
      await expectRows(h, q, [
        { id: 1, grade: 'A', kind: 'eng' },
        { id: 2, grade: 'B', kind: 'eng' },
        { id: 3, grade: 'B', kind: 'sales' },
        { id: 4, grade: 'C', kind: 'sales' },
        { id: 5, grade: 'C', kind: null },
      ], {
        postgres: 'SELECT "emp"."id" AS "id", CASE WHEN "emp"."salary" >= $1 THEN $2 WHEN "emp"."salary" >= $3 THEN $4 ELSE $5 END AS "grade", CASE "emp"."dept_id" WHEN $6 THEN $7 WHEN $8 THEN $9 END AS "kind" FROM "emp" ORDER BY "emp"."id"',
      })
    })

    it('CAST to integer, text, numeric, date', async () => {
      const q = pipe(
        select({
          i: cast(param('42'), types.integer),
          t: cast(emp.c.salary, types.text),
          n: cast(emp.c.salary, types.numeric(10, 2)),
          d: cast(param('2024-02-29'), types.date),
        }),
        from(emp),
        where(eq(emp.c.id, 1)),
      )
      const got = await rows(h, q)
      // NUMERIC text keeps the scale where the database keeps it (SQLite has no fixed-point type)
      expect(got).toStrictEqual([{ i: 42, t: '300', n: h.name === 'sqlite' ? '300' : '300.00', d: '2024-02-29' }])
    })

    it('COALESCE', async () => {
      const q = pipe(select({ id: emp.c.id, b: coalesce(emp.c.bonus, 0) }), from(emp), orderBy(emp.c.id))
      await expectRows(h, q, [
        { id: 1, b: 50 },
        { id: 2, b: 0 },
        { id: 3, b: 20 },
        { id: 4, b: 0 },
        { id: 5, b: 10 },
      ])
    })

    it('func.* : lower, upper, length, abs, round, trim, replace, substr, nullif, any named function', async () => {
      const q = pipe(
        select({
          lo: func.lower(emp.c.name),
          up: func.upper(emp.c.name),
          len: func.length(emp.c.name),
          abs: func.abs(neg(emp.c.salary)),
          rnd: func.round(div(cast(emp.c.salary, types.double), 7)),
          rnd2: func.round(div(cast(emp.c.salary, types.numeric(10, 4)), 7), 2),
          tr: func.trim(param('  x  ')),
          rep: func.replace(emp.c.name, 'a', 'A'),
          sub: func.substr(emp.c.name, 2, 1),
          nul: func.nullif(emp.c.salary, 300),
          any: fn<number>('ABS', [param(-7)], types.integer),
          call: func.call<number>('ABS', [sub(emp.c.id, 10)], types.integer),
        }),
        from(emp),
        where(eq(emp.c.id, 1)),
      )
      await expectRows(h, q, [{ lo: 'ada', up: 'ADA', len: 3, abs: 300, rnd: 43, rnd2: 42.86, tr: 'x', rep: 'AdA', sub: 'd', nul: null, any: 7, call: 9 }])
    })

    it('func.length counts characters (MySQL: CHAR_LENGTH); func.round(double, digits) (PostgreSQL: via NUMERIC)', async () => {
      await rolledBack(h, async (t) => {
        await run(t, insertInto(words, [{ id: 101, w: 'Straße' }]))
        await expectRows(t, pipe(select({ n: func.length(words.c.w) }), from(words), where(eq(words.c.id, 101))), [{ n: 6 }], {
          mysql: 'SELECT CHAR_LENGTH(`words`.`w`) AS `n` FROM `words` WHERE `words`.`id` = ?',
          postgres: 'SELECT LENGTH("words"."w") AS "n" FROM "words" WHERE "words"."id" = $1',
        })
      })
      const q = pipe(select({ r: func.round(div(cast(emp.c.salary, types.double), 7), 2) }), from(emp), where(eq(emp.c.id, 1)))
      await expectRows(h, q, [{ r: 42.86 }], {
        postgres: 'SELECT ROUND(CAST(CAST("emp"."salary" AS DOUBLE PRECISION) / $1::DOUBLE PRECISION AS NUMERIC), $2) AS "r" FROM "emp" WHERE "emp"."id" = $3',
      })
    })

    it('an invalid function name is an InvalidStatement, never SQL', async () => {
      const r = await h.engine.execute(pipe(select({ x: fn('ABS(1); DROP TABLE emp; --', []) }), from(emp)))()
      expect(r._tag === 'Left' && r.left._tag).toBe('InvalidStatement')
    })

    it('IS TRUE / IS FALSE / = on a boolean column (NULL is neither)', async () => {
      const ev = async (p: Parameters<typeof where>[0]) => (await rows(h, pipe(select({ id: events.c.id }), from(events), where(p), orderBy(events.c.id)))).map((r) => r.id)
      expect(await ev(isTrue(events.c.ok))).toStrictEqual([1])
      expect(await ev(isFalse(events.c.ok))).toStrictEqual([2])
      expect(await ev(eq(events.c.ok, true))).toStrictEqual([1])
      expect(await ev(not(isTrue(events.c.ok)))).toStrictEqual([2, 3])
    })

    it('timestamps compare with Date parameters to the millisecond', async () => {
      const ev = async (p: Parameters<typeof where>[0]) => (await rows(h, pipe(select({ id: events.c.id }), from(events), where(p), orderBy(events.c.id)))).map((r) => r.id)
      expect(await ev(lt(events.c.at, new Date('2024-03-10T10:00:00.000Z')))).toStrictEqual([1])
      expect(await ev(gte(events.c.at, new Date('2024-03-10T10:00:00.000Z')))).toStrictEqual([2, 3])
      expect(await ev(eq(events.c.at, new Date('2024-03-10T10:00:00.001Z')))).toStrictEqual([3])
      expect(await ev(between(events.c.at, new Date('2024-03-10T09:59:59.999Z'), new Date('2024-03-10T10:00:00.000Z')))).toStrictEqual([1, 2])
      expect(await rows(h, pipe(select({ at: events.c.at }), from(events), where(eq(events.c.id, 1))))).toStrictEqual([{ at: new Date('2024-03-10T09:59:59.999Z') }])
    })

    it('aggregate FILTER (WHERE …) (emulated with CASE on MySQL)', async () => {
      const q = pipe(select({ rich: filterWhere(count(), gte(emp.c.salary, 200)), bonus: filterWhere(count(emp.c.bonus), gt(emp.c.id, 1)) }), from(emp))
      await expectRows(h, q, [{ rich: 3, bonus: 2 }], {
        postgres: 'SELECT COUNT(*) FILTER (WHERE "emp"."salary" >= $1) AS "rich", COUNT("emp"."bonus") FILTER (WHERE "emp"."id" > $2) AS "bonus" FROM "emp"',
        mysql: 'SELECT COUNT(CASE WHEN `emp`.`salary` >= ? THEN 1 END) AS `rich`, COUNT(CASE WHEN `emp`.`id` > ? THEN `emp`.`bonus` END) AS `bonus` FROM `emp`',
      })
    })

    it('IS [NOT] DISTINCT FROM (null-safe; emulated on SQLite and MySQL)', async () => {
      expect(await ids(h, isDistinctFrom(emp.c.bonus, 50))).toStrictEqual([2, 3, 4, 5])
      expect(await ids(h, isDistinctFrom(emp.c.bonus, null))).toStrictEqual([1, 3, 5])
      expect(await ids(h, isNotDistinctFrom(emp.c.bonus, null))).toStrictEqual([2, 4])
      expect(await ids(h, isNotDistinctFrom(emp.c.bonus, 20))).toStrictEqual([3])
      await expectRows(h, pipe(select({ id: emp.c.id }), from(emp), where(isDistinctFrom(emp.c.bonus, 50)), orderBy(asc(emp.c.id))), [{ id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }], {
        sqlite: 'SELECT "emp"."id" AS "id" FROM "emp" WHERE "emp"."bonus" IS NOT ? ORDER BY "emp"."id"',
        postgres: 'SELECT "emp"."id" AS "id" FROM "emp" WHERE "emp"."bonus" IS DISTINCT FROM $1 ORDER BY "emp"."id"',
        mysql: 'SELECT `emp`.`id` AS `id` FROM `emp` WHERE NOT (`emp`.`bonus` <=> ?) ORDER BY `emp`.`id`',
      })
    })
  },
  { tables: fixtureTables, seed },
)
