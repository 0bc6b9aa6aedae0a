/**
 * The WHERE condition that picks rows by primary key: `pk IN (…)` for a one-column key, an OR
 * of ANDs for a composite one.
 *
 * @category session
 */
import { and, eq, isIn, or, type Predicate } from '../../algebra/operators.js'
import type { AnyTable, Column } from '../../algebra/Table.js'
import { primaryKeyOf, type RowValues } from './UnitOfWork.js'

/** Rows of `table` whose primary key is one of `pks` (values by property key). @category session */
export const keyPredicate = (table: AnyTable, pks: ReadonlyArray<RowValues>): Predicate => {
  const keys = primaryKeyOf(table)
  const c: Readonly<Record<string, Column<unknown>>> = table.c
  if (keys.length === 1) return isIn(c[keys[0]], pks.map((pk) => pk[keys[0]]))
  return or(...pks.map((pk) => and(...keys.map((k) => eq(c[k], pk[k])))))
}
