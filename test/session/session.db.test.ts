/**
 * The ORM Session on every database: persisting an object graph, identity, a flush that
 * fails halfway (nothing lost, state kept), optimistic locking, bulk and query-level paths.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as O from 'fp-ts/lib/Option.js'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { asc, count, createAll, groupBy, join, dropAll, eq, from, integer, orderBy, select, table, text, textColumn, varchar, where, type AnyEntity, belongsTo, entity, hasMany } from '../../src/index.js'
import { createEngine } from '../../src/createEngine.js'
import type { Engine } from '../../src/effects/Engine.js'
import * as S from '../../src/mapping/session.js'
import { describeEachDatabase } from '../support/databases.js'
import { right } from '../support/run.js'

const writers = table('s_writers', {
  id: integer().primaryKey(),
  name: varchar(100).notNull().unique(),
  bio: textColumn(),
  rev: integer().notNull().default(1),
})
const works = table('s_works', {
  id: integer().primaryKey(),
  writerId: integer()
    .named('writer_id')
    .notNull()
    .references(() => writers.c.id, { onDelete: 'CASCADE' }),
  title: varchar(200).notNull(),
})
const Writer = entity(writers, { relations: { works: hasMany((): AnyEntity => Work) }, version: 'rev' })
const Work = entity(works, { relations: { writer: belongsTo((): AnyEntity => Writer) } })

const make = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}

describeEachDatabase('Session', (db) => {
  let engine: Engine
  beforeAll(async () => {
    engine = make(createEngine(db.url))
    for (const s of make(createAll(engine.dialect)([writers, works]))) await right(engine.run(s))
  })
  afterAll(async () => {
    for (const s of make(dropAll(engine.dialect)([writers, works]))) await right(engine.run(s))
    await engine.dispose()
  })
  beforeEach(async () => {
    await right(engine.run(text('DELETE FROM s_works')))
    await right(engine.run(text('DELETE FROM s_writers')))
  })

  const run = <A>(p: S.Session<A>) => S.runSession(engine, p)()

  it('persists 1,000 writers with 5 works each in one flush, children keyed from generated ids', async () => {
    const graph = Array.from({ length: 1000 }, (_, i) =>
      make(Writer.make({ name: `w${i}`, works: Array.from({ length: 5 }, (_, j) => make(Work.make({ title: `t${i}.${j}`, writerId: 0 }))) })),
    )
    const statements: string[] = []
    const off = engine.on('beforeExecute', (e) => statements.push(e.sql))
    await right(S.runSession(engine, pipe(S.addAll(graph), S.chain(() => S.flush))))
    off()
    const inserts = statements.filter((s) => /^insert/i.test(s.trim()))
    expect(inserts.length).toBeLessThanOrEqual(4)
    const rows = await right(
      engine.execute(pipe(select({ name: writers.c.name, n: count(works.c.id) }), from(writers), join(works, eq(works.c.writerId, writers.c.id)), groupBy(writers.c.name), orderBy(asc(writers.c.name)))),
    )
    expect(rows.length).toBe(1000)
    expect(rows.every((r) => r.n === 5)).toBe(true)
  })

  it('after a flush the values hold what the database filled in: server defaults, generated keys, NULL for columns left out', async () => {
    const statements: string[] = []
    const off = engine.on('beforeExecute', (e) => statements.push(e.sql))
    const r = await run(
      pipe(
        S.addAll([make(Writer.make({ name: 'defaulted' })), make(Writer.make({ name: 'given', rev: 7, bio: 'b' }))]),
        S.chain(([a, b]) => pipe(S.flush, S.chain(() => S.current(a)), S.chain((ga) => pipe(S.current(b), S.map((gb) => [ga, gb] as const))))),
      ),
    )
    off()
    const [a, b] = make(r)
    expect(O.isSome(a) && O.isSome(b)).toBe(true)
    if (O.isNone(a) || O.isNone(b)) return
    expect([a.value.name, a.value.rev, a.value.bio, typeof a.value.id]).toEqual(['defaulted', 1, null, 'number'])
    expect([b.value.name, b.value.rev, b.value.bio]).toEqual(['given', 7, 'b'])
    // Without RETURNING, rows are read back only when the database chose a default for them.
    const selects = statements.filter((s) => /^select/i.test(s.trim()))
    expect(selects.length).toBe(db.name === 'mysql' ? 1 : 0)
  })

  it('rows that leave nothing to a server default are not read back after the insert', async () => {
    const statements: string[] = []
    const off = engine.on('beforeExecute', (e) => statements.push(e.sql))
    const r = await run(pipe(S.addAll([make(Writer.make({ name: 'x', rev: 3 })), make(Writer.make({ name: 'y', rev: 4 }))]), S.chain(() => S.flush), S.chain(() => S.all(Writer, orderBy(asc(writers.c.name))))))
    off()
    expect(pipe(r, E.map((ws) => ws.map((w) => [w.name, w.rev, w.bio])))).toEqual(E.right([['x', 3, null], ['y', 4, null]]))
    expect(statements.filter((s) => /^select/i.test(s.trim())).length).toBe(1)
  })

  it('an INSERT reads back only what the database chose: the generated key, and server defaults a row leaves out', async () => {
    const statements: string[] = []
    const off = engine.on('beforeExecute', (e) => statements.push(e.sql))
    const flushed = await run(
      pipe(
        S.addAll([make(Writer.make({ name: 'given rev', rev: 2 })), make(Writer.make({ name: 'default rev' })), make(Writer.make({ id: 900, name: 'given key', rev: 5 }))]),
        S.chain(() => S.flush),
        S.chain(() => S.all(Writer, orderBy(asc(writers.c.name)))),
      ),
    )
    off()
    expect(pipe(flushed, E.map((ws) => ws.map((w) => [w.name, w.rev, typeof w.id])))).toEqual(
      E.right([
        ['default rev', 1, 'number'],
        ['given key', 5, 'number'],
        ['given rev', 2, 'number'],
      ]),
    )
    const returning = statements.filter((s) => /^insert/i.test(s.trim())).map((s) => (/ RETURNING (.*)$/i.exec(s)?.[1] ?? '').replace(/[`"]/g, ''))
    if (!engine.dialect.capabilities.returning) expect(returning.every((r) => r === '')).toBe(true)
    else {
      // The rows with a generated key (one gives rev, one leaves it) and the row with its own key go in separate statements.
      expect(returning.filter((r) => r !== '').every((r) => /\bid\b/.test(r) && !/\bname\b/.test(r))).toBe(true)
      expect(returning.some((r) => /\brev\b/.test(r))).toBe(true)
      expect(returning.filter((r) => r === '').length).toBe(1)
    }
  })

  it('a unique violation on the 700th of 1,000 rows rolls back the flush; the state is kept and can be fixed', async () => {
    await right(engine.run(text("INSERT INTO s_writers (name, rev) VALUES ('w699', 1)")))
    const values = Array.from({ length: 1000 }, (_, i) => make(Writer.make({ name: `w${i}` })))
    const r = await run(
      pipe(
        S.addAll(values),
        S.chain((added) =>
          pipe(
            S.flush,
            S.map(() => 'no error'),
            S.orElse((e) =>
              pipe(
                S.fromConnection((conn) => conn.one(pipe(select({ n: count() }), from(writers)))),
                S.chain((before) => pipe(S.update(added[699], { name: 'fixed' }), S.chain(() => S.flush), S.map(() => `${e._tag}/${e._tag === 'QueryError' ? e.kind : ''}, rows after failure: ${before.n}`))),
              ),
            ),
          ),
        ),
      ),
    )
    expect(r).toEqual(E.right('QueryError/UniqueViolation, rows after failure: 1'))
    const n = await right(engine.one(pipe(select({ n: count() }), from(writers))))
    expect(n.n).toBe(1001)
  })

  it('one primary key is one value; queries return the pending changes', async () => {
    const r = await run(
      pipe(
        S.create(Writer, { name: 'Ada' }),
        S.chain(() => S.one(Writer, where(eq(Writer.name, 'Ada')))),
        S.chain((ada) => S.update(ada, { bio: 'pending' })),
        S.chain((ada) => pipe(S.get(Writer, ada.id), S.map(O.map((g) => [g.bio, g.rev])))),
      ),
    )
    expect(r).toEqual(E.right(O.some(['pending', 1])))
  })

  it('optimistic locking: a stale update is StaleData and nothing is committed', async () => {
    await right(engine.run(text("INSERT INTO s_writers (name, rev) VALUES ('Ada', 1)")))
    const r = await run(
      pipe(
        S.one(Writer, where(eq(Writer.name, 'Ada'))),
        S.chain((ada) => pipe(S.fromConnection((conn) => conn.run(text('UPDATE s_writers SET rev = 2'))), S.map(() => ada))),
        S.chain((ada) => S.update(ada, { bio: 'mine' })),
        S.chain(() => S.flush),
      ),
    )
    expect(pipe(r, E.mapLeft((e) => e._tag))).toEqual(E.left('StaleData'))
    expect(await right(engine.execute(text('SELECT rev, bio FROM s_writers')))).toEqual([{ rev: 1, bio: null }])
  })

  it('updates changed columns only, deletes, and bumps the version', async () => {
    const statements: string[] = []
    const r = await run(
      pipe(
        S.create(Writer, { name: 'A', bio: 'x' }),
        S.chain(() => S.create(Writer, { name: 'B' })),
        S.chain(() => S.flush),
        S.chain(() => S.all(Writer, orderBy(asc(Writer.id)))),
        S.chain(([a, b]) =>
          pipe(
            S.fromConnection(() => async () => E.right(engine.on('beforeExecute', (e) => statements.push(e.sql)))),
            S.chain(() => S.update(a, { bio: 'y' })),
            S.chain(() => S.delete(b)),
            S.chain(() => S.flush),
          ),
        ),
        S.chain(() => S.all(Writer)),
      ),
    )
    expect(pipe(r, E.map((ws) => ws.map((w) => [w.name, w.bio, w.rev])))).toEqual(E.right([['A', 'y', 2]]))
    const upd = statements.find((s) => /^update/i.test(s.trim()))!
    expect(upd).toMatch(/bio/)
    expect(upd).not.toMatch(/name/)
  })

  it('bulk insert and query-level update keep tracked values in step (evaluate and fetch)', async () => {
    const r = await run(
      pipe(
        S.bulkInsert(Writer, [{ name: 'x1' }, { name: 'x2' }, { name: 'x3' }]),
        S.chain(() => S.all(Writer)),
        S.chain(() => S.updateWhere(Writer, { bio: 'e' }, eq(Writer.name, 'x1'), 'evaluate')),
        S.chain(() => S.updateWhere(Writer, { bio: 'f' }, eq(Writer.name, 'x2'), 'fetch')),
        S.chain(() => S.all(Writer, orderBy(asc(Writer.name)))),
      ),
    )
    expect(pipe(r, E.map((ws) => ws.map((w) => w.bio)))).toEqual(E.right(['e', 'f', null]))
  })
})
