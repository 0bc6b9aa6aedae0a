/**
 * Rows built by the caller (`Statement.rows`, how entity queries have the driver build their
 * values directly) on every database: the builder gets the values in label order and its
 * rows are decoded in place; statements it cannot serve keep plain rows. An entity query's
 * values are built this way and print under the entity's name.
 */
import { inspect } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { asc, bigint, createAll, dropAll, entity, from, insertInto, integer, orderBy, returning, select, table, text, timestamp, varchar } from '../../src/index.js'
import { createEngine } from '../../src/createEngine.js'
import type { Engine } from '../../src/effects/Engine.js'
import type { RowFactory } from '../../src/effects/Statement.js'
import { builtValueTest } from '../../src/mapping/Entity.js'
import * as S from '../../src/mapping/session.js'
import { describeEachDatabase } from '../support/databases.js'
import { right } from '../support/run.js'

const things = table('rb_things', {
  id: integer().primaryKey(),
  name: varchar(50).notNull(),
  big: bigint().notNull(),
  at: timestamp().notNull(),
})
const Thing = entity(things)

const make = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}

/** Rows as instances of one class, and the labels each call was given. */
class Built {
  constructor(readonly values: ReadonlyArray<unknown>) {}
}
const recording = (): { readonly factory: RowFactory; readonly labels: Array<ReadonlyArray<string>> } => {
  const labels: Array<ReadonlyArray<string>> = []
  return {
    labels,
    factory: (ls) => {
      labels.push(ls)
      return (values) => Object.assign(new Built([...values]), Object.fromEntries(ls.map((l, i) => [l, values[i]])))
    },
  }
}

describeEachDatabase('Rows built by the caller', (db) => {
  let engine: Engine
  const at = new Date('2026-11-22T05:00:00.123Z')
  beforeAll(async () => {
    engine = make(createEngine(db.url))
    for (const s of make(createAll(engine.dialect)([things]))) await right(engine.run(s))
    await right(
      engine.run(
        insertInto(things, [
          { id: 1, name: 'one', big: 9007199254740993n, at },
          { id: 2, name: 'two', big: 2n, at },
        ]),
      ),
    )
  })
  afterAll(async () => {
    for (const s of make(dropAll(engine.dialect)([things]))) await right(engine.run(s))
    await engine.dispose()
  })

  it('a query is built from its values in label order, then decoded in place', async () => {
    const r = recording()
    const q = pipe(select({ name: things.c.name, big: things.c.big, at: things.c.at }), from(things), orderBy(asc(things.c.id)))
    const rows = await right(engine.execute({ ...q, rows: r.factory }))
    expect(r.labels).toEqual([['name', 'big', 'at']])
    expect(rows.every((x) => x instanceof Built)).toBe(true)
    expect(rows.map((x) => [x.name, x.big, x.at])).toEqual([
      ['one', 9007199254740993n, at],
      ['two', 2n, at],
    ])
  })

  it('a factory that declines, DML with RETURNING and text() keep plain rows', async () => {
    const declined = await right(engine.execute({ ...pipe(select({ id: things.c.id }), from(things), orderBy(asc(things.c.id))), rows: () => undefined }))
    expect(declined).toEqual([{ id: 1 }, { id: 2 }])
    const r = recording()
    const raw = await right(engine.execute({ ...text('SELECT 1 AS n'), rows: r.factory }))
    expect(raw.map((x) => Number(x.n))).toEqual([1])
    if (engine.dialect.capabilities.returning) {
      const back = await right(engine.execute({ ...pipe(insertInto(things, { id: 3, name: 'three', big: 3n, at }), returning({ id: things.c.id })), rows: r.factory }))
      expect(back).toEqual([{ id: 3 }])
      await right(engine.run(text('DELETE FROM rb_things WHERE id = 3')))
    }
    expect(r.labels).toEqual([])
  })

  it("an entity query's values are built by the driver as the entity's values, printed under its name", async () => {
    const all = await right(S.runSession(engine, S.all(Thing, orderBy(asc(things.c.id)))))
    const built = builtValueTest(Thing)
    expect(all.every((v) => built(v))).toBe(true)
    expect(all.map((v) => [v.id, v.name, v.big, v.at])).toEqual([
      [1, 'one', 9007199254740993n, at],
      [2, 'two', 2n, at],
    ])
    expect(inspect(all[0]).startsWith(`${Thing.$.name} {`)).toBe(true)
  })
})
