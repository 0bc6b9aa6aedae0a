import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkParam, isoText, utcDateText, utcDateTimeText } from './values.js'

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

describe('checkParam: uuid', () => {
  it('8-4-4-4-12 hex digits, any case; anything else is rejected', () => {
    expect(checkParam('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', { _tag: 'Uuid' })).toBeUndefined()
    expect(checkParam('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', { _tag: 'Uuid' })).toBeUndefined()
    for (const bad of ['not-a-uuid', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', 'a0eebc999c0b4ef8bb6d6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g', ''])
      expect(checkParam(bad, { _tag: 'Uuid' })).toMatch(/Uuid parameter needs 8-4-4-4-12 hex digits/)
  })
})
