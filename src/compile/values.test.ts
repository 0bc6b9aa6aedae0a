import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkParam, isoText, LIMIT_TYPE, utcDateText, utcDateTimeText } from './values.js'

describe('fast UTC date formatting', () => {
  const min = Date.UTC(1000, 0, 1)
  const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999)
  it('agrees with toISOString for every instant of years 1000-9999', () => {
    fc.assert(
      fc.property(fc.integer({ min, max }), (t) => {
        const d = new Date(t)
        const iso = d.toISOString()
        expect(isoText(d)).toBe(iso)
        expect(utcDateTimeText(d)).toBe(iso.slice(0, 10) + ' ' + iso.slice(11, 23))
        expect(utcDateText(d)).toBe(iso.slice(0, 10))
      }),
      { numRuns: 20_000 },
    )
  })
  it('edges: epoch, before it, leap days, range ends; outside the range falls back to toISOString', () => {
    for (const s of ['1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '2000-02-29T12:00:00.500Z', '1900-03-01T00:00:00.000Z', '1000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'])
      expect(isoText(new Date(s))).toBe(s)
    const far = new Date(Date.UTC(10000, 0, 1))
    expect(isoText(far)).toBe(far.toISOString())
    expect(utcDateText(new Date(Date.UTC(999, 11, 31)))).toBe('0999-12-31')
  })
})

describe('fast UTC date formatting: the remembered day', () => {
  it('instants close together and far apart, in any order and form, agree with toISOString', () => {
    const min = Date.UTC(1000, 0, 1)
    const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999)
    const near = fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 })
    fc.assert(
      fc.property(fc.integer({ min, max }), fc.array(near, { maxLength: 12 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 12, maxLength: 12 }), (t, deltas, forms) => {
        deltas.forEach((delta, i) => {
          const d = new Date(Math.min(max, Math.max(min, t + delta)))
          const iso = d.toISOString()
          const form = forms[i]
          if (form === 0) expect(isoText(d)).toBe(iso)
          else if (form === 1) expect(utcDateTimeText(d)).toBe(iso.slice(0, 10) + ' ' + iso.slice(11, 23))
          else expect(utcDateText(d)).toBe(iso.slice(0, 10))
        })
      }),
      { numRuns: 2_000 },
    )
  })
})

describe('checkParam: accepted at once, or the reason', () => {
  const limitType = LIMIT_TYPE
  it('common types accept their values', () => {
    expect(checkParam('x', { _tag: 'Varchar', length: 3 })).toBeUndefined()
    expect(checkParam('x', { _tag: 'Text' })).toBeUndefined()
    expect(checkParam(-5, { _tag: 'Integer' })).toBeUndefined()
    expect(checkParam(5, limitType)).toBeUndefined()
    expect(checkParam(false, { _tag: 'Boolean' })).toBeUndefined()
    expect(checkParam(0.5, { _tag: 'Real' })).toBeUndefined()
    expect(checkParam(new Date(0), { _tag: 'Timestamp', withTimeZone: false })).toBeUndefined()
    expect(checkParam(null, { _tag: 'Integer' })).toBeUndefined()
  })
  it('and reject the others with the reason', () => {
    expect(checkParam(1, { _tag: 'Varchar', length: 3 })).toBe('a Varchar parameter needs a string, got number')
    expect(checkParam(1.5, { _tag: 'Integer' })).toBe('a Integer parameter needs a safe integer, got 1.5')
    expect(checkParam(NaN, { _tag: 'Integer' })).toBe('cannot bind NaN: only finite numbers can be bound')
    expect(checkParam(-1, limitType)).toBe('LIMIT/OFFSET needs a non-negative integer, got -1')
    expect(checkParam('true', { _tag: 'Boolean' })).toBe('a Boolean parameter needs a boolean, got string')
    expect(checkParam(Infinity, { _tag: 'Double' })).toBe('cannot bind Infinity: only finite numbers can be bound')
    expect(checkParam(new Date(NaN), { _tag: 'Timestamp', withTimeZone: true })).toBe('cannot bind an invalid Date')
    expect(checkParam('2024-01-01', { _tag: 'Timestamp', withTimeZone: false })).toBe('a Timestamp parameter needs a Date, got string')
  })
})

describe('checkParam: uuid', () => {
  it('8-4-4-4-12 hex digits, any case; anything else is rejected', () => {
    expect(checkParam('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', { _tag: 'Uuid' })).toBeUndefined()
    expect(checkParam('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', { _tag: 'Uuid' })).toBeUndefined()
    for (const bad of ['not-a-uuid', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', 'a0eebc999c0b4ef8bb6d6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g', ''])
      expect(checkParam(bad, { _tag: 'Uuid' })).toMatch(/Uuid parameter needs 8-4-4-4-12 hex digits/)
  })
})
