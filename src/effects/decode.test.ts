import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { types } from '../algebra/SqlType.js'
import type { SqlType } from '../algebra/SqlType.js'
import type { ResultColumn } from '../compile/Compiled.js'
import { canonicalTime, decodeRows, decoderFor, parseTimestamp } from './decode.js'

const one = (type: SqlType, raw: unknown): unknown => {
  const r = decodeRows<{ v: unknown }>([{ name: 'v', type }], [{ v: raw }])
  if (E.isLeft(r)) throw new Error(r.left._tag === 'DecodeError' ? r.left.message : r.left._tag)
  return r.right[0].v
}
const fails = (type: SqlType, raw: unknown): void => {
  const r = decodeRows([{ name: 'v', type }], [{ v: 1 === 1 ? raw : null }])
  expect(E.isLeft(r) && r.left._tag).toBe('DecodeError')
}

describe('decode: every type', () => {
  it('numbers', () => {
    for (const t of [types.integer, types.smallint, types.real, types.double]) {
      expect(one(t, 5)).toBe(5)
      expect(one(t, 7n)).toBe(7)
      expect(one(t, '42')).toBe(42)
      expect(one(t, '-1.5e3')).toBe(-1500)
      expect(one(t, null)).toBe(null)
      fails(t, 'abc')
      fails(t, true)
      fails(t, 2n ** 60n)
    }
  })
  it('bigint', () => {
    expect(one(types.bigint, 5n)).toBe(5n)
    expect(one(types.bigint, 5)).toBe(5n)
    expect(one(types.bigint, '9007199254740993')).toBe(9007199254740993n)
    fails(types.bigint, 1.5)
    fails(types.bigint, '1.5')
  })
  it('numeric', () => {
    expect(one(types.numeric(10, 2), '12.50')).toBe('12.50')
    expect(one(types.numeric(), 12.5)).toBe('12.5')
    expect(one(types.numeric(), 3n)).toBe('3')
    fails(types.numeric(), {})
  })
  it('boolean', () => {
    for (const [raw, want] of [[true, true], [false, false], [1, true], [0, false], [1n, true], [0n, false], ['1', true], ['0', false], ['t', true], ['f', false], ['true', true], ['false', false]] as const)
      expect(one(types.boolean, raw)).toBe(want)
    fails(types.boolean, 2)
    fails(types.boolean, 'yes')
  })
  it('date and time', () => {
    expect(one(types.date, '2024-02-29')).toBe('2024-02-29')
    expect(one(types.date, '2024-02-29 00:00:00')).toBe('2024-02-29')
    expect(one(types.date, new Date(Date.UTC(2024, 1, 29)))).toBe('2024-02-29')
    fails(types.date, 20240229)
    fails(types.date, 'Feb 29')
    expect(one(types.time, '13:45:01.25')).toBe('13:45:01.25')
    fails(types.time, 3)
  })
  it('timestamp: text without zone is UTC, with zone is honoured', () => {
    const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))
    expect(one(types.timestamp(), '2024-01-02 03:04:05.678')).toStrictEqual(d)
    expect(one(types.timestamp(), '2024-01-02T03:04:05.678Z')).toStrictEqual(d)
    expect(one(types.timestamp(true), '2024-01-02 05:04:05.678123+02')).toStrictEqual(d)
    expect(one(types.timestamp(true), '2024-01-01 22:34:05.678-04:30')).toStrictEqual(d)
    expect(one(types.timestamp(), '2024-01-02 03:04:05')).toStrictEqual(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))
    expect(one(types.timestamp(), d)).toBe(d)
    expect(parseTimestamp('0099-03-01 00:00:00')?.getUTCFullYear()).toBe(99)
    fails(types.timestamp(), '2024-02-30 00:00:00')
    fails(types.timestamp(), '2024-01-02 25:00:00')
    fails(types.timestamp(), 'yesterday')
    fails(types.timestamp(), 1700000000000)
    fails(types.timestamp(), new Date(NaN))
  })
  it('json', () => {
    expect(one(types.json, '{"a":[1,true,null]}')).toStrictEqual({ a: [1, true, null] })
    expect(one(types.json, '"s"')).toBe('s')
    expect(one(types.json, 3)).toBe(3)
    expect(one(types.json, { a: 1 })).toStrictEqual({ a: 1 })
    fails(types.json, '{oops')
  })
  it('binary', () => {
    const b = Buffer.from([1, 2, 3])
    expect(one(types.binary(), b)).toBe(b)
    expect(one(types.binary(), '\\x0102')).toStrictEqual(Buffer.from([1, 2]))
    fails(types.binary(), 'abc')
  })
  it('enum, strings, uuid', () => {
    const mood = types.enum('mood', ['sad', 'ok'])
    expect(one(mood, 'ok')).toBe('ok')
    fails(mood, 'happy')
    expect(one(types.varchar(5), 'abc')).toBe('abc')
    expect(one(types.text, '')).toBe('')
    expect(one(types.uuid, '00000000-0000-0000-0000-000000000000')).toBe('00000000-0000-0000-0000-000000000000')
    fails(types.text, 5)
    fails(types.uuid, undefined)
  })
})

describe('decoder', () => {
  const cols: ReadonlyArray<ResultColumn> = [
    { name: 'id', type: types.integer },
    { name: 'ok', type: types.boolean },
    { name: 'raw' },
    { name: 'at', type: types.timestamp() },
  ]
  it('is memoised on the columns array and decodes in place', () => {
    expect(decoderFor(cols)).toBe(decoderFor(cols))
    const rows = [
      { id: 1, ok: 1, raw: 'x', at: '2024-01-01 00:00:00' },
      { id: 2, ok: 0, raw: 5, at: null },
    ]
    const r = decoderFor(cols)(rows)
    expect(E.isRight(r) && r.right).toBe(rows)
    expect(rows).toStrictEqual([
      { id: 1, ok: true, raw: 'x', at: new Date(Date.UTC(2024, 0, 1)) },
      { id: 2, ok: false, raw: 5, at: null },
    ])
  })
  it('reports the failing row with io-ts errors', () => {
    const rows = [
      { id: 1, ok: 1, raw: null, at: null },
      { id: 2, ok: 1, raw: null, at: null },
      { id: 3, ok: 'maybe', raw: null, at: null },
    ]
    const r = decoderFor(cols)(rows, 100)
    if (E.isRight(r) || r.left._tag !== 'DecodeError') throw new Error('expected DecodeError')
    expect(r.left.rowIndex).toBe(102)
    expect(r.left.errors.length).toBe(1)
    expect(r.left.errors[0].context.map((c) => c.key)).toContain('ok')
    expect(r.left.message).toBe('row 102: column "ok": expected Boolean (boolean) | null, got "maybe"')
  })
  it('a missing column is a DecodeError', () => {
    const r = decodeRows([{ name: 'id', type: types.integer }], [{ other: 1 }])
    expect(E.isLeft(r) && r.left._tag).toBe('DecodeError')
  })
  it('renames columns returned under a positional alias into fresh rows (own __proto__ property)', () => {
    const cols: ReadonlyArray<ResultColumn> = [{ name: '__proto__', type: types.integer, source: '_c0' }, { name: 'x', type: types.boolean }, { name: ' y', source: '_c2' }]
    const rows = [{ _c0: '7', x: 1, _c2: 'a' }]
    const first = rows[0]
    const r = decoderFor(cols)(rows)
    expect(E.isRight(r) && r.right).toBe(rows)
    expect(rows[0]).not.toBe(first)
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(rows[0], '__proto__')?.value).toBe(7)
    expect(Object.keys(rows[0])).toEqual(['__proto__', 'x', ' y'])
    expect(rows[0]).toMatchObject({ x: true, ' y': 'a' })
    const untyped = [{ _c0: 1, _c2: 2 }]
    decoderFor([{ name: '__proto__', source: '_c0' }, { name: ' y', source: '_c2' }])(untyped)
    expect(Object.getOwnPropertyDescriptor(untyped[0], '__proto__')?.value).toBe(1)
    expect(Object.keys(untyped[0])).toEqual(['__proto__', ' y'])
  })
  it('columns without types pass through untouched', () => {
    const rows = [{ a: 1n, b: 'x' }]
    const r = decodeRows([{ name: 'a' }, { name: 'b' }], rows)
    expect(E.isRight(r) && r.right).toBe(rows)
  })
})

describe('decode: time in canonical form', () => {
  it('drops a zero fraction and trailing zeros (MariaDB TIME(6)), adds missing seconds', () => {
    expect(one(types.time, '23:59:59.000000')).toBe('23:59:59')
    expect(one(types.time, '12:34:56.500000')).toBe('12:34:56.5')
    expect(one(types.time, '12:34:56.789')).toBe('12:34:56.789')
    expect(one(types.time, '12:34:56')).toBe('12:34:56')
    expect(one(types.time, '12:34')).toBe('12:34:00')
    expect(one(types.time, '-838:59:59.000000')).toBe('-838:59:59')
    expect(canonicalTime('01:02:03.')).toBe('01:02:03')
    fails(types.time, 'noon')
    fails(types.time, 1234)
  })
})
