/**
 * A self-referential many-to-many on every database: users following users through a `follows`
 * secondary table, both directions mapped (`following` / `followers`, back-populated). Adding
 * links (cascaded from `make`, and by `S.update`), flushing the association rows, loading both
 * directions with joined, json, selectin, subquery and lazy `S.load`, back-populates in the
 * session, and removing links (or a user) deleting exactly the association rows concerned.
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as O from 'fp-ts/lib/Option.js'
import { expect, it } from 'vitest'
import { asc, eq, integer, limit, offset, orderBy, table, text, varchar, where } from '../../src/algebra/index.js'
import { entity, manyToMany, relations } from '../../src/mapping/Entity.js'
import { json, load, selectin } from '../../src/mapping/loadOptions.js'
import * as S from '../../src/mapping/session.js'
import { describeEachDatabase } from '../support/databases.js'
import { ok, ormSuite, strategies } from './support.js'

const users = table('sm_users', { id: integer().primaryKey(), name: varchar(20).notNull() })
const follows = table(
  'sm_follows',
  {
    // no ON DELETE CASCADE: the session itself must delete association rows
    followerId: integer().named('follower_id').notNull().references(() => users.c.id),
    followeeId: integer().named('followee_id').notNull().references(() => users.c.id),
  },
  (c) => ({ primaryKey: [c.followerId, c.followeeId] }),
)
const allTables = [users, follows]

const UserB = entity(users)
const User = relations(UserB, {
  following: manyToMany(UserB, { through: follows, sourceColumn: () => follows.c.followerId, targetColumn: () => follows.c.followeeId, backPopulates: 'followers', orderBy: [asc(users.c.name)] }),
  followers: manyToMany(UserB, { through: follows, sourceColumn: () => follows.c.followeeId, targetColumn: () => follows.c.followerId, backPopulates: 'following', orderBy: [asc(users.c.name)] }),
})

type Named = { readonly name: string }
const names = (xs: ReadonlyArray<Named>): ReadonlyArray<string> => xs.map((x) => x.name)

describeEachDatabase('ORM self-referential many-to-many', (db) => {
  const { engine, run, counted } = ormSuite(db, {
    tables: allTables,
    reset: ['sm_follows', 'sm_users'].map((t) => `DELETE FROM ${t}`),
  })
  /** The association rows, as [follower, followee] names. */
  const edges = async () =>
    ok(await engine.execute(text('SELECT a.name AS follower, b.name AS followee FROM sm_follows f JOIN sm_users a ON a.id = f.follower_id JOIN sm_users b ON b.id = f.followee_id ORDER BY a.name, b.name'))()).map((r) => {
      const row = r as { follower: unknown; followee: unknown }
      return [row.follower, row.followee]
    })
  const byName = (name: string) => S.one(User, where(eq(users.c.name, name)))

  /** ann -> bob, cat (cascaded from make); bob -> cat; cat -> ann; dan follows nobody and nobody follows him. */
  const seed = async () => {
    const [, sql] = await counted(
      pipe(
        S.add(ok(User.make({ name: 'ann', following: [ok(User.make({ name: 'bob' })), ok(User.make({ name: 'cat' }))] }))),
        S.chain(() => S.add(ok(User.make({ name: 'dan' })))),
        S.chain(() => S.flush),
        S.chain(() => S.all(User, orderBy(asc(users.c.name)), load(selectin(User.following)))),
        S.chain(([ann, bob, cat]) => pipe(S.update(bob, { following: [cat] }), S.chain(() => S.update(cat, { following: [ann] })))),
      ),
    )
    return sql
  }

  it('links cascaded from make and added by update are flushed as association rows', async () => {
    const sql = await seed()
    expect(await edges()).toEqual([
      ['ann', 'bob'],
      ['ann', 'cat'],
      ['bob', 'cat'],
      ['cat', 'ann'],
    ])
    // one multi-row INSERT of the users, then one of the association rows that need their keys;
    // the updates add two more rows at the closing flush and touch no user
    expect(sql.filter((s) => /^INSERT INTO .sm_users/i.test(s))).toHaveLength(1)
    expect(sql.filter((s) => /^INSERT INTO .sm_follows/i.test(s))).toHaveLength(2)
    expect(sql.filter((s) => /^(UPDATE|DELETE)/i.test(s))).toEqual([])
  })

  it('both directions load with joined, json, selectin and subquery, paged by LIMIT/OFFSET, and nested (followers of followees)', async () => {
    await seed()
    for (const [name, how, n] of strategies) {
      const [all, sql] = await counted(S.all(User, orderBy(asc(users.c.name)), load(how(User.following), how(User.followers))))
      expect([name, sql.length]).toEqual([name, n === 1 ? 1 : 3])
      expect([name, all.map((u) => [u.name, names(u.following), names(u.followers)])]).toEqual([
        name,
        [
          ['ann', ['bob', 'cat'], ['cat']],
          ['bob', ['cat'], ['ann']],
          ['cat', ['ann'], ['ann', 'bob']],
          ['dan', [], []],
        ],
      ])
      const [page, pSql] = await counted(S.all(User, orderBy(asc(users.c.name)), limit(2), offset(1), load(how(User.following), how(User.followers))))
      expect([name, pSql.length]).toEqual([name, n === 1 ? 1 : 3])
      expect([name, page.map((u) => [u.name, names(u.following), names(u.followers)])]).toEqual([
        name,
        [
          ['bob', ['cat'], ['ann']],
          ['cat', ['ann'], ['ann', 'bob']],
        ],
      ])
      const [deep, dSql] = await counted(S.all(User, orderBy(asc(users.c.name)), load(how(User.following, how(User.followers)))))
      expect([name, dSql.length]).toEqual([name, n === 1 ? 1 : 3])
      expect([name, deep.map((u) => [u.name, u.following.map((f) => [f.name, names(f.followers)])])]).toEqual([
        name,
        [
          ['ann', [['bob', ['ann']], ['cat', ['ann', 'bob']]]],
          ['bob', [['cat', ['ann', 'bob']]]],
          ['cat', [['ann', ['cat']]]],
          ['dan', []],
        ],
      ])
    }
  })

  it('lazy S.load of each direction: one SELECT each, none when already loaded', async () => {
    await seed()
    const [[f, g], sql] = await counted(
      pipe(
        byName('cat'),
        S.chain((cat) => S.load(cat, User.following)),
        S.chain((cat) => S.load(cat, User.followers)),
        S.chain((cat) => pipe(S.load(cat, User.following), S.map((again) => [cat, again] as const))),
      ),
    )
    expect(sql).toHaveLength(3)
    expect([names(f.following), names(f.followers), names(g.following)]).toEqual([['ann'], ['ann', 'bob'], ['ann']])
  })

  it('back-populates: a new link shows on the other side in the session, a removed one leaves it', async () => {
    await seed()
    const r = await run(
      pipe(
        S.all(User, orderBy(asc(users.c.name)), load(selectin(User.following), selectin(User.followers))),
        S.chain(([ann, bob, , dan]) =>
          pipe(
            S.update(dan, { following: [ann, bob] }),
            S.chain(() => S.update(ann, { following: ann.following.filter((u) => u.name !== 'bob') })),
            S.chain(() => S.current(ann)),
            S.chain((a) => pipe(S.current(bob), S.map((b) => [a, b] as const))),
          ),
        ),
      ),
    )
    const [ann, bob] = ok(r)
    const view = (o: O.Option<{ readonly name: string; readonly following: ReadonlyArray<Named>; readonly followers: ReadonlyArray<Named> }>) =>
      pipe(
        o,
        O.map((u) => [u.name, names(u.following), names(u.followers)]),
        O.toNullable,
      )
    expect(view(ann)).toEqual(['ann', ['cat'], ['cat', 'dan']])
    expect(view(bob)).toEqual(['bob', ['cat'], ['dan']])
    expect(await edges()).toEqual([
      ['ann', 'cat'],
      ['bob', 'cat'],
      ['cat', 'ann'],
      ['dan', 'ann'],
      ['dan', 'bob'],
    ])
  })

  it('removing a link deletes exactly its association row (from either side), never the user', async () => {
    await seed()
    const [, sql] = await counted(pipe(byName('ann'), S.chain((ann) => S.load(ann, User.following)), S.chain((ann) => S.update(ann, { following: ann.following.filter((u) => u.name !== 'bob') }))))
    expect(sql.filter((s) => /^DELETE/i.test(s))).toHaveLength(1)
    expect(sql.filter((s) => /^DELETE/i.test(s))[0]).toMatch(/sm_follows/)
    expect(await edges()).toEqual([
      ['ann', 'cat'],
      ['bob', 'cat'],
      ['cat', 'ann'],
    ])
    // the same kind of edge removed from the followee's side
    ok(await run(pipe(byName('cat'), S.chain((cat) => S.load(cat, User.followers)), S.chain((cat) => S.update(cat, { followers: cat.followers.filter((u) => u.name !== 'ann') })))))
    expect(await edges()).toEqual([
      ['bob', 'cat'],
      ['cat', 'ann'],
    ])
    const left = ok(await engine.execute(text('SELECT name FROM sm_users ORDER BY name'))())
    expect(left.map((x) => (x as { name: unknown }).name)).toEqual(['ann', 'bob', 'cat', 'dan'])
  })

  it('one link set from both sides is one row; removed and re-added in one session is no statement at all', async () => {
    await seed()
    const [, sql] = await counted(
      pipe(
        S.all(User, orderBy(asc(users.c.name)), load(selectin(User.following), selectin(User.followers))),
        S.chain(([ann, bob, cat, dan]) =>
          pipe(
            S.update(dan, { followers: [ann] }),
            S.chain(() => S.current(ann)),
            S.chain((a) => {
              const ann2 = O.toNullable(a)!
              return S.update(ann2, { following: [...ann2.following] }) // already holds dan (back-populated): nothing new
            }),
            S.chain(() => S.update(bob, { following: [] })),
            S.chain(() => S.update(bob, { following: [cat] })),
          ),
        ),
      ),
    )
    expect(sql.filter((s) => /^(INSERT|DELETE|UPDATE)/i.test(s)).map((s) => /^(\w+)/.exec(s)?.[1])).toEqual(['INSERT'])
    expect(await edges()).toEqual([
      ['ann', 'bob'],
      ['ann', 'cat'],
      ['ann', 'dan'],
      ['bob', 'cat'],
      ['cat', 'ann'],
    ])
  })

  it('deleting a user removes its association rows in both directions; a user may follow itself', async () => {
    await seed()
    ok(await run(pipe(byName('dan'), S.chain((dan) => S.load(dan, User.following)), S.chain((dan) => S.update(dan, { following: [dan] })))))
    expect((await edges()).filter(([a]) => a === 'dan')).toEqual([['dan', 'dan']])
    for (const [name, how] of strategies) {
      const dan = ok(await run(S.one(User, where(eq(users.c.name, 'dan')), load(how(User.following), how(User.followers)))))
      expect([name, names(dan.following), names(dan.followers)]).toEqual([name, ['dan'], ['dan']])
    }
    const [, delSql] = await counted(pipe(byName('cat'), S.chain((cat) => S.delete(cat))))
    // cat's association rows (cat -> ann, ann -> cat, bob -> cat) in one DELETE, before cat's own row
    expect(delSql.filter((s) => /^DELETE/i.test(s)).map((s) => /^DELETE FROM .(\w+)/i.exec(s)?.[1])).toEqual(['sm_follows', 'sm_users'])
    expect(await edges()).toEqual([
      ['ann', 'bob'],
      ['dan', 'dan'],
    ])
    const all = ok(await run(S.all(User, orderBy(asc(users.c.name)), load(json(User.following), json(User.followers)))))
    expect(all.map((u) => [u.name, names(u.following), names(u.followers)])).toEqual([
      ['ann', ['bob'], []],
      ['bob', [], ['ann']],
      ['dan', ['dan'], ['dan']],
    ])
  })
})
