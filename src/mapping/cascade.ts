/**
 * Cascades over the object graph: `addGraph` (the save cascade: a value with its related
 * values becomes pending rows, foreign keys referring to pending parents), `setRelation`
 * (replacing what a relationship holds: foreign keys, association rows, back-populates,
 * delete-orphan) and `deleteCascade` (delete, passive deletes, association rows).
 *
 * @category relationships
 * @internal
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as SRTE from 'fp-ts/lib/StateReaderTaskEither.js'
import type { DbError } from '../effects/DbError.js'
import * as Core from '../effects/session/Session.js'
import { addPending, forget, identityKey, lookup, markDeleted, NO_REFS, patch, primaryKeyOf, type RowKey, type RowValues, type TrackedRow, type UnitOfWork } from '../effects/session/UnitOfWork.js'
import { metaOf, type AnyEntity, type AnyInstance, type EntityMeta } from './Entity.js'
import { concrete, connect, disconnect, getRelated, rowHolding, setPart, setRelated } from './graph.js'
import type { Plan } from './loadPlan.js'
import { postLoad } from './selectin.js'
import { resolve, type Resolved } from './relations.js'

const invalid = (message: string): DbError => ({ _tag: 'InvalidStatement', message })

/** The column values of a value for one table (synonyms resolved). @internal */
export const columnsFor = (meta: EntityMeta, value: RowValues, tableIndex?: number, skip?: string): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  const from = tableIndex ?? 0
  const to = tableIndex === undefined ? meta.tables.length : tableIndex + 1
  for (let i = from; i < to; i++) for (const c of meta.tables[i].columnNames) if (value[c.key] !== undefined && c.key !== skip) out[c.key] = value[c.key]
  for (const s in meta.synonyms) {
    const target = meta.synonyms[s]
    if (value[s] !== undefined && out[target] === undefined && meta.tables.slice(from, to).some((t) => t.columnNames.some((c) => c.key === target))) out[target] = value[s]
  }
  return out
}

const resolved = (en: AnyEntity, name: string): E.Either<DbError, Resolved> => {
  const r = resolve(en, name)
  return typeof r === 'string' ? E.left(invalid(r)) : E.right(r)
}

/** A foreign key of a new child's root row known before the row is tracked: a value, or the pending parent to wait for. */
interface ParentLink {
  readonly column: string
  readonly value: unknown
  readonly ref: { readonly row: RowKey; readonly column: string } | undefined
  /** The child's pending references when `ref` is set (one record shared by the parent's children). */
  readonly refs: Readonly<Record<string, { readonly row: RowKey; readonly column: string }>>
}

/** Tracks a value's rows as pending (one per table of its hierarchy). */
const addRows = (uow: UnitOfWork, en: AnyEntity, value: RowValues, link?: ParentLink): readonly [UnitOfWork, TrackedRow] => {
  const meta = en.$
  // (Built without the linked column rather than deleting it: a deleted property makes the object slow for good.)
  const rootValues = columnsFor(meta, value, 0, link?.column)
  let rootRefs: Readonly<Record<string, { readonly row: RowKey; readonly column: string }>> = NO_REFS
  if (link !== undefined) {
    if (link.ref === undefined) rootValues[link.column] = link.value
    else rootRefs = link.refs
  }
  const [u0, rootKey, added] = addPending(uow, meta.tables[0], rootValues, rootRefs, meta.versionKey)
  if (meta.tables.length === 1) return [u0, added]
  let u = u0
  let root = added
  const rootPk = primaryKeyOf(meta.tables[0])
  for (let i = 1; i < meta.tables.length; i++) {
    const t = meta.tables[i]
    const pk = primaryKeyOf(t)
    const values = columnsFor(meta, value, i)
    const refs: Record<string, { readonly row: RowKey; readonly column: string }> = {}
    pk.forEach((k, j) => {
      const v = root.values[rootPk[j]]
      if (v !== undefined && v !== null) values[k] = v
      else refs[k] = { row: root.key, column: rootPk[j] }
    })
    const [u2, key] = addPending(u, t, values, refs)
    u = setPart(u2, root, t.name, key)
  }
  root = lookup(u, rootKey)!
  return [u, root]
}

/**
 * Adds a value and (by the save cascade) the related values it holds, recording every
 * relationship it holds in the session's graph. Returns the root row.
 * @internal
 */
export const addGraph = (uow: UnitOfWork, value: AnyInstance, link?: ParentLink): E.Either<DbError, readonly [UnitOfWork, TrackedRow]> => {
  const m = metaOf(value)
  if (!m) return E.left(invalid('only values built with an entity’s make() (or read through a session) can be added'))
  if (m.key !== undefined) {
    const known = lookup(uow, m.key)
    if (known && known.state !== 'deleted') return E.right([uow, known])
  }
  const en = concrete(m.entity, value as RowValues)
  let [u, row] = addRows(uow, en, value as RowValues, link)
  for (const name in en.$.relations) {
    const held = (value as Readonly<Record<string, unknown>>)[name]
    if (held === undefined) continue
    const r = resolved(en, name)
    if (E.isLeft(r)) return r
    const set = setEdges(u, r.right, row, held, true)
    if (E.isLeft(set)) return set
    u = set.right
    row = lookup(u, row.key)!
  }
  return E.right([u, row])
}

const targetsOf = (held: unknown): ReadonlyArray<AnyInstance> => (Array.isArray(held) ? (held as ReadonlyArray<AnyInstance>) : held === null || held === undefined ? [] : [held as AnyInstance])

/**
 * Tracks the targets (adding transient ones when the relationship cascades saves). New
 * targets that hold the foreign key get it as they are added (`link`), not by a patch after.
 */
const trackTargets = (uow: UnitOfWork, r: Resolved, held: unknown, link?: ParentLink): E.Either<DbError, readonly [UnitOfWork, ReadonlyArray<TrackedRow>]> => {
  let u = uow
  const rows: TrackedRow[] = []
  for (const v of targetsOf(held)) {
    const key = metaOf(v)?.key
    const known = key !== undefined ? lookup(u, key) : undefined
    if (known && known.state !== 'deleted') {
      rows.push(known)
      continue
    }
    if (!r.relation.cascade.includes('save')) return E.left(invalid(`${r.source.$.name}.${r.name}: a new value needs the 'save' cascade (or S.add it first)`))
    const added = addGraph(u, v, link)
    if (E.isLeft(added)) return added
    u = added.right[0]
    rows.push(added.right[1])
  }
  return E.right([u, rows])
}

const holdsLink = (row: TrackedRow, link: ParentLink): boolean =>
  link.ref === undefined ? row.values[link.column] === link.value : row.refs[link.column]?.row === link.ref.row

/** Connects a new value's relationship to what it holds (no previous state). */
const setEdges = (uow: UnitOfWork, r: Resolved, src: TrackedRow, held: unknown, fresh: boolean): E.Either<DbError, UnitOfWork> => {
  // A one-to-many's new children hold the foreign key: hand it to them as they are added.
  // (Only when the key sits in the target's root table, the row every subtype's value starts from.)
  let link: ParentLink | undefined
  if (r.owner === 'target' && r.target.$.tables[0].columnNames.some((c) => c.key === r.targetKey)) {
    const s = rowHolding(uow, r.source, src, r.sourceKey)
    const v = s.values[r.sourceKey]
    const ref = v === undefined || v === null ? { row: s.key, column: r.sourceKey } : undefined
    link = { column: r.targetKey, value: v, ref, refs: ref === undefined ? NO_REFS : { [r.targetKey]: ref } }
  }
  const t = trackTargets(uow, r, held, link)
  if (E.isLeft(t)) return t
  let u = t.right[0]
  const targets = t.right[1]
  for (const tgt of targets) {
    const child = lookup(u, tgt.key)!
    // A child whose foreign key already holds the link (set as it was added) needs only the
    // relationship state, for which the source's key is enough.
    const fk = link === undefined || !holdsLink(child, link)
    u = connect(u, r, fk ? lookup(u, src.key)! : src, child, fk, true, false)
  }
  const keys = [...new Set(targets.map((x) => x.key))]
  if (fresh || keys.length > 0) u = setRelated(u, lookup(u, src.key)!, r.name, r.many ? keys : (keys[keys.length - 1] ?? null))
  return E.right(u)
}

/**
 * Replaces what a relationship of a tracked row holds: new edges connected (foreign keys,
 * association rows, back-populates), removed ones disconnected; removed children of a
 * `delete-orphan` relationship are deleted (with their own cascades).
 * @internal
 */
export const setRelation = (en: AnyEntity, src: TrackedRow, name: string, held: unknown): Core.Session<void> => (uow) => {
  const r = resolved(en, name)
  if (E.isLeft(r)) return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, void>(r.left)(uow)
  const rel = r.right
  let before = getRelated(uow, src, name)
  if (before === undefined && rel.owner === 'source') {
    // A many-to-one's current target is known from the foreign key even when not loaded.
    const fkValue = src.values[rel.sourceKey]
    const tk = rel.target.$.tables[0]
    if (fkValue === null || fkValue === undefined) before = null
    else {
      // The usual case, a reference to the target's primary key, is an identity-map lookup;
      // a reference to another unique column needs a scan of the tracked rows.
      const pk = primaryKeyOf(tk)
      const byKey = pk.length === 1 && pk[0] === rel.targetKey ? identityKey(tk, { [rel.targetKey]: fkValue }) : undefined
      before =
        byKey !== undefined
          ? (lookup(uow, byKey)?.key ?? null)
          : (uow.rows.values().find((x) => x.table === tk && String(x.values[rel.targetKey]) === String(fkValue))?.key ?? null)
    }
  }
  if (before === undefined) return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, void>(invalid(`${en.$.name}.${name} is not loaded: load it (S.load) before replacing it`))(uow)
  const t = trackTargets(uow, rel, held)
  if (E.isLeft(t)) return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, void>(t.left)(uow)
  let u = t.right[0]
  const newKeys = t.right[1].map((x) => x.key)
  const oldKeys = Array.isArray(before) ? (before as ReadonlyArray<RowKey>) : before === null ? [] : [before as RowKey]
  const newSet = new Set(newKeys)
  const removed = oldKeys.filter((k) => !newSet.has(k))
  const orphans: TrackedRow[] = []
  const orphaning = rel.owner === 'target' && rel.relation.cascade.includes('delete-orphan')
  for (const k of removed) {
    const old = lookup(u, k)
    if (!old) continue
    // A many-to-one's foreign key is simply overwritten by the new target.
    const clearFk = !(rel.owner === 'source' && newKeys.length > 0) && !orphaning
    u = disconnect(u, rel, lookup(u, src.key)!, old, clearFk)
    if (orphaning) orphans.push(lookup(u, k)!)
  }
  const oldSet = new Set(oldKeys)
  for (const k of newKeys) if (!oldSet.has(k)) u = connect(u, rel, lookup(u, src.key)!, lookup(u, k)!, true, true, false)
  u = setRelated(u, lookup(u, src.key)!, name, rel.many ? newKeys : (newKeys[0] ?? null))
  return orphans.length > 0 ? deleteCascade(rel.target, orphans)(u) : SRTE.right<UnitOfWork, Core.SessionEnv, DbError, void>(undefined)(u)
}

const plan = (r: Resolved): Plan => ({ strategy: 'selectin', r, nested: [] })

/**
 * Marks rows for deletion with their cascades: children of `delete` relationships are loaded
 * when needed (one statement per relationship level) and deleted too; `passiveDeletes`
 * children are left to ON DELETE CASCADE (forgotten, never read); association rows of
 * many-to-many relationships are deleted; otherwise loaded children get a NULL foreign key.
 * @internal
 */
export const deleteCascade = (en: AnyEntity, rows: ReadonlyArray<TrackedRow>): Core.Session<void> => {
  if (rows.length === 0) return SRTE.right(undefined)
  const steps = Object.keys(en.$.relations).map((name): Core.Session<void> => (uow) => {
    const r = resolve(en, name)
    if (typeof r === 'string') return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, void>(invalid(r))(uow)
    const rel = r.relation
    if (r.owner === 'source') {
      // Leave the parents' collections.
      let u = uow
      for (const row of rows) {
        const held = getRelated(u, lookup(u, row.key) ?? row, name)
        const tgt = typeof held === 'string' ? lookup(u, held) : undefined
        if (tgt) u = disconnect(u, r, lookup(u, row.key) ?? row, tgt, false)
      }
      return SRTE.right<UnitOfWork, Core.SessionEnv, DbError, void>(undefined)(u)
    }
    if (r.owner === 'target' && (rel._tag === 'HasMany' || rel._tag === 'HasOne') && rel.passiveDeletes) {
      let u = uow
      const drop = (keys: ReadonlyArray<RowKey>) => {
        for (const k of keys) u = forget(u, k)
      }
      for (const row of rows) {
        const held = getRelated(u, row, name)
        drop(Array.isArray(held) ? (held as ReadonlyArray<RowKey>) : typeof held === 'string' ? [held] : [])
      }
      return SRTE.right<UnitOfWork, Core.SessionEnv, DbError, void>(undefined)(u)
    }
    const cascades = rel.cascade.includes('delete')
    const isLoadedAll = rows.every((row) => getRelated(uow, row, name) !== undefined)
    if (r.owner === 'target' && !cascades && !isLoadedAll) return SRTE.right<UnitOfWork, Core.SessionEnv, DbError, void>(undefined)(uow)
    const loadMissing: Core.Session<void> = isLoadedAll
      ? SRTE.right(undefined)
      : postLoad(
          en,
          rows.filter((row) => getRelated(uow, row, name) === undefined),
          [plan(r)],
          undefined,
        )
    return pipe(
      loadMissing,
      SRTE.chain((): Core.Session<ReadonlyArray<TrackedRow>> => (u0) => {
        let u = u0
        const children: TrackedRow[] = []
        for (const row of rows) {
          const cur = lookup(u, row.key) ?? row
          const held = getRelated(u, cur, name)
          for (const k of Array.isArray(held) ? (held as ReadonlyArray<RowKey>) : typeof held === 'string' ? [held] : []) {
            const child = lookup(u, k)
            if (!child || child.state === 'deleted') continue
            if (r.owner === 'through') u = disconnect(u, r, cur, child, true)
            else if (cascades) children.push(child)
            else u = patch(u, child.key, { [r.targetKey]: null })
          }
        }
        return SRTE.right<UnitOfWork, Core.SessionEnv, DbError, ReadonlyArray<TrackedRow>>(children)(u)
      }),
      SRTE.chain((children) => (r.owner === 'target' && cascades ? deleteCascade(r.target, children) : SRTE.right(undefined))),
    )(uow)
  })
  return pipe(
    steps.reduce<Core.Session<void>>((acc, s) => pipe(acc, SRTE.chain(() => s)), SRTE.right(undefined)),
    SRTE.chain((): Core.Session<void> => (uow) => {
      let u = uow
      for (const row of rows) {
        const cur = lookup(u, row.key)
        if (!cur) continue
        // Subtables first: their rows reference the root row.
        for (const t of en.$.tables.slice(1)) {
          const part = getRelated(u, cur, `\u0000part:${t.name}`)
          if (typeof part === 'string') u = markDeleted(u, part)
        }
        u = markDeleted(u, cur.key)
      }
      return SRTE.right<UnitOfWork, Core.SessionEnv, DbError, void>(undefined)(u)
    }),
  )
}
