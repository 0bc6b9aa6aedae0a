/**
 * Counterexamples the property suites found, each kept as a fixed case with the seed and
 * path that found it (replay: `ATHANOR_PROPERTY_SEED=<seed> ATHANOR_PROPERTY_PATH=<path>
 * npx vitest run property-tests/<suite>`; the generators may have changed since, so the
 * minimal case itself is what is kept here).
 *
 * Cases marked BUG were library bugs, all fixed now (FIXED: how); see property-tests/README.md
 * for the analysis of each. A new one fails until fixed, and known-bugs.ts may step around it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  asc,
  caseWhen,
  count,
  desc,
  distinct,
  exists,
  offset,
  from,
  groupBy,
  label,
  orderBy,
  param,
  select,
  subquery,
  sum,
  types,
  eq,
  insertInto,
  integer,
  json,
  numeric,
  real,
  table,
  textColumn,
  type Expr,
  type Json,
} from '../src/algebra/index.js'
import { createAll } from '../src/compile/ddl.js'
import { compiled } from '../src/effects/Statement.js'
import type { Engine } from '../src/effects/Engine.js'
import { describeEachDatabase } from '../test/support/databases.js'
import { t0, t1, type Dataset } from './arbitraries/schema.js'
import { createSchema, engineFor, loadDataset, rowsOf } from './support/db.js'

const data: Dataset = {
  t0: [
    [1, 1, 0.5, 'a', true],
    [1, 2, null, 'b', false],
    [2, null, 1.5, null, null],
  ],
  t1: [],
}

describeEachDatabase('regressions', (db) => {
  let engine: Engine
  beforeAll(async () => {
    engine = engineFor(db)
    await createSchema(engine, db.name)
    await loadDataset(engine, data)
  })
  afterAll(() => engine.dispose())

  /**
   * BUG 1 (MySQL/MariaDB). Found by differential.test.ts, seed -1932135050,
   * path "13:0:1:0:22:1:1:1:1:1:1:1:1:1:1:1:1".
   * `ORDER BY <aggregate label> NULLS LAST` is emulated as `(`c1` IS NULL), `c1`` and
   * MariaDB answers ER_ILLEGAL_REFERENCE "Reference 'c1' not supported (reference to group
   * function)". Expected: the rows, ordered.
   * FIXED: the emulation tests the select item's expression, `(SUM(`b`) IS NULL), `n``.
   */
  it('ORDER BY an aggregate output column with NULLS FIRST/LAST runs', async () => {
    const q = orderBy(asc(label('k'), 'FIRST'), desc(label('n'), 'LAST'))(
      groupBy(t0.c.a)(from(t0)(select({ k: t0.c.a, n: sum(t0.c.b) }))),
    )
    const r = await rowsOf(engine, q, ['k', 'n'])
    expect(r).toStrictEqual(E.right([[1, 3], [2, null]]))
  })

  /**
   * BUG 9 (MySQL/MariaDB). Found by a long differential campaign (ATHANOR_PROPERTY_RUNS=10),
   * seed 1337697875, path "157:1:0:1:1:1:1:2:1:3:2:2:5:4:4:64:4:4:4:4:6:6:6:7:5:5".
   * The NULLS FIRST/LAST emulation `(`b` IS NULL), `b`` names the output label inside an
   * expression, where MariaDB resolves it to a FROM column of the same name (here the derived
   * table's `b`): the order silently follows another column. Expected [1, 2, null]; MariaDB: [null, 1, 2].
   * Fix idea (src/compile/expr.ts orderItems): emulate with the select item's expression, not
   * its label, or drop the emulation where the database's default already gives that order.
   * FIXED with BUG 1 (the bare label after it resolves to the output column).
   */
  it('NULLS LAST on a label that a FROM column shadows orders by the label', async () => {
    const sq = subquery(from(t0)(select({ k: t0.c.b, b: t0.c.a })), 'sq')
    const q = orderBy(asc(label('b'), 'LAST'))(from(sq)(select({ b: sq.c.k })))
    expect(await rowsOf(engine, q, ['b'])).toStrictEqual(E.right([[1], [2], [null]]))
  })

  /**
   * BUG 10 (MariaDB server). Found by differential.test.ts, seed -24448203, path
   * "35:1:1:1:1:1:3:3:3:3:4:4:4:7:6:49:7:7:9:0:6:6:6:6:6:6:6:6:6:6:6".
   * `SELECT DISTINCT <values that do not depend on the rows> … OFFSET 1` returns its one row:
   * MariaDB 10.11 ignores the OFFSET (a column in the list, or a derived table, is fine).
   * Expected: no row.
   * FIXED: without the `constantDistinctOffset` capability the compiler makes such a query a
   * derived table and applies LIMIT/OFFSET outside it.
   */
  it('DISTINCT of row-independent values honours OFFSET', async () => {
    const constant = offset(1)(orderBy(asc(label('c')))(distinct()(from(t0)(select({ c: param(7, types.integer) })))))
    expect(await rowsOf(engine, constant, ['c'])).toStrictEqual(E.right([]))
    const empty = from(t1)(select({ v: t1.c.a }))
    const uncorrelated = offset(1)(distinct()(from(t0)(select({ e: exists(empty) }))))
    expect(await rowsOf(engine, uncorrelated, ['e'])).toStrictEqual(E.right([]))
  })

  /**
   * BUG 2 (PostgreSQL). Found by oracles.test.ts (NoREC), seed 892064514, path "0:0:0:0:0:0:0:0:0:0:0:0:0".
   * `sum(caseWhen([[p, param(1, types.integer)]], param(0, types.integer)))` compiles to
   * `SUM(CASE WHEN p THEN $1 ELSE $2 END)`: the parameters' SQL type is known to the compiler
   * but not written, PostgreSQL resolves the all-unknown CASE to text and fails with
   * "function sum(text) does not exist". Expected: 2.
   */
  it('SUM over a CASE of typed parameters runs', async () => {
    const flag = caseWhen([[eq(t0.c.a, 1), param(1, types.integer)]], param(0, types.integer)) as Expr<number>
    const r = await rowsOf(engine, from(t0)(select({ n: sum(flag) })), ['n'])
    expect(r).toStrictEqual(E.right([[2]]))
  })

  /** Not a bug: COUNT(CASE WHEN p THEN 1 END), the NoREC form the oracle uses, works everywhere. */
  it('COUNT over a CASE of a typed parameter runs', async () => {
    const flag = caseWhen([[eq(t0.c.a, 1), param(1, types.integer)]]) as Expr<number>
    const r = await rowsOf(engine, from(t0)(select({ n: count(flag) })), ['n'])
    expect(r).toStrictEqual(E.right([[2]]))
  })
})

describeEachDatabase('regressions (round-trip)', (db) => {
  let engine: Engine
  beforeAll(() => {
    engine = engineFor(db)
  })
  afterAll(() => engine.dispose())
  let created = false
  const rg = table('rg', { id: integer().primaryKey(), num: numeric(30, 10), js: json(), rl: real(), v: textColumn() })
  const roundTrip = async (row: { readonly num?: string; readonly js?: Json; readonly rl?: number; readonly v?: string }, id: number) => {
    if (!created) {
      const c = createAll(engine.dialect)([rg])
      if (E.isLeft(c)) throw new Error(JSON.stringify(c.left))
      for (const stmt of c.right) await engine.run(compiled(stmt))()
      created = true
    }
    const ins = await engine.run(insertInto(rg, [{ id, ...row }]))()
    if (E.isLeft(ins)) return ins
    return engine.execute(orderBy(asc(rg.c.id))(select(rg)))()
  }

  /**
   * BUG 3 (all databases). Found by roundtrip.test.ts (names), seed -1051533985, path "51:0:0".
   * A result column labelled `__proto__` is lost: driver rows are built by assignment, which sets
   * the prototype instead of a property, and decoding fails with an empty DecodeError
   * ("row 0: "). Expected: the value under the key `__proto__` (rows as `Object.create(null)` or
   * `defineProperty`, in each driver's row building / src/effects/decode.ts).
   * FIXED: written as a positional alias (`_c0`, ResultColumn.source), renamed back by the decoder.
   */
  it('a result column labelled __proto__ is returned', async () => {
    const r = await engine.execute(select({ ['__proto__']: param(7, types.integer) }))()
    expect(E.isRight(r) ? r.right.map((row) => Object.getOwnPropertyDescriptor(row, '__proto__')?.value) : r.left).toStrictEqual([7])
  })

  /**
   * BUG 4 (MySQL/MariaDB). Found by roundtrip.test.ts (values), seed 1414905517, path "0:0:0".
   * Inserting an explicit 0 into a lone integer primary key (AUTO_INCREMENT) stores the next
   * generated key instead (MySQL's NO_AUTO_VALUE_ON_ZERO is off by default). Expected: key 0
   * (e.g. the MySQL driver adding NO_AUTO_VALUE_ON_ZERO to the session sql_mode on connect).
   * FIXED (c4d79a1): the MySQL driver sets NO_AUTO_VALUE_ON_ZERO.
   */
  it('an explicit 0 primary key is stored as 0', async () => {
    const r = await roundTrip({ v: 'zero' }, 0)
    expect(E.map((rows: ReadonlyArray<{ readonly id: number }>) => rows.map((x) => x.id))(r)).toStrictEqual(E.right([0]))
  })

  /**
   * BUG 5 (MariaDB). Found by roundtrip.test.ts (names), seed -141546110,
   * path "4:0:0:0:0:0:0:0:0:1:1:1:1:1:0:0:0:0:0:0:0".
   * MariaDB rewrites some select aliases in the result metadata (drops control characters,
   * strips leading spaces), so a row keyed by the returned names misses the label:
   * DecodeError "column \"\u0001\" … (column missing from the row)". Expected: the value under the
   * label the query gave (map result columns by position: the compiled `columns` are in order).
   * FIXED with BUG 3 (positional aliases for unsafe labels, src/compile/labels.ts).
   */
  it('labels with control characters or leading spaces come back under that label', async () => {
    const r = await engine.execute(select({ '\u0001': param(1, types.integer), ' lead': param(2, types.integer) }))()
    expect(r).toStrictEqual(E.right([{ '\u0001': 1, ' lead': 2 }]))
  })

  /**
   * BUG 6 (SQLite). Found by roundtrip.test.ts (types), seeds 1518688826 and 2005692635
   * (path "34:0:0:1:1:1:1:1:1:1:1:1:1").
   * numeric(30, 10) is created with NUMERIC affinity, so SQLite stores the decimal as a double:
   * '524288.1383996468' comes back as '524288.1383996469', and '0.0000001' as '1e-7' (the
   * decoder's toNumeric in src/effects/decode.ts uses String(number)). Expected: the exact
   * decimal (e.g. store Numeric as TEXT on SQLite: src/dialects/sqlite/dialect.ts typeName).
   */
  it('numeric values keep every digit', async () => {
    const r = await roundTrip({ num: '524288.1383996468' }, 61)
    const r2 = await roundTrip({ num: '0.0000001' }, 62)
    const nums = (x: typeof r) => (E.isRight(x) ? x.right.filter((row) => row.id > 60).map((row) => (row.num === null ? null : row.num.replace(/0+$/, '').replace(/\.$/, ''))) : x.left)
    expect(nums(r)).toStrictEqual(['524288.1383996468'])
    expect(nums(r2)).toStrictEqual(['524288.1383996468', '0.0000001'])
  })

  /**
   * BUG 7 (SQLite, MySQL). Found by roundtrip.test.ts (types), seed 1069414679,
   * path "3:2:1:1:1:1:1:1:1:1:1:2:2:2:2:2:2:2:2:2:2:2:2:2:2:2:2:2".
   * A json() column holding a top-level boolean comes back as 0/1: encodeParam in
   * src/dialects/sqlite/dialect.ts:55 and src/dialects/mysql/dialect.ts:86 turn every boolean
   * into 1/0 before looking at the type, so JSON `false` is stored as the JSON number 0.
   * Expected: false (check `type._tag === 'Json'` first).
   */
  it('a JSON boolean stays a boolean', async () => {
    const r = await roundTrip({ js: false }, 71)
    expect(E.map((rows: ReadonlyArray<{ readonly id: number; readonly js: Json }>) => rows.filter((x) => x.id === 71).map((x) => x.js))(r)).toStrictEqual(E.right([false]))
  })

  /**
   * BUG 8 (MariaDB). Found by roundtrip.test.ts (types), seed -279657232.
   * real() values are read back with 6 significant digits (MariaDB prints FLOAT that way in
   * the text protocol): 1.2345677614212036 (a float32) comes back as 1.23457. Expected: the
   * float32 value, up to float32 rounding (PostgreSQL returns the shortest float4 text, 1.2345678,
   * which is the same float32). Fix: e.g. map Real to DOUBLE on MySQL, or read FLOAT as DOUBLE.
   * FIXED: MySQL reads a REAL column as `CAST(col AS DOUBLE)` (Dialect.resultColumn).
   */
  it('a REAL value keeps its float32 precision', async () => {
    const v = Math.fround(1.2345678)
    const r = await roundTrip({ rl: v }, 81)
    expect(E.map((rows: ReadonlyArray<{ readonly id: number; readonly rl: number | null }>) => rows.filter((x) => x.id === 81).map((x) => (x.rl === null ? null : Math.fround(x.rl))))(r)).toStrictEqual(E.right([v]))
  })

})
