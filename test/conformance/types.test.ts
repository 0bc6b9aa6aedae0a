/**
 * Type round trips on every database: each value is inserted through the algebra, read back
 * through the decoder, and must come back exactly; values a database cannot hold are a typed
 * error (never a silent change). The process runs in a time zone that is not UTC, so a
 * timestamp that came back shifted by the local offset would fail.
 *
 * What each database rejects (asserted below):
 * - PostgreSQL: NUL (U+0000) in text (QueryError DataError); integers out of their column's range.
 * - MariaDB: integers out of range (strict sql_mode); TIMESTAMP WITH TIME ZONE outside 1970–2038.
 * - SQLite: nothing of the above (no range checks; NUL kept).
 * - Everywhere, before reaching the database: NaN/±Infinity, bigint outside ±2^63, unsafe
 *   integers, non-members of an enum, wrong JS types (InvalidStatement from compile).
 */
process.env.TZ = 'America/Los_Angeles'

import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { expect, it } from 'vitest'
import {
  bigint,
  binary,
  boolean,
  date,
  double,
  enumeration,
  integer,
  json,
  numeric,
  real,
  smallint,
  textColumn,
  time,
  timestamp,
  uuid,
  varchar,
} from '../../src/algebra/Column.js'
import { between, sum, deleteFrom, eq, from, insertInto, orderBy, select, where } from '../../src/algebra/index.js'
import { table } from '../../src/algebra/Table.js'
import type { DbError } from '../../src/effects/DbError.js'
import { conformance, expectError, rows, run, type Harness } from './support.js'

const vals = table('vals', {
  id: integer().primaryKey().autoIncrement(false),
  i: integer(),
  si: smallint(),
  bi: bigint(),
  r: real(),
  d: double(),
  n: numeric(38, 10),
  vc: varchar(255),
  tx: textColumn(),
  b: boolean(),
  dt: date(),
  tm: time(),
  ts: timestamp(),
  tz: timestamp({ withTimeZone: true }),
  j: json(),
  e: enumeration('val_kind', ['alpha', 'beta', "o'q"]),
  bin: binary(),
  u: uuid(),
})

type Vals = typeof vals
type Key = Exclude<keyof Vals['builders'], 'id'>

let nextId = 1

/** Inserts each value into column `k` (one row each) and reads them back in order. */
const roundTrip = async <K extends Key>(h: Harness, k: K, values: ReadonlyArray<unknown>): Promise<ReadonlyArray<unknown>> => {
  const first = nextId
  const rowsIn = values.map((v) => ({ id: nextId++, [k]: v }))
  await run(h, insertInto(vals, rowsIn as never))
  const col = vals.c[k]
  const got = await rows(h, pipe(select({ id: vals.c.id, v: col }), from(vals), where(between(vals.c.id, first, nextId - 1)), orderBy(vals.c.id)))
  expect(got.map((r) => r.id)).toStrictEqual(rowsIn.map((r) => r.id))
  return got.map((r) => r.v)
}

/** Inserting `v` into column `k` must fail; returns the error. */
const rejects = async (h: Harness, k: Key, v: unknown): Promise<DbError> => {
  const r = await h.engine.run(insertInto(vals, { id: nextId++, [k]: v } as never))()
  if (E.isRight(r)) {
    const back = await rows(h, pipe(select({ v: vals.c[k] }), from(vals), where(eq(vals.c.id, nextId - 1))))
    throw new Error(`${h.name} accepted ${String(v)} into ${k}, read back ${String(back[0]?.v)}`)
  }
  return r.left
}

conformance(
  'type round trips',
  (h) => {
    it('runs in a non-UTC process time zone', () => {
      expect(new Date('2024-01-01T00:00:00Z').getTimezoneOffset()).not.toBe(0)
    })

    it('integer and smallint at their limits; out of range is a DataError (SQLite has no ranges)', async () => {
      expect(await roundTrip(h, 'i', [0, -1, 2147483647, -2147483648, null])).toStrictEqual([0, -1, 2147483647, -2147483648, null])
      expect(await roundTrip(h, 'si', [32767, -32768])).toStrictEqual([32767, -32768])
      if (h.name === 'sqlite') {
        expect(await roundTrip(h, 'i', [2147483648])).toStrictEqual([2147483648])
      } else {
        expectError(await rejects(h, 'i', 2147483648), 'QueryError', 'DataError')
        expectError(await rejects(h, 'si', 32768), 'QueryError', 'DataError')
      }
      // never reaches the database: unsafe integers, fractions, NaN
      expectError(await rejects(h, 'i', 2 ** 53 + 2), 'InvalidStatement')
      expectError(await rejects(h, 'i', 1.5), 'InvalidStatement')
      expectError(await rejects(h, 'i', NaN), 'InvalidStatement')
      expectError(await rejects(h, 'i', '1'), 'InvalidStatement')
    })

    it('bigint beyond 2^53 and at ±2^63 limits, exact', async () => {
      const vs = [0n, -1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 1234567890123456789n]
      expect(await roundTrip(h, 'bi', vs)).toStrictEqual(vs)
      // bigint parameters compare exactly too
      const [hit] = await rows(h, pipe(select({ id: vals.c.id }), from(vals), where(eq(vals.c.bi, 2n ** 63n - 1n))))
      expect(hit).toBeDefined()
      expect(await rows(h, pipe(select({ id: vals.c.id }), from(vals), where(eq(vals.c.bi, 2n ** 63n - 2n))))).toStrictEqual([])
      expectError(await rejects(h, 'bi', 2n ** 63n), 'InvalidStatement')
      expectError(await rejects(h, 'bi', -(2n ** 63n) - 1n), 'InvalidStatement')
    })

    it('real, double; NaN and ±Infinity are rejected before the database', async () => {
      expect(await roundTrip(h, 'r', [1.5, -0.25, 0])).toStrictEqual([1.5, -0.25, 0])
      expect(await roundTrip(h, 'd', [0.1, -1.5e-300, 1e300, Number.MAX_SAFE_INTEGER, 0.30000000000000004])).toStrictEqual([0.1, -1.5e-300, 1e300, Number.MAX_SAFE_INTEGER, 0.30000000000000004])
      expectError(await rejects(h, 'd', NaN), 'InvalidStatement')
      expectError(await rejects(h, 'd', Infinity), 'InvalidStatement')
      expectError(await rejects(h, 'd', -Infinity), 'InvalidStatement')
    })

    it('numeric(38,10) exact as a string (SQLite: stored as exact text, see the dialect)', async () => {
      const vs = ['1234567890123456789012345678.0123456789', '-0.0000000001', '0.1000000000', '99999999999999999999999999.9999999999']
      expect(await roundTrip(h, 'n', vs)).toStrictEqual(vs)
      // fewer decimals come back at the column's scale (SQLite: as written)
      expect(await roundTrip(h, 'n', ['1.5'])).toStrictEqual([h.name === 'sqlite' ? '1.5' : '1.5000000000'])
      expectError(await rejects(h, 'n', '12abc'), 'InvalidStatement')
      // arithmetic stays decimal: 0.1 + 0.1 + 0.1 is 0.3, not 0.30000000000000004
      // (SQLite: a wide numeric is TEXT-affinity, and SUM over it is floating point: documented)
      const first = nextId
      await run(h, insertInto(vals, [0, 1, 2].map((i) => ({ id: first + i, n: '0.1' }))))
      nextId += 3
      expect(await rows(h, pipe(select({ s: sum(vals.c.n) }), from(vals), where(between(vals.c.id, first, first + 2))))).toStrictEqual([
        { s: h.name === 'sqlite' ? '0.30000000000000004' : '0.3000000000' },
      ])
    })

    it('booleans (MySQL tinyint, SQLite 0/1)', async () => {
      expect(await roundTrip(h, 'b', [true, false, null])).toStrictEqual([true, false, null])
      expectError(await rejects(h, 'b', 1), 'InvalidStatement')
    })

    it('dates (from text, or from a Date at UTC midnight)', async () => {
      const vs = ['2024-02-29', '1999-12-31', '1970-01-01', '2100-01-01']
      expect(await roundTrip(h, 'dt', vs)).toStrictEqual(vs)
      expect(await roundTrip(h, 'dt', [new Date('2024-02-29T00:00:00Z')])).toStrictEqual(['2024-02-29'])
    })

    it('times in canonical form: no trailing zeros in the fraction (MariaDB TIME(6) pads it)', async () => {
      expect(await roundTrip(h, 'tm', ['00:00:00', '23:59:59', '12:34:56', '12:34:56.789', '12:34:56.5'])).toStrictEqual(['00:00:00', '23:59:59', '12:34:56', '12:34:56.789', '12:34:56.5'])
      expect(await roundTrip(h, 'tm', ['01:02:03.000', '01:02:03.120'])).toStrictEqual(['01:02:03', '01:02:03.12'])
    })

    it('timestamp without time zone: no shift, millisecond precision', async () => {
      const vs = [new Date('2024-03-10T02:30:00.123Z'), new Date('1999-12-31T23:59:59.999Z'), new Date('2024-07-01T12:00:00Z'), new Date('1969-07-20T20:17:40Z')]
      const got = await roundTrip(h, 'ts', vs)
      expect(got.map((d) => (d as Date).toISOString())).toStrictEqual(vs.map((d) => d.toISOString()))
    })

    it('timestamp with time zone: the same instant back (MariaDB TIMESTAMP: 1970–2038 only)', async () => {
      const vs = [new Date('2024-03-10T02:30:00.123Z'), new Date('2024-11-03T08:30:00Z'), new Date('2038-01-19T03:14:07Z')]
      const got = await roundTrip(h, 'tz', vs)
      expect(got.map((d) => (d as Date).toISOString())).toStrictEqual(vs.map((d) => d.toISOString()))
      const before1970 = new Date('1969-07-20T20:17:40Z')
      if (h.name === 'mysql') expectError(await rejects(h, 'tz', before1970), 'QueryError', 'DataError')
      else expect((await roundTrip(h, 'tz', [before1970])).map((d) => (d as Date).toISOString())).toStrictEqual([before1970.toISOString()])
      expectError(await rejects(h, 'tz', new Date(NaN)), 'InvalidStatement')
    })

    it('json: object, array, string, number, bare true/false (a JS null is SQL NULL)', async () => {
      const vs = [{ a: 1, b: [true, null, 'x'], nested: { q: `it's "quoted" \\ ü 😀` } }, [1, 'two', null, 3.5], 'just a string', 42.5, -0.5, { deep: [[[]]] }, null, true, false]
      expect(await roundTrip(h, 'j', vs)).toStrictEqual(vs)
    })

    it('binary: every byte value, and empty', async () => {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i)
      const got = await roundTrip(h, 'bin', [all, new Uint8Array(0), Uint8Array.from([0, 0, 255])])
      expect(got.map((b) => (b instanceof Uint8Array ? Array.from(b) : b))).toStrictEqual([Array.from(all), [], [0, 0, 255]])
      expectError(await rejects(h, 'bin', 'not bytes'), 'InvalidStatement')
    })

    it('uuid: canonical lowercase on every database; malformed text never reaches the database', async () => {
      const vs = ['123e4567-e89b-12d3-a456-426614174000', '00000000-0000-0000-0000-000000000000']
      expect(await roundTrip(h, 'u', vs)).toStrictEqual(vs)
      expect(await roundTrip(h, 'u', ['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'])).toStrictEqual(['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'])
      expectError(await rejects(h, 'u', 'not-a-uuid'), 'InvalidStatement')
      expectError(await rejects(h, 'u', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'), 'InvalidStatement')
      // a comparison binds the canonical form too
      expect((await rows(h, pipe(select({ id: vals.c.id }), from(vals), where(eq(vals.c.u, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'))))).length).toBeGreaterThan(0)
    })

    it('enum: members (one with a quote) round-trip; a non-member never reaches the database', async () => {
      expect(await roundTrip(h, 'e', ['alpha', 'beta', "o'q"])).toStrictEqual(['alpha', 'beta', "o'q"])
      expectError(await rejects(h, 'e', 'gamma'), 'InvalidStatement')
    })

    it('unicode text incl. emoji, combining marks, RTL; quotes, percent, backslashes', async () => {
      const vs = [
        'héllo wörld',
        '日本語テキスト',
        '😀👩‍👩‍👧🏳️‍🌈',
        'e\u0301 (combining)',
        'שלום عربى',
        "'; DROP TABLE vals; --",
        '100% _done_',
        'C:\\path\\n\\t \\\\ \\',
        '"double" `back` \'single\'',
        '\u200b\ufeff zero-width',
        '',
        ' spaced ',
        '$1 ? :name ::cast',
      ]
      expect(await roundTrip(h, 'tx', vs)).toStrictEqual(vs)
      expect(await roundTrip(h, 'vc', vs)).toStrictEqual(vs)
    })

    it('NUL in text: PostgreSQL rejects it with a typed error; SQLite and MariaDB keep it', async () => {
      const v = 'a\u0000b'
      if (h.name === 'postgres') {
        const e = await rejects(h, 'tx', v)
        expectError(e, 'QueryError')
        expect(e._tag === 'QueryError' && e.code).toBe('22021')
        // and in JSON (jsonb has no \u0000 either)
        const j = await rejects(h, 'j', { s: v })
        expectError(j, 'QueryError')
        expect(j._tag === 'QueryError' && j.code).toBe('22P05')
      } else {
        expect(await roundTrip(h, 'tx', [v])).toStrictEqual([v])
      }
    })

    it('a row of every type at once, and NULL in every column', async () => {
      const row = {
        id: nextId++,
        i: 7,
        si: 3,
        bi: 2n ** 60n,
        r: 2.5,
        d: 3.25,
        vc: 'v',
        tx: 't',
        b: true,
        dt: '2020-02-02',
        ts: new Date('2020-02-02T02:02:02.002Z'),
        tz: new Date('2020-02-02T02:02:02.002Z'),
        j: { k: ['v'] },
        e: 'beta' as const,
        u: '123e4567-e89b-12d3-a456-426614174000',
      }
      await run(h, insertInto(vals, row))
      const [got] = await rows(h, pipe(select({ id: vals.c.id, i: vals.c.i, si: vals.c.si, bi: vals.c.bi, r: vals.c.r, d: vals.c.d, vc: vals.c.vc, tx: vals.c.tx, b: vals.c.b, dt: vals.c.dt, ts: vals.c.ts, tz: vals.c.tz, j: vals.c.j, e: vals.c.e, u: vals.c.u }), from(vals), where(eq(vals.c.id, row.id))))
      expect(got).toStrictEqual(row)
      const empty = nextId++
      await run(h, insertInto(vals, { id: empty }))
      const [nulls] = await rows(h, pipe(select(vals), where(eq(vals.c.id, empty))))
      expect(nulls).toStrictEqual({ id: empty, i: null, si: null, bi: null, r: null, d: null, n: null, vc: null, tx: null, b: null, dt: null, tm: null, ts: null, tz: null, j: null, e: null, bin: null, u: null })
      await run(h, pipe(deleteFrom(vals), where(eq(vals.c.id, empty))))
    })
  },
  { tables: [vals] },
)
