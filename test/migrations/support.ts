/**
 * Helpers for the migration suites: engines and reflectors per test database.
 *
 * @category testing
 */
import * as E from 'fp-ts/lib/Either.js'
import { createEngine } from '../../src/createEngine.js'
import type { Engine } from '../../src/effects/Engine.js'
import type { Reflector } from '../../src/effects/Reflector.js'
import { reflectorFor } from '../../src/cli/reflectors.js'
import type { TestDatabase } from '../support/databases.js'

/** An engine into the test database (one pooled connection). */
export const engineFor = (db: TestDatabase): Engine => {
  const e = createEngine(db.url, { pool: { size: 1 } })
  if (E.isLeft(e)) throw new Error(`cannot create engine: ${JSON.stringify(e.left)}`)
  return e.right
}

/** The reflector for the test database's dialect. */
export const reflectorOf = (engine: Engine): Reflector => {
  const r = reflectorFor(engine.dialect)
  if (r === undefined) throw new Error(`no reflector for ${engine.dialect.name}`)
  return r
}

/** Unwraps a Right or throws with the Left. */
export const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Error ? v.message : v)))
  return e.right
}
