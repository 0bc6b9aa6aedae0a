import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as O from 'fp-ts/lib/Option.js'
import * as SRTE from 'fp-ts/lib/StateReaderTaskEither.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { asc, concat, createTable, eq, gt, integer, join, orderBy, table, text, textColumn, varchar, where } from '../algebra/index.js'
import { createEngine } from '../createEngine.js'
import type { Engine } from '../effects/Engine.js'
import { planFlush } from '../effects/session/planFlush.js'
import { empty } from '../effects/session/UnitOfWork.js'
import { belongsTo, entity, hasMany, hybrid, type AnyEntity } from './Entity.js'
import * as S from './session.js'

const authors = table('authors', {
  id: integer().primaryKey(),
  name: varchar(100).notNull().unique(),
  bio: textColumn(),
  version: integer().notNull().default(1),
})
const books = table('books', {
  id: integer().primaryKey(),
  authorId: integer()
    .named('author_id')
    .notNull()
    .references(() => authors.c.id),
  title: varchar(200).notNull(),
})
const Author = entity(authors, {
  relations: { books: hasMany((): AnyEntity => Book) },
  version: 'version',
  hybrids: (c) => ({ label: hybrid(concat(c.name, '!')) }),
  validators: [(r) => (typeof r.name === 'string' && r.name.length > 0 ? E.right(r) : E.left('name must not be empty'))],
})
const Book = entity(books, { relations: { author: belongsTo((): AnyEntity => Author) } })

let engine: Engine
beforeEach(async () => {
  engine = pipe(
    createEngine('sqlite::memory:'),
    E.getOrElseW((e) => {
      throw new Error(e._tag)
    }),
  )
  for (const t of [authors, books]) expect(E.isRight(await engine.run(createTable(t))())).toBe(true)
})
afterEach(() => engine.dispose())

const run = <A>(p: S.Session<A>) => S.runSession(engine, p)()

describe('Session on SQLite', () => {
  it('persists a graph parents first, children keyed from generated ids', async () => {
    const ada = Author.make({ name: 'Ada', books: [E.getOrElseW(() => null)(Book.make({ title: 'Notes', authorId: 0 }))!] })
    expect(E.isRight(ada)).toBe(true)
    if (E.isLeft(ada)) return
    const r = await run(
      pipe(
        S.add(ada.right),
        S.chain(() => S.all(Book)),
      ),
    )
    expect(r).toEqual(E.right([{ id: 1, authorId: 1, title: 'Notes' }]))
  })

  it('plans inserts before updates and deletes, batched per table', async () => {
    const program = pipe(
      S.create(Author, { name: 'A' }),
      S.chain((a) => S.add(E.getOrElseW(() => null)(Book.make({ title: 't', authorId: 0, author: a }))!)),
      S.chain(() => SRTE.get()),
    )
    const r = await engine.transaction((conn) =>
      pipe(
        program(empty)({ conn, dialect: engine.dialect, autoflush: true, listeners: [] }),
        TE.map(([uow]) => planFlush(uow)),
      ),
    )()
    expect(E.isRight(r)).toBe(true)
    if (E.isRight(r)) expect(r.right.steps.map((s) => [s._tag, s.table.name])).toEqual([['Insert', 'authors'], ['Insert', 'books']])
  })

  it('keeps one value per primary key and returns pending changes from queries', async () => {
    const r = await run(
      pipe(
        S.create(Author, { name: 'Ada' }),
        S.chain(() => S.flush),
        S.chain(() => S.one(Author, where(eq(Author.name, 'Ada')))),
        S.chain((a) => S.update(a, { bio: 'pending' })),
        S.chain(() => S.get(Author, 1)),
      ),
    )
    expect(pipe(r, E.map(O.map((a) => [a.bio, a.label, a.version])))).toEqual(E.right(O.some(['pending', 'Ada!', 1])))
  })

  it('an unchanged row is one shared value across queries; an update makes a new one', async () => {
    await run(S.create(Author, { name: 'Ada' }))
    const r = await run(
      pipe(
        S.all(Author),
        S.chain(([fromAll]) =>
          pipe(
            S.get(Author, 1),
            S.chain((fromGet) =>
              pipe(
                S.update(fromAll, { bio: 'x' }),
                S.chain((updated) => pipe(S.get(Author, 1), S.map((again) => ({ fromAll, fromGet: O.toUndefined(fromGet), updated, again: O.toUndefined(again) })))),
              ),
            ),
          ),
        ),
      ),
    )
    expect(E.isRight(r)).toBe(true)
    if (E.isLeft(r)) return
    const { fromAll, fromGet, updated, again } = r.right
    expect(fromGet).toBe(fromAll)
    expect(updated).not.toBe(fromAll)
    expect([fromAll.bio, updated.bio, again?.bio]).toEqual([null, 'x', 'x'])
  })

  it('replaces an unloaded many-to-one: the old target is found by its key, the foreign key moves', async () => {
    await run(pipe(S.create(Author, { name: 'A' }), S.chain((a) => S.add(E.getOrElseW(() => null)(Book.make({ title: 't', authorId: 0, author: a }))!))))
    await run(S.create(Author, { name: 'B' }))
    const r = await run(
      pipe(
        S.get(Author, 1),
        S.chain(() => S.get(Author, 2)),
        S.chain((b) => pipe(S.get(Book, 1), S.chain((book) => (O.isSome(book) && O.isSome(b) ? S.update(book.value, { author: b.value } as never) : S.of(undefined))))),
        S.chain(() => S.flush),
        S.chain(() => S.fromConnection((conn) => conn.execute(text('SELECT author_id FROM books')))),
      ),
    )
    expect(r).toEqual(E.right([{ author_id: 2 }]))
  })

  it('a query that meets a row several times (a join) returns it once, in first-met order, new or already tracked', async () => {
    const parents = table('dup_parents', { id: integer().primaryKey(), name: varchar(20).notNull() })
    const children = table('dup_children', { id: integer().primaryKey(), parentId: integer().named('parent_id').notNull() })
    const Parent = entity(parents, { name: 'DupParent' })
    for (const t of [parents, children]) expect(E.isRight(await engine.run(createTable(t))())).toBe(true)
    await engine.run(text("INSERT INTO dup_parents (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')"))()
    await engine.run(text('INSERT INTO dup_children (id, parent_id) VALUES (1, 1), (2, 2), (3, 1), (4, 2), (5, 3), (6, 2)'))()
    const r = await run(
      pipe(
        S.get(Parent, 2),
        S.chain((known) =>
          pipe(
            S.all(Parent, join(children, eq(children.c.parentId, parents.c.id)), orderBy(asc(children.c.id))),
            S.map((all) => ({ names: all.map((p) => p.name), same: O.isSome(known) && all[1] === known.value })),
          ),
        ),
      ),
    )
    expect(r).toEqual(E.right({ names: ['a', 'b', 'c'], same: true }))
  })

  it('rejects invalid values with a ValidationError', async () => {
    expect(pipe(Author.make({ name: '' }), E.mapLeft((e) => e._tag))).toEqual(E.left('ValidationError'))
    expect(pipe(Author.make({ name: 5 as unknown as string }), E.mapLeft((e) => e._tag))).toEqual(E.left('ValidationError'))
  })

  it('bumps the version and reports a stale update as StaleData, committing nothing', async () => {
    await run(S.create(Author, { name: 'Ada' }))
    const r = await run(
      pipe(
        S.one(Author, where(eq(Author.name, 'Ada'))),
        // someone else updates the row meanwhile
        S.chain((a) => S.fromConnection((conn) => pipe(conn.run(text('UPDATE authors SET version = 7')), TE.map(() => a)))),
        S.chain((a) => S.update(a, { bio: 'x' })),
        S.chain(() => S.flush),
      ),
    )
    expect(pipe(r, E.mapLeft((e) => e._tag))).toEqual(E.left('StaleData'))
    const after = await engine.execute(text('SELECT version, bio FROM authors'))()
    expect(after).toEqual(E.right([{ version: 1, bio: null }]))
  })

  it('a failed flush keeps the state, so the value can be fixed and flushed again', async () => {
    await run(S.create(Author, { name: 'Taken' }))
    const r = await run(
      pipe(
        S.create(Author, { name: 'Taken' }),
        S.chain((dup) =>
          pipe(
            S.flush,
            SRTE.map(() => 'flushed'),
            S.orElse((e) => pipe(S.update(dup, { name: 'Free' }), S.chain(() => S.flush), SRTE.map(() => `recovered from ${e._tag}`))),
          ),
        ),
        S.chain((msg) => pipe(S.all(Author, orderBy(asc(Author.id))), S.map((all) => [msg, all.map((a) => a.name)]))),
      ),
    )
    expect(r).toEqual(E.right(['recovered from QueryError', ['Taken', 'Free']]))
  })

  it('deletes, and query-level update keeps tracked values in step', async () => {
    const r = await run(
      pipe(
        S.create(Author, { name: 'A' }),
        S.chain(() => S.create(Author, { name: 'B' })),
        S.chain(() => S.all(Author)),
        S.chain(() => S.updateWhere(Author, { bio: 'bulk' }, gt(Author.id, 1))),
        S.chain(() => S.get(Author, 2)),
        S.chain((b) => pipe(S.get(Author, 1), S.chain((a) => (O.isSome(a) ? S.delete(a.value) : S.of(undefined))), S.map(() => b))),
        S.chain((b) => pipe(S.count(Author), S.map((n) => [n, pipe(b, O.map((x) => x.bio))]))),
      ),
    )
    expect(r).toEqual(E.right([1, O.some('bulk')]))
  })
})
