/**
 * Resolving relationships to the foreign-key columns that implement them.
 *
 * @category relationships
 */
import type { AnyTable } from '../algebra/Table.js'
import type { Relation } from './Entity.js'

/** A foreign key between two tables, as property keys. */
export interface Link {
  /** The referencing (child) table's column. */
  readonly childKey: string
  /** The referenced (parent) table's column. */
  readonly parentKey: string
}

const keyOf = (t: AnyTable, sqlName: string): string => t.columnNames.find((c) => c.name === sqlName)?.key ?? sqlName

/**
 * The link between `child` and `parent`: the explicit foreign-key column when the relation
 * names one, else the child table's only foreign key to the parent. `undefined` when there is
 * none or more than one (then the relation must name its column).
 * @category relationships
 */
export const linkBetween = (child: AnyTable, parent: AnyTable, relation: Relation): Link | undefined => {
  const fks = child.definition().foreignKeys.filter((fk) => fk.refTable === parent.name && fk.columns.length === 1)
  if (relation.foreignKey) {
    const col = relation.foreignKey()
    const fk = fks.find((f) => f.columns[0] === col.node.name)
    return { childKey: col.key, parentKey: fk ? keyOf(parent, fk.refColumns[0]) : keyOf(parent, parent.definition().primaryKey[0]) }
  }
  if (fks.length !== 1) return undefined
  return { childKey: keyOf(child, fks[0].columns[0]), parentKey: keyOf(parent, fks[0].refColumns[0]) }
}
