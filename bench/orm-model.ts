/**
 * The ORM workloads' schema, described once per library: authors (id, name, born) with many
 * books (id, author_id, title, pages), and items with the six columns of the Core workloads
 * (integer, text, varchar, boolean, real, timestamp).
 *
 * The tables are created by athanor's `createAll` (identity / AUTO_INCREMENT / rowid keys), so
 * every library reads and writes the very same tables; MikroORM and TypeORM map them with
 * `EntitySchema` (no decorators), Drizzle with its table builders and `relations`.
 */
import { EntitySchema as MikroSchema, type Collection } from '@mikro-orm/core'
import { relations as drizzleRelations, type AnyColumn, type Many, type One, type Table } from 'drizzle-orm'
import { int as myInt, mysqlTable, varchar as myVarchar } from 'drizzle-orm/mysql-core'
import { integer as pgInt, pgTable, varchar as pgVarchar } from 'drizzle-orm/pg-core'
import { integer as slInt, sqliteTable, text as slText } from 'drizzle-orm/sqlite-core'
import { EntitySchema as TypeormSchema } from 'typeorm'
import { integer, table, varchar } from '../src/algebra/index.js'
import { belongsTo, entity, hasMany, relations } from '../src/mapping/Entity.js'
import { benchTable } from './data.js'
import type { DbName } from './databases.js'

// ---------------------------------------------------------------- athanor

export const authors = table('orm_authors', {
  id: integer().primaryKey(),
  name: varchar(100).notNull(),
  born: integer().notNull(),
})
export const books = table('orm_books', {
  id: integer().primaryKey(),
  authorId: integer().named('author_id').notNull().references(() => authors.c.id),
  title: varchar(200).notNull(),
  pages: integer().notNull(),
})
export const items = benchTable('orm_items')
export const ormTables = [authors, books, items] as const

const AuthorBase = entity(authors, { name: 'Author' })
const BookBase = entity(books, { name: 'Book' })
export const Author = relations(AuthorBase, { books: hasMany(BookBase, { backPopulates: 'author', cascade: ['save'] }) })
export const Book = relations(BookBase, { author: belongsTo(AuthorBase, { backPopulates: 'books' }) })
export const Item = entity(items, { name: 'Item' })

/** Extra DDL: an index on books.author_id (MariaDB makes one for the foreign key itself). */
export const extraDdl = (db: DbName): ReadonlyArray<string> => (db === 'mysql' ? [] : ['CREATE INDEX orm_books_author_id ON orm_books (author_id)'])

// ---------------------------------------------------------------- the data

/** Author `i` of the persisted / loaded graph: `born = i`, and book `j` has `pages = 10 i + j`, so the links can be checked in SQL. */
export interface AuthorInput {
  readonly name: string
  readonly born: number
  readonly books: ReadonlyArray<{ readonly title: string; readonly pages: number }>
}

/** `n` authors with `per` books each (plain input data every candidate starts from). */
export const graphInput = (n: number, per: number): ReadonlyArray<AuthorInput> =>
  Array.from({ length: n }, (_, i) => ({
    name: `author ${i}`,
    born: i,
    books: Array.from({ length: per }, (_, j) => ({ title: `book ${i}.${j}`, pages: i * 10 + j })),
  }))

/** Counts the books whose author_id points at the author they were made for (`pages - pages % 10 = born * 10`). */
export const linkedBooksSql = 'SELECT COUNT(*) AS n FROM orm_books b JOIN orm_authors a ON a.id = b.author_id WHERE b.pages - (b.pages % 10) = a.born * 10'

// ---------------------------------------------------------------- MikroORM

export interface MAuthor {
  id?: number
  name: string
  born: number
  books: Collection<MBook>
}
export interface MBook {
  id?: number
  author: MAuthor
  title: string
  pages: number
}
export interface MItem {
  id: number
  name: string
  email: string
  active: boolean
  score: number
  createdAt: Date
}

export const mikroSchemas = () => [
  new MikroSchema<MAuthor>({
    name: 'MAuthor',
    tableName: 'orm_authors',
    properties: {
      id: { type: 'number', primary: true, autoincrement: true },
      name: { type: 'string' },
      born: { type: 'number' },
      books: { kind: '1:m', entity: 'MBook', mappedBy: 'author' },
    },
  }),
  new MikroSchema<MBook>({
    name: 'MBook',
    tableName: 'orm_books',
    properties: {
      id: { type: 'number', primary: true, autoincrement: true },
      author: { kind: 'm:1', entity: 'MAuthor', fieldName: 'author_id' },
      title: { type: 'string' },
      pages: { type: 'number' },
    },
  }),
  new MikroSchema<MItem>({
    name: 'MItem',
    tableName: 'orm_items',
    properties: {
      id: { type: 'number', primary: true, autoincrement: false },
      name: { type: 'string' },
      email: { type: 'string' },
      active: { type: 'boolean' },
      score: { type: 'float' },
      createdAt: { type: 'Date', fieldName: 'created_at' },
    },
  }),
]

// ---------------------------------------------------------------- TypeORM

export interface TAuthor {
  id?: number
  name: string
  born: number
  books?: TBook[]
}
export interface TBook {
  id?: number
  author?: TAuthor
  title: string
  pages: number
}
export interface TItem {
  id: number
  name: string
  email: string
  active: boolean
  score: number
  createdAt: Date
}

export const typeormSchemas = (db: DbName) => {
  const real = db === 'mysql' ? 'float' : 'real'
  const stamp = db === 'postgres' ? 'timestamp' : 'datetime'
  return {
    author: new TypeormSchema<TAuthor>({
      name: 'TAuthor',
      tableName: 'orm_authors',
      columns: { id: { type: 'int', primary: true, generated: 'increment' }, name: { type: 'varchar' }, born: { type: 'int' } },
      relations: { books: { type: 'one-to-many', target: 'TBook', inverseSide: 'author', cascade: ['insert'] } },
    }),
    book: new TypeormSchema<TBook>({
      name: 'TBook',
      tableName: 'orm_books',
      columns: { id: { type: 'int', primary: true, generated: 'increment' }, title: { type: 'varchar' }, pages: { type: 'int' } },
      relations: { author: { type: 'many-to-one', target: 'TAuthor', inverseSide: 'books', joinColumn: { name: 'author_id' } } },
    }),
    item: new TypeormSchema<TItem>({
      name: 'TItem',
      tableName: 'orm_items',
      columns: {
        id: { type: 'int', primary: true },
        name: { type: 'text' },
        email: { type: 'varchar' },
        active: { type: 'boolean' },
        score: { type: real },
        createdAt: { type: stamp, name: 'created_at' },
      },
    }),
  }
}

// ---------------------------------------------------------------- Drizzle (relational queries)

/** A Drizzle table's name, as a literal type. */
type NameOf<T extends Table> = T['_']['name']

/**
 * The Drizzle schema of one dialect's tables: authors with many books, each book's (NOT NULL)
 * `author_id` naming its author. The relations' types are spelled out: inferred inside a
 * generic function, they lose the table names and Drizzle's relational queries with them.
 */
const drizzleSchema = <
  A extends Table & { readonly id: AnyColumn<{ tableName: NameOf<A> }> },
  B extends Table & { readonly authorId: AnyColumn<{ tableName: NameOf<B>; notNull: true }> },
>(
  authors: A,
  books: B,
) => ({
  authors,
  books,
  authorsRelations: drizzleRelations<NameOf<A>, { books: Many<NameOf<B>> }>(authors, ({ many }) => ({ books: many(books) })),
  booksRelations: drizzleRelations<NameOf<B>, { author: One<NameOf<A>, true> }>(books, ({ one }) => ({
    author: one(authors, { fields: [books.authorId], references: [authors.id] }),
  })),
})

/** The Drizzle schema on SQLite. */
export const drizzleSqliteSchema = drizzleSchema(
  sqliteTable('orm_authors', { id: slInt('id').primaryKey(), name: slText('name').notNull(), born: slInt('born').notNull() }),
  sqliteTable('orm_books', { id: slInt('id').primaryKey(), authorId: slInt('author_id').notNull(), title: slText('title').notNull(), pages: slInt('pages').notNull() }),
)

/** The Drizzle schema on PostgreSQL. */
export const drizzlePgSchema = drizzleSchema(
  pgTable('orm_authors', { id: pgInt('id').primaryKey(), name: pgVarchar('name', { length: 100 }).notNull(), born: pgInt('born').notNull() }),
  pgTable('orm_books', { id: pgInt('id').primaryKey(), authorId: pgInt('author_id').notNull(), title: pgVarchar('title', { length: 200 }).notNull(), pages: pgInt('pages').notNull() }),
)

/** The Drizzle schema on MySQL/MariaDB. */
export const drizzleMysqlSchema = drizzleSchema(
  mysqlTable('orm_authors', { id: myInt('id').primaryKey(), name: myVarchar('name', { length: 100 }).notNull(), born: myInt('born').notNull() }),
  mysqlTable('orm_books', { id: myInt('id').primaryKey(), authorId: myInt('author_id').notNull(), title: myVarchar('title', { length: 200 }).notNull(), pages: myInt('pages').notNull() }),
)

// ---------------------------------------------------------------- Kysely

export interface KyselyOrmDb {
  orm_authors: { id: number; name: string; born: number }
  orm_books: { id: number; author_id: number; title: string; pages: number }
}
