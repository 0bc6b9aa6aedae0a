/**
 * Applying operations to an in-memory schema: what the database looks like after an
 * operation. Used to thread state through a migration (MySQL's MODIFY COLUMN and SQLite's
 * rebuilds need the current definition) and to replay revisions for offline SQL.
 *
 * @category migrations
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ColumnDef, TableDef } from '../algebra/ast.js'
import type { DbError } from '../effects/DbError.js'
import type { Operation } from './Operation.js'

/** A schema: its tables, by name. @category migrations */
export type Schema = ReadonlyMap<string, TableDef>

/** A schema from a list of tables. @category migrations */
export const schemaOf = (tables: ReadonlyArray<TableDef>): Schema => new Map(tables.map((t) => [t.name, t]))

const invalid = (message: string): DbError => ({ _tag: 'InvalidStatement', message })

/** The table `name`, or an InvalidStatement naming it. @category migrations */
export const tableIn = (s: Schema, name: string): E.Either<DbError, TableDef> => {
  const t = s.get(name)
  return t === undefined ? E.left(invalid(`table ${name} does not exist`)) : E.right(t)
}

const put = (s: Schema, t: TableDef, removing?: string): Schema => {
  const m = new Map(s)
  if (removing !== undefined) m.delete(removing)
  m.set(t.name, t)
  return m
}

const renameIn = (cols: ReadonlyArray<string>, from: string, to: string): ReadonlyArray<string> => cols.map((c) => (c === from ? to : c))
const without = (cols: ReadonlyArray<string>, c: string): boolean => !cols.includes(c)

/** The column after an AlterColumn (without the rename). @category migrations */
export const alteredColumn = (c: ColumnDef, o: Extract<Operation, { readonly _tag: 'AlterColumn' }>): ColumnDef => {
  const { default: d, ...rest } = c
  const nextDefault = o.default === undefined ? d : o.default === null ? undefined : o.default
  return {
    ...rest,
    ...(o.type ? { type: o.type } : {}),
    ...(o.nullable === undefined ? {} : { nullable: o.nullable }),
    ...(nextDefault ? { default: nextDefault } : {}),
  }
}

/** The table after a column-, index- or constraint-level operation. @category migrations */
export const alterTable = (t: TableDef, o: Operation): E.Either<DbError, TableDef> => {
  switch (o._tag) {
    case 'AddColumn':
      if (t.columns.some((c) => c.name === o.column.name)) return E.left(invalid(`column ${t.name}.${o.column.name} already exists`))
      return E.right({ ...t, columns: [...t.columns, o.column] })
    case 'DropColumn':
      if (!t.columns.some((c) => c.name === o.column)) return E.left(invalid(`column ${t.name}.${o.column} does not exist`))
      return E.right({
        ...t,
        columns: t.columns.filter((c) => c.name !== o.column),
        uniques: t.uniques.filter((u) => without(u.columns, o.column)),
        indexes: t.indexes.filter((i) => without(i.columns, o.column)),
        foreignKeys: t.foreignKeys.filter((f) => without(f.columns, o.column)),
      })
    case 'AlterColumn': {
      const c = t.columns.find((x) => x.name === o.column)
      if (c === undefined) return E.left(invalid(`column ${t.name}.${o.column} does not exist`))
      const to = o.rename ?? o.column
      if (o.rename !== undefined && o.rename !== o.column && t.columns.some((x) => x.name === o.rename))
        return E.left(invalid(`column ${t.name}.${o.rename} already exists`))
      const next = { ...alteredColumn(c, o), name: to }
      return E.right({
        ...t,
        columns: t.columns.map((x) => (x.name === o.column ? next : x)),
        primaryKey: renameIn(t.primaryKey, o.column, to),
        uniques: t.uniques.map((u) => ({ ...u, columns: renameIn(u.columns, o.column, to) })),
        indexes: t.indexes.map((i) => ({ ...i, columns: renameIn(i.columns, o.column, to) })),
        foreignKeys: t.foreignKeys.map((f) => ({ ...f, columns: renameIn(f.columns, o.column, to) })),
      })
    }
    case 'CreateIndex':
      return E.right({ ...t, indexes: [...t.indexes, o.index] })
    case 'DropIndex':
      if (!t.indexes.some((i) => i.name === o.name)) return E.left(invalid(`index ${o.name} does not exist on ${t.name}`))
      return E.right({ ...t, indexes: t.indexes.filter((i) => i.name !== o.name) })
    case 'AddConstraint': {
      const k = o.constraint
      if (k._tag === 'Unique') return E.right({ ...t, uniques: [...t.uniques, k.def] })
      if (k._tag === 'ForeignKey') return E.right({ ...t, foreignKeys: [...t.foreignKeys, k.def] })
      return E.right({ ...t, checks: [...t.checks, k.def] })
    }
    case 'DropConstraint': {
      const match = (x: { readonly name?: string; readonly columns?: ReadonlyArray<string> }): boolean =>
        (o.name !== undefined && x.name === o.name) || (o.name === undefined && o.columns !== undefined && x.columns?.join(',') === o.columns.join(','))
      const next =
        o.kind === 'unique'
          ? { ...t, uniques: t.uniques.filter((u) => !match(u)) }
          : o.kind === 'foreignKey'
            ? { ...t, foreignKeys: t.foreignKeys.filter((f) => !match(f)) }
            : { ...t, checks: t.checks.filter((c) => !match(c)) }
      const before = t.uniques.length + t.foreignKeys.length + t.checks.length
      const after = next.uniques.length + next.foreignKeys.length + next.checks.length
      return before === after ? E.left(invalid(`constraint ${o.name ?? o.columns?.join(',') ?? '?'} does not exist on ${t.name}`)) : E.right(next)
    }
    default:
      return E.left(invalid(`${o._tag} is not a table alteration`))
  }
}

const tableOf = (o: Operation): string | undefined => ('table' in o && typeof o.table === 'string' ? o.table : undefined)

/**
 * The schema after `o`. Raw SQL and effects leave it unchanged (the runner reflects again
 * after them); bulk inserts do not change it.
 *
 * @category migrations
 */
export const applyOperation = (s: Schema, o: Operation): E.Either<DbError, Schema> => {
  switch (o._tag) {
    case 'CreateTable':
      return s.has(o.table.name) ? E.left(invalid(`table ${o.table.name} already exists`)) : E.right(put(s, o.table))
    case 'DropTable': {
      if (!s.has(o.name)) return E.left(invalid(`table ${o.name} does not exist`))
      const m = new Map(s)
      m.delete(o.name)
      return E.right(m)
    }
    case 'RenameTable': {
      const t = s.get(o.from)
      if (t === undefined) return E.left(invalid(`table ${o.from} does not exist`))
      if (s.has(o.to)) return E.left(invalid(`table ${o.to} already exists`))
      const m = new Map<string, TableDef>()
      for (const [k, v] of s)
        if (k !== o.from) m.set(k, { ...v, foreignKeys: v.foreignKeys.map((f) => (f.refTable === o.from ? { ...f, refTable: o.to } : f)) })
      m.set(o.to, { ...t, name: o.to })
      return E.right(m)
    }
    case 'Execute':
    case 'BulkInsert':
    case 'Run':
      return E.right(s)
    default: {
      const name = tableOf(o)
      if (name === undefined) return E.right(s)
      const t = tableIn(s, name)
      if (E.isLeft(t)) return t
      const next = alterTable(t.right, o)
      return E.isLeft(next) ? next : E.right(put(s, next.right))
    }
  }
}
