/**
 * Type-level tests: the row type is inferred from the selection and nonsense does not
 * type-check. `npm test` type-checks this file (tsc) before vitest runs it.
 */
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  add,
  and,
  avg,
  bigint,
  boolean,
  caseWhen,
  coalesce,
  concat,
  count,
  cte,
  deleteFrom,
  eq,
  from,
  groupBy,
  gt,
  insertInto,
  integer,
  isIn,
  join,
  json,
  like,
  max,
  numeric,
  returning,
  scalar,
  select,
  subquery,
  table,
  text,
  timestamp,
  types,
  union,
  update,
  varchar,
  where,
  enumeration,
  type RowOfQuery,
} from './index.js'

/** Compile-time equality of two types. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const assertType = <T extends true>(): T | undefined => undefined

const users = table('users', {
  id: integer().primaryKey(),
  name: varchar(100).notNull(),
  email: varchar(255).unique(),
  active: boolean().notNull().default(true),
  role: enumeration('role', ['admin', 'member'] as const).notNull(),
  balance: numeric(12, 2),
  big: bigint(),
  meta: json<{ tags: string[] }>(),
  createdAt: timestamp().named('created_at').defaultNow(),
})
const posts = table('posts', {
  id: integer().primaryKey(),
  userId: integer()
    .notNull()
    .references(() => users.c.id, { onDelete: 'CASCADE' }),
  title: varchar(200).notNull(),
})

describe('row types', () => {
  it('infers the row of a selection', () => {
    const q = pipe(
      select({ id: users.c.id, name: users.c.name, n: count(posts.c.id), avg: avg(posts.c.id) }),
      from(users),
      join(posts, eq(posts.c.userId, users.c.id)),
      groupBy(users.c.id, users.c.name),
    )
    assertType<Equals<RowOfQuery<typeof q>, { id: number; name: string; n: number; avg: number | null }>>()
    expect(q.node.columns.map((c) => c.alias)).toEqual(['id', 'name', 'n', 'avg'])
  })

  it('infers the row of a whole table, nullable columns included', () => {
    const q = select(users)
    type Row = RowOfQuery<typeof q>
    assertType<Equals<Row['email'], string | null>>()
    assertType<Equals<Row['role'], 'admin' | 'member'>>()
    assertType<Equals<Row['big'], bigint | null>>()
    assertType<Equals<Row['balance'], string | null>>()
    assertType<Equals<Row['createdAt'], Date | null>>()
    assertType<Equals<Row['meta'], { tags: string[] } | null>>()
    expect(q.node.from).toEqual([users.ref])
  })

  it('types expressions: arithmetic, concat, case, coalesce, scalar subqueries', () => {
    const q = select({
      next: add(users.c.id, 1),
      label: concat(users.c.name, ' <', users.c.email, '>'),
      grade: caseWhen([[gt(users.c.id, 10), 'big']], 'small'),
      maybe: caseWhen([[gt(users.c.id, 10), 'big']]),
      email: coalesce(users.c.email, 'none'),
      last: scalar(pipe(select({ m: max(posts.c.id) }), from(posts))),
    })
    type Row = RowOfQuery<typeof q>
    assertType<Equals<Row, { next: number; label: string; grade: string; maybe: string | null; email: string; last: number | null }>>()
    expect(Object.keys(q.node.columns)).toHaveLength(6)
  })

  it('types subqueries, CTEs, unions and RETURNING', () => {
    const counts = subquery(pipe(select({ userId: posts.c.userId, n: count() }), from(posts), groupBy(posts.c.userId)), 'c')
    const q1 = pipe(select({ name: users.c.name, n: counts.c.n }), from(users), join(counts, eq(counts.c.userId, users.c.id)))
    assertType<Equals<RowOfQuery<typeof q1>, { name: string; n: number }>>()
    const active = cte('active_users', pipe(select({ id: users.c.id }), from(users), where(users.c.active)))
    assertType<Equals<RowOfQuery<typeof active extends { c: { id: infer E } } ? { e: E } : never>, never>>()
    const u = union(pipe(select({ id: users.c.id }), from(users)), pipe(select({ id: posts.c.id }), from(posts)))
    assertType<Equals<RowOfQuery<typeof u>, { id: number }>>()
    const ins = pipe(insertInto(users, { name: 'a', role: 'admin' }), returning({ id: users.c.id }))
    assertType<Equals<RowOfQuery<typeof ins>, { id: number }>>()
    const all = pipe(deleteFrom(posts), where(eq(posts.c.id, 1)), returning())
    assertType<Equals<RowOfQuery<typeof all>, { id: number; userId: number; title: string }>>()
    const t = text('select 1 as one', {}, { one: types.integer })
    assertType<Equals<RowOfQuery<typeof t>, { one: number | null }>>()
    expect(active.def.name).toBe('active_users')
  })
})

describe('nonsense does not type-check', () => {
  it('rejects wrong comparisons and wrong values', () => {
    // @ts-expect-error an integer column compared with a string
    eq(users.c.id, 'x')
    // @ts-expect-error a string column in a numeric IN list
    isIn(users.c.id, ['a'])
    // @ts-expect-error LIKE on an integer column
    like(users.c.id, 'A%')
    // @ts-expect-error arithmetic on a boolean column
    add(users.c.active, 1)
    // @ts-expect-error a bigint column plus a JS number (bigint values must stay exact)
    add(users.c.big, 1)
    // @ts-expect-error a missing required column (name) in an insert
    insertInto(users, { role: 'admin' })
    // @ts-expect-error an enum value outside the union
    insertInto(users, { name: 'a', role: 'owner' })
    // @ts-expect-error setting a column to a value of the wrong type
    update(users, { active: 'yes' })
    // @ts-expect-error unions of different row types
    union(pipe(select({ id: users.c.id }), from(users)), pipe(select({ title: posts.c.title }), from(posts)))
    expect(and(eq(users.c.id, 1), eq(users.c.name, 'a')).node._tag).toBe('Logical')
  })
})
