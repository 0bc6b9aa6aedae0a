/**
 * Tables and entities of the ORM relationship suites: authors, books (two foreign keys to
 * authors), reviews, tags through a secondary table, profiles (one-to-one), a category tree
 * and an employee hierarchy (single-table and joined-table inheritance).
 */
import { asc, integer, table, textColumn, varchar, type ExprNode } from '../../src/algebra/index.js'
import { belongsTo, entity, hasMany, hasOne, manyToMany, relations } from '../../src/mapping/Entity.js'
import { subEntity } from '../../src/mapping/inheritance.js'

export const authors = table('o_authors', { id: integer().primaryKey(), name: varchar(100).notNull() })
export const books = table('o_books', {
  id: integer().primaryKey(),
  authorId: integer().named('author_id').notNull().references(() => authors.c.id, { onDelete: 'CASCADE' }),
  editorId: integer().named('editor_id').references(() => authors.c.id),
  title: varchar(200).notNull(),
})
export const reviews = table('o_reviews', {
  id: integer().primaryKey(),
  bookId: integer().named('book_id').notNull().references(() => books.c.id, { onDelete: 'CASCADE' }),
  stars: integer().notNull(),
})
export const tags = table('o_tags', { id: integer().primaryKey(), name: varchar(50).notNull() })
export const bookTags = table(
  'o_book_tags',
  {
    bookId: integer().named('book_id').notNull().references(() => books.c.id, { onDelete: 'CASCADE' }),
    tagId: integer().named('tag_id').notNull().references(() => tags.c.id, { onDelete: 'CASCADE' }),
  },
  (c) => ({ primaryKey: [c.bookId, c.tagId] }),
)
export const profiles = table('o_profiles', {
  id: integer().primaryKey(),
  authorId: integer().named('author_id').notNull().unique().references(() => authors.c.id, { onDelete: 'CASCADE' }),
  bio: textColumn(),
})
export const categories = table('o_categories', {
  id: integer().primaryKey(),
  parentId: integer().named('parent_id').references((): { readonly node: ExprNode } => categories.c.id),
  name: varchar(50).notNull(),
})
export const employees = table('o_employees', {
  id: integer().primaryKey(),
  type: varchar(20).notNull(),
  name: varchar(50).notNull(),
  reports: integer(),
})
export const engineers = table('o_engineers', {
  id: integer().primaryKey().references(() => employees.c.id, { onDelete: 'CASCADE' }),
  language: varchar(30),
})
export const allTables = [authors, books, reviews, tags, bookTags, profiles, categories, employees, engineers]

const AuthorB = entity(authors)
const BookB = entity(books)
const ReviewB = entity(reviews)
const TagB = entity(tags)
const ProfileB = entity(profiles)
const CategoryB = entity(categories)

export const Author = relations(AuthorB, {
  books: hasMany(BookB, { foreignKey: () => books.c.authorId, backPopulates: 'author', cascade: ['save', 'delete', 'delete-orphan'], orderBy: [asc(books.c.title)] }),
  edited: hasMany(BookB, { foreignKey: () => books.c.editorId, backPopulates: 'editor' }),
  profile: hasOne(ProfileB, { backPopulates: 'author', cascade: ['save', 'delete'] }),
})
export const Book = relations(BookB, {
  author: belongsTo(AuthorB, { foreignKey: () => books.c.authorId, backPopulates: 'books' }),
  editor: belongsTo(AuthorB, { foreignKey: () => books.c.editorId, backPopulates: 'edited' }),
  reviews: hasMany(ReviewB, { backPopulates: 'book', cascade: ['save', 'delete'], orderBy: [asc(reviews.c.id)] }),
  tags: manyToMany(TagB, { through: bookTags, backPopulates: 'books', orderBy: [asc(tags.c.name)] }),
})
export const Review = relations(ReviewB, { book: belongsTo(BookB, { backPopulates: 'reviews' }) })
export const Tag = relations(TagB, { books: manyToMany(BookB, { through: bookTags, backPopulates: 'tags' }) })
export const Profile = relations(ProfileB, { author: belongsTo(AuthorB, { backPopulates: 'profile' }) })
export const Category = relations(CategoryB, {
  children: hasMany(CategoryB, { foreignKey: () => categories.c.parentId, backPopulates: 'parent', orderBy: [asc(categories.c.name)] }),
  parent: belongsTo(CategoryB, { foreignKey: () => categories.c.parentId, backPopulates: 'children' }),
})

/** A variant of authors whose books are left to ON DELETE CASCADE. */
export const PassiveAuthor = relations(entity(authors, { name: 'PassiveAuthor' }), {
  books: hasMany(BookB, { foreignKey: () => books.c.authorId, cascade: ['save', 'delete'], passiveDeletes: true }),
})

export const Employee = entity(employees, { polymorphicOn: 'type', identity: 'employee' })
export const Manager = subEntity(Employee, { identity: 'manager' })
export const Engineer = subEntity(Employee, { identity: 'engineer', table: engineers })
