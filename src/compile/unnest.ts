/**
 * Whether a multi-row VALUES can be sent as one array parameter per column (`insertUnnest`
 * dialects): the shape walk and the INSERT compiler decide with the same test.
 *
 * @internal
 * @category compile
 */
import type { ExprNode } from '../algebra/ast.js'
import type { SqlType } from '../algebra/SqlType.js'

const sameParamType = (a: SqlType, b: SqlType): boolean =>
  a === b ||
  (a._tag === b._tag &&
    (a._tag !== 'Timestamp' || a.withTimeZone === (b as typeof a).withTimeZone) &&
    (a._tag !== 'Enum' || a.name === (b as typeof a).name))

/** The type of column `j` of `rows` when every value in it is a parameter of one type (or NULL). */
const columnType = (rows: ReadonlyArray<ReadonlyArray<ExprNode>>, j: number): SqlType | undefined => {
  let type: SqlType | undefined
  for (let r = 0; r < rows.length; r++) {
    const cell = rows[r][j]
    if (cell._tag === 'Null') continue
    if (cell._tag !== 'Param' || cell.type === undefined) return undefined
    if (type === undefined) type = cell.type
    else if (!sameParamType(type, cell.type)) return undefined
  }
  return type
}

/**
 * The column types when a multi-row VALUES (two rows or more) can be sent as one array per
 * column: every value a parameter (or NULL), each column of one SQL type. `undefined` otherwise.
 * The walk and the compiler both decide with this. @internal
 */
export const unnestTypes = (rows: ReadonlyArray<ReadonlyArray<ExprNode>>): ReadonlyArray<SqlType> | undefined => {
  if (rows.length < 2) return undefined
  const k = rows[0].length
  if (k === 0) return undefined
  for (let r = 1; r < rows.length; r++) if (rows[r].length !== k) return undefined
  const types: SqlType[] = []
  for (let j = 0; j < k; j++) {
    const t = columnType(rows, j)
    if (t === undefined) return undefined
    types.push(t)
  }
  return types
}
