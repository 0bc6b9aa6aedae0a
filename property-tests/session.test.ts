/**
 * The ORM Session against a model, on every database: random programs of adds, updates,
 * deletes and flushes, with flushes that fail on a unique violation and are recovered with
 * `S.orElse` (fixing the value, or abandoning a whole block of steps), must leave the
 * database holding exactly what the model says. Recovering from a failed block continues from
 * a state older than the newest one, which exercises the rerooted persistent maps of the unit
 * of work as well as the flush's "nothing lost" promise.
 *
 * @category property-tests
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { asc, from, integer, orderBy, select, table, text, varchar } from '../src/algebra/index.js'
import { createAll, dropAll } from '../src/compile/ddl.js'
import type { Engine } from '../src/effects/Engine.js'
import { entity } from '../src/mapping/Entity.js'
import * as S from '../src/mapping/session.js'
import { describeEachDatabase } from '../test/support/databases.js'
import { engineFor, unwrap } from './support/db.js'
import { count, params, timeout } from './support/runs.js'

const people = table('ps_people', {
  id: integer().primaryKey(),
  name: varchar(40).notNull().unique(),
  n: integer().notNull().default(0),
})
const Person = entity(people, { name: 'Person' })
type PersonValue = ReturnType<typeof Person.make> extends E.Either<unknown, infer A> ? A : never

/** One step of a program. Indexes pick among the values alive at that point (modulo their count). */
type Op =
  | { readonly _tag: 'add'; readonly n: number }
  | { readonly _tag: 'update'; readonly pick: number; readonly n: number }
  | { readonly _tag: 'delete'; readonly pick: number }
  | { readonly _tag: 'flush' }
  /** Adds a value whose name is taken, flushes (fails), then renames it and flushes again. */
  | { readonly _tag: 'dupThenFix'; readonly pick: number }
  /** A block (adds and updates, then a failing flush) abandoned by continuing from the state before it. */
  | { readonly _tag: 'abandonedBlock'; readonly adds: number; readonly pick: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ _tag: fc.constant('add' as const), n: fc.integer({ min: 0, max: 99 }) }) },
  { weight: 3, arbitrary: fc.record({ _tag: fc.constant('update' as const), pick: fc.nat(), n: fc.integer({ min: 0, max: 99 }) }) },
  { weight: 2, arbitrary: fc.record({ _tag: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ _tag: 'flush' as const }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant('dupThenFix' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant('abandonedBlock' as const), adds: fc.integer({ min: 1, max: 3 }), pick: fc.nat() }) },
)

/** What the program holds: the live values (the session's, newest first by name order of creation) and the model rows. */
interface World {
  readonly live: ReadonlyArray<PersonValue>
  readonly model: ReadonlyMap<string, number>
  readonly fresh: number
}

const make = (name: string, n: number): PersonValue => unwrap(Person.make({ name, n }), 'make')

const replace = (live: ReadonlyArray<PersonValue>, i: number, v: PersonValue): ReadonlyArray<PersonValue> => live.map((x, j) => (j === i ? v : x))

const step =
  (o: Op) =>
  (w: World): S.Session<World> => {
    switch (o._tag) {
      case 'add': {
        const name = `p${w.fresh}`
        return pipe(
          S.add(make(name, o.n)),
          S.map((v) => ({ live: [...w.live, v], model: new Map(w.model).set(name, o.n), fresh: w.fresh + 1 })),
        )
      }
      case 'update': {
        if (w.live.length === 0) return S.of(w)
        const i = o.pick % w.live.length
        return pipe(
          S.update(w.live[i], { n: o.n }),
          S.map((v) => ({ ...w, live: replace(w.live, i, v), model: new Map(w.model).set(String(v.name), o.n) })),
        )
      }
      case 'delete': {
        if (w.live.length === 0) return S.of(w)
        const i = o.pick % w.live.length
        const gone = w.live[i]
        const model = new Map(w.model)
        model.delete(String(gone.name))
        return pipe(
          S.delete(gone),
          S.map(() => ({ ...w, live: w.live.filter((_, j) => j !== i), model })),
        )
      }
      case 'flush':
        return pipe(
          S.flush,
          S.map(() => w),
        )
      case 'dupThenFix': {
        if (w.live.length === 0) return S.of(w)
        const taken = String(w.live[o.pick % w.live.length].name)
        const fixed = `p${w.fresh}`
        return pipe(
          S.add(make(taken, 7)),
          S.chain((dup) =>
            pipe(
              S.flush,
              S.map(() => ({ failed: false, dup })),
              S.orElse(() => S.of({ failed: true, dup })),
            ),
          ),
          S.chain(({ failed, dup }) => {
            expect(failed).toBe(true)
            return pipe(
              S.update(dup, { name: fixed }),
              S.chain((v) =>
                pipe(
                  S.flush,
                  S.map(() => ({ live: [...w.live, v], model: new Map(w.model).set(fixed, 7), fresh: w.fresh + 1 })),
                ),
              ),
            )
          }),
        )
      }
      case 'abandonedBlock': {
        if (w.live.length === 0) return S.of(w)
        const taken = String(w.live[o.pick % w.live.length].name)
        const block = pipe(
          Array.from({ length: o.adds }, (_, k) => make(`q${w.fresh}_${k}`, k)).reduce<S.Session<unknown>>((acc, v) => pipe(acc, S.chain(() => S.add(v))), S.of(undefined)),
          S.chain(() => S.update(w.live[0], { n: 1000 })),
          S.chain(() => S.add(make(taken, 0))),
          S.chain(() => S.flush),
          S.map((): World => {
            throw new Error('the block was expected to fail')
          }),
        )
        // The handler starts from the state before the block: none of its steps happened.
        return pipe(
          block,
          S.orElse(() => S.of({ ...w, fresh: w.fresh + 1 })),
        )
      }
    }
  }

describeEachDatabase('Session against a model (property)', (db) => {
  let engine: Engine
  beforeAll(async () => {
    engine = engineFor(db)
    for (const s of unwrap(createAll(engine.dialect)([people]), 'ddl')) unwrap(await engine.run(s)(), 'create')
  })
  afterAll(async () => {
    for (const s of unwrap(dropAll(engine.dialect)([people]), 'ddl')) await engine.run(s)()
    await engine.dispose()
  })

  it(
    'random programs with failing and recovered flushes leave exactly the model in the database',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
          unwrap(await engine.run(text('DELETE FROM ps_people'))(), 'clear')
          const start: World = { live: [], model: new Map(), fresh: 0 }
          const program = ops.reduce<S.Session<World>>((acc, o) => pipe(acc, S.chain(step(o))), S.of(start))
          const world = unwrap(await S.runSession(engine, program)(), 'session')
          const rows = unwrap(await engine.execute(pipe(select({ name: people.c.name, n: people.c.n }), from(people), orderBy(asc(people.c.name))))(), 'read')
          const expected = [...world.model.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, n]) => ({ name, n }))
          expect(rows).toEqual(expected)
          count(`session-model/${db.name}`)
        }),
        params(db.name === 'sqlite' ? 150 : 50),
      )
    },
    timeout(),
  )
})
