/**
 * The unit of work: the Session's state. An identity map from row key (table + primary key)
 * to the tracked row, and the set of keys with unflushed changes. Both are persistent maps
 * (`./persistent.ts`, rerooted native Maps), so adding, reading or changing one row costs
 * about what a native Map operation costs, never a copy of the whole map, and every earlier
 * state stays valid (a failed flush simply keeps the old one).
 *
 * @category session
 */
import type { AnyTable } from '../../algebra/Table.js'
import { PersistentMap, PersistentSet } from './persistent.js'

/** A row's identity: table name plus primary-key tuple, or a temporary key while pending without one. */
export type RowKey = string

/** Column values by property key. */
export type RowValues = Readonly<Record<string, unknown>>

/** A foreign-key value that is not known yet: the key of a pending row, to be filled at flush. */
export interface PendingRef {
  /** The referenced row. */
  readonly row: RowKey
  /** The referenced column (property key) of that row. */
  readonly column: string
}

/** The lifecycle state of a tracked row (SQLAlchemy's object states, minus transient/detached, which are untracked). */
export type RowState = 'pending' | 'persistent' | 'deleted'

/**
 * One row the session knows. Every TrackedRow is built with all fields present (absent ones
 * `undefined`), so rows share one object shape: V8 copies and reads them on its fast paths.
 */
export interface TrackedRow {
  readonly key: RowKey
  readonly table: AnyTable
  readonly state: RowState
  /** Order of arrival, so that plans are deterministic. */
  readonly seq: number
  /** The row as last read from or written to the database (persistent rows). */
  readonly loaded?: RowValues
  /** The current values, pending changes included. */
  readonly values: RowValues
  /** Foreign-key columns waiting for a pending row's generated key, by property key. */
  readonly refs: Readonly<Record<string, PendingRef>>
  /** The property key of the version column (optimistic locking), if any. */
  readonly versionKey?: string
}

/** The session's state. */
export interface UnitOfWork {
  readonly rows: PersistentMap<RowKey, TrackedRow>
  /** Keys of rows with changes to flush (new, dirty, deleted). */
  readonly changed: PersistentSet<RowKey>
  /** Temporary keys of rows that have since been flushed, to their permanent key. */
  readonly renamed: PersistentMap<RowKey, RowKey>
  readonly nextSeq: number
  /**
   * Relationship state kept by the mapping layer (loaded collections and references), by a
   * slot number of its choosing (row × relationship). Opaque to the core; absent until a
   * relationship is known.
   */
  readonly related?: PersistentMap<number, RelatedKeys>
}

/** The rows a relationship of one row holds: a collection, one row, or none (null). */
export type RelatedKeys = ReadonlyArray<RowKey> | RowKey | null

/**
 * A unit of work from its parts: a full literal rather than a spread, so every state has one
 * object shape (V8's fast path). @internal
 */
export const unitOfWork = (
  rows: UnitOfWork['rows'],
  changed: UnitOfWork['changed'],
  renamed: UnitOfWork['renamed'],
  nextSeq: number,
  related: UnitOfWork['related'],
): UnitOfWork => ({ rows, changed, renamed, nextSeq, related })

/** `uow` with new rows and changes. */
const next = (uow: UnitOfWork, rows: UnitOfWork['rows'], changed: UnitOfWork['changed'], nextSeq: number = uow.nextSeq): UnitOfWork =>
  unitOfWork(rows, changed, uow.renamed, nextSeq, uow.related)

/** No pending references (shared by every row that has none). @internal */
export const NO_REFS: Readonly<Record<string, PendingRef>> = Object.freeze({})

/** An empty unit of work. @category session */
export const empty: UnitOfWork = { rows: PersistentMap.empty(), changed: PersistentSet.empty(), renamed: PersistentMap.empty(), nextSeq: 0, related: undefined }

const keyPart = (v: unknown): string =>
  typeof v === 'bigint' ? `${v}n` : v instanceof Date ? `D${v.toISOString()}` : typeof v === 'number' ? String(v) : JSON.stringify(v)

/** The primary-key property keys of a table. @category session */
export const primaryKeyOf = (table: AnyTable): ReadonlyArray<string> => {
  let keys = pkKeys.get(table)
  if (keys === undefined) {
    keys = table.definition().primaryKey.map((name) => table.columnNames.find((c) => c.name === name)?.key ?? name)
    pkKeys.set(table, keys)
  }
  return keys
}

const pkKeys = new WeakMap<AnyTable, ReadonlyArray<string>>()

/**
 * The identity key of a row, or `undefined` while part of its primary key is missing.
 * Integer keys read back as bigint or number give the same key.
 * @category session
 */
export const identityKey = (table: AnyTable, values: RowValues): RowKey | undefined => keyerOf(table)(values)

/** A table's identity-key function, made once per table: a lone primary key read directly. */
const keyerOf = (table: AnyTable): ((values: RowValues) => RowKey | undefined) => {
  let f = keyers.get(table)
  if (f === undefined) {
    const pk = primaryKeyOf(table)
    const prefix = table.name + '\u0000'
    if (pk.length === 1) {
      const k = pk[0]
      f = (values) => {
        const v = values[k]
        return typeof v === 'number' ? prefix + v : v === undefined || v === null ? undefined : keyOf(table, values)
      }
    } else f = (values) => keyOf(table, values)
    keyers.set(table, f)
  }
  return f
}
const keyers = new WeakMap<AnyTable, (values: RowValues) => RowKey | undefined>()

const keyOf = (table: AnyTable, values: RowValues): RowKey | undefined => {
  const pk = primaryKeyOf(table)
  if (pk.length === 0) return undefined
  if (pk.length === 1) {
    const v = values[pk[0]]
    if (v === undefined || v === null) return undefined
    if (typeof v === 'number') return table.name + '\u0000' + v
  }
  const parts: string[] = []
  for (const k of pk) {
    const v = values[k]
    if (v === undefined || v === null) return undefined
    parts.push(typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? String(Number(v)) : keyPart(v))
  }
  return `${table.name}\u0000${parts.join('\u0000')}`
}

/** Resolves a key that may have been renamed by a flush. @category session */
export const resolveKey = (uow: UnitOfWork, key: RowKey): RowKey => (uow.renamed.isEmpty() ? key : (uow.renamed.get(key) ?? key))

/** The tracked row under `key` (following renames). @category session */
export const lookup = (uow: UnitOfWork, key: RowKey): TrackedRow | undefined => uow.rows.get(resolveKey(uow, key))

/**
 * Tracks a new row (state pending). Returns the new state, the row's key (its identity key
 * when the primary key is given, a temporary one otherwise) and the tracked row.
 * @category session
 */
export const addPending = (
  uow: UnitOfWork,
  table: AnyTable,
  values: RowValues,
  refs: Readonly<Record<string, PendingRef>> = {},
  versionKey?: string,
): readonly [UnitOfWork, RowKey, TrackedRow] => {
  const key = identityKey(table, values) ?? `${table.name}\u0000#${uow.nextSeq}`
  const row: TrackedRow = { key, table, state: 'pending', seq: uow.nextSeq, loaded: undefined, values, refs, versionKey }
  return [next(uow, uow.rows.set(key, row), uow.changed.add(key), uow.nextSeq + 1), key, row]
}

/**
 * Tracks a row read from the database. When the key is already tracked, the session's row
 * wins (its pending changes are kept), as one primary key is one value within a session.
 * @category session
 */
export const addLoaded = (uow: UnitOfWork, table: AnyTable, values: RowValues, versionKey?: string): readonly [UnitOfWork, TrackedRow] => {
  const key = identityKey(table, values)
  if (key === undefined) {
    const row: TrackedRow = { key: `${table.name}\u0000~${uow.nextSeq}`, table, state: 'persistent', seq: uow.nextSeq, loaded: values, values, refs: {}, versionKey: undefined }
    return [next(uow, uow.rows, uow.changed, uow.nextSeq + 1), row]
  }
  const row: TrackedRow = { key, table, state: 'persistent', seq: uow.nextSeq, loaded: values, values, refs: NO_REFS, versionKey }
  const rows = uow.rows.insert(key, row)
  // Already tracked: the session's row wins.
  if (rows === uow.rows) return [uow, uow.rows.get(key)!]
  return [next(uow, rows, uow.changed, uow.nextSeq + 1), row]
}

/**
 * `addLoaded` for many rows of one table at once, as one new version of the identity map:
 * returns the new state and, for each row, its tracked row (the session's where it already
 * held the key, or an earlier row of the same batch had it).
 * @category session
 */
export const addLoadedAll = (uow: UnitOfWork, table: AnyTable, values: ReadonlyArray<RowValues>, versionKey?: string): readonly [UnitOfWork, ReadonlyArray<TrackedRow>] => {
  const n = values.length
  const keys: RowKey[] = new Array<RowKey>(n)
  const rows: TrackedRow[] = new Array<TrackedRow>(n)
  const seq = uow.nextSeq
  const keyer = keyerOf(table)
  for (let i = 0; i < n; i++) {
    const v = values[i]
    const key = keyer(v)
    if (key === undefined) return addEach(uow, table, values, versionKey)
    keys[i] = key
    rows[i] = { key, table, state: 'persistent', seq: seq + i, loaded: v, values: v, refs: NO_REFS, versionKey }
  }
  const map = uow.rows.insertMany(keys, rows)
  return [map === uow.rows ? uow : next(uow, map, uow.changed, seq + n), rows]
}

/** `addLoaded` row by row (rows without a key are tracked outside the map, one by one). */
const addEach = (uow: UnitOfWork, table: AnyTable, values: ReadonlyArray<RowValues>, versionKey?: string): readonly [UnitOfWork, ReadonlyArray<TrackedRow>] => {
  let u = uow
  const out: TrackedRow[] = new Array<TrackedRow>(values.length)
  for (let i = 0; i < values.length; i++) {
    const [after, row] = addLoaded(u, table, values[i], versionKey)
    u = after
    out[i] = row
  }
  return [u, out]
}

/** Records new values for some columns of a tracked row. @category session */
export const patch = (uow: UnitOfWork, key: RowKey, values: RowValues, refs?: Readonly<Record<string, PendingRef>>): UnitOfWork => {
  const k = resolveKey(uow, key)
  const row = uow.rows.get(k)
  if (!row) return uow
  // A value given for a column replaces the reference it waited on (copied, not deleted: delete makes an object slow).
  let nextRefs: Record<string, PendingRef> | Readonly<Record<string, PendingRef>> = row.refs
  for (const prop in row.refs)
    if (prop in values) {
      const kept: Record<string, PendingRef> = {}
      for (const r in row.refs) if (!(r in values)) kept[r] = row.refs[r]
      nextRefs = kept
      break
    }
  if (refs !== undefined) nextRefs = Object.assign({}, nextRefs, refs)
  const changedRow: TrackedRow = { ...row, values: merge(row.values, values), refs: nextRefs }
  return next(uow, uow.rows.set(k, changedRow), uow.changed.add(k))
}

/** Marks a row for deletion; a pending row is simply forgotten. @category session */
export const markDeleted = (uow: UnitOfWork, key: RowKey): UnitOfWork => {
  const k = resolveKey(uow, key)
  const row = uow.rows.get(k)
  if (!row) return uow
  if (row.state === 'pending') return next(uow, uow.rows.delete(k), uow.changed.delete(k))
  return next(uow, uow.rows.set(k, { ...row, state: 'deleted' }), uow.changed.add(k))
}

/** Forgets a row without touching the database (SQLAlchemy's expunge). @category session */
export const forget = (uow: UnitOfWork, key: RowKey): UnitOfWork => {
  const k = resolveKey(uow, key)
  return next(uow, uow.rows.delete(k), uow.changed.delete(k))
}

/**
 * `{ ...a, ...b }` as a fresh object. V8 spreads two objects with overlapping keys on a slow
 * path (about 10× Object.assign here), and the session merges row values constantly.
 * @internal
 */
export const merge = (a: RowValues, b: RowValues): RowValues => Object.assign({}, a, b)

/** The columns of a persistent row whose current value differs from the loaded one. @category session */
export const changedColumns = (row: TrackedRow): RowValues => {
  const out: Record<string, unknown> = {}
  const loaded = row.loaded ?? {}
  for (const k of Object.keys(row.values)) if (!sameValue(row.values[k], loaded[k])) out[k] = row.values[k]
  return out
}

/** Value equality for change detection: dates by time, bytes by content, JSON structurally. @internal */
export const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (a === null || b === null || a === undefined || b === undefined) return false
  if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b)
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i])
  if (typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b)
  return false
}
