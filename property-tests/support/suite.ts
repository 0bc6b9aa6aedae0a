/**
 * The life of a property suite on one database: an engine opened and set up before its
 * cases, disposed of after them, and the suite's case counters printed.
 *
 * @category property-tests
 */
import { afterAll, beforeAll } from 'vitest'
import type { Engine } from '../../src/effects/Engine.js'
import type { TestDatabase } from '../../test/support/databases.js'
import { engineFor } from './db.js'
import { report } from './runs.js'

/**
 * Registers, inside `describeEachDatabase`, a `beforeAll` that opens an engine on `db` and
 * runs `setup` with it, and an `afterAll` that disposes of the engine and prints the counters
 * of `suite`; returns the engine's getter (the engine exists once the cases run).
 *
 * @category property-tests
 * @example
 * describeEachDatabase('oracles', (db) => {
 *   const engine = suiteEngine(db, 'oracles', (e) => createSchema(e, db.name))
 *   it('…', async () => { await loadDataset(engine(), data) })
 * })
 */
export const suiteEngine = (db: TestDatabase, suite: string, setup: (engine: Engine) => Promise<void>): (() => Engine) => {
  let engine: Engine | undefined
  const opened = (): Engine => {
    if (engine === undefined) throw new Error(`${suite} [${db.name}]: the engine is opened in beforeAll`)
    return engine
  }
  beforeAll(async () => {
    engine = engineFor(db)
    await setup(engine)
  })
  afterAll(async () => {
    await opened().dispose()
    report(suite)
  })
  return opened
}
