/**
 * Inheritance mapping and entity projections. `subEntity(Employee, { identity: 'manager' })`
 * maps a subtype to the parent's table (single-table, told apart by the discriminator);
 * with `table` its own columns live in a subtable joined on the primary key (joined-table).
 * A query of a base entity is polymorphic: each row comes back as the subtype its
 * discriminator names, with the subtables' columns (LEFT JOINed).
 *
 * `projection(entity)` is how every entity query selects and reads its rows, prefixed and
 * aliased when it is joined into another entity's query.
 *
 * @category inheritance
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { ExprNode, FromItem, JoinClause, SelectItem } from '../algebra/ast.js'
import type { AnyTable, ColumnBuilders, ColumnsOf, InsertRowOf, RowOf, Table } from '../algebra/Table.js'
import type { DbError } from '../effects/DbError.js'
import { primaryKeyOf, type RowValues } from '../effects/session/UnitOfWork.js'
import { builtValueTest, metaOf, rootOf, trackedReader, transientValue, validateRow, withHybrids, type AnyEntity, type AnyInstance, type EntityMeta, type Inheritance } from './Entity.js'
import type { InstanceOf } from './relations.js'

type MakeOf<P> = P extends { readonly make: (input: infer I) => unknown } ? I : never

/** A subtype entity: the parent's columns and values, plus the subtable's (joined-table). */
export type SubEntity<P, C2 extends ColumnBuilders> = P &
  ColumnsOf<C2> & {
    readonly make: (input: MakeOf<P> & Partial<InsertRowOf<C2>>) => E.Either<DbError, InstanceOf<P> & Readonly<RowOf<C2>>>
  }

/** Options of {@link subEntity}. */
export interface SubEntityOptions<C2 extends ColumnBuilders> {
  /** The discriminator value of this subtype. */
  readonly identity: string
  /** Joined-table inheritance: the subtable, whose primary key references the parent's. */
  readonly table?: Table<string, C2>
  readonly name?: string
}

const allSubtypes = (en: AnyEntity): ReadonlyArray<AnyEntity> => (en.$.inheritance?.subtypes ?? []).flatMap((s) => [s, ...allSubtypes(s)])

/**
 * Maps a subtype of an entity that has a discriminator (`polymorphicOn`).
 *
 * @example
 * const Employee = entity(employees, { polymorphicOn: 'type', identity: 'employee' })
 * const Manager = subEntity(Employee, { identity: 'manager' })                       // single-table
 * const Engineer = subEntity(Employee, { identity: 'engineer', table: engineers })  // joined-table
 * S.all(Employee)   // Employee, Manager and Engineer values, each its own type
 * @category inheritance
 */
export const subEntity = <P extends AnyEntity, C2 extends ColumnBuilders = {}>(parent: P, options: SubEntityOptions<C2>): SubEntity<P, C2> => {
  const pinh = parent.$.inheritance
  if (!pinh) throw new Error(`subEntity(${parent.$.name}): the parent has no discriminator (give entity() a polymorphicOn)`)
  const own = options.table as AnyTable | undefined
  const inheritance: Inheritance = { kind: own ? 'joined' : 'single', discriminator: pinh.discriminator, identity: options.identity, parent, subtypes: [] }
  const tables = own ? [...parent.$.tables, own] : parent.$.tables
  const meta: EntityMeta = {
    ...parent.$,
    name: options.name ?? options.identity,
    table: own ?? parent.$.table,
    tables,
    inheritance,
    relations: { ...parent.$.relations },
    codec: own ? (t.intersection([parent.$.codec, ownCodec(own)]) as unknown as EntityMeta['codec']) : parent.$.codec,
  }
  const make = (input: Readonly<Record<string, unknown>>) => {
    const row: Record<string, unknown> = {}
    const rels: Record<string, unknown> = {}
    for (const k of Object.keys(input)) {
      if (Object.prototype.hasOwnProperty.call(meta.relations, k)) rels[k] = input[k]
      else if (k in meta.synonyms) row[meta.synonyms[k]] = input[k]
      else row[k] = input[k]
    }
    row[pinh.discriminator] = options.identity
    const checked = validateRow(meta, row)
    if (E.isLeft(checked)) return checked
    return E.right(transientValue(self, withHybrids(meta, row), rels))
  }
  const columns: Record<string, unknown> = { ...(own ? own.c : {}) }
  for (const k of Object.keys(parent)) if (k !== '$' && k !== 'make' && k !== 'table') columns[k] = (parent as unknown as Record<string, unknown>)[k]
  const self = { ...columns, $: meta, table: meta.table, make } as unknown as SubEntity<P, C2>
  pinh.subtypes.push(self)
  return self
}

const ownCodec = (table: AnyTable): t.Mixed => {
  // The subtable's key is filled from the parent row at flush: never required on input.
  const pk = primaryKeyOf(table)
  const props: Record<string, t.Mixed> = {}
  for (const c of table.columnNames) if (!pk.includes(c.key)) props[c.key] = t.unknown
  return t.partial(props)
}

/** The discriminator values an entity's query admits: its own and its subtypes'. @category inheritance */
export const identities = (en: AnyEntity): ReadonlyArray<string> => (en.$.inheritance ? [en, ...allSubtypes(en)].map((e) => e.$.inheritance!.identity) : [])

/** Whether `value`'s entity is `en` or one of its subtypes. @category inheritance */
export const isA =
  <En extends AnyEntity>(en: En) =>
  (value: { readonly [k: string]: unknown } | object): value is InstanceOf<En> => {
    let e: AnyEntity | undefined = metaOf(value as AnyInstance)?.entity
    while (e) {
      if (e === en || e.$ === en.$) return true
      e = e.$.inheritance?.parent
    }
    return false
  }


// ---------------------------------------------------------------- projections

/** How a query selects an entity's rows and reads them back into table parts. @internal */
export interface Projection {
  readonly from: FromItem
  readonly joins: ReadonlyArray<JoinClause>
  readonly columns: ReadonlyArray<SelectItem>
  /** The discriminator restriction, for a subtype's query. */
  readonly where?: ExprNode
  /** The reference name of the root table in this query. */
  readonly refName: string
  /** A raw row to its table parts, root first; [] when the root's key is NULL (an unmatched LEFT JOIN). */
  readonly read: (raw: RowValues) => ReadonlyArray<{ readonly table: AnyTable; readonly values: RowValues }>
  /**
   * For an entity whose values are exactly its one table's row: a raw row straight to the
   * tracked value (undefined when the key is NULL), skipping the parts.
   */
  readonly readValue?: (raw: RowValues) => RowValues | undefined
}

const col = (ref: string, table: AnyTable, key: string): ExprNode => {
  const c = table.columnNames.find((x) => x.key === key)!
  return { _tag: 'ColumnRef', table: ref, name: c.name, type: c.type }
}

/**
 * The projection of an entity: its root table (under `alias`, columns labelled `prefix + key`),
 * its chain of subtables INNER JOINed and its descendants' subtables LEFT JOINed.
 * @internal
 */
export const projection = (en: AnyEntity, alias?: string, prefix = ''): Projection => {
  const root = rootOf(en).$.table
  const refName = alias ?? root.name
  const from: FromItem = alias ? { _tag: 'TableRef', name: root.name, ...(root.schema ? { schema: root.schema } : {}), alias } : root.ref
  const parts: Array<{ readonly table: AnyTable; readonly ref: string; readonly prefix: string }> = [{ table: root, ref: refName, prefix }]
  const joins: JoinClause[] = []
  const rootPk = primaryKeyOf(root)
  const extra = [...en.$.tables.slice(1).map((tb) => ({ tb, kind: 'INNER' as const })), ...allSubtypes(en).filter((s) => s.$.tables.length > en.$.tables.length).map((s) => ({ tb: s.$.table, kind: 'LEFT' as const }))]
  const seen = new Set(en.$.tables.slice(0, 1).map((x) => x.name))
  for (const { tb, kind } of extra) {
    if (seen.has(tb.name)) continue
    seen.add(tb.name)
    const ref = `${refName}_${tb.name}`
    const pk = primaryKeyOf(tb)
    const on: ExprNode = { _tag: 'Logical', op: 'AND', operands: pk.map((k, i) => ({ _tag: 'Binary', op: '=', left: col(ref, tb, k), right: col(refName, root, rootPk[i]) })) }
    joins.push({ kind, target: { _tag: 'TableRef', name: tb.name, ...(tb.schema ? { schema: tb.schema } : {}), alias: ref }, on })
    parts.push({ table: tb, ref, prefix: `${prefix}${tb.name}__` })
  }
  const columns: SelectItem[] = parts.flatMap((p) => p.table.columnNames.map((c) => ({ alias: p.prefix + c.key, expr: { _tag: 'ColumnRef', table: p.ref, name: c.name, type: c.type } as ExprNode, type: c.type })))
  const ids = en.$.inheritance && en.$.inheritance.parent ? identities(en) : []
  const where: ExprNode | undefined =
    ids.length > 0 ? { _tag: 'InList', operand: col(refName, root, en.$.inheritance!.discriminator), values: ids.map((v) => ({ _tag: 'Param', value: v })), negated: false } : undefined
  const readers = parts.map((p) => ({ table: p.table, cols: p.table.columnNames.map((c) => [c.key, p.prefix + c.key] as const), pk: primaryKeyOf(p.table) }))
  const read = (raw: RowValues) => {
    const out: Array<{ readonly table: AnyTable; readonly values: RowValues }> = []
    for (const p of readers) {
      const values: Record<string, unknown> = {}
      for (const [key, label] of p.cols) values[key] = raw[label]
      const pk = p.pk
      if (pk.some((k) => values[k] === null || values[k] === undefined)) {
        if (p.table === root) return []
        continue
      }
      out.push({ table: p.table, values })
    }
    return out
  }
  const reader = parts.length === 1 ? trackedReader(en, prefix) : null
  // A row the driver already built as the entity's value (`valueRows`, unprefixed labels) is taken as it is.
  const built = prefix === '' ? builtValueTest(en) : undefined
  const direct = reader === null ? null : built === undefined ? reader : (raw: RowValues): RowValues => (built(raw) ? raw : reader(raw))
  const readValue =
    direct === null
      ? undefined
      : rootPk.length === 1
        ? (raw: RowValues): RowValues | undefined => {
            const k = raw[prefix + rootPk[0]]
            return k === null || k === undefined ? undefined : direct(raw)
          }
        : (raw: RowValues): RowValues | undefined => (rootPk.some((k) => raw[prefix + k] === null || raw[prefix + k] === undefined) ? undefined : direct(raw))
  return { from, joins, columns, refName, read, ...(where ? { where } : {}), ...(readValue ? { readValue } : {}) }
}
