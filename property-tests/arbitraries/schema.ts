/**
 * The differential schema: two small tables whose contents are generated per case.
 *
 * The tables are created with raw DDL per database so that text columns carry a binary,
 * no-pad collation (PostgreSQL `COLLATE "C"`, MariaDB `utf8mb4_nopad_bin`, SQLite's default
 * `BINARY`): the shared servers' defaults (MariaDB `utf8mb4_unicode_ci` is case- and
 * accent-insensitive and pads trailing spaces) would make equal-looking queries legitimately
 * disagree. The algebra's `table()` values below describe the same columns.
 *
 * @category property-tests
 */
import fc from 'fast-check'
import { boolean, double, integer, table, varchar } from '../../src/algebra/index.js'
import type { Database } from '../reference/context.js'
import type { Value } from '../reference/values.js'
import { nullable, quarter, smallInt, smallText } from './values.js'

/** `t0(a, b, d, s, f)`. */
export const t0 = table('t0', { a: integer(), b: integer(), d: double(), s: varchar(40), f: boolean() })
/** `t1(a, b, s, f)`. */
export const t1 = table('t1', { a: integer(), b: integer(), s: varchar(40), f: boolean() })

/** The databases the differential suites run on. */
export type DbName = 'sqlite' | 'postgres' | 'mysql'

const textType: Record<DbName, string> = {
  sqlite: 'TEXT',
  postgres: 'VARCHAR(40) COLLATE "C"',
  mysql: 'VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin',
}
const doubleType: Record<DbName, string> = { sqlite: 'REAL', postgres: 'DOUBLE PRECISION', mysql: 'DOUBLE' }
const boolType: Record<DbName, string> = { sqlite: 'INTEGER', postgres: 'BOOLEAN', mysql: 'TINYINT(1)' }

const q = (db: DbName, name: string): string => (db === 'mysql' ? '`' + name + '`' : '"' + name + '"')

/** Raw DDL creating the differential tables on one database. */
export const schemaDdl = (db: DbName): ReadonlyArray<string> => [
  `CREATE TABLE ${q(db, 't0')} (${q(db, 'a')} INTEGER, ${q(db, 'b')} INTEGER, ${q(db, 'd')} ${doubleType[db]}, ${q(db, 's')} ${textType[db]}, ${q(db, 'f')} ${boolType[db]})`,
  `CREATE TABLE ${q(db, 't1')} (${q(db, 'a')} INTEGER, ${q(db, 'b')} INTEGER, ${q(db, 's')} ${textType[db]}, ${q(db, 'f')} ${boolType[db]})`,
]

/** One row of t0. */
export type Row0 = readonly [number | null, number | null, number | null, string | null, boolean | null]
/** One row of t1. */
export type Row1 = readonly [number | null, number | null, string | null, boolean | null]

/** The generated contents of both tables. */
export interface Dataset {
  readonly t0: ReadonlyArray<Row0>
  readonly t1: ReadonlyArray<Row1>
}

const row0: fc.Arbitrary<Row0> = fc.tuple(nullable(smallInt), nullable(smallInt), nullable(quarter), nullable(smallText), nullable(fc.boolean()))
const row1: fc.Arbitrary<Row1> = fc.tuple(nullable(smallInt), nullable(smallInt), nullable(smallText), nullable(fc.boolean()))

/** Table contents: up to 8 rows in t0 and 6 in t1 (join results stay small, groups stay under 50 rows). */
export const datasetArb: fc.Arbitrary<Dataset> = fc.record({
  t0: fc.array(row0, { maxLength: 8 }),
  t1: fc.array(row1, { maxLength: 6 }),
})

/** The dataset as the reference evaluator's database. */
export const toDatabase = (d: Dataset): Database => ({
  t0: { columns: ['a', 'b', 'd', 's', 'f'], rows: d.t0 as ReadonlyArray<ReadonlyArray<Value>> },
  t1: { columns: ['a', 'b', 's', 'f'], rows: d.t1 as ReadonlyArray<ReadonlyArray<Value>> },
})

/** The dataset as insert rows keyed by column, per table. */
export const insertRows = (d: Dataset) => ({
  t0: d.t0.map(([a, b, dd, s, f]) => ({ a, b, d: dd, s, f })),
  t1: d.t1.map(([a, b, s, f]) => ({ a, b, s, f })),
})
