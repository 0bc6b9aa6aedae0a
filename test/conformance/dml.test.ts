/**
 * INSERT / UPDATE / DELETE on every database: one row, many rows, from a select, defaults,
 * UPDATE … FROM and DELETE … USING (or MySQL's multi-table forms), RETURNING, upserts.
 * Every case runs in a transaction that is rolled back, so they start from the same rows.
 */
import { pipe } from 'fp-ts/lib/function.js'
import { expect, it } from 'vitest'
import { integer, numeric, textColumn, varchar } from '../../src/algebra/Column.js'
import {
  add,
  deleteFrom,
  eq,
  excluded,
  from,
  gt,
  insertFromQuery,
  insertInto,
  lt,
  orderBy,
  returning,
  select,
  update,
  updateFrom,
  using,
  where,
} from '../../src/algebra/index.js'
import { table } from '../../src/algebra/Table.js'
import { conformance, expectRows, expectSql, rolledBack, rows, run, unsupported, type Harness } from './support.js'

const items = table('items', {
  id: integer().primaryKey(),
  name: varchar(50).notNull().unique(),
  qty: integer().notNull().default(0),
  price: numeric(10, 2).notNull().default('1.50'),
  note: textColumn(),
})

const prices = table('prices', {
  name: varchar(50).primaryKey(),
  p: integer().notNull(),
})

const archive = table('archive', {
  id: integer().primaryKey(),
  name: varchar(50).notNull(),
  qty: integer().notNull(),
})

const defaults = table('defaults', {
  id: integer().primaryKey(),
  x: integer().notNull().default(3),
  s: varchar(5).default('d'),
})

const all = pipe(select({ id: items.c.id, name: items.c.name, qty: items.c.qty, price: items.c.price, note: items.c.note }), from(items), orderBy(items.c.id))

// no explicit ids: PostgreSQL's identity sequence would not move past them. Ids generated in
// a rolled-back transaction are not reused (sequences, AUTO_INCREMENT), so cases compare ids
// only relative to each other.
const seedRows = [
  { name: 'apple', qty: 5, price: '0.50' },
  { name: 'pear', qty: 0, price: '0.75', note: 'ripe' },
  { name: 'plum', qty: 12, price: '2.00' },
]

const seed = async (h: Harness): Promise<void> => {
  await run(h, insertInto(items, seedRows))
  await run(h, insertInto(prices, [{ name: 'apple', p: 7 }, { name: 'plum', p: 9 }]))
}

conformance(
  'INSERT / UPDATE / DELETE',
  (h) => {
    // SQLite has no fixed-point type: NUMERIC affinity stores '0.50' as the REAL 0.5 (see types.test.ts)
    const money = (s: string): string => (h.name === 'sqlite' ? String(Number(s)) : s)
    it('inserts one row: defaults fill the rest, the generated id is returned (lastInsertId or RETURNING)', () =>
      rolledBack(h, async (t) => {
        const ins = insertInto(items, { name: 'fig' })
        await expectSql(t, ins, {
          sqlite: { sql: 'INSERT INTO "items" ("name") VALUES (?)', params: ['fig'] },
          postgres: { sql: 'INSERT INTO "items" ("name") VALUES ($1)', params: ['fig'] },
          mysql: { sql: 'INSERT INTO `items` (`name`) VALUES (?)', params: ['fig'] },
        })
        const r = await t.engine.run(ins)()
        expect(r._tag).toBe('Right')
        if (r._tag !== 'Right') return
        expect(r.right.rowsAffected).toBe(1)
        const [fig] = await rows(t, pipe(all, where(eq(items.c.name, 'fig'))))
        if (h.name !== 'postgres') expect(Number(r.right.lastInsertId)).toBe(fig.id)
        expect(fig.id).toBeGreaterThan(3)
        expect(fig).toStrictEqual({ id: fig.id, name: 'fig', qty: 0, price: money('1.50'), note: null })
      }))

    it('inserts many rows; a row that leaves a column out gets its default', () =>
      rolledBack(h, async (t) => {
        const ins = insertInto(items, [{ name: 'a', qty: 1 }, { name: 'b' }, { name: 'c', qty: 3, note: "O'Brien" }])
        await expectSql(t, ins, {
          sqlite: { sql: 'INSERT INTO "items" ("name", "qty", "note") VALUES (?, ?, NULL), (?, ?, NULL), (?, ?, ?)', params: ['a', 1n, 'b', 0n, 'c', 3n, "O'Brien"] },
          postgres: { sql: 'INSERT INTO "items" ("name", "qty", "note") VALUES ($1, $2, DEFAULT), ($3, DEFAULT, DEFAULT), ($4, $5, $6)', params: ['a', 1, 'b', 'c', 3, "O'Brien"] },
          mysql: 'INSERT INTO `items` (`name`, `qty`, `note`) VALUES (?, ?, DEFAULT), (?, DEFAULT, DEFAULT), (?, ?, ?)',
        })
        expect(await run(t, ins)).toBe(3)
        const got = await rows(t, pipe(all, where(gt(items.c.id, 3))))
        expect(got.map(({ id: _id, ...r }) => r)).toStrictEqual([
          { name: 'a', qty: 1, price: money('1.50'), note: null },
          { name: 'b', qty: 0, price: money('1.50'), note: null },
          { name: 'c', qty: 3, price: money('1.50'), note: "O'Brien" },
        ])
        expect(got[1].id - got[0].id).toBe(1)
      }))

    it('inserts from a select', () =>
      rolledBack(h, async (t) => {
        const q = pipe(select({ name: items.c.name, qty: items.c.qty }), from(items), where(gt(items.c.qty, 0)))
        const ins = insertFromQuery(archive, [archive.c.name, archive.c.qty], q)
        await expectSql(t, ins, {
          postgres: 'INSERT INTO "archive" ("name", "qty") SELECT "items"."name" AS "name", "items"."qty" AS "qty" FROM "items" WHERE "items"."qty" > $1',
        })
        expect(await run(t, ins)).toBe(2)
        expect(await rows(t, pipe(select({ name: archive.c.name, qty: archive.c.qty }), from(archive), orderBy(archive.c.name)))).toStrictEqual([
          { name: 'apple', qty: 5 },
          { name: 'plum', qty: 12 },
        ])
      }))

    it('updates with WHERE (expressions in SET), counting the rows changed', () =>
      rolledBack(h, async (t) => {
        const upd = pipe(update(items, { qty: add(items.c.qty, 1), note: 'bumped' }), where(lt(items.c.qty, 10)))
        await expectSql(t, upd, {
          sqlite: { sql: 'UPDATE "items" SET "qty" = "items"."qty" + ?, "note" = ? WHERE "items"."qty" < ?', params: [1n, 'bumped', 10n] },
          postgres: { sql: 'UPDATE "items" SET "qty" = "items"."qty" + $1, "note" = $2 WHERE "items"."qty" < $3', params: [1, 'bumped', 10] },
          mysql: { sql: 'UPDATE `items` SET `qty` = `items`.`qty` + ?, `note` = ? WHERE `items`.`qty` < ?', params: [1, 'bumped', 10] },
        })
        expect(await run(t, upd)).toBe(2)
        expect(await rows(t, all)).toStrictEqual([
          { id: 1, name: 'apple', qty: 6, price: money('0.50'), note: 'bumped' },
          { id: 2, name: 'pear', qty: 1, price: money('0.75'), note: 'bumped' },
          { id: 3, name: 'plum', qty: 12, price: money('2.00'), note: null },
        ])
      }))

    it('an UPDATE that changes nothing still counts the rows it matched (MySQL: found rows)', () =>
      rolledBack(h, async (t) => {
        expect(await run(t, pipe(update(items, { qty: items.c.qty }), where(lt(items.c.qty, 10))))).toBe(2)
        expect(await run(t, pipe(update(items, { qty: 1 }), where(eq(items.c.id, -1))))).toBe(0)
      }))

    it('inserts a row of defaults only (DEFAULT VALUES, MySQL: () VALUES ())', () =>
      rolledBack(h, async (t) => {
        const ins = insertInto(defaults)
        await expectSql(t, ins, {
          sqlite: 'INSERT INTO "defaults" DEFAULT VALUES',
          postgres: 'INSERT INTO "defaults" DEFAULT VALUES',
          mysql: 'INSERT INTO `defaults` () VALUES ()',
        })
        expect(await run(t, ins)).toBe(1)
        expect(await run(t, ins)).toBe(1)
        // several rows of defaults in one statement: (DEFAULT) per row for the first column that
        // is not generated (SQLite: its declared default)
        const two = insertInto(defaults, [{}, {}])
        await expectSql(t, two, {
          sqlite: { sql: 'INSERT INTO "defaults" ("x") VALUES (?), (?)', params: [3n, 3n] },
          postgres: 'INSERT INTO "defaults" ("x") VALUES (DEFAULT), (DEFAULT)',
          mysql: 'INSERT INTO `defaults` (`x`) VALUES (DEFAULT), (DEFAULT)',
        })
        expect(await run(t, two)).toBe(2)
        expect((await rows(t, pipe(select({ x: defaults.c.x, s: defaults.c.s }), from(defaults))))).toStrictEqual([
          { x: 3, s: 'd' },
          { x: 3, s: 'd' },
          { x: 3, s: 'd' },
          { x: 3, s: 'd' },
        ])
      }))

    it('deletes with WHERE', () =>
      rolledBack(h, async (t) => {
        const del = pipe(deleteFrom(items), where(eq(items.c.qty, 0)))
        await expectSql(t, del, { mysql: { sql: 'DELETE FROM `items` WHERE `items`.`qty` = ?', params: [0] } })
        expect(await run(t, del)).toBe(1)
        expect((await rows(t, all)).map((r) => r.name)).toStrictEqual(['apple', 'plum'])
      }))

    it('UPDATE … FROM (MySQL: multi-table UPDATE)', () =>
      rolledBack(h, async (t) => {
        const upd = pipe(update(items, { qty: prices.c.p }), updateFrom(prices), where(eq(prices.c.name, items.c.name)))
        await expectSql(t, upd, {
          sqlite: 'UPDATE "items" SET "qty" = "prices"."p" FROM "prices" WHERE "prices"."name" = "items"."name"',
          postgres: 'UPDATE "items" SET "qty" = "prices"."p" FROM "prices" WHERE "prices"."name" = "items"."name"',
          mysql: 'UPDATE `items`, `prices` SET `items`.`qty` = `prices`.`p` WHERE `prices`.`name` = `items`.`name`',
        })
        expect(await run(t, upd)).toBe(2)
        expect((await rows(t, all)).map((r) => r.qty)).toStrictEqual([7, 0, 9])
      }))

    it('DELETE … USING (MySQL: multi-table DELETE; UnsupportedFeature on SQLite)', () =>
      rolledBack(h, async (t) => {
        const del = pipe(deleteFrom(items), using(prices), where(eq(prices.c.name, items.c.name)))
        const ok = await expectSql(t, del, {
          sqlite: unsupported('DELETE … USING'),
          postgres: 'DELETE FROM "items" USING "prices" WHERE "prices"."name" = "items"."name"',
          mysql: 'DELETE `items` FROM `items`, `prices` WHERE `prices`.`name` = `items`.`name`',
        })
        if (!ok) return
        expect(await run(t, del)).toBe(2)
        expect((await rows(t, all)).map((r) => r.name)).toStrictEqual(['pear'])
      }))

    it('RETURNING from INSERT, UPDATE, DELETE (UnsupportedFeature on MySQL)', () =>
      rolledBack(h, async (t) => {
        const ins = pipe(insertInto(items, [{ name: 'kiwi', qty: 2 }, { name: 'lime' }]), returning({ id: items.c.id, name: items.c.name, price: items.c.price }))
        const ok = await expectSql(t, ins, {
          postgres: 'INSERT INTO "items" ("name", "qty") VALUES ($1, $2), ($3, DEFAULT) RETURNING "items"."id" AS "id", "items"."name" AS "name", "items"."price" AS "price"',
          mysql: unsupported('RETURNING'),
        })
        if (ok) {
          const got = await rows(t, ins)
          expect(got.map((r) => [r.name, r.price])).toStrictEqual([['kiwi', money('1.50')], ['lime', money('1.50')]])
          expect(got[0].id).toBeGreaterThan(3)
          expect(got[1].id).toBe(got[0].id + 1)
        }
        await expectRows(t, pipe(update(items, { qty: 100 }), where(eq(items.c.id, 1)), returning()), [{ id: 1, name: 'apple', qty: 100, price: money('0.50'), note: null }], {
          mysql: unsupported('RETURNING'),
        })
        await expectRows(t, pipe(deleteFrom(items), where(eq(items.c.id, 2)), returning({ gone: items.c.name })), [{ gone: 'pear' }], {
          sqlite: 'DELETE FROM "items" WHERE "items"."id" = ? RETURNING "items"."name" AS "gone"',
          mysql: unsupported('RETURNING'),
        })
      }))

    it('upsert: ON CONFLICT DO NOTHING (MySQL: ON DUPLICATE KEY UPDATE c = c)', () =>
      rolledBack(h, async (t) => {
        const ins = insertInto(items, [{ name: 'apple', qty: 99 }, { name: 'cherry', qty: 1 }], { onConflict: { doNothing: true, target: [items.c.name] } })
        await expectSql(t, ins, {
          sqlite: 'INSERT INTO "items" ("name", "qty") VALUES (?, ?), (?, ?) ON CONFLICT ("name") DO NOTHING',
          postgres: 'INSERT INTO "items" ("name", "qty") SELECT * FROM unnest($1::TEXT[], $2::INTEGER[]) ON CONFLICT ("name") DO NOTHING',
          mysql: 'INSERT INTO `items` (`name`, `qty`) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE `items`.`name` = `items`.`name`',
        })
        await run(t, ins)
        expect((await rows(t, all)).map((r) => [r.name, r.qty])).toStrictEqual([
          ['apple', 5],
          ['pear', 0],
          ['plum', 12],
          ['cherry', 1],
        ])
      }))

    it('upsert: DO UPDATE with excluded values (MySQL: VALUES(c))', () =>
      rolledBack(h, async (t) => {
        const ins = insertInto(items, [{ name: 'apple', qty: 10, note: 'restock' }, { name: 'date', qty: 4 }], {
          onConflict: { target: [items.c.name], set: { qty: add(items.c.qty, excluded(items.c.qty)), note: excluded(items.c.note) } },
        })
        await expectSql(t, ins, {
          sqlite: 'INSERT INTO "items" ("name", "qty", "note") VALUES (?, ?, ?), (?, ?, NULL) ON CONFLICT ("name") DO UPDATE SET "qty" = "items"."qty" + excluded."qty", "note" = excluded."note"',
          postgres: 'INSERT INTO "items" ("name", "qty", "note") VALUES ($1, $2, $3), ($4, $5, DEFAULT) ON CONFLICT ("name") DO UPDATE SET "qty" = "items"."qty" + excluded."qty", "note" = excluded."note"',
          mysql: 'INSERT INTO `items` (`name`, `qty`, `note`) VALUES (?, ?, ?), (?, ?, DEFAULT) ON DUPLICATE KEY UPDATE `items`.`qty` = `items`.`qty` + VALUES(`qty`), `items`.`note` = VALUES(`note`)',
        })
        await run(t, ins)
        expect((await rows(t, all)).map((r) => [r.name, r.qty, r.note])).toStrictEqual([
          ['apple', 15, 'restock'],
          ['pear', 0, 'ripe'],
          ['plum', 12, null],
          ['date', 4, null],
        ])
      }))

    it('upsert: DO UPDATE … WHERE (UnsupportedFeature on MySQL)', () =>
      rolledBack(h, async (t) => {
        const ins = insertInto(items, [{ name: 'apple', qty: 1 }, { name: 'plum', qty: 1 }], {
          onConflict: { target: [items.c.name], set: { qty: excluded(items.c.qty) }, where: lt(items.c.qty, 10) },
        })
        const ok = await expectSql(t, ins, { mysql: unsupported('upsert with a WHERE condition') })
        if (!ok) return
        await run(t, ins)
        expect((await rows(t, all)).map((r) => r.qty)).toStrictEqual([1, 0, 12])
      }))

    it('a unique violation is a typed error and changes nothing', () =>
      rolledBack(h, async (t) => {
        const r = await t.engine.run(insertInto(items, { name: 'apple' }))()
        expect(r._tag === 'Left' && r.left._tag === 'QueryError' && r.left.kind).toBe('UniqueViolation')
      }))
  },
  { tables: [items, prices, archive, defaults], seed },
)
