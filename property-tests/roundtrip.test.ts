/**
 * Injection and round-trip on the real databases:
 *
 * - arbitrary strings as values come back exactly, and find their row with `=`;
 * - arbitrary strings as LIKE arguments (`contains` / `startsWith` / `endsWith`) match
 *   literally: the rows found are those a JavaScript `includes` / `startsWith` / `endsWith`
 *   finds (SQLite's LIKE folds ASCII case: modelled);
 * - arbitrary table and column names, created by the library's DDL (`createAll`), work for
 *   insert, select and drop;
 * - every column type's values round-trip exactly (bigint extremes, numeric precision,
 *   timestamps, dates, times, json, bytes, doubles, reals, uuids).
 *
 * The process runs in the Pacific/Chatham time zone (UTC+12:45/+13:45) so that any local-time
 * conversion in a driver or decoder shows as a shifted timestamp.
 *
 * Restrictions, each a limit of a database rather than of the library:
 * - NUL (U+0000) is excluded from PostgreSQL text and from identifiers everywhere (PostgreSQL
 *   text cannot hold it; no database accepts it in an identifier).
 * - Identifiers: at most 20 characters of the Basic Multilingual Plane (MariaDB stores names
 *   as utf8mb3; PostgreSQL truncates names over 63 bytes), not ending in a space (MariaDB), not
 *   starting with `sqlite_` (reserved by SQLite), and column names that differ only in case
 *   or accents are not generated together (MariaDB column names are case- and accent-insensitive).
 * - MariaDB's TIMESTAMP (used for timestamp with time zone) spans 1970–2038; DATE starts at 1000.
 */
process.env['TZ'] = 'Pacific/Chatham'

import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { expect, it } from 'vitest'
import {
  asc,
  bigint,
  binary,
  boolean,
  contains,
  date,
  deleteFrom,
  enumeration,
  double,
  endsWith,
  eq,
  from,
  insertInto,
  integer,
  json,
  numeric,
  orderBy,
  real,
  select,
  smallint,
  startsWith,
  table,
  textColumn,
  time,
  timestamp,
  uuid,
  varchar,
  where,
  type AnyTable,
  type Json,
} from '../src/algebra/index.js'
import { createAll, dropAll } from '../src/compile/ddl.js'
import type { Engine } from '../src/effects/Engine.js'
import { compiled } from '../src/effects/Statement.js'
import { describeEachDatabase } from '../test/support/databases.js'
import { runRaw, unwrap } from './support/db.js'
import { count, params, timeout } from './support/runs.js'
import { suiteEngine } from './support/suite.js'

const wellFormed = (s: string): boolean => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)

/** Any Unicode text, biased towards the characters that break quoting and LIKE. */
const anyText = (noNul: boolean): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.string({ unit: 'binary', maxLength: 16 }),
      fc.string({ unit: fc.constantFrom("'", '"', '`', '\\', '%', '_', '!', '?', '$1', ':x', '--', ';', '\u0000', '\t', '\n', '\r', ' ', 'a', 'A', 'é', 'É', '😀', '\u200b'), maxLength: 10 }),
    )
    .filter((s) => wellFormed(s) && !(noNul && s.includes('\u0000')))

const foldAscii = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase())

const run = async (engine: Engine, stmts: E.Either<unknown, ReadonlyArray<import('../src/compile/Compiled.js').Compiled>>, what: string): Promise<void> => {
  for (const c of unwrap(stmts as E.Either<{ readonly _tag: string }, ReadonlyArray<import('../src/compile/Compiled.js').Compiled>>, what)) unwrap(await engine.run(compiled(c))(), `${what}: ${c.sql}`)
}

describeEachDatabase('round-trip', (db) => {
  const noNul = db.name === 'postgres'
  const texts = table('rt_text', { id: integer().primaryKey(), s: textColumn() })
  const engine = suiteEngine(db, 'roundtrip', async (e) => {
    await run(e, createAll(e.dialect)([texts]), 'create rt_text')
    // LIKE needs a binary collation on MariaDB (the default utf8mb4_unicode_ci folds case and accents).
    await runRaw(e, [
      db.name === 'mysql'
        ? 'CREATE TABLE rt_like (id INTEGER PRIMARY KEY, s TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin)'
        : db.name === 'postgres'
          ? 'CREATE TABLE rt_like (id INTEGER PRIMARY KEY, s TEXT COLLATE "C")'
          : 'CREATE TABLE rt_like (id INTEGER PRIMARY KEY, s TEXT)',
    ])
  })

  it('arbitrary strings round-trip as values and find their row with =', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyText(noNul), { minLength: 1, maxLength: 6 }), async (vs) => {
        count(`roundtrip.values.${db.name}`, vs.length)
        unwrap(await engine().run(deleteFrom(texts))(), 'delete')
        // ids from 1: MySQL turns an explicit 0 in an AUTO_INCREMENT column into a new key (regressions.test.ts, bug 4).
        unwrap(await engine().run(insertInto(texts, vs.map((s, i) => ({ id: i + 1, s }))))(), 'insert')
        const back = unwrap(await engine().execute(orderBy(asc(texts.c.id))(select(texts)))(), 'select')
        expect(back.map((r) => r.s)).toStrictEqual(vs)
        for (let id = 1; id <= vs.length; id++) {
          const found = unwrap(await engine().execute(where(eq(texts.c.s, vs[id - 1]))(from(texts)(select({ id: texts.c.id }))))(), 'select =')
          // MariaDB's default collation may make other strings equal too; the row itself must be there.
          expect(found.map((r) => r.id)).toContain(id)
        }
      }),
      params(db.name === 'sqlite' ? 100 : 40),
    )
  }, timeout())

  const likeTable = table('rt_like', { id: integer().primaryKey(), s: textColumn() })

  it('contains / startsWith / endsWith match their argument literally', async () => {
    await fc.assert(
      // SQLite's LIKE stops at NUL, in the pattern and in the value (README: limitations).
      fc.asyncProperty(fc.array(anyText(noNul || db.name === 'sqlite'), { minLength: 1, maxLength: 6 }), anyText(noNul || db.name === 'sqlite'), async (vs, needle) => {
        unwrap(await engine().run(deleteFrom(likeTable))(), 'delete')
        // Make sure some rows do contain the needle.
        const rows = [...vs, `x${needle}y`, needle, `${needle}z`]
        unwrap(await engine().run(insertInto(likeTable, rows.map((s, i) => ({ id: i + 1, s }))))(), 'insert')
        const fold = db.name === 'sqlite' ? foldAscii : (s: string) => s
        const checks = [
          [contains, (s: string) => fold(s).includes(fold(needle))],
          [startsWith, (s: string) => fold(s).startsWith(fold(needle))],
          [endsWith, (s: string) => fold(s).endsWith(fold(needle))],
        ] as const
        for (const [op, js] of checks) {
          count(`roundtrip.like.${db.name}`)
          const found = unwrap(await engine().execute(orderBy(asc(likeTable.c.id))(where(op(likeTable.c.s, needle))(from(likeTable)(select({ id: likeTable.c.id })))))(), 'like')
          const expected = rows.flatMap((s, i) => (js(s) ? [i + 1] : []))
          expect({ needle, rows, found: found.map((r) => r.id) }).toStrictEqual({ needle, rows, found: expected })
        }
      }),
      params(db.name === 'sqlite' ? 100 : 40),
    )
  }, timeout())

  const identifier = fc
    .string({ unit: fc.oneof(fc.constantFrom('"', '`', "'", '\\', '.', '/', ' ', '?', '$', '-', ';', 'é', 'ß', 'Ж', '中'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 20 })
    .filter((s) => wellFormed(s) && !s.includes('\u0000') && !s.endsWith(' ') && !/^sqlite_/i.test(s) && !/^rt_/i.test(s) && !/^t[01]$/i.test(s) && ![...s].some((c) => (c.codePointAt(0) ?? 0) > 0xffff))

  // MariaDB rejects control characters in table names ("Incorrect table name").
  const tableName = identifier.filter((s) => db.name !== 'mysql' || !/[\u0000-\u001f\u007f]/.test(s))
  // Column names include `__proto__`, control characters and leading spaces (regressions 3 and 5);
  // MariaDB rejects column names ending in white space ("Incorrect column name").
  const columnName = fc
    .oneof({ arbitrary: identifier, weight: 9 }, fc.constantFrom('__proto__', ' lead', '\u0001', 'a\tb'))
    .filter((s) => db.name !== 'mysql' || !/\s$/.test(s))

  it('arbitrary table and column names work through createAll, insert, select and dropAll', async () => {
    await fc.assert(
      fc.asyncProperty(tableName, columnName, anyText(noNul), async (tn, cn, v) => {
        count(`roundtrip.names.${db.name}`)
        const t = table(tn, { k: integer().primaryKey().named(`${cn}_k`), v: textColumn().named(cn) })
        await run(engine(), createAll(engine().dialect)([t]), `createAll ${JSON.stringify(tn)}`)
        try {
          unwrap(await engine().run(insertInto(t, [{ k: 1, v }, { k: 2, v: null }]))(), 'insert')
          const back = unwrap(await engine().execute(orderBy(asc(t.c.k))(select(t)))(), 'select')
          expect(back).toStrictEqual([{ k: 1, v }, { k: 2, v: null }])
          const one = unwrap(await engine().execute(where(eq(t.c.k, 1))(from(t)(select({ [cn]: t.c.v }))))(), 'select by key')
          expect(one).toStrictEqual([{ [cn]: v }])
        } finally {
          await run(engine(), dropAll(engine().dialect)([t]), 'dropAll')
        }
      }),
      params(db.name === 'sqlite' ? 100 : 25),
    )
  }, timeout())

  // ---------------------------------------------------------------- every type

  const typed = table('rt_types', {
    id: integer().primaryKey(),
    i: integer(),
    si: smallint(),
    bi: bigint(),
    num: numeric(30, 10),
    dbl: double(),
    rl: real(),
    vc: varchar(50),
    b: boolean(),
    dt: date(),
    tm: time(),
    ts: timestamp(),
    tstz: timestamp({ withTimeZone: true }),
    js: json(),
    bin: binary(),
    uid: uuid(),
    en: enumeration('rt_mood', ['a', "it's", 'é', 'x y', 'Ünï']),
  })

  const I64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n }
  const pad = (n: number, w: number): string => String(n).padStart(w, '0')
  const dateArb = fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
  const timeArb = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fc.option(fc.integer({ min: 0, max: 999999 }), { nil: undefined })).map(
    ([h, m, s, f]) => `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${f === undefined ? '' : '.' + pad(f, 6)}`,
  )
  const instant = (min: string, max: string) => fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true })
  /** Decimal text with up to `intDigits` integer and 10 fraction digits, as NUMERIC(30, 10) holds. */
  const numericOf = (intDigits: number, fracDigits: number) =>
    fc
      .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** BigInt(intDigits) - 1n }), fc.bigInt({ min: 0n, max: 10n ** BigInt(fracDigits) - 1n }))
      .map(([neg, i, f]) => `${neg && (i > 0n || f > 0n) ? '-' : ''}${i}.${String(f).padStart(fracDigits, '0')}`)
  const numericArb = numericOf(20, 10)
  const jsonArb: fc.Arbitrary<Json> = fc
    .jsonValue({ maxDepth: 3 })
    .filter((j) => !JSON.stringify(j).includes('\\u0000') && !JSON.stringify(j).includes('"__proto__"')) as fc.Arbitrary<Json>

  const rowArb = fc.record({
    i: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: null }),
    si: fc.option(fc.integer({ min: -32768, max: 32767 }), { nil: null }),
    bi: fc.option(fc.oneof(fc.constantFrom(I64.min, I64.max, 0n, -1n, 2n ** 53n + 1n), fc.bigInt(I64)), { nil: null }),
    num: fc.option(numericArb, { nil: null }),
    dbl: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)), { nil: null }),
    rl: fc.option(fc.float({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)), { nil: null }),
    vc: fc.option(anyText(noNul), { nil: null }),
    b: fc.option(fc.boolean(), { nil: null }),
    dt: fc.option(dateArb, { nil: null }),
    tm: fc.option(timeArb, { nil: null }),
    ts: fc.option(instant('1000-01-01T00:00:00Z', '9999-12-31T23:59:59Z'), { nil: null }),
    tstz: fc.option(instant('1970-01-02T00:00:00Z', '2038-01-18T00:00:00Z'), { nil: null }),
    js: fc.option(jsonArb, { nil: null }),
    bin: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
    uid: fc.option(fc.uuid(), { nil: null }),
    en: fc.option(fc.constantFrom('a', "it's", 'é', 'x y', 'Ünï'), { nil: null }),
  })

  const decimal = (s: string): string => {
    const [ip, fp = ''] = s.replace(/^\+/, '').split('.')
    const neg = ip.startsWith('-')
    const i = ip.replace('-', '').replace(/^0+(?=\d)/, '')
    const f = fp.replace(/0+$/, '')
    const out = f === '' ? i : `${i}.${f}`
    return neg && out !== '0' ? `-${out}` : out
  }
  const timeNorm = (s: string): string => s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')

  it('every column type round-trips exactly', async () => {
    await run(engine(), createAll(engine().dialect)([typed as AnyTable]), 'create rt_types')
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 4 }), async (rows) => {
        count(`roundtrip.types.${db.name}`, rows.length)
        unwrap(await engine().run(deleteFrom(typed))(), 'delete')
        unwrap(await engine().run(insertInto(typed, rows.map((r, i) => ({ id: i + 1, ...r }))))(), 'insert')
        const back = unwrap(await engine().execute(orderBy(asc(typed.c.id))(select(typed)))(), 'select')
        expect(back.length).toBe(rows.length)
        back.forEach((got, id) => {
          const want = rows[id]
          const norm = (r: typeof want) => ({
            ...r,
            num: r.num === null ? null : decimal(r.num),
            rl: r.rl === null ? null : Math.fround(r.rl),
            tm: r.tm === null ? null : timeNorm(r.tm),
            // JSON has no -0 (JSON.stringify(-0) is "0"): compare JSON values as JSON.
            js: r.js === null ? null : (JSON.parse(JSON.stringify(r.js)) as Json),
            ts: r.ts === null ? null : r.ts.toISOString(),
            tstz: r.tstz === null ? null : r.tstz.toISOString(),
            bin: r.bin === null ? null : Array.from(r.bin),
            uid: r.uid === null ? null : r.uid.toLowerCase(),
          })
          const { id: _id, ...rest } = got
          expect(norm(rest as typeof want)).toEqual(norm(want))
        })
      }),
      params(db.name === 'sqlite' ? 100 : 40),
    )
  }, timeout())
})
