/**
 * Relationships on every database: the catalogue (many-to-one, one-to-many, one-to-one,
 * many-to-many, self-referential, two foreign keys to one table, ordered collections),
 * back-populates, cascades (save, delete, delete-orphan, passive deletes) and the loading
 * strategies, with the exact number of statements each issues.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { expect, it } from 'vitest'
import { asc, eq, join, limit, offset, orderBy, text, where } from '../../src/algebra/index.js'
import { isA } from '../../src/mapping/inheritance.js'
import { containsEager, joined, json, load, raise, selectin, subquery } from '../../src/mapping/loadOptions.js'
import * as S from '../../src/mapping/session.js'
import { describeEachDatabase } from '../support/databases.js'
import { ok, ormSuite } from './support.js'
import { allTables, Author, authors, Book, books, Category, Employee, Engineer, Manager, PassiveAuthor, Review, Tag } from './fixtures.js'

describeEachDatabase('ORM relationships', (db) => {
  const { engine, run, counted } = ormSuite(db, {
    tables: allTables,
    reset: [
      ...['o_book_tags', 'o_reviews', 'o_books', 'o_profiles', 'o_tags', 'o_authors', 'o_engineers', 'o_employees'].map((t) => `DELETE FROM ${t}`),
      'UPDATE o_categories SET parent_id = NULL',
      'DELETE FROM o_categories',
    ],
  })

  const seed = (n: number, perAuthor: number, reviewsPer: number) =>
    run(
      S.addAll(
        Array.from({ length: n }, (_, i) =>
          ok(
            Author.make({
              name: `a${String(i).padStart(4, '0')}`,
              books: Array.from({ length: perAuthor }, (_, j) =>
                ok(Book.make({ title: `t${j}`, authorId: 0, reviews: Array.from({ length: reviewsPer }, (_, k) => ok(Review.make({ stars: k + 1, bookId: 0 }))) })),
              ),
            }),
          ),
        ),
      ),
    )

  it('selectin of 1,000 authors with books and their reviews is exactly 3 statements', async () => {
    ok(await seed(1000, 5, 1))
    const [all, sql] = await counted(S.all(Author, orderBy(asc(authors.c.id)), load(selectin(Author.books, selectin(Book.reviews)))))
    expect(sql).toHaveLength(3)
    expect(all).toHaveLength(1000)
    expect(all[0].books.map((b) => b.title)).toEqual(['t0', 't1', 't2', 't3', 't4'])
    expect(all[999].books[4].reviews.map((r) => r.stars)).toEqual([1])
  })

  it('joined, subquery and json load the same graph (1, 3 and 1 statements), joined keeps LIMIT/OFFSET on parents', async () => {
    ok(await seed(6, 3, 2))
    const shape = (xs: ReadonlyArray<{ readonly name: string; readonly books: ReadonlyArray<{ readonly title: string; readonly reviews: ReadonlyArray<{ readonly stars: number }> }> }>) =>
      xs.map((a) => [a.name, a.books.map((b) => [b.title, b.reviews.map((r) => r.stars)])])
    const [j, jSql] = await counted(S.all(Author, orderBy(asc(authors.c.id)), limit(2), offset(1), load(joined(Author.books, joined(Book.reviews)))))
    expect(jSql).toHaveLength(1)
    expect(shape(j)).toEqual([
      ['a0001', [['t0', [1, 2]], ['t1', [1, 2]], ['t2', [1, 2]]]],
      ['a0002', [['t0', [1, 2]], ['t1', [1, 2]], ['t2', [1, 2]]]],
    ])
    const [s, sSql] = await counted(S.all(Author, orderBy(asc(authors.c.id)), limit(2), offset(1), load(subquery(Author.books, subquery(Book.reviews)))))
    expect(sSql).toHaveLength(3)
    expect(shape(s)).toEqual(shape(j))
    const [js, jsSql] = await counted(S.all(Author, orderBy(asc(authors.c.id)), limit(2), offset(1), load(json(Author.books, json(Book.reviews)))))
    expect(jsSql).toHaveLength(1)
    expect(shape(js)).toEqual(shape(j))
  })

  it('lazy loading is an explicit effect; raise is a typed error; contains-eager fills from user joins', async () => {
    ok(await seed(2, 2, 0))
    const [loaded, sql] = await counted(
      pipe(
        S.one(Author, where(eq(authors.c.name, 'a0000'))),
        S.chain((a) => S.load(a, Author.books)),
      ),
    )
    expect(sql).toHaveLength(2)
    expect(loaded.books.map((b) => b.title)).toEqual(['t0', 't1'])
    const raised = await run(pipe(S.one(Author, where(eq(authors.c.name, 'a0000')), load(raise(Author.books))), S.chain((a) => S.load(a, Author.books))))
    expect(pipe(raised, E.mapLeft((e) => e._tag))).toEqual(E.left('RelationNotLoaded'))
    const [eager, eSql] = await counted(
      S.all(Author, join(books, eq(books.c.authorId, authors.c.id)), where(eq(books.c.title, 't1')), orderBy(asc(authors.c.id)), load(containsEager(Author.books))),
    )
    expect(eSql).toHaveLength(1)
    expect(eager.map((a) => [a.name, a.books.map((b) => b.title)])).toEqual([
      ['a0000', ['t1']],
      ['a0001', ['t1']],
    ])
  })

  it('many-to-one, one-to-one, many-to-many (association rows at flush) and two foreign keys to one table', async () => {
    const ada = ok(Author.make({ name: 'Ada', profile: ok(Profile_make('math')) }))
    const bob = ok(Author.make({ name: 'Bob' }))
    const t1 = ok(Tag.make({ name: 'x' }))
    const t2 = ok(Tag.make({ name: 'y' }))
    const r = await run(
      pipe(
        S.add(bob),
        S.chain((b) => S.add(ok(Book.make({ title: 'B1', authorId: 0, author: ada, editor: b, tags: [t2, t1] })))),
        S.chain(() => S.flush),
        S.chain(() => S.one(Book, load(selectin(Book.author, selectin(Author.profile)), joined(Book.editor), selectin(Book.tags)))),
      ),
    )
    const book = ok(r)
    expect([book.author?.name, book.author?.profile?.bio, book.editor?.name, book.tags.map((t) => t.name)]).toEqual(['Ada', 'math', 'Bob', ['x', 'y']])
    // remove one tag: its association row is deleted at flush
    const r2 = await run(pipe(S.one(Book, load(selectin(Book.tags))), S.chain((b) => S.update(b, { tags: b.tags.filter((t) => t.name === 'y') })), S.chain(() => S.flush), S.chain(() => S.all(Tag, orderBy(asc(Tag.name)), load(json(Tag.books))))))
    expect(ok(r2).map((t) => [t.name, t.books.length])).toEqual([['x', 0], ['y', 1]])
  })

  it('back-populates: moving a book to another author updates both collections and the foreign key', async () => {
    ok(await seed(2, 2, 0))
    const r = await run(
      pipe(
        S.all(Author, orderBy(asc(authors.c.id)), load(selectin(Author.books))),
        S.chain(([a, b]) =>
          pipe(
            S.one(Book, where(eq(books.c.title, 't0')), where(eq(books.c.authorId, a.id)), load(selectin(Book.author))),
            S.chain((book) => S.update(book, { author: b })),
            S.chain((moved) => pipe(S.current(a), S.chain((a2) => pipe(S.current(b), S.map((b2) => [moved, a2, b2] as const))))),
          ),
        ),
      ),
    )
    const [moved, a2, b2] = ok(r)
    expect(moved.author?.name).toBe('a0001')
    expect(pipe(a2, (o) => (o._tag === 'Some' ? o.value.books.map((x) => x.title) : []))).toEqual(['t1'])
    expect(pipe(b2, (o) => (o._tag === 'Some' ? o.value.books.length : -1))).toBe(3)
    const after = ok(await engine.execute(text('SELECT COUNT(*) AS n FROM o_books WHERE author_id = (SELECT id FROM o_authors WHERE name = :n)', { n: 'a0001' }))())
    expect(Number((after[0] as { n: unknown }).n)).toBe(3)
  })

  it('cascades: delete takes children along, delete-orphan deletes removed children, passive deletes issue no SELECT/DELETE of children', async () => {
    ok(await seed(3, 2, 2))
    const [, delSql] = await counted(pipe(S.one(Author, where(eq(authors.c.name, 'a0000'))), S.chain((a) => S.delete(a))))
    expect(delSql.filter((s) => /^DELETE/i.test(s)).length).toBe(3) // reviews, books, author
    ok(await run(pipe(S.one(Author, where(eq(authors.c.name, 'a0001')), load(selectin(Author.books))), S.chain((a) => S.update(a, { books: a.books.slice(1) })))))
    const left = ok(await engine.execute(text("SELECT b.title AS title FROM o_books b JOIN o_authors a ON a.id = b.author_id WHERE a.name = 'a0001'"))())
    expect(left).toEqual([{ title: 't1' }])
    const [, passive] = await counted(pipe(S.one(PassiveAuthor, where(eq(authors.c.name, 'a0002'))), S.chain((a) => S.delete(a))))
    expect(passive).toHaveLength(2) // the SELECT of the author, its DELETE
    const n = ok(await engine.execute(text('SELECT COUNT(*) AS n FROM o_books'))())
    expect(Number((n[0] as { n: unknown }).n)).toBe(1)
  })

  it('self-referential tree and ordered collections', async () => {
    const root = ok(Category.make({ name: 'root', children: [ok(Category.make({ name: 'b' })), ok(Category.make({ name: 'a', children: [ok(Category.make({ name: 'leaf' }))] }))] }))
    ok(await run(S.add(root)))
    const tree = ok(await run(S.all(Category, where(eq(Category.name, 'root')), load(selectin(Category.children, selectin(Category.children))))))
    expect(tree[0].children.map((c) => [c.name, c.children.map((x) => x.name)])).toEqual([['a', ['leaf']], ['b', []]])
    const up = ok(await run(S.one(Category, where(eq(Category.name, 'leaf')), load(joined(Category.parent, joined(Category.parent))))))
    expect([up.parent?.name, up.parent?.parent?.name]).toEqual(['a', 'root'])
  })

  it('inheritance: single-table and joined-table, polymorphic queries return the right subtype', async () => {
    ok(await run(S.addAll([ok(Employee.make({ name: 'E', type: 'employee' })), ok(Manager.make({ name: 'M', type: 'manager', reports: 3 })), ok(Engineer.make({ name: 'G', type: 'engineer', language: 'ts' }))])))
    const all = ok(await run(S.all(Employee, orderBy(asc(Employee.name)))))
    expect(all.map((e) => [e.name, isA(Engineer)(e), isA(Manager)(e), (e as { language?: unknown }).language ?? null])).toEqual([
      ['E', false, false, null],
      ['G', true, false, 'ts'],
      ['M', false, true, null],
    ])
    const engs = ok(await run(S.all(Engineer)))
    expect(engs.map((e) => [e.name, e.language])).toEqual([['G', 'ts']])
    const mgrs = ok(await run(S.all(Manager)))
    expect(mgrs.map((e) => [e.name, e.reports])).toEqual([['M', 3]])
    ok(await run(pipe(S.one(Engineer), S.chain((g) => S.update(g, { language: 'rust', name: 'G2' })))))
    expect(ok(await engine.execute(text('SELECT e.name AS name, g.language AS language FROM o_employees e JOIN o_engineers g ON g.id = e.id'))())).toEqual([{ name: 'G2', language: 'rust' }])
    ok(await run(pipe(S.one(Engineer), S.chain((g) => S.delete(g)))))
    expect(ok(await engine.execute(text('SELECT COUNT(*) AS n FROM o_engineers'))()).map((r) => Number((r as { n: unknown }).n))).toEqual([0])
  })
})

import { Profile } from './fixtures.js'
const Profile_make = (bio: string) => Profile.make({ bio, authorId: 0 })
