/**
 * The SQLite driver, over better-sqlite3 12 (synchronous, wrapped in TaskEither): one
 * {@link DriverConnection} per `Database`, a prepared-statement cache per connection,
 * `PRAGMA foreign_keys = ON` on connect and WAL for file databases. `:memory:` databases
 * are single-connection (every connection would be a different, empty database).
 *
 * @category dialects
 */
import Database from 'better-sqlite3'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { Compiled } from '../../compile/Compiled.js'
import type { DbError } from '../../effects/DbError.js'
import type { Driver, DriverConnection, QueryResult, RawRow, RowBuilder } from '../../effects/Driver.js'
import { sqlite } from './dialect.js'
import { classify, connectionError } from './errors.js'

/** How to open a SQLite database. @category dialects */
export interface SqliteDriverConfig {
  /** A file path, or `':memory:'`. */
  readonly filename: string
  /** Open read-only (default false). */
  readonly readonly?: boolean
  /** How long a statement waits on a locked database before `LockTimeout` (default 5000 ms). */
  readonly busyTimeoutMs?: number
  /** Prepared statements kept per connection (default 500; least recently added are dropped). */
  readonly statementCacheSize?: number
}

type Statement = Database.Statement<unknown[], RawRow>

interface Cached {
  readonly stmt: Statement
  /** Current safeIntegers state of the statement. */
  safe: boolean
  /** For a query run in raw mode: builds a row object from the value array. */
  readonly row: RowBuilder | undefined
  /** The number of values a raw-mode row has. */
  readonly width: number
}

/**
 * The result column names when a statement can run in raw mode: a query athanor compiled (its
 * select list is explicit, so a later schema change cannot alter its columns, and running it
 * has no side effect) whose columns are the ones the compiler expects. Anything else (`text()`,
 * RETURNING) keeps better-sqlite3's row objects.
 */
const rawModeNames = (stmt: Compiled, prepared: Statement): ReadonlyArray<string> | undefined => {
  if (stmt.kind !== 'query' || !prepared.reader || stmt.columns.length === 0) return undefined
  const names = prepared.columns().map((col) => col.name)
  if (names.length !== stmt.columns.length) return undefined
  for (let i = 0; i < names.length; i++) if (names[i] !== (stmt.columns[i].source ?? stmt.columns[i].name)) return undefined
  return names
}

/**
 * A row builder for result columns `names`: one object literal with the names in order, so every
 * row of a statement shares one shape. better-sqlite3 builds row objects in C++ property by
 * property; its raw mode plus this literal is about a quarter faster on wide results. A repeated
 * name keeps its last value, as better-sqlite3's objects do; `__proto__` is an own property.
 */
const rowBuilder = (names: ReadonlyArray<string>): RowBuilder => {
  const fields = names.map((n, i) => `${n === '__proto__' ? `[${JSON.stringify(n)}]` : JSON.stringify(n)}: v[${i}]`)
  return new Function('v', `"use strict"; return { ${fields.join(', ')} }`) as RowBuilder
}

const builders = new Map<string, RowBuilder>()

/** The row builder for a list of names, shared by statements with the same result columns. */
const builderFor = (names: ReadonlyArray<string>): RowBuilder => {
  const key = JSON.stringify(names)
  let b = builders.get(key)
  if (b === undefined) {
    b = rowBuilder(names)
    if (builders.size < 10_000) builders.set(key, b)
  }
  return b
}

let nextId = 1

const isMemory = (filename: string): boolean => filename === ':memory:' || filename === ''

const wantsBigInt = (stmt: Compiled): boolean => {
  for (const c of stmt.columns) if (c.type?._tag === 'BigInt') return true
  return false
}

const openConnection = (config: SqliteDriverConfig): DriverConnection => {
  const db = new Database(config.filename, {
    readonly: config.readonly ?? false,
    timeout: config.busyTimeoutMs ?? 5000,
  })
  try {
    db.pragma('foreign_keys = ON')
    if (!isMemory(config.filename) && !(config.readonly ?? false)) db.pragma('journal_mode = WAL')
  } catch (e) {
    db.close()
    throw e
  }
  const cacheSize = config.statementCacheSize ?? 500
  const cache = new Map<string, Cached>()
  const id = nextId++

  /** Throws (inside TE.tryCatch / the stream's try) on failure. */
  const prepare = (stmt: Compiled): Cached => {
    let c = cache.get(stmt.sql)
    if (c === undefined) {
      const prepared = db.prepare<unknown[], RawRow>(stmt.sql)
      const names = rawModeNames(stmt, prepared)
      if (names !== undefined) prepared.raw(true)
      c = { stmt: prepared, safe: false, row: names === undefined ? undefined : builderFor(names), width: names?.length ?? 0 }
      if (cache.size >= cacheSize) {
        const oldest = cache.keys().next()
        if (oldest.done !== true) cache.delete(oldest.value)
      }
      cache.set(stmt.sql, c)
    }
    if (c.stmt.reader) {
      const safe = wantsBigInt(stmt)
      if (safe !== c.safe) {
        c.stmt.safeIntegers(safe)
        c.safe = safe
      }
    }
    return c
  }

  const runSync = (stmt: Compiled, build?: RowBuilder): QueryResult => {
    const prepared = prepare(stmt)
    const { stmt: s, width } = prepared
    // The caller's builder reads the values in the order of stmt.columns, which raw mode guarantees.
    const row = prepared.row !== undefined && build !== undefined ? build : prepared.row
    const params = stmt.params as unknown[]
    if (row !== undefined) {
      // Raw mode: value arrays, each replaced in place by its row object.
      const rows = s.all(...params) as unknown as unknown[]
      if (rows.length > 0 && (rows[0] as ReadonlyArray<unknown>).length !== width) {
        // The statement no longer has the columns it was prepared with: prepare it afresh.
        cache.delete(stmt.sql)
        return runSync(stmt, build)
      }
      for (let i = 0, n = rows.length; i < n; i++) rows[i] = row(rows[i] as ReadonlyArray<unknown>)
      return { rows: rows as RawRow[], rowsAffected: 0 }
    }
    if (s.reader) {
      const rows = s.all(...params)
      // With RETURNING, one row per affected row.
      return { rows, rowsAffected: stmt.kind === 'query' || stmt.kind === 'raw' ? 0 : rows.length }
    }
    const info = s.run(...params)
    return stmt.kind === 'insert'
      ? { rows: [], rowsAffected: info.changes, lastInsertId: info.lastInsertRowid }
      : { rows: [], rowsAffected: info.changes }
  }

  const stream = (stmt: Compiled, batchSize: number): AsyncIterable<ReadonlyArray<RawRow>> => ({
    [Symbol.asyncIterator]: () => {
      let it: IterableIterator<unknown> | undefined
      let row: RowBuilder = (v) => v as unknown as RawRow
      let finished = false
      const finish = (): void => {
        if (finished) return
        finished = true
        it?.return?.()
      }
      return {
        next: async (): Promise<IteratorResult<ReadonlyArray<RawRow>>> => {
          if (finished) return { done: true, value: undefined }
          try {
            if (it === undefined) {
              const c = prepare(stmt)
              if (!c.stmt.reader) throw new TypeError('stream() needs a statement that returns rows')
              if (c.row !== undefined) row = c.row
              it = c.stmt.iterate(...(stmt.params as unknown[])) as IterableIterator<unknown>
            }
            const batch: RawRow[] = []
            while (batch.length < batchSize) {
              const r = it.next()
              if (r.done === true) {
                finish()
                break
              }
              batch.push(row(r.value as ReadonlyArray<unknown>))
            }
            if (batch.length === 0) return { done: true, value: undefined }
            return { done: false, value: batch }
          } catch (e) {
            finish()
            throw classify(stmt.sql)(e)
          }
        },
        return: async (): Promise<IteratorResult<ReadonlyArray<RawRow>>> => {
          finish()
          return { done: true, value: undefined }
        },
      }
    },
  })

  return {
    id,
    execute: (stmt, build) => TE.tryCatch(async () => runSync(stmt, build), classify(stmt.sql)),
    stream,
    ping: TE.tryCatch(
      async () => {
        if (!db.open) throw new TypeError('The database connection is not open')
        db.prepare('SELECT 1').get()
      },
      (cause): DbError => ({ _tag: 'ConnectionError', message: 'SQLite connection is not usable', cause }),
    ),
    close: async () => {
      cache.clear()
      try {
        if (db.open) db.close()
      } catch {
        // closing never fails
      }
    },
  }
}

/**
 * A SQLite {@link Driver}. `:memory:` is single-connection; files use WAL so readers and a
 * writer can share the pool.
 *
 * @category dialects
 * @example
 * const driver = sqliteDriver({ filename: './app.db' })
 * const engine = createEngineFrom(driver, { pool: { size: 4 } })
 */
export const sqliteDriver = (config: SqliteDriverConfig): Driver => ({
  dialect: sqlite,
  singleConnection: isMemory(config.filename),
  connect: TE.tryCatch(async () => openConnection(config), connectionError(config.filename)),
})

