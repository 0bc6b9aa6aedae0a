/**
 * Comparing schema values: declared (normalised) metadata against a reflected schema.
 * Names the database generated are ignored when the declaration has none; CHECK
 * expressions are compared by name and count only (databases re-spell them).
 *
 * @category migrations
 */
import type { ColumnDef, ColumnDefault, ForeignKeyDef, TableDef } from '../algebra/ast.js'
import type { SqlType } from '../algebra/SqlType.js'

/** A canonical string of a type: equal types, equal keys. @category migrations */
export const typeKey = (t: SqlType): string => {
  switch (t._tag) {
    case 'Numeric':
      return `Numeric(${t.precision ?? ''},${t.scale ?? ''})`
    case 'Varchar':
      return `Varchar(${t.length ?? ''})`
    case 'Binary':
      return `Binary(${t.length ?? ''})`
    case 'Timestamp':
      return t.withTimeZone ? 'Timestamptz' : 'Timestamp'
    case 'Enum':
      return `Enum(${t.name}:${t.values.join('|')})`
    default:
      return t._tag
  }
}

/** A canonical string of a column default; expressions compare by presence only. @category migrations */
export const defaultKey = (d: ColumnDefault | undefined): string => {
  if (d === undefined) return 'none'
  switch (d._tag) {
    case 'Now':
      return 'now'
    case 'Expr':
      return 'expr'
    case 'Value': {
      const v = d.value
      if (v === null || v === undefined) return 'none'
      if (v instanceof Date) return 'v:' + v.toISOString()
      if (v instanceof Uint8Array) return 'v:' + Buffer.from(v).toString('hex')
      if (typeof v === 'object') return 'v:' + JSON.stringify(v)
      return 'v:' + String(v)
    }
  }
}

const cols = (c: ReadonlyArray<string>): string => c.join(',')

/** Differences between two columns of the same name (empty when equal). @category migrations */
export const columnDifferences = (want: ColumnDef, got: ColumnDef, compareDefaults = true): ReadonlyArray<string> => {
  const out: string[] = []
  const where = `column ${want.name}`
  if (typeKey(want.type) !== typeKey(got.type)) out.push(`${where}: type ${typeKey(want.type)} != ${typeKey(got.type)}`)
  if (want.nullable !== got.nullable) out.push(`${where}: nullable ${want.nullable} != ${got.nullable}`)
  if (want.autoIncrement !== got.autoIncrement) out.push(`${where}: autoIncrement ${want.autoIncrement} != ${got.autoIncrement}`)
  if (compareDefaults && defaultKey(want.default) !== defaultKey(got.default)) out.push(`${where}: default ${defaultKey(want.default)} != ${defaultKey(got.default)}`)
  return out
}

/** True when two foreign keys are the same constraint (ignoring generated names). @category migrations */
export const sameForeignKey = (a: ForeignKeyDef, b: ForeignKeyDef): boolean =>
  cols(a.columns) === cols(b.columns) &&
  a.refTable === b.refTable &&
  cols(a.refColumns) === cols(b.refColumns) &&
  (a.onDelete ?? '') === (b.onDelete ?? '') &&
  (a.onUpdate ?? '') === (b.onUpdate ?? '')

/**
 * Every difference between a declared table (already normalised for the database) and the
 * reflected one; empty when they agree.
 *
 * @category migrations
 */
export const tableDifferences = (want: TableDef, got: TableDef): ReadonlyArray<string> => {
  const out: string[] = []
  const gotCols = new Map(got.columns.map((c) => [c.name, c]))
  for (const c of want.columns) {
    const g = gotCols.get(c.name)
    if (g === undefined) out.push(`column ${c.name} missing`)
    else out.push(...columnDifferences(c, g))
  }
  for (const g of got.columns) if (!want.columns.some((c) => c.name === g.name)) out.push(`column ${g.name} unexpected`)
  if (cols(want.primaryKey) !== cols(got.primaryKey)) out.push(`primary key (${cols(want.primaryKey)}) != (${cols(got.primaryKey)})`)
  const wantU = want.uniques.map((u) => cols(u.columns)).sort()
  const gotU = got.uniques.map((u) => cols(u.columns)).sort()
  if (wantU.join(';') !== gotU.join(';')) out.push(`uniques [${wantU.join('; ')}] != [${gotU.join('; ')}]`)
  for (const u of want.uniques)
    if (u.name !== undefined && !got.uniques.some((g) => g.name === u.name)) out.push(`unique ${u.name} missing by name`)
  if (want.foreignKeys.length !== got.foreignKeys.length) out.push(`${want.foreignKeys.length} foreign keys != ${got.foreignKeys.length}`)
  for (const f of want.foreignKeys) {
    const g = got.foreignKeys.find((x) => sameForeignKey(f, x))
    if (g === undefined) out.push(`foreign key (${cols(f.columns)}) -> ${f.refTable}(${cols(f.refColumns)}) ${f.onDelete ?? ''}/${f.onUpdate ?? ''} missing`)
    else if (f.name !== undefined && g.name !== f.name) out.push(`foreign key ${f.name} named ${g.name ?? '(none)'}`)
  }
  if (want.checks.length !== got.checks.length) out.push(`${want.checks.length} checks != ${got.checks.length}`)
  for (const ch of want.checks)
    if (ch.name !== undefined && !got.checks.some((g) => g.name === ch.name)) out.push(`check ${ch.name} missing`)
  const gotIx = new Map(got.indexes.map((i) => [i.name, i]))
  for (const i of want.indexes) {
    const g = gotIx.get(i.name)
    if (g === undefined) out.push(`index ${i.name} missing`)
    else if (cols(g.columns) !== cols(i.columns) || g.unique !== i.unique) out.push(`index ${i.name} differs`)
  }
  for (const g of got.indexes) if (!want.indexes.some((i) => i.name === g.name)) out.push(`index ${g.name} unexpected`)
  return out.map((d) => `${want.name}: ${d}`)
}

/** Differences between two whole schemas (tables matched by name). @category migrations */
export const schemaDifferences = (want: ReadonlyArray<TableDef>, got: ReadonlyArray<TableDef>): ReadonlyArray<string> => {
  const out: string[] = []
  for (const t of want) {
    const g = got.find((x) => x.name === t.name)
    if (g === undefined) out.push(`table ${t.name} missing`)
    else out.push(...tableDifferences(t, g))
  }
  for (const g of got) if (!want.some((t) => t.name === g.name)) out.push(`table ${g.name} unexpected`)
  return out
}
