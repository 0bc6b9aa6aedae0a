/**
 * Entity-level Session operations: `add`, `create`, `get`, `all`, `first`, `one`,
 * `oneOrNone`, `count`, `update`, `delete`, `merge`, `refresh`, `expunge`, `state`, bulk
 * paths and query-level `updateWhere` / `deleteWhere`, over the row-level unit of work of
 * `src/effects/session`. Import as a namespace: `import * as S from 'athanor/session'`.
 *
 * @category session
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as O from 'fp-ts/lib/Option.js'
import * as SRTE from 'fp-ts/lib/StateReaderTaskEither.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { count as countAgg } from '../algebra/functions.js'
import { from, select, subquery, where, type Select } from '../algebra/Query.js'
import type { AnyTable } from '../algebra/Table.js'
import type { DbError } from '../effects/DbError.js'
import type { Engine } from '../effects/Engine.js'
import { keyPredicate } from '../effects/session/keyPredicate.js'
import * as Core from '../effects/session/Session.js'
import { forget, identityKey, lookup, patch, primaryKeyOf, type TrackedRow, type UnitOfWork } from '../effects/session/UnitOfWork.js'
import { addGraph, columnsFor, deleteCascade, setRelation } from './cascade.js'
import { anyMapperEvents, entityOfTable, metaOf, trackedValue, transientValue, validateRow, withHybrids, type AnyEntity, type AnyInstance, type EntityMeta, type INSTANCE } from './Entity.js'
import { hydrate as hydrateGraph, merge as mergeShapes, partRow, shapeOf, sharedValue, valuesOf } from './graph.js'
import { entitySelect, hydrateAll, isLoaded, runQuery } from './loading.js'
import { plansFor, raisedBy, shapeOfPlans } from './loadPlan.js'
import { loadRelation } from './selectin.js'
import type { Load, LoadsOf } from './loadOptions.js'
import { resolve, type Cardinality, type InstanceOf, type RelatedValue, type RelationRef } from './relations.js'

export { flush, commit, rollback, orElse, fail, fromEither, fromConnection, state, runWith, type Session, type SessionEnv, type SessionListeners } from '../effects/session/Session.js'

type Session<A> = Core.Session<A>
type Row = Readonly<Record<string, unknown>>

/** Chains session steps (re-exported from fp-ts for convenience). @category session */
export const chain = SRTE.chain
/** Maps a session's result. @category session */
export const map = SRTE.map
/** A session that returns `a`. @category session */
export const of = <A>(a: A): Session<A> => SRTE.right(a)

const invalid = (message: string): DbError => ({ _tag: 'InvalidStatement', message })

const columnsOnly = (meta: EntityMeta, value: Row): Record<string, unknown> => columnsFor(meta, value)

/** The session's value of a tracked row (its columns only). @internal */
export const hydrate = (entity: AnyEntity, row: TrackedRow): AnyInstance => sharedValue(entity, row) ?? (trackedValue(entity, row.key, withHybrids(entity.$, row.values)) as AnyInstance)

const entityFor = (row: TrackedRow): AnyEntity | undefined => entityOfTable(row.table.name)

/**
 * Adds a value (and, by the save cascade, the related values it holds) to the session as
 * pending; it is inserted at the next flush. Returns the session's value, holding the same
 * relationships as the given one.
 * @category session
 */
export const add =
  <I extends AnyInstance>(value: I): Session<I> =>
  (uow) =>
  () =>
  () => {
    const r = addGraph(uow, value)
    if (E.isLeft(r)) return Promise.resolve(r)
    const [u, row] = r.right
    const m = metaOf(value)!
    return Promise.resolve(E.right<DbError, [I, UnitOfWork]>([hydrateGraph(u, m.entity, row, shapeOf(value)) as I, u]))
  }

/** Adds several values. @category session */
export const addAll =
  <I extends AnyInstance>(values: ReadonlyArray<I>): Session<ReadonlyArray<I>> =>
  (uow) =>
  () =>
  () => {
    let u = uow
    const added: Array<readonly [I, TrackedRow]> = []
    for (const value of values) {
      const r = addGraph(u, value)
      if (E.isLeft(r)) return Promise.resolve(r)
      u = r.right[0]
      added.push([value, r.right[1]])
    }
    const out = added.map(([value, row]) => hydrateGraph(u, metaOf(value)!.entity, row, shapeOf(value)) as I)
    return Promise.resolve(E.right<DbError, [ReadonlyArray<I>, UnitOfWork]>([out, u]))
  }

/** Builds a value with the entity's `make` (validated) and adds it. @category session */
export const create = <En extends AnyEntity>(entity: En, input: Parameters<En['make']>[0]): Session<InstanceOf<En>> =>
  pipe(Core.fromEither(entity.make(input)), SRTE.chain((v) => add(v as InstanceOf<En>)))

/** A query over an entity, as combinators applied to the entity's select. */
export type QueryStep = (q: Select<Row>) => Select<Row>

/** A step of an entity query: a query combinator, or the load options (`load(…)`) of entities of `En`. */
export type Step<En> = QueryStep | Load<En | unknown, unknown>

/** The values an entity query returns: the entity's values with its default-loaded relationships and those the steps load. */
export type Result<En, Steps> = InstanceOf<En> & (En extends { readonly _Defaults?: infer D } ? Exclude<D, undefined> : unknown) & LoadsOf<Steps>

const isLoad = (s: Step<unknown>): s is Load<unknown, unknown> => typeof s === 'object' && s !== null && (s as { _tag?: unknown })._tag === 'Load'

const querySelect = (entity: AnyEntity, steps: ReadonlyArray<Step<unknown>>): Select<Row> =>
  steps.reduce((q, f) => (isLoad(f) ? q : f(q)), entitySelect(entity))

const query = (entity: AnyEntity, steps: ReadonlyArray<Step<unknown>>): Session<ReadonlyArray<AnyInstance>> => {
  const options = steps.filter(isLoad).flatMap((l) => l.options)
  const plans = plansFor(entity, options)
  if (E.isLeft(plans)) return SRTE.left(plans.left)
  return pipe(
    runQuery(entity, querySelect(entity, steps).node, plans.right),
    SRTE.chain((rows) => hydrateAll(entity, rows, shapeOfPlans(plans.right), raisedBy(options))),
  )
}

/**
 * Every value of `entity` matching the query steps, identity-mapped (autoflushes first), with
 * the relationships its load options (and the relationships' eager defaults) load.
 *
 * @example
 * S.all(User, where(eq(User.name, 'Alice')), orderBy(asc(User.id)))
 * S.all(Author, load(selectin(Author.books, selectin(Book.reviews))))
 * @category session
 */
export const all = <En extends AnyEntity, Steps extends ReadonlyArray<Step<En>>>(entity: En, ...steps: Steps): Session<ReadonlyArray<Result<En, Steps>>> =>
  query(entity, steps) as Session<ReadonlyArray<Result<En, Steps>>>

const limitOne: QueryStep = (q) => ({ ...q, node: { ...q.node, limit: { _tag: 'Param', value: 1, type: { _tag: 'Integer' } } } })

/** The first value, if any. @category session */
export const first = <En extends AnyEntity, Steps extends ReadonlyArray<Step<En>>>(entity: En, ...steps: Steps): Session<O.Option<Result<En, Steps>>> =>
  pipe(
    query(entity, [...steps, limitOne]),
    SRTE.map((rows) => O.fromNullable(rows[0] as Result<En, Steps> | undefined)),
  )

/** Exactly one value: NoResult or MultipleResults otherwise. @category session */
export const one = <En extends AnyEntity, Steps extends ReadonlyArray<Step<En>>>(entity: En, ...steps: Steps): Session<Result<En, Steps>> =>
  pipe(
    all(entity, ...steps),
    SRTE.chain((rows) =>
      rows.length === 1
        ? SRTE.right(rows[0])
        : SRTE.left<UnitOfWork, Core.SessionEnv, DbError, Result<En, Steps>>(
            rows.length === 0 ? { _tag: 'NoResult', sql: `${entity.$.name} query` } : { _tag: 'MultipleResults', sql: `${entity.$.name} query`, count: rows.length },
          ),
    ),
  )

/** At most one value: MultipleResults when more. @category session */
export const oneOrNone = <En extends AnyEntity, Steps extends ReadonlyArray<Step<En>>>(entity: En, ...steps: Steps): Session<O.Option<Result<En, Steps>>> =>
  pipe(
    all(entity, ...steps),
    SRTE.chain((rows) =>
      rows.length <= 1
        ? SRTE.right(O.fromNullable(rows[0]))
        : SRTE.left<UnitOfWork, Core.SessionEnv, DbError, O.Option<Result<En, Steps>>>({ _tag: 'MultipleResults', sql: `${entity.$.name} query`, count: rows.length }),
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
    const byKey: QueryStep = (q) => pipe(q, where(keyPredicate(table, [values])))
    return pipe(
      query(entity, [byKey]),
      SRTE.map((rows) => O.fromNullable(rows[0] as InstanceOf<En> | undefined)),
    )(uow)
  }

const tracked = (uow: UnitOfWork, value: AnyInstance, what: string): E.Either<DbError, TrackedRow> => {
  const m = metaOf(value)
  const row = m?.key !== undefined ? lookup(uow, m.key) : undefined
  return row ? E.right(row) : E.left(invalid(`${what}: the value is not in this session (add or merge it first)`))
}

/** What `update` accepts: new column values, and new values for the relationships the value holds. */
export type Changes<I> = Partial<Omit<I, typeof INSTANCE>>

/**
 * Records new values for some columns (validated) and for relationships, and returns the new
 * value; the UPDATE of the changed columns happens at the next flush. A relationship given a
 * new value changes its foreign keys or association rows, both sides of a back-populated
 * pair, and deletes orphans of a `delete-orphan` collection.
 *
 * @example
 * S.update(alice, { name: 'Alicia' })
 * S.update(book, { author: bob })                       // bob.books gains it, alice.books loses it
 * S.update(author, { books: author.books.slice(1) })    // delete-orphan: the first book is deleted at flush
 * @category session
 */
export const update =
  <I extends AnyInstance>(value: I, changes: Changes<I>): Session<I> =>
  (uow) => {
    const row = tracked(uow, value, 'update')
    if (E.isLeft(row)) return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, I>(row.left)(uow)
    const entity = metaOf(value)!.entity
    const meta = entity.$
    const ch = changes as Row
    let u = uow
    const root = row.right
    const merged = Object.assign({}, valuesOf(u, entity, root), columnsOnly(meta, ch))
    const ok = validateRow(meta, merged)
    if (E.isLeft(ok)) return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, I>(ok.left)(uow)
    for (let i = 0; i < meta.tables.length; i++) {
      const cols = columnsFor(meta, ch, i)
      if (Object.keys(cols).length === 0) continue
      const part = i === 0 ? root : partRow(u, root, meta.tables[i].name)
      if (part) u = patch(u, part.key, cols)
    }
    const rels = Object.keys(ch).filter((k) => k in meta.relations)
    const shape = mergeShapes(shapeOf(value), rels.map((name) => ({ name, nested: shapeOf(Array.isArray(ch[name]) ? (ch[name] as ReadonlyArray<unknown>)[0] : ch[name]) })))
    return pipe(
      rels.reduce<Session<void>>((acc, name) => pipe(acc, SRTE.chain((): Session<void> => (s: UnitOfWork) => setRelation(entity, lookup(s, root.key)!, name, ch[name])(s))), SRTE.right(undefined)),
      SRTE.chain(() => SRTE.gets((s: UnitOfWork) => hydrateGraph(s, entity, lookup(s, root.key)!, shape) as I)),
    )(u)
  }

/**
 * Sets what a relationship of a value holds, typed by the relationship's reference (works
 * whether or not the value holds it yet). Returns the new value, holding the relationship.
 *
 * @example
 * S.relate(book, Book.author, bob)
 * @category session
 */
export const relate = <I extends AnyInstance, Name extends string, Tgt, Card extends Cardinality>(
  value: I,
  ref: RelationRef<unknown, Name, Tgt, Card>,
  held: Card extends 'many' ? ReadonlyArray<InstanceOf<Tgt>> : InstanceOf<Tgt> | null,
): Session<I & { readonly [K in Name]: RelatedValue<Tgt, Card, unknown> }> =>
  update(value, { [ref.name]: held } as Changes<I>) as Session<I & { readonly [K in Name]: RelatedValue<Tgt, Card, unknown> }>

/**
 * Marks a value for deletion at the next flush (a pending one is simply dropped), with its
 * cascades: `delete` children (loaded when needed) and association rows; `passiveDeletes`
 * children are left to the database's ON DELETE CASCADE.
 * @category session
 */
const remove =
  (value: AnyInstance): Session<void> =>
  (uow) => {
    const row = tracked(uow, value, 'delete')
    if (E.isLeft(row)) return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, void>(row.left)(uow)
    return deleteCascade(metaOf(value)!.entity, [row.right])(uow)
  }
export { remove as delete }

/**
 * Loads a relationship of a value already in the session, explicitly (one SELECT; none when
 * already loaded), and returns the value holding it. A relationship whose strategy is `raise`
 * (by default or by the query that read the value) is a RelationNotLoaded error instead.
 *
 * @example
 * S.load(author, Author.books)   // Session<typeof author & { books: ReadonlyArray<BookValue> }>
 * @category session
 */
export const load =
  <I extends AnyInstance, Name extends string, Tgt, Card extends Cardinality>(
    value: I,
    ref: RelationRef<unknown, Name, Tgt, Card> | Name,
  ): Session<I & { readonly [K in Name]: RelatedValue<Tgt, Card, unknown> }> =>
  (uow) => {
    type Out = I & { readonly [K in Name]: RelatedValue<Tgt, Card, unknown> }
    const row = tracked(uow, value, 'load')
    if (E.isLeft(row)) return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, Out>(row.left)(uow)
    const m = metaOf(value)!
    const name = typeof ref === 'string' ? ref : ref.name
    const rel = m.entity.$.relations[name]
    if (!rel) return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, Out>(invalid(`${m.entity.$.name} has no relationship "${name}"`))(uow)
    const shape = mergeShapes(shapeOf(value), [{ name, nested: [] }])
    const done: Session<Out> = SRTE.gets((s: UnitOfWork) => hydrateGraph(s, m.entity, lookup(s, row.right.key)!, shape, m.raise) as Out)
    if (isLoaded(uow, row.right, name)) return done(uow)
    if (rel.lazy === 'raise' || (m.raise ?? []).includes(name))
      return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, Out>({ _tag: 'RelationNotLoaded', entity: m.entity.$.name, relation: name, message: `${m.entity.$.name}.${name} is not loaded and its strategy is raise` })(uow)
    const r = resolve(m.entity, name)
    if (typeof r === 'string') return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, Out>(invalid(r))(uow)
    return pipe(
      Core.autoflush,
      SRTE.chain((): Session<void> => (s) => loadRelation(m.entity, [lookup(s, row.right.key)!], { strategy: 'selectin', r, nested: [] })(s)),
      SRTE.chain((): Session<Out> => done),
    )(uow)
  }

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
    SRTE.chain((found) => (O.isSome(found) ? update(found.value as I, values as Partial<I>) : add(transientValue(m.entity, value) as I))),
  )
}

/** Reads the value's row again, discarding its unflushed changes. @category session */
export const refresh = <I extends AnyInstance>(value: I): Session<I> => {
  const m = metaOf(value)
  if (!m || m.key === undefined) return SRTE.left(invalid('refresh: the value is not in this session'))
  const entity = m.entity
  return pipe(
    SRTE.gets((uow: UnitOfWork) => lookup(uow, m.key!)),
    SRTE.chain((row) => (row ? Core.fromConnection((conn) => conn.execute(pipe(select(entity.$.table) as unknown as Select<Row>, where(keyPredicate(entity.$.table, [row.values]))))) : SRTE.left(invalid('refresh: the value is not in this session')))),
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
    return () => TE.right<DbError, [O.Option<I>, UnitOfWork]>([row && row.state !== 'deleted' ? O.some(hydrateGraph(uow, m!.entity, row, shapeOf(value)) as I) : O.none, uow])
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

export { bulkInsert, bulkUpdate, updateWhere, deleteWhere, type Synchronize } from './bulk.js'

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
  Core.runSession(engine, program, { ...options, listeners: anyMapperEvents() ? [entityEvents, ...(options.listeners ?? [])] : (options.listeners ?? []) })

/** The tracked row of a value, for inspection in tests and tools. @internal */
export const trackedRow = (uow: UnitOfWork, value: AnyInstance): TrackedRow | undefined => {
  const key = metaOf(value)?.key
  return key === undefined ? undefined : lookup(uow, key)
}

/** The entity a tracked row maps to. @internal */
export const entityOfRow = entityFor
