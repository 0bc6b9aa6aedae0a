import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it } from 'vitest'
import { types } from '../../algebra/SqlType.js'
import type { Compiled, ResultColumn, StatementKind } from '../../compile/Compiled.js'
import type { DbError } from '../../effects/DbError.js'
import type { DriverConnection, QueryResult } from '../../effects/Driver.js'
import { sqliteDriver } from './driver.js'

const dir = mkdtempSync(join(tmpdir(), 'athanor-sqlite-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const c = (sql: string, params: ReadonlyArray<unknown> = [], kind: StatementKind = 'raw', columns: ReadonlyArray<ResultColumn> = []): Compiled => ({
  sql,
  params,
  kind,
  columns,
})
const right = <A>(e: E.Either<DbError, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))
  return e.right
}
const open = async (filename = ':memory:', extra: { busyTimeoutMs?: number } = {}): Promise<DriverConnection> =>
  right(await sqliteDriver({ filename, ...extra }).connect())
const exec = async (conn: DriverConnection, stmt: Compiled): Promise<QueryResult> => right(await conn.execute(stmt)())

describe('sqliteDriver', () => {
  it('is single-connection for :memory: only', () => {
    expect(sqliteDriver({ filename: ':memory:' }).singleConnection).toBe(true)
    expect(sqliteDriver({ filename: join(dir, 'a.db') }).singleConnection).toBe(false)
  })

  it('runs DDL, DML and queries; run() gives changes and lastInsertRowid', async () => {
    const conn = await open()
    await exec(conn, c('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)', [], 'ddl'))
    const ins = await exec(conn, c('INSERT INTO t (name) VALUES (?), (?)', ['a', 'b'], 'insert'))
    expect(ins).toStrictEqual({ rows: [], rowsAffected: 2, lastInsertId: 2 })
    const upd = await exec(conn, c('UPDATE t SET name = ? WHERE id = ?', ['z', 1], 'update'))
    expect(upd).toStrictEqual({ rows: [], rowsAffected: 1 })
    const q = await exec(conn, c('SELECT id, name FROM t ORDER BY id', [], 'query'))
    expect(q).toStrictEqual({ rows: [{ id: 1, name: 'z' }, { id: 2, name: 'b' }], rowsAffected: 0 })
    const ret = await exec(conn, c('DELETE FROM t WHERE id = ? RETURNING id', [2], 'delete'))
    expect(ret).toStrictEqual({ rows: [{ id: 2 }], rowsAffected: 1 })
    await conn.close()
  })

  it('turns on safe integers only when a result column is BigInt', async () => {
    const conn = await open()
    const sql = 'SELECT 9007199254740993 AS big, 1 AS small'
    const plain = await exec(conn, c(sql, [], 'query', [{ name: 'big', type: types.integer }, { name: 'small', type: types.integer }]))
    expect(typeof plain.rows[0].big).toBe('number')
    const safe = await exec(conn, c(sql, [], 'query', [{ name: 'big', type: types.bigint }, { name: 'small', type: types.integer }]))
    expect(safe.rows[0]).toStrictEqual({ big: 9007199254740993n, small: 1n })
    const again = await exec(conn, c(sql, [], 'query', []))
    expect(typeof again.rows[0].small).toBe('number')
    await conn.close()
  })

  it('enables foreign keys, and WAL for files', async () => {
    const mem = await open()
    expect((await exec(mem, c('PRAGMA foreign_keys', [], 'query'))).rows).toStrictEqual([{ foreign_keys: 1 }])
    const file = await open(join(dir, 'wal.db'))
    expect((await exec(file, c('PRAGMA journal_mode', [], 'query'))).rows).toStrictEqual([{ journal_mode: 'wal' }])
    await mem.close()
    await file.close()
  })

  it('streams lazily in batches (an infinite query terminates)', async () => {
    const conn = await open()
    const infinite = c('WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n', [], 'query')
    const seen: number[] = []
    for await (const batch of conn.stream(infinite, 7)) {
      seen.push(batch.length)
      if (seen.length === 3) break
    }
    expect(seen).toStrictEqual([7, 7, 7])
    // the cursor was freed: the connection is usable again
    expect((await exec(conn, c('SELECT 1 AS one', [], 'query'))).rows).toStrictEqual([{ one: 1 }])
    const finite: number[] = []
    for await (const batch of conn.stream(c('SELECT value FROM json_each(?)', ['[1,2,3,4,5]'], 'query'), 2)) finite.push(batch.length)
    expect(finite).toStrictEqual([2, 2, 1])
    await conn.close()
  })

  it('stream failures are thrown as DbError values', async () => {
    const conn = await open()
    const it = conn.stream(c('SELECT * FROM missing', [], 'query'), 5)[Symbol.asyncIterator]()
    await expect(it.next()).rejects.toMatchObject({ _tag: 'QueryError', kind: 'UndefinedObject' })
    await conn.close()
  })

  it('ping fails once closed; close never fails', async () => {
    const conn = await open()
    expect(E.isRight(await conn.ping())).toBe(true)
    await conn.close()
    await conn.close()
    const p = await conn.ping()
    expect(E.isLeft(p) && p.left._tag).toBe('ConnectionError')
    const r = await conn.execute(c('SELECT 1', [], 'query'))()
    expect(E.isLeft(r) && r.left._tag === 'QueryError' && r.left.kind).toBe('ConnectionLost')
  })

  it('a file that cannot be opened is a ConnectionError', async () => {
    const r = await sqliteDriver({ filename: join(dir, 'no', 'such', 'dir', 'x.db') }).connect()
    expect(E.isLeft(r) && r.left._tag).toBe('ConnectionError')
  })

  describe('queries run in raw mode with a generated row builder', () => {
    const cols = (...names: ReadonlyArray<string>): ReadonlyArray<ResultColumn> => names.map((name) => ({ name }))

    it('give the same rows as better-sqlite3 objects, for compiled queries and text() alike', async () => {
      const conn = await open()
      await exec(conn, c('CREATE TABLE r (id INTEGER PRIMARY KEY, name TEXT, n REAL)', [], 'ddl'))
      await exec(conn, c("INSERT INTO r VALUES (1, 'a''b', 1.5), (2, NULL, NULL), (3, '__proto__', -0.25)", [], 'insert'))
      const sql = 'SELECT id AS "id", name AS "name", n AS "n" FROM r ORDER BY id'
      const compiled = await exec(conn, c(sql, [], 'query', cols('id', 'name', 'n')))
      const text = await exec(conn, c(sql + ' ', [], 'raw'))
      expect(compiled.rows).toStrictEqual(text.rows)
      expect(compiled.rows).toStrictEqual([
        { id: 1, name: "a'b", n: 1.5 },
        { id: 2, name: null, n: null },
        { id: 3, name: '__proto__', n: -0.25 },
      ])
      // A column named __proto__ is an own property, never the prototype.
      const odd = await exec(conn, c('SELECT id AS "__proto__" FROM r WHERE id = 1', [], 'query', cols('__proto__')))
      expect(Object.getPrototypeOf(odd.rows[0])).toBe(Object.prototype)
      expect(Object.keys(odd.rows[0]!)).toEqual(['__proto__'])
    })

    it('stay right when the table changes under a cached statement', async () => {
      const conn = await open()
      await exec(conn, c('CREATE TABLE s (id INTEGER PRIMARY KEY, a TEXT)', [], 'ddl'))
      await exec(conn, c("INSERT INTO s VALUES (1, 'x')", [], 'insert'))
      const explicit = c('SELECT id AS "id", a AS "a" FROM s', [], 'query', cols('id', 'a'))
      const star = c('SELECT * FROM s', [], 'query', cols('id', 'a'))
      expect((await exec(conn, explicit)).rows).toStrictEqual([{ id: 1, a: 'x' }])
      expect((await exec(conn, star)).rows).toStrictEqual([{ id: 1, a: 'x' }])
      await exec(conn, c('ALTER TABLE s ADD COLUMN b TEXT', [], 'ddl'))
      await exec(conn, c("UPDATE s SET b = 'y'", [], 'update'))
      // An explicit select list keeps its columns; a statement whose width changed is prepared afresh.
      expect((await exec(conn, explicit)).rows).toStrictEqual([{ id: 1, a: 'x' }])
      expect((await exec(conn, star)).rows).toStrictEqual([{ id: 1, a: 'x', b: 'y' }])
    })

    it('streams build the same row objects', async () => {
      const conn = await open()
      const q = c('WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 5) SELECT i AS "i", i * 2 AS "twice" FROM k', [], 'query', cols('i', 'twice'))
      const seen: unknown[] = []
      for await (const batch of conn.stream(q, 2)) seen.push(...batch)
      expect(seen).toStrictEqual([1, 2, 3, 4, 5].map((i) => ({ i, twice: i * 2 })))
    })
  })
})
