/**
 * The `json` loading strategy loses nothing on any database: bigint beyond 2^53 and exact
 * numerics come back exactly, and every column type (dates, times, timestamps, booleans,
 * JSON documents, binary, enums, uuids, floats) decodes to the same value as `selectin`,
 * `joined` and `subquery` give, for collections and for many-to-one relationships.
 */
import { pipe } from 'fp-ts/lib/function.js'
import { expect, it } from 'vitest'
import {
  asc,
  bigint,
  binary,
  boolean,
  date,
  desc,
  double,
  enumeration,
  eq,
  integer,
  json as jsonColumn,
  numeric,
  orderBy,
  real,
  smallint,
  table,
  textColumn,
  time,
  timestamp,
  uuid,
  varchar,
  where,
} from '../../src/algebra/index.js'
import { belongsTo, entity, hasMany, relations } from '../../src/mapping/Entity.js'
import { joined, json, load, selectin, subquery } from '../../src/mapping/loadOptions.js'
import * as S from '../../src/mapping/session.js'
import { describeEachDatabase } from '../support/databases.js'
import { ok, ormSuite } from './support.js'

const holders = table('jp_holders', { id: integer().primaryKey(), name: varchar(20).notNull() })
/** Rows of a collection ordered by a text column. */
const labels = table('jp_labels', {
  id: integer().primaryKey(),
  holderId: integer().named('holder_id').notNull().references(() => holders.c.id, { onDelete: 'CASCADE' }),
  label: varchar(20).notNull(),
})
const samples = table('jp_samples', {
  id: integer().primaryKey(),
  holderId: integer().named('holder_id').notNull().references(() => holders.c.id, { onDelete: 'CASCADE' }),
  int: integer(),
  big: bigint(),
  small: smallint(),
  single: real(),
  dbl: double(),
  exact: numeric(30, 10),
  money: numeric(12, 2),
  fine: numeric(12, 8),
  label: varchar(50),
  body: textColumn(),
  flag: boolean(),
  day: date(),
  clock: time(),
  at: timestamp(),
  atZone: timestamp({ withTimeZone: true }).named('at_zone'),
  doc: jsonColumn(),
  mood: enumeration('jp_mood', ['happy', 'sad']),
  bytes: binary(),
  ident: uuid(),
})
/** Only the columns JSON numbers cannot carry, so that nothing else can fail first. */
const amounts = table('jp_amounts', {
  id: integer().primaryKey(),
  holderId: integer().named('holder_id').notNull().references(() => holders.c.id, { onDelete: 'CASCADE' }),
  big: bigint(),
  exact: numeric(30, 10),
  money: numeric(12, 2),
})
const allTables = [holders, samples, amounts, labels]

const HolderB = entity(holders)
const SampleB = entity(samples)
const AmountB = entity(amounts)
const LabelB = entity(labels)
const Holder = relations(HolderB, {
  samples: hasMany(SampleB, { backPopulates: 'holder', orderBy: [asc(samples.c.id)] }),
  amounts: hasMany(AmountB, { orderBy: [asc(amounts.c.id)] }),
  /** By decimal value, not as text ('10.25' < '9.50'), whichever strategy loads it. */
  byMoney: hasMany(AmountB, { orderBy: [desc(amounts.c.money), asc(amounts.c.id)] }),
  labels: hasMany(LabelB, { orderBy: [asc(labels.c.label)] }),
})
const Sample = relations(SampleB, { holder: belongsTo(HolderB, { backPopulates: 'samples' }) })

const MAX_I64 = 9223372036854775807n
const MIN_I64 = -9223372036854775808n
const TWO_53_PLUS_1 = 9007199254740993n

/** Every column filled, with values a JSON number (a double) cannot carry. */
const extreme = {
  int: 2147483647,
  big: MAX_I64,
  small: -32768,
  single: 1.5,
  dbl: 0.1 + 0.2,
  exact: '12345678901234567890.1234567890',
  money: '9999999999.99',
  fine: '0.00001234',
  label: 'é "quoted" \\ back',
  body: 'line 1\nline 2\ttab ✓',
  flag: true,
  day: '2024-02-29',
  clock: '23:59:59',
  at: new Date('2024-02-29T23:59:59.123Z'),
  atZone: new Date('1999-12-31T22:00:00.500Z'),
  doc: { a: [1, 2.5, null, 'x'], nested: { ok: true } },
  mood: 'happy' as const,
  bytes: new Uint8Array([0, 1, 127, 128, 255]),
  ident: '0b6e6c1c-8f7a-4a55-9d0e-3c1f5f0a2b11',
}
/** The other end of each range, and JSON documents that are bare scalars. */
const other = {
  int: -2147483648,
  big: MIN_I64,
  small: 0,
  single: 0.1,
  dbl: -1e-300,
  exact: '-0.0000000001',
  money: '-0.01',
  fine: '1234.56789012',
  label: '',
  body: '"',
  flag: false,
  day: '1970-01-01',
  clock: '12:34:56.5',
  at: new Date('1970-01-01T00:00:00.000Z'),
  atZone: new Date('2038-01-19T03:14:07.999Z'),
  doc: '123',
  mood: 'sad' as const,
  bytes: new Uint8Array([]),
  ident: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
}
/** Just past 2^53, a JSON document that is a bare number, a bare `true` and a bare string. */
const edges = [
  { big: TWO_53_PLUS_1, exact: '9007199254740993.0000000001', doc: 42.5 },
  { big: -TWO_53_PLUS_1, exact: '0.0000000000', doc: true },
  { big: 0n, exact: '99999999999999999999.9999999999', doc: 'a string' },
]

describeEachDatabase('ORM json loading precision', (db) => {
  const { run, counted } = ormSuite(db, {
    tables: allTables,
    reset: ['jp_labels', 'jp_amounts', 'jp_samples', 'jp_holders'].map((t) => `DELETE FROM ${t}`),
  })
  /** Plain data (no session metadata), bytes as arrays, so results compare with toStrictEqual. */
  const plain = (v: unknown): unknown =>
    v instanceof Uint8Array ? [...v] : v instanceof Date ? v : Array.isArray(v) ? v.map(plain) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v

  const seed = () =>
    run(
      S.addAll([
        ok(Holder.make({ name: 'h1', samples: [ok(Sample.make({ holderId: 0, ...extreme })), ok(Sample.make({ holderId: 0, ...other })), ok(Sample.make({ holderId: 0 }))] })),
        ok(Holder.make({ name: 'h2', samples: edges.map((e) => ok(Sample.make({ holderId: 0, ...e }))) })),
        ok(Holder.make({ name: 'h3' })),
      ]),
    )

  it('bigint beyond 2^53 and numeric(30, 10) come back exactly through json, as through selectin', async () => {
    const rows = [
      [MAX_I64, '12345678901234567890.1234567890'],
      [MIN_I64, '-0.0000000001'],
      [TWO_53_PLUS_1, '9007199254740993.0000000001'],
      [-TWO_53_PLUS_1, '0.0000000000'],
      [null, '99999999999999999999.9999999999'],
      [0n, null],
    ] as const
    ok(
      await run(
        S.addAll([
          ok(Holder.make({ name: 'h1', amounts: rows.slice(0, 4).map(([big, exact]) => ok(AmountB.make({ holderId: 0, big, exact }))) })),
          ok(Holder.make({ name: 'h2', amounts: rows.slice(4).map(([big, exact]) => ok(AmountB.make({ holderId: 0, big, exact }))) })),
          ok(Holder.make({ name: 'h3' })),
        ]),
      ),
    )
    const [viaJson, jsonSql] = await counted(S.all(Holder, orderBy(asc(holders.c.id)), load(json(Holder.amounts))))
    expect(jsonSql).toHaveLength(1)
    const [viaSelectin, selectinSql] = await counted(S.all(Holder, orderBy(asc(holders.c.id)), load(selectin(Holder.amounts))))
    expect(selectinSql).toHaveLength(2)
    for (const loaded of [viaJson, viaSelectin])
      expect(loaded.map((h) => [h.name, h.amounts.map((a) => [a.big, a.exact])])).toStrictEqual([
        ['h1', rows.slice(0, 4)],
        ['h2', rows.slice(4)],
        ['h3', []],
      ])
    // the values themselves, not only their text: bigint arithmetic stays exact
    expect(viaJson[0].amounts[0].big! - 1n).toBe(9223372036854775806n)
  })

  it('a collection ordered by a numeric column comes back in numeric order through json, as through selectin', async () => {
    const money = ['9.50', '10.25', '-1.00', '100.00', '-10.00', '0.05', '0.50', null, '9.50']
    ok(await run(S.add(ok(Holder.make({ name: 'h', byMoney: money.map((m) => ok(AmountB.make({ holderId: 0, money: m }))) })))))
    const order = (h: { readonly byMoney: ReadonlyArray<{ readonly id: number; readonly money: string | null }> }) => h.byMoney.map((a) => [a.id, a.money === null ? null : Number(a.money)] as const)
    const [[viaSelectin]] = await counted(S.all(Holder, load(selectin(Holder.byMoney))))
    const [[viaJson], sql] = await counted(S.all(Holder, load(json(Holder.byMoney))))
    expect(sql).toHaveLength(1)
    // NULL's place differs between databases (and so between them selectin's); the rest is by value, ties by id
    const notNull = (xs: ReadonlyArray<readonly [number, number | null]>) => xs.filter(([, m]) => m !== null)
    expect(notNull(order(viaJson))).toEqual(notNull(order(viaSelectin)))
    expect(notNull(order(viaJson)).map(([, m]) => m)).toEqual([100, 10.25, 9.5, 9.5, 0.5, 0.05, -1, -10])
  })

  /**
   * The order is the database's: json aggregates in the relationship's order
   * (`JSON_ARRAYAGG(… ORDER BY …)`), so MariaDB's utf8mb4 collation (which ignores case) orders
   * json as it orders selectin, as do PostgreSQL's and SQLite's (which agree with code units here).
   */
  it('a collection ordered by a text column comes back in the database\'s collation order through json', async () => {
    ok(await run(S.add(ok(Holder.make({ name: 'h', labels: ['bob', 'Cat', 'ann', 'a b', '_z'].map((label) => ok(LabelB.make({ holderId: 0, label }))) })))))
    const [[viaSelectin]] = await counted(S.all(Holder, load(selectin(Holder.labels))))
    const [[viaJson]] = await counted(S.all(Holder, load(json(Holder.labels))))
    expect(viaJson.labels.map((l) => l.label)).toEqual(viaSelectin.labels.map((l) => l.label))
  })

  it('every column type decodes the same through json, selectin, joined and subquery', async () => {
    ok(await seed())
    const results = {
      json: await counted(S.all(Holder, orderBy(asc(holders.c.id)), load(json(Holder.samples)))),
      selectin: await counted(S.all(Holder, orderBy(asc(holders.c.id)), load(selectin(Holder.samples)))),
      joined: await counted(S.all(Holder, orderBy(asc(holders.c.id)), load(joined(Holder.samples)))),
      subquery: await counted(S.all(Holder, orderBy(asc(holders.c.id)), load(subquery(Holder.samples)))),
    }
    expect(Object.values(results).map(([, sql]) => sql.length)).toEqual([1, 2, 1, 2])
    const reference = plain(results.selectin[0])
    for (const [name, [rows]] of Object.entries(results)) expect([name, plain(rows)]).toStrictEqual([name, reference])
    // and those values are the ones written
    const h1 = results.json[0][0].samples
    expect(h1[0]).toMatchObject({ int: 2147483647, big: MAX_I64, small: -32768, single: 1.5, dbl: 0.1 + 0.2, exact: extreme.exact, money: '9999999999.99', fine: '0.00001234', label: extreme.label, body: extreme.body, flag: true, day: '2024-02-29', clock: '23:59:59', mood: 'happy', ident: extreme.ident })
    expect([h1[0].at?.toISOString(), h1[0].atZone?.toISOString()]).toEqual(['2024-02-29T23:59:59.123Z', '1999-12-31T22:00:00.500Z'])
    expect(h1[0].doc).toStrictEqual(extreme.doc)
    expect([...h1[0].bytes!]).toEqual([0, 1, 127, 128, 255])
    expect(h1[1]).toMatchObject({ int: -2147483648, small: 0, dbl: -1e-300, flag: false, day: '1970-01-01', clock: '12:34:56.5', doc: '123', mood: 'sad', label: '', body: '"' })
    expect([...h1[1].bytes!]).toEqual([])
    expect(Object.entries(h1[2]).filter(([k, v]) => v !== null && k !== 'id' && k !== 'holderId')).toEqual([])
    expect(results.json[0][1].samples.map((s) => s.doc)).toStrictEqual([42.5, true, 'a string'])
  })

  it('a many-to-one loaded as json (one object, not an array) and nested json decode exactly', async () => {
    ok(await seed())
    const [viaJson, jsonSql] = await counted(S.all(Sample, orderBy(asc(samples.c.id)), load(json(Sample.holder, json(Holder.samples)))))
    expect(jsonSql).toHaveLength(1)
    const [viaSelectin] = await counted(S.all(Sample, orderBy(asc(samples.c.id)), load(selectin(Sample.holder, selectin(Holder.samples)))))
    expect(plain(viaJson)).toStrictEqual(plain(viaSelectin))
    expect(viaJson.map((s) => [s.big, s.holder?.name, s.holder?.samples.length])).toStrictEqual([
      [MAX_I64, 'h1', 3],
      [MIN_I64, 'h1', 3],
      [null, 'h1', 3],
      [TWO_53_PLUS_1, 'h2', 3],
      [-TWO_53_PLUS_1, 'h2', 3],
      [0n, 'h2', 3],
    ])
    const one = ok(await run(pipe(S.one(Holder, where(eq(holders.c.name, 'h2')), load(json(Holder.samples))))))
    expect(one.samples.map((s) => s.big)).toStrictEqual([TWO_53_PLUS_1, -TWO_53_PLUS_1, 0n])
  })
})
