/**
 * Library bugs the property suites have found and that are not fixed yet. Each has a failing
 * regression case in regressions.test.ts; until it is fixed, the differential suite steps
 * around queries that would hit it (counted as `…skippedKnownBug`), so that the generators keep
 * looking for new bugs instead of re-finding this one.
 *
 * @category property-tests
 */
import { outputItems, type ExprNode, type QueryNode } from '../src/algebra/index.js'
import type { DbName } from './arbitraries/schema.js'

const isAggregate = (n: ExprNode): boolean => {
  switch (n._tag) {
    case 'Func':
      return ['COUNT', 'SUM', 'AVG', 'MIN', 'MAX'].includes(n.name.toUpperCase()) || n.args.some(isAggregate)
    case 'Binary':
      return isAggregate(n.left) || isAggregate(n.right)
    case 'Negate':
    case 'Not':
      return isAggregate(n.operand)
    default:
      return false
  }
}

/**
 * The known bug a query would hit on a database, if any.
 *
 * - `mysql-nulls-emulation-aggregate-alias`: on MySQL/MariaDB, `ORDER BY x NULLS FIRST|LAST`
 *   is emulated as `(x IS NULL) DESC, x`; when `x` is the label of an aggregate output column
 *   MariaDB rejects it: "Reference 'c1' not supported (reference to group function)".
 * - `mysql-nulls-emulation-shadowed-alias`: the same emulation, when a FROM source has a
 *   column named like the label: inside `(c1 IS NULL)` MariaDB resolves `c1` to the source's
 *   column, not to the output column, so NULLS FIRST/LAST silently orders by something else.
 */
export const knownBug = (db: DbName, q: QueryNode): string | undefined => {
  if (db === 'mysql' && q._tag === 'Select') {
    const aggregateLabels = new Set(q.columns.filter((c) => isAggregate(c.expr)).map((c) => c.alias))
    if (q.orderBy.some((o) => o.nulls !== undefined && o.expr._tag === 'Label' && aggregateLabels.has(o.expr.name))) return 'mysql-nulls-emulation-aggregate-alias'
    const sourceColumns = new Set(sourceColumnNames(q))
    if (q.orderBy.some((o) => o.nulls !== undefined && o.expr._tag === 'Label' && sourceColumns.has(o.expr.name))) return 'mysql-nulls-emulation-shadowed-alias'
  }
  return undefined
}

/** Column names of the FROM/JOIN sources of a select (derived tables and CTEs: their output labels). */
const sourceColumnNames = (q: QueryNode & { _tag: 'Select' }): ReadonlyArray<string> => {
  const ctes = new Map((q.with?.ctes ?? []).map((c) => [c.name, c]))
  const items = [...q.from, ...q.joins.map((j) => j.target)]
  return items.flatMap((f) => {
    if (f._tag === 'SubqueryRef') return outputItems(f.query).map((i) => i.alias)
    const c = ctes.get(f.name)
    if (c !== undefined) return c.columns ?? outputItems(c.query).map((i) => i.alias)
    return ['a', 'b', 'd', 's', 'f', 'id']
  })
}
