/**
 * planFlush: the pure half of a flush. From a unit of work it computes the ordered steps —
 * inserts in foreign-key dependency order (tables topologically, and rows of a
 * self-referential table by their references), batched into multi-row inserts; updates of
 * changed columns only; deletes in reverse dependency order. Nothing runs here: a plan can
 * be inspected and tested without a database, and `runFlush` executes it.
 *
 * @category session
 */
import type { AnyTable } from '../../algebra/Table.js'
import { changedColumns, primaryKeyOf, type PendingRef, type RowKey, type RowValues, type TrackedRow, type UnitOfWork } from './UnitOfWork.js'

/** One row of an insert batch. */
export interface PlannedInsert {
  readonly key: RowKey
  readonly values: RowValues
  readonly refs: Readonly<Record<string, PendingRef>>
}

/** A step of a flush. */
export type FlushStep =
  | {
      /** One multi-row INSERT (split further at run time under the parameter limit). */
      readonly _tag: 'Insert'
      readonly table: AnyTable
      /** Property keys inserted, the same for every row of the batch. */
      readonly columns: ReadonlyArray<string>
      readonly rows: ReadonlyArray<PlannedInsert>
    }
  | {
      /** An UPDATE of one row's changed columns, matched by primary key (and version). */
      readonly _tag: 'Update'
      readonly table: AnyTable
      readonly key: RowKey
      readonly pk: RowValues
      readonly set: RowValues
      readonly refs: Readonly<Record<string, PendingRef>>
      readonly version?: { readonly column: string; readonly expected: unknown }
    }
  | {
      /** A DELETE of rows by primary key (one row at a time when versioned). */
      readonly _tag: 'Delete'
      readonly table: AnyTable
      readonly keys: ReadonlyArray<RowKey>
      readonly pks: ReadonlyArray<RowValues>
      readonly version?: { readonly column: string; readonly expected: unknown }
    }


/** The ordered steps of one flush. */
export interface FlushPlan {
  readonly steps: ReadonlyArray<FlushStep>
}

/** Tables ordered so that every table comes after the tables it references (cycles broken by name). @category session */
export const sortTables = (tables: ReadonlyArray<AnyTable>): ReadonlyArray<AnyTable> => {
  const byName = new Map(tables.map((t) => [t.name, t]))
  const out: AnyTable[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (t: AnyTable): void => {
    if (state.get(t.name)) return
    state.set(t.name, 'visiting')
    for (const fk of t.definition().foreignKeys) {
      const parent = byName.get(fk.refTable)
      if (parent && parent.name !== t.name && state.get(parent.name) !== 'visiting') visit(parent)
    }
    state.set(t.name, 'done')
    out.push(t)
  }
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(t)
  return out
}

/**
 * Depth of each row along references to other rows of the same table in the set (0: depends
 * on none; rows of other tables are ordered by the table sort). Rows without such references
 * are left out of the map: read a missing depth as 0.
 */
const depths = (rows: ReadonlyArray<TrackedRow>, parentsOf: (r: TrackedRow) => ReadonlyArray<RowKey>): Map<RowKey, number> => {
  const depth = new Map<RowKey, number>()
  const parents = new Map<RowKey, ReadonlyArray<RowKey>>()
  for (const r of rows) {
    const ps = parentsOf(r)
    if (ps.length > 0) parents.set(r.key, ps)
  }
  if (parents.size === 0) return depth
  const byKey = new Map(rows.map((r) => [r.key, r]))
  const visiting = new Set<RowKey>()
  const go = (r: TrackedRow): number => {
    const known = depth.get(r.key)
    if (known !== undefined) return known
    if (visiting.has(r.key)) return 0
    visiting.add(r.key)
    let d = 0
    for (const p of parents.get(r.key) ?? []) {
      const parent = byKey.get(p)
      if (parent && parent.table === r.table) d = Math.max(d, go(parent) + 1)
    }
    visiting.delete(r.key)
    depth.set(r.key, d)
    return d
  }
  for (const r of rows) if (parents.has(r.key)) go(r)
  return depth
}

const NONE: ReadonlyArray<RowKey> = []

/** The keys of the rows (pending, of the same table) a pending row's foreign keys wait for. */
const pendingParents = (r: TrackedRow): ReadonlyArray<RowKey> => {
  let out: RowKey[] | undefined
  const name = r.table.name
  const n = name.length
  for (const k in r.refs) {
    const ref = r.refs[k].row
    // Row keys are `table \0 key`: only a row of the same table can be a same-table parent.
    if (ref.length > n && ref.charCodeAt(n) === 0 && ref.startsWith(name)) (out ??= []).push(ref)
  }
  return out ?? NONE
}

/**
 * For rows being deleted: the keys of the rows of the same table (also being deleted) that
 * each one references through a single-column self-referencing foreign key, by its loaded
 * values. One index per table and key, so the whole set costs linear time.
 */
const selfParents = (rows: ReadonlyArray<TrackedRow>): ((r: TrackedRow) => ReadonlyArray<RowKey>) => {
  const indexes = new Map<string, Map<string, RowKey[]>>()
  const index = (table: AnyTable, refKey: string): Map<string, RowKey[]> => {
    const id = `${table.name}\u0000${refKey}`
    let m = indexes.get(id)
    if (m === undefined) {
      m = new Map()
      for (const p of rows) {
        if (p.table !== table) continue
        const v = (p.loaded ?? p.values)[refKey]
        if (v === undefined || v === null) continue
        const list = m.get(String(v))
        if (list) list.push(p.key)
        else m.set(String(v), [p.key])
      }
      indexes.set(id, m)
    }
    return m
  }
  return (r) => {
    const loaded = r.loaded ?? r.values
    const out: RowKey[] = []
    for (const fk of r.table.definition().foreignKeys) {
      if (fk.refTable !== r.table.name || fk.columns.length !== 1) continue
      const col = r.table.columnNames.find((c) => c.name === fk.columns[0])
      const refCol = r.table.columnNames.find((c) => c.name === fk.refColumns[0])
      if (!col || !refCol) continue
      const v = loaded[col.key]
      if (v === undefined || v === null) continue
      out.push(...(index(r.table, refCol.key).get(String(v)) ?? []))
    }
    return out
  }
}

const pkValues = (row: TrackedRow, source: RowValues): RowValues => {
  const out: Record<string, unknown> = {}
  for (const k of primaryKeyOf(row.table)) out[k] = source[k]
  return out
}

const versionOf = (row: TrackedRow) =>
  row.versionKey !== undefined ? { column: row.versionKey, expected: (row.loaded ?? row.values)[row.versionKey] } : undefined

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k)

/** The columns an INSERT of a pending row writes: those with a value, and those waiting on a reference. */
const insertedColumns = (r: TrackedRow): string[] => {
  const columns = Object.keys(r.values).filter((k) => r.values[k] !== undefined || r.refs[k] !== undefined)
  for (const k of Object.keys(r.refs)) if (!columns.includes(k)) columns.push(k)
  return columns
}

/** Whether a pending row writes exactly `columns` (as `insertedColumns` lists them, in any order), without listing its own. */
const writesExactly = (r: TrackedRow, columns: ReadonlyArray<string>): boolean => {
  let n = 0
  for (const k in r.values) if (own(r.values, k) && (r.values[k] !== undefined || r.refs[k] !== undefined)) n++
  for (const k in r.refs) if (own(r.refs, k) && !own(r.values, k)) n++
  if (n !== columns.length) return false
  for (const c of columns) if (r.values[c] === undefined && r.refs[c] === undefined) return false
  return true
}

/**
 * Orders the unit of work's changes into statements.
 *
 * @example
 * planFlush(uow).steps.map((s) => s._tag) // ['Insert', 'Insert', 'Update', 'Delete']
 * @category session
 */
export const planFlush = (uow: UnitOfWork): FlushPlan => {
  const changed: TrackedRow[] = []
  for (const key of uow.changed) {
    const row = uow.rows.get(key)
    if (row) changed.push(row)
  }
  changed.sort((a, b) => a.seq - b.seq)
  const tables = sortTables([...new Map(changed.map((r) => [r.table.name, r.table])).values()])
  const tableIndex = new Map(tables.map((t, i) => [t.name, i]))
  const steps: FlushStep[] = []

  // Inserts: by table order, then (self-references) by depth, batched by column set.
  const pending = changed.filter((r) => r.state === 'pending')
  const insertDepth = depths(pending, pendingParents)
  const rank = (r: TrackedRow) => tableIndex.get(r.table.name)!
  // By table order (rows stay in arrival order within a table), then by depth where rows of a table refer to each other.
  const byTable: TrackedRow[][] = tables.map(() => [])
  for (const r of pending) byTable[rank(r)].push(r)
  const inserts = insertDepth.size === 0 ? byTable.flat() : byTable.flatMap((g) => [...g].sort((a, b) => (insertDepth.get(a.key) ?? 0) - (insertDepth.get(b.key) ?? 0) || a.seq - b.seq))
  // The open batch's rows are appended in place (one array per batch, not a copy per row).
  let batch: { readonly table: AnyTable; readonly columns: ReadonlyArray<string>; readonly depth: number; readonly rows: PlannedInsert[] } | undefined
  for (let i = 0; i < inserts.length; i++) {
    const r = inserts[i]
    const planned: PlannedInsert = { key: r.key, values: r.values, refs: r.refs }
    const depth = insertDepth.get(r.key) ?? 0
    if (batch && batch.table === r.table && batch.depth === depth && writesExactly(r, batch.columns)) batch.rows.push(planned)
    else {
      const columns = insertedColumns(r)
      batch = { table: r.table, columns, depth, rows: [planned] }
      steps.push({ _tag: 'Insert', table: r.table, columns, rows: batch.rows })
    }
  }

  // Updates: changed columns only, in table order.
  const dirty = changed
    .filter((r) => r.state === 'persistent')
    .sort((a, b) => tableIndex.get(a.table.name)! - tableIndex.get(b.table.name)! || a.seq - b.seq)
  for (const r of dirty) {
    const set = changedColumns(r)
    const refCols = Object.keys(r.refs)
    if (Object.keys(set).length === 0 && refCols.length === 0) continue
    const version = versionOf(r)
    steps.push({ _tag: 'Update', table: r.table, key: r.key, pk: pkValues(r, r.loaded ?? r.values), set, refs: r.refs, ...(version ? { version } : {}) })
  }

  // Deletes: reverse table order; within a table, children before parents.
  const deleted = changed.filter((r) => r.state === 'deleted')
  const deleteDepth = depths(deleted, selfParents(deleted))
  const deletes = [...deleted].sort((a, b) => rank(b) - rank(a) || (deleteDepth.get(b.key) ?? 0) - (deleteDepth.get(a.key) ?? 0) || a.seq - b.seq)
  let open: { readonly table: AnyTable; readonly depth: number; readonly keys: RowKey[]; readonly pks: RowValues[] } | undefined
  for (let i = 0; i < deletes.length; i++) {
    const r = deletes[i]
    const version = versionOf(r)
    const pk = pkValues(r, r.loaded ?? r.values)
    const depth = deleteDepth.get(r.key) ?? 0
    if (version) {
      open = undefined
      steps.push({ _tag: 'Delete', table: r.table, keys: [r.key], pks: [pk], version })
    } else if (open && open.table === r.table && open.depth === depth) {
      open.keys.push(r.key)
      open.pks.push(pk)
    } else {
      open = { table: r.table, depth, keys: [r.key], pks: [pk] }
      steps.push({ _tag: 'Delete', table: r.table, keys: open.keys, pks: open.pks })
    }
  }
  return { steps }
}
