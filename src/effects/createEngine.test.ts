import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { createEngine } from '../createEngine.js'
import { compiled } from './Statement.js'

describe('createEngine', () => {
  it('opens sqlite::memory: and runs a statement', async () => {
    const r = createEngine('sqlite::memory:')
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
    const engine = r.right
    expect(engine.dialect.name).toBe('sqlite')
    expect(await engine.execute(compiled({ sql: 'SELECT 1 AS one', params: [], kind: 'query', columns: [] }))()).toStrictEqual(E.right([{ one: 1 }]))
    await engine.dispose()
  })
  it('bad URLs, unknown options and bad pool options are ConfigError without the password', () => {
    const bad = [
      createEngine('postgres://u:hunter2@h:xx/db'),
      createEngine('nosuch://u:hunter2@h/db'),
      createEngine('sqlite:x.db?colour=blue'),
      createEngine('sqlite:x.db?timeout=soon'),
      createEngine('sqlite::memory:', { pool: { size: 0 } }),
    ]
    for (const r of bad) {
      expect(E.isLeft(r) && r.left._tag).toBe('ConfigError')
      expect(JSON.stringify(r)).not.toContain('hunter2')
    }
  })
  it('a scheme without a registered driver is a ConfigError', () => {
    const r = createEngine('mysql://root@127.0.0.1/test', {}, {})
    expect(r).toStrictEqual(E.left({ _tag: 'ConfigError', message: 'no driver is registered for Mysql URLs' }))
  })
})
