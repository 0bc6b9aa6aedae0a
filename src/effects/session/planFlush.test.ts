import { describe, expect, it } from 'vitest'
import { integer, table, varchar } from '../../algebra/index.js'
import { planFlush } from './planFlush.js'
import { addLoaded, addPending, empty, markDeleted, patch, type UnitOfWork } from './UnitOfWork.js'

const categories = table('pf_categories', {
  id: integer().primaryKey(),
  parentId: integer().named('parent_id').references((): never => categories.c.id as never),
  name: varchar(50).notNull(),
})
const authors = table('pf_authors', { id: integer().primaryKey(), name: varchar(50).notNull() })
const books = table('pf_books', {
  id: integer().primaryKey(),
  authorId: integer()
    .named('author_id')
    .notNull()
    .references(() => authors.c.id),
  title: varchar(50).notNull(),
})

const summary = (uow: UnitOfWork) =>
  planFlush(uow).steps.map((s) => (s._tag === 'Insert' ? `insert ${s.table.name} ×${s.rows.length}` : s._tag === 'Delete' ? `delete ${s.table.name} ${s.keys.map((k) => k.split('\u0000')[1]).join(',')}` : `update ${s.table.name}`))

describe('planFlush', () => {
  it('inserts a self-referencing tree parents first, whatever order the rows were added in', () => {
    let u = empty
    // Added leaf first: the leaf waits for the middle row, the middle one for the root.
    const [u1, leaf] = addPending(u, categories, { name: 'leaf' })
    const [u2, middle] = addPending(u1, categories, { name: 'middle' })
    const [u3, root] = addPending(u2, categories, { name: 'root', parentId: null })
    u = u3
    const withRefs = (x: UnitOfWork, key: string, parent: string): UnitOfWork => patch(x, key, {}, { parentId: { row: parent, column: 'id' } })
    u = withRefs(withRefs(u, leaf, middle), middle, root)
    const plan = planFlush(u)
    const order = plan.steps.flatMap((s) => (s._tag === 'Insert' ? s.rows.map((r) => String(r.values['name'])) : []))
    expect(order).toEqual(['root', 'middle', 'leaf'])
  })

  it('does not split a batch of children over references to rows of another table', () => {
    let u = empty
    const authorKeys: string[] = []
    for (let i = 0; i < 3; i++) {
      const [next, k] = addPending(u, authors, { name: `a${i}` })
      u = next
      authorKeys.push(k)
    }
    for (let i = 0; i < 6; i++) {
      const [next] = addPending(u, books, { title: `b${i}` }, { authorId: { row: authorKeys[i % 3], column: 'id' } })
      u = next
    }
    expect(summary(u)).toEqual(['insert pf_authors ×3', 'insert pf_books ×6'])
  })

  it('deletes a self-referencing tree children first, whatever order the rows were deleted in', () => {
    let u = empty
    const rows = [
      { id: 1, parentId: null, name: 'root' },
      { id: 2, parentId: 1, name: 'a' },
      { id: 3, parentId: 2, name: 'a.1' },
      { id: 4, parentId: 1, name: 'b' },
    ]
    for (const r of rows) u = addLoaded(u, categories, r)[0]
    for (const id of [1, 2, 4, 3]) u = markDeleted(u, `pf_categories\u0000${id}`)
    expect(summary(u)).toEqual(['delete pf_categories 3', 'delete pf_categories 2,4', 'delete pf_categories 1'])
  })
})
