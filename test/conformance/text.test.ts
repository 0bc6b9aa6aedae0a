/**
 * `text()` and `sql()` raw SQL with named binds on every database, and bad input through
 * them: values never enter the SQL text; wrong types give a typed error or round-trip exactly.
 */
import { pipe } from 'fp-ts/lib/function.js'
import { expect, it } from 'vitest'
import { integer, textColumn } from '../../src/algebra/Column.js'
import { eq, from, insertInto, orderBy, select, sql, text, types, where } from '../../src/algebra/index.js'
import { table } from '../../src/algebra/Table.js'
import { conformance, expectError, expectSql, failure, rows, run } from './support.js'

const notes = table('notes', { id: integer().primaryKey().autoIncrement(false), n: integer(), body: textColumn() })

/** Identifiers with both quote characters, a placeholder character and a space. */
const odd = table('odd "t" ?', { id: integer().primaryKey().autoIncrement(false), col: textColumn().named('c`o?l $1') })

const nasty = [
  "O'Brien",
  "'; DROP TABLE notes; --",
  '100% of _all_',
  'back\\slash \\\' \\"',
  '"double" and `backtick`',
  ':name and ::cast and $1 and ?',
  'ünïcödé 日本 😀👩‍👩‍👧',
]

conformance(
  'text() raw SQL',
  (h) => {
    const q = (s: string): string => (h.name === 'mysql' ? s.replaceAll('"', '`') : s)

    it('named binds become placeholders; columns give typed, decoded rows', async () => {
      const t = text(q('SELECT "id", "body" FROM "notes" WHERE "id" = :id'), { id: 1 }, { id: types.integer, body: types.text })
      await expectSql(h, t, {
        sqlite: { sql: 'SELECT "id", "body" FROM "notes" WHERE "id" = ?', params: [1n] },
        postgres: { sql: 'SELECT "id", "body" FROM "notes" WHERE "id" = $1', params: [1] },
        mysql: { sql: 'SELECT `id`, `body` FROM `notes` WHERE `id` = ?', params: [1] },
      })
      expect(await rows(h, t)).toStrictEqual([{ id: 1, body: nasty[0] }])
    })

    it('strings full of quotes, percent signs, backslashes, colons and unicode round-trip through binds', async () => {
      for (const [i, s] of nasty.entries()) {
        const t = text(q('SELECT "body" FROM "notes" WHERE "body" = :s AND "id" = :id'), { s, id: i + 1 }, { body: types.text })
        expect(await rows(h, t)).toStrictEqual([{ body: s }])
        const echo = text('SELECT :s AS v', { s }, { v: types.text })
        expect(await rows(h, echo)).toStrictEqual([{ v: s }])
      }
    })

    it('the same name twice binds twice; order of binds in the object does not matter', async () => {
      const t = text(q('SELECT "id" FROM "notes" WHERE "id" = :a OR "id" = :b OR "id" = :a ORDER BY "id"'), { b: 3, a: 2 }, { id: types.integer })
      expect(await rows(h, t)).toStrictEqual([{ id: 2 }, { id: 3 }])
    })

    it('`\\:` is a literal colon; `12:30` and `::` are not binds', async () => {
      const t = text(`SELECT '12:30' AS a, 'x\\:y' AS b`, {}, { a: types.text, b: types.text })
      expect(await rows(h, t)).toStrictEqual([{ a: '12:30', b: 'x:y' }])
      if (h.name === 'postgres') expect(await rows(h, text('SELECT :v::int + 1 AS n', { v: '41' }, { n: types.integer }))).toStrictEqual([{ n: 42 }])
    })

    it('a `:word` inside a string literal is still a bind marker (as in SQLAlchemy): write `\\:` for a literal colon', async () => {
      expectError(await failure(h, text(`SELECT ':abc' AS v`, {})), 'InvalidStatement')
      await expectSql(h, text(`SELECT ':abc' AS v`, { abc: 'bound' }), {
        sqlite: { sql: `SELECT '?' AS v`, params: ['bound'] },
        postgres: { sql: `SELECT '$1' AS v`, params: ['bound'] },
        mysql: { sql: `SELECT '?' AS v`, params: ['bound'] },
      })
      expect(await rows(h, text(`SELECT '\\:abc' AS v`, {}, { v: types.text }))).toStrictEqual([{ v: ':abc' }])
    })

    it("a '?' or '$1' inside a string literal of text() is not a placeholder", async () => {
      expect(await rows(h, text(`SELECT '?' AS a, '$1' AS b, :v AS c`, { v: 'x' }, { a: types.text, b: types.text, c: types.text }))).toStrictEqual([{ a: '?', b: '$1', c: 'x' }])
    })

    it('identifiers holding quotes, backticks, ? and $1 are quoted, never parsed', async () => {
      await run(h, insertInto(odd, [{ id: 1, col: 'one' }, { id: 2, col: '?' }]))
      expect(await rows(h, pipe(select(odd), where(eq(odd.c.col, '?'))))).toStrictEqual([{ id: 2, col: '?' }])
      await expectSql(h, pipe(select({ v: odd.c.col }), from(odd)), {
        sqlite: 'SELECT "odd ""t"" ?"."c`o?l $1" AS "v" FROM "odd ""t"" ?"',
        postgres: 'SELECT "odd ""t"" ?"."c`o?l $1" AS "v" FROM "odd ""t"" ?"',
        mysql: 'SELECT `odd "t" ?`.`c``o?l $1` AS `v` FROM `odd "t" ?`',
      })
    })

    it('a missing bind is an InvalidStatement, not SQL', async () => {
      expectError(await failure(h, text('SELECT :nope AS v', {})), 'InvalidStatement')
    })

    it('sql() fragments inside a typed query', async () => {
      const up = sql<string>(h.name === 'mysql' ? 'CONCAT(UPPER(`notes`.`body`), :suffix)' : 'UPPER("notes"."body") || :suffix', { suffix: '!' }, types.text)
      expect(await rows(h, pipe(select({ id: notes.c.id, up }), from(notes), where(eq(notes.c.id, 1))))).toStrictEqual([{ id: 1, up: "O'BRIEN!" }])
    })

    it('text() DML counts rows', async () => {
      expect(await run(h, text(q('UPDATE "notes" SET "n" = :n WHERE "id" <= :id'), { n: 5, id: 2 }))).toBe(2)
      expect(await rows(h, pipe(select({ n: notes.c.n }), from(notes), orderBy(notes.c.id)))).toStrictEqual(nasty.map((_, i) => ({ n: i < 2 ? 5 : null })))
    })

    it('bad input: values that cannot be bound never reach the database', async () => {
      for (const v of [NaN, Infinity, -Infinity, 2n ** 64n, { a: 1 }, [1, 2], new Date(NaN), Symbol('s'), () => 1]) {
        const e = await failure(h, text('SELECT :v AS v', { v }))
        expectError(e, 'InvalidStatement')
      }
    })

    it('bad input: a wrong type through a bind is a typed DataError, or (SQLite) stored exactly as given', async () => {
      const ins = text(q('INSERT INTO "notes" ("id", "n") VALUES (:id, :n)'), { id: 100, n: 'not a number' })
      if (h.name === 'sqlite') {
        await run(h, ins)
        // SQLite's type affinity keeps the text as it was given
        expect(await rows(h, text('SELECT "n" AS v FROM "notes" WHERE "id" = 100', {}, { v: types.text }))).toStrictEqual([{ v: 'not a number' }])
        await run(h, text('DELETE FROM "notes" WHERE "id" = 100'))
      } else {
        expectError(await failure(h, ins), 'QueryError', 'DataError')
      }
      const big = text(q('INSERT INTO "notes" ("id", "n") VALUES (:id, :n)'), { id: 101, n: 2n ** 40n })
      if (h.name === 'sqlite') {
        await run(h, big)
        expect(await rows(h, text('SELECT "n" AS v FROM "notes" WHERE "id" = 101', {}, { v: types.bigint }))).toStrictEqual([{ v: 2n ** 40n }])
        await run(h, text('DELETE FROM "notes" WHERE "id" = 101'))
      } else {
        expectError(await failure(h, big), 'QueryError', 'DataError')
      }
    })

    it('bad input: a row that does not match the declared columns is a DecodeError', async () => {
      const t = text(q('SELECT "body" AS v FROM "notes" WHERE "id" = 1'), {}, { v: types.integer })
      expectError(await failure(h, t), 'DecodeError')
    })

    it('a syntax error is a typed QueryError(SyntaxError) and the engine keeps working', async () => {
      expectError(await failure(h, text('SELEC 1')), 'QueryError', 'SyntaxError')
      expect(await rows(h, text('SELECT 1 AS one', {}, { one: types.integer }))).toStrictEqual([{ one: 1 }])
    })
  },
  {
    tables: [notes, odd],
    seed: async (h) => {
      await run(h, insertInto(notes, nasty.map((body, i) => ({ id: i + 1, body }))))
    },
  },
)
