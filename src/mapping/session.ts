/**
 * Entity-level Session operations: `add`, `create`, `get`, `all`, `first`, `one`,
 * `oneOrNone`, `count`, `update`, `delete`, `merge`, `refresh`, `expunge`, `state`, bulk
 * paths and query-level `updateWhere` / `deleteWhere`, over the row-level unit of work of
 * `src/effects/session`. Import as a namespace: `import * as S from 'athanor/session'`.
 *
 * @category session
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as SRTE from 'fp-ts/StateReaderTaskEither'
import * as TE from 'fp-ts/TaskEither'
import { deleteFrom, insertInto, update as updateStmt } from '../algebra/dml.js'
import { count as countAgg } from '../algebra/functions.js'
import { and, eq, isIn, type Predicate } from '../algebra/operators.js'
import { from, select, subquery, where, type Select } from '../algebra/Query.js'
import type { AnyTable, Column } from '../algebra/Table.js'
import type { DbError } from '../effects/DbError.js'
import type { Engine } from '../effects/Engine.js'
import * as Core from '../effects/session/Session.js'
import {
  addPending,
  forget,
  identityKey,
  lookup,
  markDeleted,
  patch,
  primaryKeyOf,
  type PendingRef,
  type RowKey,
  type RowValues,
  type TrackedRow,
  type UnitOfWork,
} from '../effects/session/UnitOfWork.js'
import { attach, entityOfTable, metaOf, validateRow, withHybrids, type AnyEntity, type AnyInstance, type EntityMeta } from './Entity.js'
import { evaluate } from './evaluate.js'
import { linkBetween } from './relations.js'

export { flush, commit, rollback, orElse, fail, fromEither, fromConnection, state, runWith, type Session, type SessionEnv, type SessionListeners } from '../effects/session/Session.js'

type Session<A> = Core.Session<A>
type Row = Readonly<Record<string, unknown>>
type InstanceOf<En> = En extends { readonly make: (input: never) => E.Either<DbError, infer I> } ? I : AnyInstance

/** Chains session steps (re-exported from fp-ts for convenience). @category session */
export const chain = SRTE.chain
/** Maps a session's result. @category session */
export const map = SRTE.map
/** A session that returns `a`. @category session */
export const of = <A>(a: A): Session<A> => SRTE.right(a)

const invalid = (message: string): DbError => ({ _tag: 'InvalidStatement', message })

const columnsOnly = (meta: EntityMeta, value: Row): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const c of meta.table.columnNames) if (value[c.key] !== undefined) out[c.key] = value[c.key]
  for (const s of Object.keys(meta.synonyms)) if (value[s] !== undefined && out[meta.synonyms[s]] === undefined) out[meta.synonyms[s]] = value[s]
  return out
}

/** The session's value of a tracked row. @internal */
export const hydrate = (entity: AnyEntity, row: TrackedRow): AnyInstance => attach({ ...withHybrids(entity.$, row.values) }, { entity, key: row.key })

const entityFor = (row: TrackedRow): AnyEntity | undefined => entityOfTable(row.table.name)

const addGraph = (uow: UnitOfWork, value: AnyInstance, parent?: { readonly childKey: string; readonly ref: PendingRef; readonly known?: unknown }): E.Either<DbError, readonly [UnitOfWork, RowKey]> => {
  const m = metaOf(value)
  if (!m) return E.left(invalid('only values built with an entity’s make() (or read through a session) can be added'))
  const meta = m.entity.$
  if (m.key !== undefined) {
    const tracked = lookup(uow, m.key)
    if (tracked && tracked.state !== 'deleted') return E.right([uow, tracked.key])
  }
  let u = uow
  const values: Record<string, unknown> = columnsOnly(meta, value)
  const refs: Record<string, PendingRef> = {}
  if (parent) {
    if (parent.known !== undefined) values[parent.childKey] = parent.known
    else refs[parent.childKey] = parent.ref
  }
  const rels = meta.relations
  for (const name of Object.keys(rels)) {
    const rel = rels[name]
    const target = value[name]
    if (rel._tag !== 'BelongsTo' || target === undefined || target === null) continue
    const link = linkBetween(meta.table, rel.target().$.table, rel)
    if (!link) return E.left(invalid(`${meta.name}.${name}: no single foreign key to ${rel.target().$.name}; name it with foreignKey`))
    const added = addGraph(u, target as AnyInstance)
    if (E.isLeft(added)) return added
    u = added.right[0]
    const p = lookup(u, added.right[1])!
    if (p.state === 'persistent') values[link.childKey] = p.values[link.parentKey]
    else refs[link.childKey] = { row: p.key, column: link.parentKey }
  }
  const [withRow, key] = addPending(u, meta.table, values, refs, meta.versionKey)
  u = withRow
  for (const name of Object.keys(rels)) {
    const rel = rels[name]
    const children = value[name]
    if (rel._tag !== 'HasMany' || !Array.isArray(children) || !rel.cascade.includes('save')) continue
    const link = linkBetween(rel.target().$.table, meta.table, rel)
    if (!link) return E.left(invalid(`${meta.name}.${name}: no single foreign key from ${rel.target().$.name}; name it with foreignKey`))
    for (const child of children as ReadonlyArray<AnyInstance>) {
      const added = addGraph(u, child, { childKey: link.childKey, ref: { row: key, column: link.parentKey }, known: values[link.parentKey] })
      if (E.isLeft(added)) return added
      u = added.right[0]
    }
  }
  return E.right([u, key])
}

/**
 * Adds a value (and, by the save cascade, the related values it holds) to the session as
 * pending; it is inserted at the next flush. Returns the session's value.
 * @category session
 */
export const add =
  <I extends AnyInstance>(value: I): Session<I> =>
  (uow) =>
  () =>
  () => {
    const r = addGraph(uow, value)
    if (E.isLeft(r)) return Promise.resolve(r)
    const [u, key] = r.right
    const m = metaOf(value)!
    return Promise.resolve(E.right<DbError, [I, UnitOfWork]>([hydrate(m.entity, lookup(u, key)!) as I, u]))
  }

/** Adds several values. @category session */
export const addAll = <I extends AnyInstance>(values: ReadonlyArray<I>): Session<ReadonlyArray<I>> => SRTE.traverseReadonlyArrayWithIndex((_: number, v: I): Session<I> => add(v))(values)

/** Builds a value with the entity's `make` (validated) and adds it. @category session */
export const create = <En extends AnyEntity>(entity: En, input: Parameters<En['make']>[0]): Session<InstanceOf<En>> =>
  pipe(Core.fromEither(entity.make(input)), SRTE.chain((v) => add(v as InstanceOf<En>)))

/** A query over an entity, as combinators applied to `select(entity.table)`. */
export type QueryStep = (q: Select<Row>) => Select<Row>

const querySelect = (entity: AnyEntity, steps: ReadonlyArray<QueryStep>): Select<Row> =>
  steps.reduce((q, f) => f(q), select(entity.$.table) as unknown as Select<Row>)

const load = (entity: AnyEntity, q: Select<Row>): Session<ReadonlyArray<AnyInstance>> =>
  pipe(
    Core.loadRows(entity.$.table, (conn) => conn.execute(q) as TE.TaskEither<DbError, ReadonlyArray<RowValues>>, entity.$.versionKey),
    SRTE.map((rows) => rows.filter((r) => r.state !== 'deleted').map((r) => hydrate(entity, r))),
  )

/**
 * Every value of `entity` matching the query steps, identity-mapped (autoflushes first).
 *
 * @example
 * S.all(User, where(eq(User.name, 'Alice')), orderBy(asc(User.id)))
 * @category session
 */
export const all = <En extends AnyEntity>(entity: En, ...steps: ReadonlyArray<QueryStep>): Session<ReadonlyArray<InstanceOf<En>>> =>
  load(entity, querySelect(entity, steps)) as Session<ReadonlyArray<InstanceOf<En>>>

/** The first value, if any. @category session */
export const first = <En extends AnyEntity>(entity: En, ...steps: ReadonlyArray<QueryStep>): Session<O.Option<InstanceOf<En>>> =>
  pipe(
    all(entity, ...steps, (q) => ({ ...q, node: { ...q.node, limit: { _tag: 'Param', value: 1, type: { _tag: 'Integer' } } } })),
    SRTE.map((rows) => O.fromNullable(rows[0])),
  )

/** Exactly one value: NoResult or MultipleResults otherwise. @category session */
export const one = <En extends AnyEntity>(entity: En, ...steps: ReadonlyArray<QueryStep>): Session<InstanceOf<En>> =>
  pipe(
    all(entity, ...steps),
    SRTE.chain((rows) =>
      rows.length === 1
        ? SRTE.right(rows[0])
        : SRTE.left<UnitOfWork, Core.SessionEnv, DbError, InstanceOf<En>>(
            rows.length === 0 ? { _tag: 'NoResult', sql: `${entity.$.name} query` } : { _tag: 'MultipleResults', sql: `${entity.$.name} query`, count: rows.length },
          ),
    ),
  )

/** At most one value: MultipleResults when more. @category session */
export const oneOrNone = <En extends AnyEntity>(entity: En, ...steps: ReadonlyArray<QueryStep>): Session<O.Option<InstanceOf<En>>> =>
  pipe(
    all(entity, ...steps),
    SRTE.chain((rows) =>
      rows.length <= 1
        ? SRTE.right(O.fromNullable(rows[0]))
        : SRTE.left<UnitOfWork, Core.SessionEnv, DbError, O.Option<InstanceOf<En>>>({ _tag: 'MultipleResults', sql: `${entity.$.name} query`, count: rows.length }),
    ),
  )

/** How many rows match (autoflushes first). @category session */
export const count = (entity: AnyEntity, ...steps: ReadonlyArray<QueryStep>): Session<number> =>
  pipe(
    Core.autoflush,
    SRTE.chain(() => {
      const inner = subquery(querySelect(entity, steps), 'counted')
      return Core.fromConnection((conn) => pipe(conn.one(pipe(select({ n: countAgg() }), from(inner))), TE.map((r) => r.n)))
    }),
  )

const pkValues = (table: AnyTable, pk: unknown): Row => {
  const keys = primaryKeyOf(table)
  if (typeof pk === 'object' && pk !== null && !Array.isArray(pk) && !(pk instanceof Date)) return pk as Row
  const list = Array.isArray(pk) ? pk : [pk]
  return Object.fromEntries(keys.map((k, i) => [k, list[i]]))
}

const pkPredicate = (table: AnyTable, pk: Row): Predicate =>
  and(...primaryKeyOf(table).map((k) => eq((table.c as Readonly<Record<string, Column<unknown>>>)[k], pk[k])))

/**
 * The value with this primary key: from the identity map when the session holds it,
 * otherwise one SELECT. A composite key is given as an array or a record.
 * @category session
 */
export const get =
  <En extends AnyEntity>(entity: En, pk: unknown): Session<O.Option<InstanceOf<En>>> =>
  (uow) => {
    const table = entity.$.table
    const values = pkValues(table, pk)
    const key = identityKey(table, values)
    if (key === undefined) return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, O.Option<InstanceOf<En>>>(invalid(`get(${entity.$.name}): incomplete primary key`))(uow)
    const tracked = lookup(uow, key)
    if (tracked) return SRTE.right<UnitOfWork, Core.SessionEnv, DbError, O.Option<InstanceOf<En>>>(tracked.state === 'deleted' ? O.none : O.some(hydrate(entity, tracked) as InstanceOf<En>))(uow)
    return pipe(
      load(entity, pipe(select(table) as unknown as Select<Row>, where(pkPredicate(table, values)))),
      SRTE.map((rows) => O.fromNullable(rows[0] as InstanceOf<En> | undefined)),
    )(uow)
  }

const tracked = (uow: UnitOfWork, value: AnyInstance, what: string): E.Either<DbError, TrackedRow> => {
  const m = metaOf(value)
  const row = m?.key !== undefined ? lookup(uow, m.key) : undefined
  return row ? E.right(row) : E.left(invalid(`${what}: the value is not in this session (add or merge it first)`))
}

/**
 * Records new values for some columns (validated) and returns the new value; the UPDATE of
 * the changed columns happens at the next flush.
 *
 * @example
 * S.update(alice, { name: 'Alicia' })
 * @category session
 */
export const update =
  <I extends AnyInstance>(value: I, changes: Partial<Omit<I, typeof import('./Entity.js').INSTANCE>>): Session<I> =>
  (uow) =>
  () =>
  () => {
    const row = tracked(uow, value, 'update')
    if (E.isLeft(row)) return Promise.resolve(row)
    const entity = metaOf(value)!.entity
    const cols = columnsOnly(entity.$, changes as Row)
    const merged = { ...row.right.values, ...cols }
    const ok = validateRow(entity.$, merged)
    if (E.isLeft(ok)) return Promise.resolve(ok)
    const u = patch(uow, row.right.key, cols)
    return Promise.resolve(E.right<DbError, [I, UnitOfWork]>([hydrate(entity, lookup(u, row.right.key)!) as I, u]))
  }

/** Marks a value for deletion at the next flush (a pending one is simply dropped). @category session */
const remove =
  (value: AnyInstance): Session<void> =>
  (uow) =>
  () =>
  () => {
    const row = tracked(uow, value, 'delete')
    if (E.isLeft(row)) return Promise.resolve(row)
    return Promise.resolve(E.right<DbError, [void, UnitOfWork]>([undefined, markDeleted(uow, row.right.key)]))
  }
export { remove as delete }

/** Forgets a value without touching the database (SQLAlchemy's expunge). @category session */
export const expunge =
  (value: AnyInstance): Session<void> =>
  (uow) =>
  () =>
  () => {
    const key = metaOf(value)?.key
    return Promise.resolve(E.right<DbError, [void, UnitOfWork]>([undefined, key === undefined ? uow : forget(uow, key)]))
  }

/**
 * Brings a detached value back: the session's value for its key (loaded if needed) takes the
 * detached value's column values as changes. A value with no key is added as new.
 * @category session
 */
export const merge = <I extends AnyInstance>(value: I): Session<I> => {
  const m = metaOf(value)
  if (!m) return SRTE.left(invalid('merge: not an entity value'))
  const meta = m.entity.$
  const values = columnsOnly(meta, value)
  const key = identityKey(meta.table, values)
  if (key === undefined) return add(value)
  return pipe(
    get(m.entity, pkValues(meta.table, Object.fromEntries(primaryKeyOf(meta.table).map((k) => [k, values[k]])))),
    SRTE.chain((found) => (O.isSome(found) ? update(found.value as I, values as Partial<I>) : add(attach({ ...value }, { entity: m.entity })))),
  )
}

/** Reads the value's row again, discarding its unflushed changes. @category session */
export const refresh = <I extends AnyInstance>(value: I): Session<I> => {
  const m = metaOf(value)
  if (!m || m.key === undefined) return SRTE.left(invalid('refresh: the value is not in this session'))
  const entity = m.entity
  return pipe(
    SRTE.gets((uow: UnitOfWork) => lookup(uow, m.key!)),
    SRTE.chain((row) => (row ? Core.fromConnection((conn) => conn.execute(pipe(select(entity.$.table) as unknown as Select<Row>, where(pkPredicate(entity.$.table, row.values))))) : SRTE.left(invalid('refresh: the value is not in this session')))),
    SRTE.chain((rows): Session<I> => (uow: UnitOfWork) => () => () => {
      const row = lookup(uow, m.key!)
      if (!row || rows.length === 0) return Promise.resolve(E.left<DbError, never>({ _tag: 'NoResult', sql: `refresh ${entity.$.name}` }))
      const fresh: TrackedRow = { ...row, state: 'persistent', loaded: rows[0], values: rows[0], refs: {} }
      const u: UnitOfWork = { ...uow, rows: uow.rows.set(row.key, fresh), changed: uow.changed.delete(row.key) }
      return Promise.resolve(E.right<DbError, [I, UnitOfWork]>([hydrate(entity, fresh) as I, u]))
    }),
  )
}

/** The session's current value for a value (with its pending changes, generated keys after flush). @category session */
export const current =
  <I extends AnyInstance>(value: I): Session<O.Option<I>> =>
  (uow) => {
    const m = metaOf(value)
    const row = m?.key !== undefined ? lookup(uow, m.key) : undefined
    return () => TE.right<DbError, [O.Option<I>, UnitOfWork]>([row && row.state !== 'deleted' ? O.some(hydrate(m!.entity, row) as I) : O.none, uow])
  }

/** SQLAlchemy's object states. */
export type ObjectState = 'transient' | 'pending' | 'persistent' | 'deleted' | 'detached'

/** The state of a value in this session. @category session */
export const stateOf =
  (value: AnyInstance): Session<ObjectState> =>
  (uow) => {
    const m = metaOf(value)
    if (!m || m.key === undefined) return () => TE.right<DbError, [ObjectState, UnitOfWork]>(['transient', uow])
    const row = lookup(uow, m.key)
    return () => TE.right<DbError, [ObjectState, UnitOfWork]>([row ? row.state : 'detached', uow])
  }

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
      const res = await conn.run(pipe(updateStmt(table, set as never), where(pkPredicate(table, r))))()
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
        const keys = primaryKeyOf(table)
        const c = table.c as Readonly<Record<string, Column<unknown>>>
        const cond2 = keys.length === 1 ? isIn(c[keys[0]], fetchedKeys.map((k) => k[keys[0]])) : pkPredicate(table, fetchedKeys[0])
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

// ---------------------------------------------------------------- running

const entityEvents: Core.SessionListeners = {
  beforeRow: (e) => dispatch(e, 'before'),
  afterRow: (e) => dispatch(e, 'after'),
}

function dispatch(e: Core.RowEvent, phase: 'before' | 'after'): TE.TaskEither<DbError, void> {
  const entity = entityOfTable(e.table.name)
  if (!entity) return TE.right(undefined)
  const ev = entity.$.events as Readonly<Record<string, ((row: Row) => TE.TaskEither<DbError, void>) | undefined>>
  const name = `${phase}${e.kind[0].toUpperCase()}${e.kind.slice(1)}`
  const f = ev[name]
  return f ? f(e.values) : TE.right(undefined)
}

/**
 * Runs a session program in one transaction (flush and commit at the end, roll back on any
 * Left), with the entities' mapper events wired in.
 *
 * @example
 * await S.runSession(engine, pipe(S.create(User, { name: 'Alice' }), S.chain(() => S.all(User))))()
 * @category session
 */
export const runSession = <A>(engine: Engine, program: Session<A>, options: Core.SessionOptions = {}): TE.TaskEither<DbError, A> =>
  Core.runSession(engine, program, { ...options, listeners: [entityEvents, ...(options.listeners ?? [])] })

/** The tracked row of a value, for inspection in tests and tools. @internal */
export const trackedRow = (uow: UnitOfWork, value: AnyInstance): TrackedRow | undefined => {
  const key = metaOf(value)?.key
  return key === undefined ? undefined : lookup(uow, key)
}

/** The entity a tracked row maps to. @internal */
export const entityOfRow = entityFor
