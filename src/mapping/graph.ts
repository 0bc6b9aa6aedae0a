/**
 * The object graph in the session's state: which rows each loaded relationship holds
 * (`UnitOfWork.related`), the rows of the other tables of a joined-inheritance value, and
 * hydration of values with exactly the relationships a caller asked for (a `Shape`).
 * `connect` / `disconnect` change one edge of the graph, its foreign keys (or association
 * row) and both sides of a back-populated pair. Pure functions over the unit of work.
 *
 * @category relationships
 * @internal
 */
import { PersistentMap } from '../effects/session/persistent.js'
import {
  addLoaded,
  addLoadedAll,
  addPending,
  identityKey,
  lookup,
  markDeleted,
  patch,
  type RelatedKeys,
  type RowKey,
  type RowValues,
  type TrackedRow,
  type UnitOfWork,
  unitOfWork,
} from '../effects/session/UnitOfWork.js'
import { isTrackedValue, metaOf, rootOf, trackedValue, withHybrids, type AnyEntity, type AnyInstance } from './Entity.js'
import type { Projection } from './inheritance.js'
import { inverseOf, tableWith, type Resolved } from './relations.js'

/** Which relationships to hydrate, nested. */
export interface ShapeNode {
  readonly name: string
  readonly nested: Shape
}
/** A tree of relationship names. */
export type Shape = ReadonlyArray<ShapeNode>

/** Relationship (and part) names as small integers, so that a slot is a number (cheap to hash). */
const slotIds = new Map<string, number>()
const SLOTS_PER_ROW = 65536

const slot = (row: TrackedRow, name: string): number => {
  let id = slotIds.get(name)
  if (id === undefined) slotIds.set(name, (id = slotIds.size))
  return row.seq * SLOTS_PER_ROW + id
}

/** The rows a relationship of a row holds, or undefined when not loaded. @internal */
export const getRelated = (uow: UnitOfWork, row: TrackedRow, name: string): RelatedKeys | undefined => uow.related?.get(slot(row, name))

/** Records the rows a relationship of a row holds. @internal */
export const setRelated = (uow: UnitOfWork, row: TrackedRow, name: string, keys: RelatedKeys): UnitOfWork =>
  unitOfWork(uow.rows, uow.changed, uow.renamed, uow.nextSeq, (uow.related ?? PersistentMap.empty<number, RelatedKeys>()).set(slot(row, name), keys))

/** Relationship states collected to be recorded at once (`setRelatedBatch`). @internal */
export interface RelatedBatch {
  readonly slots: number[]
  readonly keys: RelatedKeys[]
}

/** An empty batch of relationship states. @internal */
export const relatedBatch = (): RelatedBatch => ({ slots: [], keys: [] })

/** Adds the rows a relationship of a row holds to a batch (a later entry for the same slot wins). @internal */
export const noteRelated = (batch: RelatedBatch, row: TrackedRow, name: string, keys: RelatedKeys): void => {
  batch.slots.push(slot(row, name))
  batch.keys.push(keys)
}

/** Records a batch of relationship states as one new version of the graph. @internal */
export const setRelatedBatch = (uow: UnitOfWork, batch: RelatedBatch): UnitOfWork =>
  batch.slots.length === 0 ? uow : unitOfWork(uow.rows, uow.changed, uow.renamed, uow.nextSeq, (uow.related ?? PersistentMap.empty<number, RelatedKeys>()).setMany(batch.slots, batch.keys))

const PART = '\u0000part:'

/** Records the row of another table that holds part of a joined-inheritance value. @internal */
export const setPart = (uow: UnitOfWork, root: TrackedRow, table: string, key: RowKey): UnitOfWork => setRelated(uow, root, PART + table, key)

/** The entity a row really is: the subtype its discriminator names, else `en`. @internal */
export const concrete = (en: AnyEntity, row: TrackedRow | RowValues): AnyEntity => {
  const inh = en.$.inheritance
  if (!inh) return en
  const values = 'values' in row && 'seq' in row ? (row as TrackedRow).values : (row as RowValues)
  const id = values[inh.discriminator]
  if (id === undefined || id === null || id === inh.identity) return en
  const find = (e: AnyEntity): AnyEntity | undefined => {
    if (e.$.inheritance?.identity === id) return e
    for (const s of e.$.inheritance?.subtypes ?? []) {
      const f = find(s)
      if (f) return f
    }
    return undefined
  }
  return find(rootOf(en)) ?? en
}

/** The tracked row holding the columns of `table` for a value whose root row is `root`. @internal */
export const partRow = (uow: UnitOfWork, root: TrackedRow, table: string): TrackedRow | undefined => {
  if (root.table.name === table) return root
  const k = getRelated(uow, root, PART + table)
  return typeof k === 'string' ? lookup(uow, k) : undefined
}

/** The tracked row holding column `key` of a value of `en`. @internal */
export const rowHolding = (uow: UnitOfWork, en: AnyEntity, root: TrackedRow, key: string): TrackedRow =>
  en.$.tables.length === 1 ? root : (partRow(uow, root, tableWith(en, key).name) ?? root)

/** A value's column values across its tables. @internal */
export const valuesOf = (uow: UnitOfWork, en: AnyEntity, root: TrackedRow): RowValues => {
  if (en.$.tables.length === 1) return root.values
  let out: Record<string, unknown> = {}
  for (const t of en.$.tables) {
    const part = partRow(uow, root, t.name)
    if (part) out = Object.assign({}, part.values, out)
  }
  return out
}

const alive = (r: TrackedRow | undefined): r is TrackedRow => r !== undefined && r.state !== 'deleted'

/** Values of clean rows whose value is not the row itself (hybrids, synonyms), by row version. */
const sharedValues = new WeakMap<TrackedRow, AnyInstance>()

/**
 * The one value of a clean single-table row (unchanged since read or flushed), the same object
 * every time it is asked for: the row's values themselves when they are the entity's value,
 * else a value made once per row version (a changed row is a new TrackedRow, so a new value).
 * Undefined for rows with changes or spread over several tables.
 * @internal
 */
export const sharedValue = (en: AnyEntity, row: TrackedRow): AnyInstance | undefined => {
  if (row.values !== row.loaded || en.$.tables.length !== 1) return undefined
  if (isTrackedValue(en, row.values)) return row.values as AnyInstance
  let v = sharedValues.get(row)
  if (v === undefined) sharedValues.set(row, (v = trackedValue(en, row.key, withHybrids(en.$, row.values)) as AnyInstance))
  return v
}

/**
 * The session's value of a row, with the relationships of `shape` (those loaded) nested.
 * @internal
 */
export const hydrate = (uow: UnitOfWork, en: AnyEntity, row: TrackedRow, shape: Shape = [], raise?: ReadonlyArray<string>): AnyInstance => {
  const self = concrete(en, row)
  if (shape.length === 0 && (raise === undefined || raise.length === 0)) {
    const shared = sharedValue(self, row)
    if (shared !== undefined) return shared
  }
  const out = trackedValue(self, row.key, withHybrids(self.$, valuesOf(uow, self, row)), raise)
  for (const node of shape) {
    const rel = self.$.relations[node.name]
    const held = getRelated(uow, row, node.name)
    if (!rel || held === undefined) continue
    const target = rel.target()
    if (Array.isArray(held)) {
      const list: AnyInstance[] = []
      for (const k of held as ReadonlyArray<RowKey>) {
        const child = lookup(uow, k)
        if (alive(child)) list.push(hydrate(uow, target, child, node.nested))
      }
      out[node.name] = list
    } else {
      const one = held === null ? undefined : lookup(uow, held as RowKey)
      out[node.name] = alive(one) ? hydrate(uow, target, one, node.nested) : null
    }
  }
  return out as AnyInstance
}

const mergeShapes = (a: Shape, b: Shape): Shape => {
  const out = [...a]
  for (const n of b) {
    const i = out.findIndex((x) => x.name === n.name)
    if (i < 0) out.push(n)
    else out[i] = { name: n.name, nested: mergeShapes(out[i].nested, n.nested) }
  }
  return out
}

/** The relationships a value holds, as a shape (so that a new version of it keeps them). @internal */
export const shapeOf = (value: unknown): Shape => {
  if (typeof value !== 'object' || value === null) return []
  const m = metaOf(value as AnyInstance)
  if (!m) return []
  const v = value as Readonly<Record<string, unknown>>
  let out: ShapeNode[] | undefined
  for (const name in m.entity.$.relations) {
    if (!(name in v)) continue
    const held = v[name]
    let nested: Shape = []
    if (Array.isArray(held))
      for (const x of held) {
        const s = shapeOf(x)
        if (s.length > 0) nested = mergeShapes(nested, s)
      }
    else nested = shapeOf(held)
    out ??= []
    out.push({ name, nested })
  }
  return out ?? NO_SHAPE
}

const NO_SHAPE: Shape = Object.freeze([])

/** Merges shapes. @internal */
export const merge = mergeShapes

// ---------------------------------------------------------------- edges

const pointAt = (uow: UnitOfWork, holder: TrackedRow, holderCol: string, referenced: TrackedRow, referencedCol: string): UnitOfWork => {
  const v = referenced.values[referencedCol]
  if (v !== undefined && v !== null) return holder.values[holderCol] === v && holder.state !== 'pending' ? uow : patch(uow, holder.key, { [holderCol]: v })
  return patch(uow, holder.key, {}, { [holderCol]: { row: referenced.key, column: referencedCol } })
}

const withKey = (keys: RelatedKeys | undefined, key: RowKey, many: boolean): RelatedKeys | undefined => {
  if (!many) return key
  if (keys === undefined || !Array.isArray(keys)) return keys
  return (keys as ReadonlyArray<RowKey>).includes(key) ? keys : [...(keys as ReadonlyArray<RowKey>), key]
}

const withoutKey = (keys: RelatedKeys | undefined, key: RowKey, many: boolean): RelatedKeys | undefined => {
  if (keys === undefined) return undefined
  if (!many) return keys === key ? null : keys
  return Array.isArray(keys) ? (keys as ReadonlyArray<RowKey>).filter((k) => k !== key) : keys
}

const updateSide = (uow: UnitOfWork, row: TrackedRow, name: string, f: (k: RelatedKeys | undefined) => RelatedKeys | undefined, force: boolean): UnitOfWork => {
  const before = getRelated(uow, row, name)
  const after = f(before)
  if (after === undefined || (before === undefined && !force)) return uow
  return setRelated(uow, row, name, after)
}

const inverseMany = (r: Resolved, inv: string): boolean => {
  const rel = r.target.$.relations[inv]
  return rel !== undefined && (rel._tag === 'HasMany' || rel._tag === 'ManyToMany')
}

/** The association row's values and pending references for an edge of a many-to-many relationship. */
const associationRow = (uow: UnitOfWork, r: Resolved, src: TrackedRow, tgt: TrackedRow) => {
  const th = r.through!
  const values: Record<string, unknown> = {}
  const refs: Record<string, { readonly row: RowKey; readonly column: string }> = {}
  const s = rowHolding(uow, r.source, src, r.sourceKey)
  const t = rowHolding(uow, r.target, tgt, r.targetKey)
  const sv = s.values[r.sourceKey]
  const tv = t.values[r.targetKey]
  if (sv !== undefined && sv !== null) values[th.sourceCol] = sv
  else refs[th.sourceCol] = { row: s.key, column: r.sourceKey }
  if (tv !== undefined && tv !== null) values[th.targetCol] = tv
  else refs[th.targetCol] = { row: t.key, column: r.targetKey }
  return { values, refs, key: identityKey(th.table, values) }
}

/**
 * Adds the edge `src -r-> tgt`: the foreign key (or association row) when `fk`, the
 * relationship's state on both sides (where loaded, or on `src` when `force`). A caller that
 * sets `src`'s whole collection itself afterwards passes `srcSide = false` (one write per
 * collection instead of one copy per element).
 * @internal
 */
export const connect = (uow: UnitOfWork, r: Resolved, src: TrackedRow, tgt: TrackedRow, fk: boolean, force = false, srcSide = true): UnitOfWork => {
  let u = uow
  if (fk) {
    if (r.owner === 'target') u = pointAt(u, rowHolding(u, r.target, tgt, r.targetKey), r.targetKey, rowHolding(u, r.source, src, r.sourceKey), r.sourceKey)
    else if (r.owner === 'source') u = pointAt(u, rowHolding(u, r.source, src, r.sourceKey), r.sourceKey, rowHolding(u, r.target, tgt, r.targetKey), r.targetKey)
    else {
      const a = associationRow(u, r, src, tgt)
      const known = a.key !== undefined ? lookup(u, a.key) : undefined
      if (known?.state === 'deleted') u = { ...u, rows: u.rows.set(known.key, { ...known, state: 'persistent' }), changed: u.changed.delete(known.key) }
      else if (!known) u = addPending(u, r.through!.table, a.values, a.refs)[0]
    }
  }
  if (srcSide) u = updateSide(u, src, r.name, (k) => withKey(k ?? (force && r.many ? [] : undefined), tgt.key, r.many), force)
  const inv = inverseOf(r)
  if (inv) {
    const many = inverseMany(r, inv)
    const t = lookup(u, tgt.key) ?? tgt
    if (!many) {
      // tgt now points at src: it leaves the collection of whoever held it before.
      const before = getRelated(u, t, inv)
      if (typeof before === 'string' && before !== src.key) {
        const old = lookup(u, before)
        if (old) u = updateSide(u, old, r.name, (k) => withoutKey(k, tgt.key, r.many), false)
      }
    }
    u = updateSide(u, t, inv, (k) => withKey(k ?? (force && many ? [] : undefined), src.key, many), !many || force)
  }
  return u
}

/**
 * Removes the edge `src -r-> tgt` from both sides' state; with `fk` also clears the foreign
 * key (or deletes the association row).
 * @internal
 */
export const disconnect = (uow: UnitOfWork, r: Resolved, src: TrackedRow, tgt: TrackedRow, fk: boolean): UnitOfWork => {
  let u = uow
  if (fk) {
    if (r.owner === 'target') u = patch(u, rowHolding(u, r.target, tgt, r.targetKey).key, { [r.targetKey]: null })
    else if (r.owner === 'source') u = patch(u, rowHolding(u, r.source, src, r.sourceKey).key, { [r.sourceKey]: null })
    else {
      const a = associationRow(u, r, src, tgt)
      if (a.key !== undefined) {
        const known = lookup(u, a.key)
        if (known) u = markDeleted(u, known.key)
        else {
          const [withRow, row] = addLoaded(u, r.through!.table, a.values)
          u = markDeleted(withRow, row.key)
        }
      }
    }
  }
  u = updateSide(u, src, r.name, (k) => withoutKey(k, tgt.key, r.many), false)
  const inv = inverseOf(r)
  if (inv) {
    const t = lookup(u, tgt.key)
    if (t) u = updateSide(u, t, inv, (k) => withoutKey(k, src.key, inverseMany(r, inv)), false)
  }
  return u
}

/** The root entity of a value's hierarchy, for comparisons. @internal */
export const sameHierarchy = (a: AnyEntity, b: AnyEntity): boolean => rootOf(a).$ === rootOf(b).$

/**
 * Tracks the table parts of one read value (root first): the identity map wins for rows it
 * already holds. Returns the root's tracked row.
 * @internal
 */
export const trackParts = (uow: UnitOfWork, en: AnyEntity, parts: ReadonlyArray<{ readonly table: { readonly name: string }; readonly values: RowValues }>): readonly [UnitOfWork, TrackedRow] => {
  const rootTable = en.$.tables[0]
  if (parts.length === 1) return addLoaded(uow, rootTable, parts[0].values, en.$.versionKey)
  let [u, root] = addLoaded(uow, rootTable, parts[0].values, en.$.versionKey)
  for (let i = 1; i < parts.length; i++) {
    const t = en.$.tables.find((x) => x.name === parts[i].table.name) ?? allTables(en).find((x) => x.name === parts[i].table.name)
    if (!t) continue
    const [u2, part] = addLoaded(u, t, parts[i].values)
    u = setPart(u2, root, t.name, part.key)
  }
  root = lookup(u, root.key) ?? root
  return [u, root]
}

/** Reads one raw row of a projection and tracks it; undefined when its key is NULL. @internal */
export const trackRaw = (uow: UnitOfWork, en: AnyEntity, proj: Projection, raw: RowValues): readonly [UnitOfWork, TrackedRow] | undefined => {
  if (proj.readValue !== undefined) {
    const v = proj.readValue(raw)
    return v === undefined ? undefined : addLoaded(uow, en.$.tables[0], v, en.$.versionKey)
  }
  const parts = proj.read(raw)
  return parts.length === 0 ? undefined : trackParts(uow, en, parts)
}

/**
 * Reads and tracks the raw rows of a projection (rows whose key is NULL are left out), in one
 * step of the identity map when each row is one table's row. Returns the state, the tracked
 * rows and the raw row each came from (same index).
 * @internal
 */
export const trackAllRaw = (
  uow: UnitOfWork,
  en: AnyEntity,
  proj: Projection,
  raws: ReadonlyArray<RowValues>,
): readonly [UnitOfWork, ReadonlyArray<TrackedRow>, ReadonlyArray<RowValues>] => {
  const read = proj.readValue
  if (read === undefined) {
    let u = uow
    const rows: TrackedRow[] = []
    const from: RowValues[] = []
    for (const raw of raws) {
      const tracked = trackRaw(u, en, proj, raw)
      if (tracked === undefined) continue
      u = tracked[0]
      rows.push(tracked[1])
      from.push(raw)
    }
    return [u, rows, from]
  }
  const values: RowValues[] = []
  let from: RowValues[] | undefined
  for (let i = 0, n = raws.length; i < n; i++) {
    const v = read(raws[i])
    if (v !== undefined) {
      values.push(v)
      from?.push(raws[i])
    } else from ??= raws.slice(0, i)
  }
  const [u, rows] = addLoadedAll(uow, en.$.tables[0], values, en.$.versionKey)
  return [u, rows, from ?? raws]
}

const allTables = (en: AnyEntity): ReadonlyArray<import('../algebra/Table.js').AnyTable> => {
  const r = rootOf(en)
  const go = (e: AnyEntity): ReadonlyArray<import('../algebra/Table.js').AnyTable> => [...e.$.tables, ...(e.$.inheritance?.subtypes ?? []).flatMap(go)]
  return go(r)
}
