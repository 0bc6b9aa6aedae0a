import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Compiled } from '../../compile/Compiled.js'
import type { DbError } from '../../effects/DbError.js'
import type { DriverConnection } from '../../effects/Driver.js'
import { sqliteDriver } from './driver.js'
import { constraintOf } from './errors.js'

const dir = mkdtempSync(join(tmpdir(), 'athanor-sqlite-err-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const c = (sql: string, params: ReadonlyArray<unknown> = []): Compiled => ({ sql, params, kind: 'raw', columns: [] })
let conn: DriverConnection

beforeAll(async () => {
  const r = await sqliteDriver({ filename: ':memory:' }).connect()
  if (E.isLeft(r)) throw new Error('connect')
  conn = r.right
  for (const sql of [
    'CREATE TABLE parent (id INTEGER PRIMARY KEY)',
    `CREATE TABLE child (
       id INTEGER PRIMARY KEY,
       email TEXT UNIQUE,
       name TEXT NOT NULL,
       age INTEGER CONSTRAINT age_positive CHECK (age > 0),
       size INTEGER CHECK (size < 5),
       parent_id INTEGER REFERENCES parent(id))`,
    "INSERT INTO child (id, email, name) VALUES (1, 'a@x', 'a')",
  ])
    await conn.execute(c(sql))()
})

const fail = async (sql: string, params: ReadonlyArray<unknown> = []): Promise<Extract<DbError, { _tag: 'QueryError' }>> => {
  const r = await conn.execute(c(sql, params))()
  if (E.isRight(r) || r.left._tag !== 'QueryError') throw new Error(`expected QueryError for ${sql}`)
  expect(r.left.sql).toBe(sql)
  expect(r.left.cause).toBeInstanceOf(Error)
  return r.left
}

describe('SQLite error classification', () => {
  it('unique and primary key', async () => {
    expect(await fail("INSERT INTO child (email, name) VALUES ('a@x', 'b')")).toMatchObject({
      kind: 'UniqueViolation',
      code: 'SQLITE_CONSTRAINT_UNIQUE',
      constraint: 'child.email',
    })
    expect(await fail("INSERT INTO child (id, name) VALUES (1, 'b')")).toMatchObject({
      kind: 'UniqueViolation',
      code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
      constraint: 'child.id',
    })
  })
  it('foreign key', async () => {
    expect(await fail("INSERT INTO child (name, parent_id) VALUES ('b', 99)")).toMatchObject({
      kind: 'ForeignKeyViolation',
      code: 'SQLITE_CONSTRAINT_FOREIGNKEY',
    })
  })
  it('not null', async () => {
    expect(await fail('INSERT INTO child (name) VALUES (NULL)')).toMatchObject({ kind: 'NotNullViolation', constraint: 'child.name' })
  })
  it('check, named and unnamed', async () => {
    expect(await fail("INSERT INTO child (name, age) VALUES ('b', -1)")).toMatchObject({ kind: 'CheckViolation', constraint: 'age_positive' })
    expect(await fail("INSERT INTO child (name, size) VALUES ('b', 9)")).toMatchObject({ kind: 'CheckViolation', constraint: 'size < 5' })
  })
  it('syntax errors and undefined objects', async () => {
    expect(await fail('SELEC 1')).toMatchObject({ kind: 'SyntaxError', message: 'near "SELEC": syntax error' })
    expect(await fail('SELECT * FROM nope')).toMatchObject({ kind: 'UndefinedObject', message: 'no such table: nope' })
    expect(await fail('SELECT nope FROM child')).toMatchObject({ kind: 'UndefinedObject' })
  })
  it('bad parameter counts are DataError', async () => {
    expect(await fail('SELECT ? AS a')).toMatchObject({ kind: 'DataError' })
  })
  it('a locked database is LockTimeout', async () => {
    const file = join(dir, 'busy.db')
    const a = await sqliteDriver({ filename: file }).connect()
    const b = await sqliteDriver({ filename: file, busyTimeoutMs: 10 }).connect()
    if (E.isLeft(a) || E.isLeft(b)) throw new Error('connect')
    await a.right.execute(c('CREATE TABLE t (x)'))()
    await a.right.execute(c('BEGIN IMMEDIATE'))()
    const r = await b.right.execute(c('INSERT INTO t VALUES (1)'))()
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'QueryError', kind: 'LockTimeout', code: 'SQLITE_BUSY' })
    await a.right.execute(c('ROLLBACK'))()
    await a.right.close()
    await b.right.close()
  })
  it('parses constraint names from messages', () => {
    expect(constraintOf('UNIQUE constraint failed: t.a, t.b')).toBe('t.a, t.b')
    expect(constraintOf("UNIQUE constraint failed: index 'ux_name'")).toBe('ux_name')
    expect(constraintOf('FOREIGN KEY constraint failed')).toBeUndefined()
  })
})
