/**
 * Library bugs found by the conformance suite, each kept as an `it.fails` case on the
 * database(s) where it shows, so `npm test` stays green while the bug stays visible. Each case
 * states the construct, the SQL produced and what the database answered. When a fix lands the
 * case starts "passing", which `it.fails` reports as a failure: then move it into the regular
 * suite file named in its comment.
 *
 * Open cases: none. The last batch (defaults-only rows, SQLite integer binding and wide
 * numerics, JSON booleans, uuid canonical form, MariaDB LEAD/LAG defaults, CTEs on DML and
 * IN (… LIMIT), TIME fractions, LENGTH, PostgreSQL round() and typed parameters) was fixed
 * and moved into the regular files; SQLite's ASCII-only ILIKE is a documented limitation
 * asserted in expressions.test.ts.
 */
import { expect, it } from 'vitest'

it('no open known failures (add `it.fails` cases here, per database, when a library bug is found)', () => {
  expect(true).toBe(true)
})
