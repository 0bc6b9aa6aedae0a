/**
 * Values of the reference evaluator and the total orders it compares them with.
 *
 * Text is ordered by Unicode code point, which is the order of the binary collations the
 * differential tables are created with (PostgreSQL `COLLATE "C"`, MariaDB
 * `utf8mb4_nopad_bin`, SQLite `BINARY`): all three compare UTF-8 bytes, and UTF-8 byte order
 * is code point order. JavaScript's `<` on strings compares UTF-16 code units, which differs
 * for characters above U+FFFF against U+E000..U+FFFF, so it is not used.
 *
 * @category property-tests
 */

/** A SQL value as the reference evaluator sees it (NULL is `null`). */
export type Value = null | number | string | boolean | bigint

/** Compares two strings by code point. */
export const compareText = (a: string, b: string): number => {
  const ia = a[Symbol.iterator]()
  const ib = b[Symbol.iterator]()
  for (;;) {
    const x = ia.next()
    const y = ib.next()
    if (x.done === true) return y.done === true ? 0 : -1
    if (y.done === true) return 1
    const cx = x.value.codePointAt(0) ?? 0
    const cy = y.value.codePointAt(0) ?? 0
    if (cx !== cy) return cx < cy ? -1 : 1
  }
}

/** Compares two non-NULL values of the same SQL kind (booleans: false < true). */
export const compareNonNull = (a: Exclude<Value, null>, b: Exclude<Value, null>): number => {
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b)
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b)
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a < b ? -1 : a > b ? 1 : 0
  throw new Error(`reference: cannot compare ${typeof a} with ${typeof b}`)
}

/** A total order over values with NULL first (for grouping, DISTINCT and multiset comparison). */
export const compareTotal = (a: Value, b: Value): number =>
  a === null ? (b === null ? 0 : -1) : b === null ? 1 : compareNonNull(a, b)

/** Compares two rows column by column under {@link compareTotal}. */
export const compareRows = (a: ReadonlyArray<Value>, b: ReadonlyArray<Value>): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = compareTotal(a[i] ?? null, b[i] ?? null)
    if (c !== 0) return c
  }
  return 0
}

/** A key identifying a row up to SQL's "not distinct" equality (NULL equals NULL). */
export const rowKey = (row: ReadonlyArray<Value>): string =>
  JSON.stringify(row.map((v) => (v === null ? ['n'] : typeof v === 'bigint' ? ['i', String(v)] : typeof v === 'number' ? ['i', String(v)] : typeof v === 'boolean' ? ['b', v] : ['s', v])))
