/**
 * The error-classification fixture the server driver tests (PostgreSQL, MySQL/MariaDB) share:
 * a parent and a child table with named constraints, filled with one row each, and the check
 * that a statement fails with the expected kind, constraint and SQL. Each server's cases and
 * native codes (SQLSTATE, errno) stay in its own `driver.test.ts`.
 *
 * @category testing
 */
import { expect } from 'vitest'
import type { DriverConnection } from '../../src/effects/Driver.js'
import { queryError, type QueryError } from './driverContract.js'
import { exec, left, stmt } from './run.js'

/** The error tables in one server's DDL. */
export interface ErrorTables {
  /**
   * `CREATE TABLE err_parent`: `id` primary key, `email` unique as `err_parent_email_key`,
   * `qty int NOT NULL DEFAULT 0` checked as `qty_positive`, and the columns the server's own cases need.
   */
  readonly parent: string
  /** `CREATE TABLE err_child (id, parent_id)` with the foreign key `err_child_parent_fk` to `err_parent (id)`. */
  readonly child: string
  /** The server's placeholder for a statement's first parameter (`?`, `$1`). */
  readonly placeholder: string
}

/**
 * (Re)creates the error tables: err_parent holds row 1 (email `a@x.io`), err_child row 1 pointing at it.
 *
 * @category testing
 */
export const createErrorTables = async (c: DriverConnection, tables: ErrorTables): Promise<void> => {
  await exec(c, 'DROP TABLE IF EXISTS err_child, err_parent')
  await exec(c, tables.parent)
  await exec(c, tables.child)
  await exec(c, `INSERT INTO err_parent (id, email) VALUES (1, ${tables.placeholder})`, ['a@x.io'])
  await exec(c, 'INSERT INTO err_child VALUES (1, 1)')
}

/** Runs a statement that must fail: its QueryError has `kind`, `constraint` and its SQL, and its native code is `native`. */
export type ExpectKind<N> = (
  c: DriverConnection,
  sql: string,
  params: ReadonlyArray<unknown>,
  kind: string,
  native: N,
  constraint?: string,
) => Promise<void>

/**
 * Builds a server's {@link ExpectKind}: the shared checks of kind, constraint and SQL, then
 * `checkNative` with what the server itself reports (SQLSTATE, errno).
 *
 * @category testing
 * @example
 * const expectKind = expectKindWith((e, code: string) => expect(e.code).toBe(code))
 * await expectKind(c, 'SELEC 1', [], 'SyntaxError', '42601')
 */
export const expectKindWith =
  <N>(checkNative: (e: QueryError, native: N) => void): ExpectKind<N> =>
  async (c, sql, params, kind, native, constraint) => {
    const e = queryError(await left(c.execute(stmt(sql, params))))
    expect({ kind: e.kind, constraint: e.constraint, sql: e.sql }).toStrictEqual({ kind, constraint, sql })
    checkNative(e, native)
  }
