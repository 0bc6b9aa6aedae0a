/**
 * Every operation, run for real through the runner on each database: alterations keep the
 * data (SQLite by rebuilding the table) and the foreign keys; downgrades undo them.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { afterAll, expect, it } from 'vitest'
import type { TableDef } from '../../src/algebra/ast.js'
import type { DbError } from '../../src/effects/DbError.js'
import type { RawRow } from '../../src/effects/Driver.js'
import type { Engine } from '../../src/effects/Engine.js'
import { op } from '../../src/migrations/Operation.js'
import { buildGraph, type Revision } from '../../src/migrations/Revision.js'
import { currentRevisions, downgrade, upgrade } from '../../src/migrations/runner.js'
import { describeEachDatabase } from '../support/databases.js'
import { engineFor, reflectorOf, right } from './support.js'

const authors: TableDef = {
  name: 'authors',
  columns: [
    { name: 'id', type: { _tag: 'Integer' }, nullable: false, autoIncrement: true },
    { name: 'name', type: { _tag: 'Varchar', length: 50 }, nullable: false, autoIncrement: false },
  ],
  primaryKey: ['id'],
  uniques: [],
  foreignKeys: [],
  checks: [],
  indexes: [],
}

const books: TableDef = {
  name: 'books',
  columns: [
    { name: 'id', type: { _tag: 'Integer' }, nullable: false, autoIncrement: true },
    { name: 'author_id', type: { _tag: 'Integer' }, nullable: false, autoIncrement: false },
    { name: 'title', type: { _tag: 'Varchar', length: 100 }, nullable: true, autoIncrement: false },
    { name: 'pages', type: { _tag: 'Integer' }, nullable: true, autoIncrement: false },
  ],
  primaryKey: ['id'],
  uniques: [],
  foreignKeys: [{ name: 'fk_books_author', columns: ['author_id'], refTable: 'authors', refColumns: ['id'], onDelete: 'CASCADE' }],
  checks: [],
  indexes: [{ name: 'ix_books_title', columns: ['title'], unique: false }],
}

const rev = (id: string, parents: ReadonlyArray<string>, upgradeOps: Revision['upgrade'], downgradeOps: Revision['downgrade']): Revision => ({
  id,
  parents,
  message: id,
  upgrade: upgradeOps,
  downgrade: downgradeOps,
})

const revisions: ReadonlyArray<Revision> = [
  rev('r1', [], [op.createTable(authors), op.createTable(books), op.bulkInsert('authors', [{ id: 1, name: 'Le Guin' }, { id: 2, name: "O'Brien" }]), op.bulkInsert('books', [{ id: 1, author_id: 1, title: 'Earthsea', pages: 200 }, { id: 2, author_id: 2, title: 'Mrs Frisby', pages: null }])], [op.dropTable('books'), op.dropTable('authors')]),
  rev(
    'r2',
    ['r1'],
    [
      op.addColumn('books', { name: 'isbn', type: { _tag: 'Varchar', length: 20 }, nullable: false, autoIncrement: false, default: { _tag: 'Value', value: 'unknown' } }),
      op.alterColumn('books', 'title', { type: { _tag: 'Varchar', length: 200 }, nullable: false }),
      op.alterColumn('books', 'pages', { rename: 'page_count' }),
      op.addConstraint('books', { _tag: 'Unique', def: { name: 'uq_books_title', columns: ['title'] } }),
      op.addConstraint('books', { _tag: 'Check', def: { name: 'ck_books_pages', expr: { _tag: 'Raw', sql: 'page_count IS NULL OR page_count > 0', binds: {} } } }),
      op.dropIndex('books', 'ix_books_title'),
      op.createIndex('books', { name: 'ix_books_isbn', columns: ['isbn'], unique: false }),
      op.renameTable('authors', 'writers'),
    ],
    [
      op.renameTable('writers', 'authors'),
      op.dropIndex('books', 'ix_books_isbn'),
      op.createIndex('books', { name: 'ix_books_title', columns: ['title'], unique: false }),
      op.dropConstraint('books', 'check', 'ck_books_pages'),
      op.dropConstraint('books', 'unique', 'uq_books_title'),
      op.alterColumn('books', 'page_count', { rename: 'pages' }),
      op.alterColumn('books', 'title', { type: { _tag: 'Varchar', length: 100 }, nullable: true }),
      op.dropColumn('books', 'isbn'),
    ],
  ),
  rev(
    'r3',
    ['r2'],
    [op.dropConstraint('books', 'foreignKey', 'fk_books_author'), op.execute('UPDATE books SET page_count = 1 WHERE page_count IS NULL')],
    [op.addConstraint('books', { _tag: 'ForeignKey', def: { name: 'fk_books_author', columns: ['author_id'], refTable: 'writers', refColumns: ['id'], onDelete: 'CASCADE' } })],
  ),
]

const q = async (engine: Engine, sql: string): Promise<ReadonlyArray<RawRow>> => right(await engine.execute<RawRow>({ sql, params: [], kind: 'query', columns: [] })())
const exec = (engine: Engine, sql: string) => engine.run({ sql, params: [], kind: 'raw', columns: [] })()

describeEachDatabase('migration operations', (db) => {
  const engine = engineFor(db)
  const reflector = reflectorOf(engine)
  const graph = right(buildGraph(revisions))
  const env = { engine, reflector, graph }
  afterAll(async () => {
    await exec(engine, 'DROP TABLE IF EXISTS books')
    await exec(engine, 'DROP TABLE IF EXISTS writers')
    await exec(engine, 'DROP TABLE IF EXISTS authors')
    await exec(engine, 'DROP TABLE IF EXISTS athanor_version')
    await engine.dispose()
  })
  const schema = async (name: string): Promise<TableDef> => {
    const t = right(await reflector.reflect(engine)()).find((x) => x.name === name)
    if (t === undefined) throw new Error(`no table ${name}`)
    return t
  }

  it('upgrades through every operation, keeping data and foreign keys', async () => {
    right(await upgrade(env, 'r2')())
    expect(right(await currentRevisions(engine)())).toEqual(['r2'])
    const b = await schema('books')
    expect(b.columns.map((c) => c.name)).toEqual(['id', 'author_id', 'title', 'page_count', 'isbn'])
    expect(b.columns.find((c) => c.name === 'title')).toMatchObject({ type: { _tag: 'Varchar', length: 200 }, nullable: false })
    expect(b.uniques.map((u) => u.columns)).toEqual([['title']])
    expect(b.checks.map((c) => c.name)).toEqual(['ck_books_pages'])
    expect(b.indexes.map((i) => i.name)).toEqual(['ix_books_isbn'])
    expect(b.foreignKeys).toMatchObject([{ columns: ['author_id'], refTable: 'writers', refColumns: ['id'], onDelete: 'CASCADE' }])
    expect(await q(engine, 'SELECT id, author_id, title, page_count, isbn FROM books ORDER BY id')).toMatchObject([
      { title: 'Earthsea', isbn: 'unknown' },
      { title: 'Mrs Frisby', page_count: null },
    ])
    // the foreign key still cascades
    right(await exec(engine, 'DELETE FROM writers WHERE id = 2'))
    expect((await q(engine, 'SELECT id FROM books')).map((r) => Number(r['id']))).toEqual([1])
    // and the check holds
    expect(E.isLeft(await exec(engine, "INSERT INTO books (author_id, title, page_count) VALUES (1, 'x', -1)"))).toBe(true)
  })

  it('runs raw SQL and drops a foreign key, then downgrades back to base', async () => {
    right(await upgrade(env, 'head')())
    expect((await schema('books')).foreignKeys).toEqual([])
    right(await downgrade(env, '-1')())
    expect((await schema('books')).foreignKeys).toHaveLength(1)
    right(await downgrade(env, 'r1')())
    const b = await schema('books')
    expect(b.columns.map((c) => c.name)).toEqual(['id', 'author_id', 'title', 'pages'])
    expect(b.indexes.map((i) => i.name)).toEqual(['ix_books_title'])
    expect(b.foreignKeys).toMatchObject([{ refTable: 'authors' }])
    expect(await q(engine, 'SELECT title, pages FROM books')).toMatchObject([{ title: 'Earthsea', pages: 200 }])
    right(await downgrade(env, 'base')())
    expect(right(await currentRevisions(engine)())).toEqual([])
    expect(right(await reflector.reflect(engine)()).map((t) => t.name)).toEqual(['athanor_version'])
  })

  it('a failing effect reports MigrationError and the revision stays', async () => {
    const failing = rev('bad', [], (d) => TE.chain(() => TE.left<DbError, unknown>({ _tag: 'InvalidStatement', message: 'nope' }))(d.execute({ sql: 'SELECT 1 AS one', params: [], kind: 'query', columns: [] })), [])
    const r = await upgrade({ engine, reflector, graph: right(buildGraph([failing])) }, 'head')()
    expect(r).toMatchObject({ _tag: 'Left', left: { _tag: 'MigrationError', revision: 'bad', statement: '(data migration)' } })
    expect(right(await currentRevisions(engine)())).toEqual([])
  })
})
