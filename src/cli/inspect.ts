/**
 * `athanor inspect`: a reflected schema as readable text.
 *
 * @category cli
 */
import type { ColumnDefault, TableDef } from '../algebra/ast.js'
import type { SqlType } from '../algebra/SqlType.js'

const typeText = (t: SqlType): string => {
  switch (t._tag) {
    case 'Numeric':
      return t.precision === undefined ? 'numeric' : `numeric(${t.precision}${t.scale === undefined ? '' : ', ' + t.scale})`
    case 'Varchar':
      return t.length === undefined ? 'varchar' : `varchar(${t.length})`
    case 'Binary':
      return t.length === undefined ? 'binary' : `binary(${t.length})`
    case 'Timestamp':
      return t.withTimeZone ? 'timestamp with time zone' : 'timestamp'
    case 'Enum':
      return `enum ${t.name} (${t.values.map((v) => JSON.stringify(v)).join(', ')})`
    default:
      return t._tag.toLowerCase()
  }
}

const defaultText = (d: ColumnDefault): string => {
  switch (d._tag) {
    case 'Now':
      return 'now'
    case 'Expr':
      return d.expr._tag === 'Raw' ? d.expr.sql : '(expression)'
    case 'Value':
      return typeof d.value === 'string' ? JSON.stringify(d.value) : String(d.value)
  }
}

/** Formats tables as an indented listing. @category cli */
export const formatSchema = (tables: ReadonlyArray<TableDef>): string => {
  if (tables.length === 0) return '(no tables)'
  const out: string[] = []
  for (const t of tables) {
    out.push(`table ${t.name}`)
    for (const c of t.columns) {
      const bits = [typeText(c.type), c.nullable ? 'null' : 'not null', c.autoIncrement ? 'auto increment' : '', c.default ? 'default ' + defaultText(c.default) : '']
      out.push(`  ${c.name}: ${bits.filter((b) => b !== '').join(', ')}`)
    }
    if (t.primaryKey.length > 0) out.push(`  primary key (${t.primaryKey.join(', ')})`)
    for (const u of t.uniques) out.push(`  unique${u.name ? ' ' + u.name : ''} (${u.columns.join(', ')})`)
    for (const f of t.foreignKeys)
      out.push(`  foreign key${f.name ? ' ' + f.name : ''} (${f.columns.join(', ')}) -> ${f.refTable} (${f.refColumns.join(', ')})${f.onDelete ? ' on delete ' + f.onDelete.toLowerCase() : ''}${f.onUpdate ? ' on update ' + f.onUpdate.toLowerCase() : ''}`)
    for (const c of t.checks) out.push(`  check${c.name ? ' ' + c.name : ''} (${c.expr._tag === 'Raw' ? c.expr.sql : '…'})`)
    for (const i of t.indexes) out.push(`  ${i.unique ? 'unique ' : ''}index ${i.name} (${i.columns.join(', ')})`)
  }
  return out.join('\n')
}
