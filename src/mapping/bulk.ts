/**
 * Bulk paths of the Session: inserts and updates of many rows without identity tracking,
 * and query-level UPDATE / DELETE that keep the session's values in step (SQLAlchemy's
 * synchronize_session). Re-exported by `session.ts`.
 *
 * @category session
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as SRTE from 'fp-ts/lib/StateReaderTaskEither.js'
import { deleteFrom, insertInto, update as updateStmt } from '../algebra/dml.js'
import type { Predicate } from '../algebra/operators.js'
import { from, select, where, type Select } from '../algebra/Query.js'
import type { AnyTable, Column } from '../algebra/Table.js'
import type { DbError } from '../effects/DbError.js'
import { keyPredicate } from '../effects/session/keyPredicate.js'
import * as Core from '../effects/session/Session.js'
import { forget, identityKey, primaryKeyOf, type RowKey, type RowValues, type TrackedRow, type UnitOfWork } from '../effects/session/UnitOfWork.js'
import { validateRow, type AnyEntity } from './Entity.js'
import { evaluate } from './evaluate.js'

type Session<A> = Core.Session<A>
type Row = Readonly<Record<string, unknown>>
const invalid = (message: string): DbError => ({ _tag: 'InvalidStatement', message })

// ---------------------------------------------------------------- bulk paths

/** Inserts many rows without tracking them (no identity map, no events); returns the count. @category session */
export const bulkInsert = (entity: AnyEntity, rows: ReadonlyArray<Row>): Session<number> => {
  for (const r of rows) {
    const ok = validateRow(entity.$, r)
    if (E.isLeft(ok)) return SRTE.left(ok.left)
  }
  const table = entity.$.table
  return Core.fromConnection((conn, env) => async () => {
    const width = Math.max(1, table.columnNames.length)
    const per = Math.max(1, Math.min(5000, Math.floor(env.dialect.capabilities.maxParams / width)))
    let n = 0
    for (let i = 0; i < rows.length; i += per) {
      const r = await conn.run(insertInto(table, rows.slice(i, i + per) as never))()
      if (E.isLeft(r)) return r
      n += r.right.rowsAffected
    }
    return E.right(n)
  })
}

/** Updates many rows by primary key without tracking them; returns the count. @category session */
export const bulkUpdate = (entity: AnyEntity, rows: ReadonlyArray<Row>): Session<number> => {
  const table = entity.$.table
  const keys = primaryKeyOf(table)
  return Core.fromConnection((conn) => async () => {
    let n = 0
    for (const r of rows) {
      if (keys.some((k) => r[k] === undefined)) return E.left(invalid(`bulkUpdate(${entity.$.name}): a row lacks its primary key`))
      const set = Object.fromEntries(Object.keys(r).filter((k) => !keys.includes(k)).map((k) => [k, r[k]]))
      const res = await conn.run(pipe(updateStmt(table, set as never), where(keyPredicate(table, [r]))))()
      if (E.isLeft(res)) return res
      n += res.right.rowsAffected
    }
    return E.right(n)
  })
}

/** How a query-level UPDATE/DELETE keeps the session's values in step (SQLAlchemy's synchronize_session). */
export type Synchronize = 'evaluate' | 'fetch' | false

const evaluateOn = (table: AnyTable, values: RowValues) => (_t: string, column: string) => {
  const key = table.columnNames.find((c) => c.name === column)?.key
  return key === undefined ? E.left(`unknown column ${column}`) : E.right(values[key] ?? null)
}

const matchesInMemory = (uow: UnitOfWork, table: AnyTable, cond: Predicate): E.Either<DbError, ReadonlyArray<TrackedRow>> => {
  const out: TrackedRow[] = []
  for (const row of uow.rows.values()) {
    if (row.table.name !== table.name || row.state !== 'persistent') continue
    const r = evaluate(cond.node, evaluateOn(table, row.values))
    if (E.isLeft(r)) return E.left(invalid(`synchronize 'evaluate': ${r.left}; use 'fetch'`))
    if (r.right === true) out.push(row)
  }
  return E.right(out)
}

/**
 * A query-level UPDATE (`UPDATE … SET … WHERE cond`) that keeps tracked values in step:
 * 'evaluate' applies the change in memory to tracked rows matching `cond`; 'fetch' reads the
 * matching keys first and reloads them after.
 * @category session
 */
export const updateWhere = (entity: AnyEntity, values: Row, cond: Predicate, synchronize: Synchronize = 'evaluate'): Session<number> => {
  const table = entity.$.table
  const stmt = pipe(updateStmt(table, values as never), where(cond))
  return pipe(
    Core.autoflush,
    SRTE.chain(() => (uow: UnitOfWork) => (env: Core.SessionEnv) => async () => {
      const matched = synchronize === 'evaluate' ? matchesInMemory(uow, table, cond) : E.right([] as ReadonlyArray<TrackedRow>)
      if (E.isLeft(matched)) return matched
      let fetchedKeys: ReadonlyArray<Row> = []
      if (synchronize === 'fetch') {
        const pkSel = Object.fromEntries(primaryKeyOf(table).map((k) => [k, (table.c as Readonly<Record<string, Column<unknown>>>)[k]]))
        const r = await env.conn.execute(pipe(select(pkSel), from(table), where(cond)))()
        if (E.isLeft(r)) return r
        fetchedKeys = r.right as ReadonlyArray<Row>
      }
      const res = await env.conn.run(stmt)()
      if (E.isLeft(res)) return res
      let u = uow
      if (synchronize === 'evaluate') {
        for (const row of matched.right) {
          const next: Record<string, unknown> = { ...row.values }
          for (const k of Object.keys(values)) {
            const v = values[k]
            const isExpr = typeof v === 'object' && v !== null && 'node' in v && !(v instanceof Date) && !(v instanceof Uint8Array)
            const ev = isExpr ? evaluate((v as { readonly node: import('../algebra/ast.js').ExprNode }).node, evaluateOn(table, row.values)) : E.right(v)
            if (E.isLeft(ev)) return E.left(invalid(`synchronize 'evaluate': ${ev.left}; use 'fetch'`))
            next[k] = ev.right
          }
          u = { ...u, rows: u.rows.set(row.key, { ...row, loaded: next, values: next }) }
        }
      } else if (synchronize === 'fetch' && fetchedKeys.length > 0) {
        const cond2 = keyPredicate(table, fetchedKeys)
        const fresh = await env.conn.execute(pipe(select(table) as unknown as Select<Row>, where(cond2)))()
        if (E.isLeft(fresh)) return fresh
        for (const r of fresh.right) {
          const key = identityKey(table, r)
          const row = key !== undefined ? u.rows.get(key) : undefined
          if (row) u = { ...u, rows: u.rows.set(row.key, { ...row, loaded: r, values: r }) }
        }
      }
      return E.right([res.right.rowsAffected, u] as [number, UnitOfWork])
    }),
  )
}

/** A query-level DELETE that drops matching tracked values ('evaluate' or 'fetch'). @category session */
export const deleteWhere = (entity: AnyEntity, cond: Predicate, synchronize: Synchronize = 'evaluate'): Session<number> => {
  const table = entity.$.table
  return pipe(
    Core.autoflush,
    SRTE.chain(() => (uow: UnitOfWork) => (env: Core.SessionEnv) => async () => {
      let doomed: ReadonlyArray<RowKey> = []
      if (synchronize === 'evaluate') {
        const m = matchesInMemory(uow, table, cond)
        if (E.isLeft(m)) return m
        doomed = m.right.map((r) => r.key)
      } else if (synchronize === 'fetch') {
        const pkSel = Object.fromEntries(primaryKeyOf(table).map((k) => [k, (table.c as Readonly<Record<string, Column<unknown>>>)[k]]))
        const r = await env.conn.execute(pipe(select(pkSel), from(table), where(cond)))()
        if (E.isLeft(r)) return r
        doomed = (r.right as ReadonlyArray<Row>).map((k) => identityKey(table, k)).filter((k): k is string => k !== undefined)
      }
      const res = await env.conn.run(pipe(deleteFrom(table), where(cond)))()
      if (E.isLeft(res)) return res
      const u = doomed.reduce((acc, k) => forget(acc, k), uow)
      return E.right([res.right.rowsAffected, u] as [number, UnitOfWork])
    }),
  )
}
