import { describe, expect, it } from 'vitest'
import type { Compiled } from '../compile/Compiled.js'
import { buildRows } from './driverSupport.js'

const stmt: Compiled = { sql: 'SELECT a, b', params: [], kind: 'query', columns: [{ name: 'a' }, { name: 'b' }] }

describe('buildRows', () => {
  it("builds each row in place when the result's names are the statement's labels in order", () => {
    const rows: unknown[] = [
      [1, 'x'],
      [2, 'y'],
    ]
    const out = buildRows(rows, ['a', 'b'], stmt, (v) => ({ built: true, a: v[0], b: v[1] }))
    expect(out).toBe(rows)
    expect(out).toEqual([
      { built: true, a: 1, b: 'x' },
      { built: true, a: 2, b: 'y' },
    ])
  })

  it('falls back to plain rows keyed by the names the server gave (another order, a name it shortened)', () => {
    const never = (): never => {
      throw new Error('the builder must not run')
    }
    expect(buildRows([[1, 'x']], ['b', 'a'], stmt, never)).toEqual([{ b: 1, a: 'x' }])
    const odd = buildRows([[1, 2]], ['a', '__proto__'], stmt, never)[0]
    expect(Object.keys(odd)).toEqual(['a', '__proto__'])
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype)
  })
})
