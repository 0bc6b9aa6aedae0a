/**
 * Tables: a name plus column builders, giving typed column expressions under `.c`, the
 * table's full definition (for DDL), and aliases.
 *
 * @category schema
 */
import type { CheckDef, ColumnDef, ColumnRefNode, ForeignKeyDef, IndexDef, TableDef, TableRefNode, UniqueDef } from './ast.js'
import type { ColumnSpec } from './Column.js'
import { expr, type Expr } from './Expr.js'
import type { SqlType } from './SqlType.js'

/** Any column builder, whatever its type parameters. */
export interface AnyColumnBuilder {
  readonly spec: ColumnSpec
  readonly _T?: unknown
  readonly _N?: boolean
  readonly _D?: boolean
}

/** The columns of a table: property name to builder. */
export type ColumnBuilders = Readonly<Record<string, AnyColumnBuilder>>

type ValueT<B> = B extends { readonly _T?: infer T } ? Exclude<T, undefined> : never
type IsNullable<B> = B extends { readonly _N?: infer N } ? (Exclude<N, undefined> extends false ? false : true) : true
type HasDefault<B> = B extends { readonly _D?: infer D } ? (Exclude<D, undefined> extends false ? false : true) : true

/** The value a column builder's column produces in a row. */
export type ColumnValue<B> = IsNullable<B> extends true ? ValueT<B> | null : ValueT<B>

/**
 * A column of a table or alias: an expression of its value type, plus what it is.
 *
 * @category schema
 */
export interface Column<A> extends Expr<A> {
  readonly node: ColumnRefNode
  readonly type: SqlType
  /** The property name in the table's `.c`. */
  readonly key: string
}

/** The typed columns of a table. */
export type ColumnsOf<C extends ColumnBuilders> = { readonly [K in keyof C]: Column<ColumnValue<C[K]>> }

/** A row of the table, as selected. */
export type RowOf<C extends ColumnBuilders> = { [K in keyof C]: ColumnValue<C[K]> }

type RequiredKeys<C extends ColumnBuilders> = { [K in keyof C]: HasDefault<C[K]> extends true ? never : IsNullable<C[K]> extends true ? never : K }[keyof C]
type OptionalKeys<C extends ColumnBuilders> = Exclude<keyof C, RequiredKeys<C>>

/** A row as inserted: columns with defaults, nullable or generated ones are optional. */
export type InsertRowOf<C extends ColumnBuilders> = { [K in RequiredKeys<C>]: ColumnValue<C[K]> | Expr<ColumnValue<C[K]>> } & {
  [K in OptionalKeys<C>]?: ColumnValue<C[K]> | Expr<ColumnValue<C[K]>>
}

/** The table-level constraints and indexes, given the table's columns. */
export interface TableExtras {
  readonly primaryKey?: ReadonlyArray<Column<unknown>>
  readonly uniques?: ReadonlyArray<{ readonly name?: string; readonly columns: ReadonlyArray<Column<unknown>> }>
  readonly indexes?: ReadonlyArray<{ readonly name: string; readonly columns: ReadonlyArray<Column<unknown>>; readonly unique?: boolean }>
  readonly checks?: ReadonlyArray<{ readonly name?: string; readonly expr: Expr<boolean | null> }>
  readonly foreignKeys?: ReadonlyArray<{
    readonly name?: string
    readonly columns: ReadonlyArray<Column<unknown>>
    readonly references: () => ReadonlyArray<Column<unknown>>
    readonly onDelete?: ForeignKeyDef['onDelete']
    readonly onUpdate?: ForeignKeyDef['onUpdate']
  }>
}

/**
 * A table (or an alias of one).
 *
 * @category schema
 */
export interface Table<Name extends string = string, C extends ColumnBuilders = ColumnBuilders> {
  readonly _tag: 'Table'
  /** The table's SQL name. */
  readonly name: Name
  readonly schema?: string
  /** The name the table is known by in a FROM clause: its alias, or its name. */
  readonly refName: string
  /** The FROM item. */
  readonly ref: TableRefNode
  /** Typed column expressions. */
  readonly c: ColumnsOf<C>
  /** Column builders, by property name. */
  readonly builders: C
  /** Property name to SQL name, in declaration order. */
  readonly columnNames: ReadonlyArray<{ readonly key: string; readonly name: string; readonly type: SqlType }>
  /** The table's full definition (foreign-key targets resolved on first call). */
  readonly definition: () => TableDef
  /** Phantom row type. */
  readonly _Row?: RowOf<C>
}

/** Any table. */
export type AnyTable = Table<string, ColumnBuilders>

const columnsOf = <C extends ColumnBuilders>(refName: string, builders: C): ColumnsOf<C> => {
  const out: Record<string, Column<unknown>> = {}
  for (const key of Object.keys(builders)) {
    const spec = builders[key].spec
    const name = spec.sqlName ?? key
    out[key] = { ...expr<unknown>({ _tag: 'ColumnRef', table: refName, name, type: spec.type }, spec.type), type: spec.type, key } as Column<unknown>
  }
  return out as ColumnsOf<C>
}

const buildDefinition = (name: string, schema: string | undefined, builders: ColumnBuilders, c: Record<string, Column<unknown>>, extras: TableExtras): TableDef => {
  const keys = Object.keys(builders)
  const pkFromColumns = keys.filter((k) => builders[k].spec.primaryKey).map((k) => c[k].node.name)
  const primaryKey = extras.primaryKey ? extras.primaryKey.map((col) => col.node.name) : pkFromColumns
  const singleIntegerPk =
    primaryKey.length === 1 &&
    keys.some((k) => c[k].node.name === primaryKey[0] && ['Integer', 'BigInt', 'SmallInt'].includes(builders[k].spec.type._tag))
  const columns: ColumnDef[] = keys.map((k) => {
    const s = builders[k].spec
    const colName = c[k].node.name
    const isPk = primaryKey.includes(colName)
    return {
      name: colName,
      type: s.type,
      nullable: isPk ? false : s.nullable,
      autoIncrement: s.autoIncrement ?? (singleIntegerPk && isPk),
      ...(s.default ? { default: s.default } : {}),
    }
  })
  const uniques: UniqueDef[] = [
    ...keys.filter((k) => builders[k].spec.unique).map((k) => ({ columns: [c[k].node.name] })),
    ...(extras.uniques ?? []).map((u) => ({ ...(u.name ? { name: u.name } : {}), columns: u.columns.map((col) => col.node.name) })),
  ]
  const foreignKeys: ForeignKeyDef[] = [
    ...keys.flatMap((k): ForeignKeyDef[] => {
      const r = builders[k].spec.references
      if (!r) return []
      const target = r.target()
      return [
        {
          ...(r.name ? { name: r.name } : {}),
          columns: [c[k].node.name],
          refTable: target.table,
          refColumns: [target.column],
          ...(r.onDelete ? { onDelete: r.onDelete } : {}),
          ...(r.onUpdate ? { onUpdate: r.onUpdate } : {}),
        },
      ]
    }),
    ...(extras.foreignKeys ?? []).map((f) => {
      const targets = f.references()
      return {
        ...(f.name ? { name: f.name } : {}),
        columns: f.columns.map((col) => col.node.name),
        refTable: targets[0]?.node.table ?? '',
        refColumns: targets.map((col) => col.node.name),
        ...(f.onDelete ? { onDelete: f.onDelete } : {}),
        ...(f.onUpdate ? { onUpdate: f.onUpdate } : {}),
      }
    }),
  ]
  const checks: CheckDef[] = [
    ...keys.flatMap((k): CheckDef[] => {
      const chk = builders[k].spec.check
      return chk ? [{ expr: chk(c[k]).node }] : []
    }),
    ...(extras.checks ?? []).map((ch) => ({ ...(ch.name ? { name: ch.name } : {}), expr: ch.expr.node })),
  ]
  const indexes: IndexDef[] = [
    ...keys.filter((k) => builders[k].spec.index).map((k) => ({ name: `ix_${name}_${c[k].node.name}`, columns: [c[k].node.name], unique: false })),
    ...(extras.indexes ?? []).map((ix) => ({ name: ix.name, columns: ix.columns.map((col) => col.node.name), unique: ix.unique ?? false })),
  ]
  return { name, ...(schema ? { schema } : {}), columns, primaryKey, uniques, foreignKeys, checks, indexes }
}

const make = <Name extends string, C extends ColumnBuilders>(
  name: Name,
  schema: string | undefined,
  alias: string | undefined,
  builders: C,
  extrasOf: (c: ColumnsOf<C>) => TableExtras,
  sharedDefinition?: () => TableDef,
): Table<Name, C> => {
  const refName = alias ?? name
  const c = columnsOf(refName, builders)
  let def: TableDef | undefined
  const definition =
    sharedDefinition ??
    ((): TableDef => {
      def ??= buildDefinition(name, schema, builders, c as Record<string, Column<unknown>>, extrasOf(c))
      return def
    })
  const ref: TableRefNode = { _tag: 'TableRef', name, ...(schema ? { schema } : {}), ...(alias ? { alias } : {}) }
  const columnNames = Object.keys(builders).map((key) => ({ key, name: c[key].node.name, type: builders[key].spec.type }))
  return { _tag: 'Table', name, ...(schema ? { schema } : {}), refName, ref, c, builders, columnNames, definition }
}

/**
 * Declares a table.
 *
 * @example
 * const users = table('users', {
 *   id: integer().primaryKey(),
 *   name: varchar(100).notNull(),
 * })
 * users.c.name // Column<string>
 * @category schema
 */
export const table = <Name extends string, C extends ColumnBuilders>(
  name: Name,
  columns: C,
  extras?: (c: ColumnsOf<C>) => TableExtras,
  options?: { readonly schema?: string },
): Table<Name, C> => make(name, options?.schema, undefined, columns, extras ?? (() => ({})))

/**
 * An alias of a table: the same columns, referenced through `alias` (for self-joins).
 *
 * @example
 * const manager = alias(employees, 'manager')
 * @category schema
 */
export const alias = <Name extends string, C extends ColumnBuilders>(t: Table<Name, C>, aliasName: string): Table<Name, C> =>
  make(t.name, t.schema, aliasName, t.builders, () => ({}), t.definition)
