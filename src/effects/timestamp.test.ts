import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseTimestamp } from './decode.js'

const pad = (n: number, w: number) => String(n).padStart(w, '0')

describe('parseTimestamp', () => {
  it('agrees with Date.UTC on every canonical timestamp text', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), fc.boolean(), fc.boolean(), (d, withMs, tee) => {
        const text =
          `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}${tee ? 'T' : ' '}` +
          `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}${withMs ? `.${pad(d.getUTCMilliseconds(), 3)}` : ''}`
        const expected = withMs ? d.getTime() : d.getTime() - d.getUTCMilliseconds()
        expect(parseTimestamp(text)?.getTime()).toBe(expected)
      }),
      { numRuns: 2000 },
    )
  })

  it('reads 1 to 9 fraction digits (MariaDB DATETIME(6), PostgreSQL text) as their first three, truncated', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.stringMatching(/^[0-9]{1,9}$/), (d, frac) => {
        const base = new Date(d.getTime() - d.getUTCMilliseconds())
        const text = `${pad(base.getUTCFullYear(), 4)}-${pad(base.getUTCMonth() + 1, 2)}-${pad(base.getUTCDate(), 2)} ${pad(base.getUTCHours(), 2)}:${pad(base.getUTCMinutes(), 2)}:${pad(base.getUTCSeconds(), 2)}.${frac}`
        expect(parseTimestamp(text)?.getTime()).toBe(base.getTime() + Number((frac + '000').slice(0, 3)))
      }),
      { numRuns: 2000 },
    )
    expect(parseTimestamp('2024-01-01 00:00:00.')).toBeUndefined()
  })

  it('rejects impossible dates', () => {
    for (const s of ['2024-0a-01 00:00:00', '2024-01-01 00:00:0x', '2024-01-01 00:00:00.1x3', '2023-02-29 00:00:00', '2024-04-31 10:00:00', '2024-13-01 00:00:00', '2024-01-01 24:00:00', '2024-01-00 00:00:00'])
      expect(parseTimestamp(s)).toBeUndefined()
    expect(parseTimestamp('2024-02-29 12:34:56.789')?.toISOString()).toBe('2024-02-29T12:34:56.789Z')
  })
})
