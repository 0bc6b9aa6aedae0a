/**
 * Comparing a database's rows with the reference's: as ordered lists when the query has a
 * total ORDER BY, as multisets otherwise.
 *
 * Doubles compare with a tolerance of 1e-3 (relative above 1): MariaDB computes AVG over
 * integers as a DECIMAL with 4 more digits of scale (1/3 is 0.3333), PostgreSQL with ~20 and
 * SQLite as a double. With at most 48 rows per group, distinct averages differ by more than
 * 4e-4, so that rounding never reorders rows (see property-tests/README.md).
 *
 * @category property-tests
 */
import type { Kind } from '../arbitraries/queries.js'
import { compareRows, type Value } from './values.js'

/** Normalises one decoded database value to the reference's form for a kind. */
export const normalise = (v: unknown, kind: Kind): Value => {
  if (v === null || v === undefined) return null
  switch (kind) {
    case 'int':
      return typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : (v as number)
    case 'double':
      return typeof v === 'string' ? Number(v) : Number(v as number)
    case 'bool':
      return v === true || v === 1 || v === '1' || v === 't' ? true : v === false || v === 0 || v === '0' || v === 'f' ? false : (v as Value)
    case 'text':
      return v as string
  }
}

const close = (a: Value, b: Value, kind: Kind): boolean => {
  if (a === null || b === null) return a === b
  if (kind === 'double' && typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-3 * Math.max(1, Math.abs(a), Math.abs(b))
  return a === b || (typeof a === 'number' && typeof b === 'number' && Object.is(a + 0, b + 0))
}

const rowsClose = (a: ReadonlyArray<Value>, b: ReadonlyArray<Value>, kinds: ReadonlyArray<Kind>): boolean =>
  a.length === b.length && a.every((v, i) => close(v, b[i], kinds[i]))

/** Why two results differ, or `undefined` when they agree. */
export const diff = (
  expected: ReadonlyArray<ReadonlyArray<Value>>,
  actual: ReadonlyArray<ReadonlyArray<Value>>,
  kinds: ReadonlyArray<Kind>,
  ordered: boolean,
): string | undefined => {
  const show = (rows: ReadonlyArray<ReadonlyArray<Value>>): string => JSON.stringify(rows, (_, v: unknown) => (typeof v === 'bigint' ? `${String(v)}n` : v))
  if (expected.length !== actual.length) return `expected ${expected.length} rows, got ${actual.length}\n expected: ${show(expected)}\n actual:   ${show(actual)}`
  if (ordered) {
    for (let i = 0; i < expected.length; i++)
      if (!rowsClose(expected[i], actual[i], kinds)) return `row ${i} differs\n expected: ${show(expected)}\n actual:   ${show(actual)}`
    return undefined
  }
  // Multisets: greedy matching (tolerant on doubles); exact kinds make it a sorted comparison.
  const left = [...actual].sort(compareRows)
  for (const row of [...expected].sort(compareRows)) {
    const i = left.findIndex((r) => rowsClose(row, r, kinds))
    if (i < 0) return `row ${show([row])} expected but missing\n expected: ${show([...expected].sort(compareRows))}\n actual:   ${show([...actual].sort(compareRows))}`
    left.splice(i, 1)
  }
  return undefined
}
