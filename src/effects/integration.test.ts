import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import { boolean, integer, json, timestamp, varchar } from '../algebra/Column.js'
import { createTable } from '../algebra/ddl.js'
import { insertInto } from '../algebra/dml.js'
import { eq } from '../algebra/operators.js'
import { from, select, where } from '../algebra/Query.js'
import { table } from '../algebra/Table.js'
import { createEngine } from '../createEngine.js'

const users = table('users', {
  id: integer().primaryKey(),
  name: varchar(100).notNull(),
  active: boolean().notNull().default(true),
  createdAt: timestamp().named('created_at').defaultNow(),
  meta: json(),
})

describe('Engine with the compiler and algebra (sqlite)', () => {
  it('creates, inserts and reads back decoded, typed rows', async () => {
    const r = createEngine('sqlite::memory:')
    if (E.isLeft(r)) throw new Error('engine')
    const engine = r.right
    const program = engine.transaction((c) =>
      pipe(
        c.run(createTable(users)),
        TE.chain(() => c.run(insertInto(users, [{ name: 'Ada', meta: { tags: ['x'] } }, { name: 'Bob', active: false }]))),
        TE.chain(() => c.execute(pipe(select(users), where(eq(users.c.name, 'Ada'))))),
      ),
    )
    const rows = await program()
    if (E.isLeft(rows)) throw new Error(JSON.stringify(rows.left))
    expect(rows.right.length).toBe(1)
    const ada = rows.right[0]
    expect(ada.name).toBe('Ada')
    expect(ada.active).toBe(true)
    expect(ada.meta).toStrictEqual({ tags: ['x'] })
    expect(ada.createdAt).toBeInstanceOf(Date)
    const bob = await engine.one(pipe(select({ active: users.c.active }), from(users), where(eq(users.c.name, 'Bob'))))()
    expect(bob).toStrictEqual(E.right({ active: false }))
    await engine.dispose()
  })
})
