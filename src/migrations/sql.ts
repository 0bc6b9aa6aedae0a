/**
 * SQL fragments for alteration DDL: column definitions, literals, expressions (through the
 * compiler's expression fold, with values written as literals as in all DDL).
 *
 * @category migrations
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ColumnDef, ColumnDefault, ExprNode } from '../algebra/ast.js'
import type { SqlType } from '../algebra/SqlType.js'
import type { Compiled } from '../compile/Compiled.js'
import type { Dialect } from '../compile/Dialect.js'
import { expr, P } from '../compile/expr.js'
import { newCtx, runtimeOf } from '../compile/state.js'
import { checkParam, literal } from '../compile/values.js'
import type { DbError } from '../effects/DbError.js'

/** A DDL statement value. @category migrations */
export const ddlStatement = (sql: string): Compiled => ({ sql, params: [], kind: 'ddl', columns: [] })

/** A raw statement value (may return rows). @category migrations */
export const rawStatement = (sql: string): Compiled => ({ sql, params: [], kind: 'raw', columns: [] })

const invalid = (message: string): DbError => ({ _tag: 'InvalidStatement', message })

/** An expression as DDL text (literals inline). @category migrations */
export const exprSql = (d: Dialect, node: ExprNode): E.Either<DbError, string> => {
  if (node._tag === 'Raw' && Object.keys(node.binds).length === 0) return E.right(node.sql)
  const c = newCtx(runtimeOf(d), true)
  const sql = expr(c, node, P.TOP)
  return c.error !== undefined ? E.left(c.error) : E.right(sql)
}

/** A value as a literal of `type`, validated. @category migrations */
export const literalSql = (d: Dialect, value: unknown, type: SqlType | undefined, what: string): E.Either<DbError, string> => {
  if (value === null || value === undefined) return E.right('NULL')
  const problem = checkParam(value, type)
  if (problem !== undefined) return E.left(invalid(`${what}: ${problem}`))
  const lit = literal(d, value, type)
  return lit === undefined ? E.left(invalid(`${what} has no SQL literal form`)) : E.right(lit)
}

const isLob = (t: SqlType): boolean => t._tag === 'Text' || t._tag === 'Json' || (t._tag === 'Binary' && t.length === undefined)

/** The SQL of a column default (without the `DEFAULT` keyword). @category migrations */
export const defaultSql = (d: Dialect, col: { readonly name: string; readonly type: SqlType }, dflt: ColumnDefault): E.Either<DbError, string> => {
  switch (dflt._tag) {
    case 'Now':
      return E.right(d.currentTimestamp)
    case 'Expr':
      return E.map((s: string) => '(' + s + ')')(exprSql(d, dflt.expr))
    case 'Value':
      return E.map((lit: string) => (!d.capabilities.literalDefaultOnLob && isLob(col.type) ? '(' + lit + ')' : lit))(
        literalSql(d, dflt.value, col.type, `default of column ${col.name}`),
      )
  }
}

/** A full column definition for ADD COLUMN / MODIFY COLUMN. @category migrations */
export const columnSql = (d: Dialect, col: ColumnDef): E.Either<DbError, string> => {
  let out = d.quoteIdent(col.name) + ' ' + d.typeName(col.type, 'ddl')
  if (col.autoIncrement && d.autoIncrementClause !== '') out += ' ' + d.autoIncrementClause
  if (!col.nullable) out += ' NOT NULL'
  if (col.default !== undefined) {
    const ds = defaultSql(d, col, col.default)
    if (E.isLeft(ds)) return ds
    out += ' DEFAULT ' + ds.right
  }
  if (col.type._tag === 'Enum' && !d.capabilities.nativeEnum && !d.capabilities.inlineEnum)
    out += ' CHECK (' + d.quoteIdent(col.name) + ' IN (' + col.type.values.map(d.stringLiteral).join(', ') + '))'
  return E.right(out)
}

/** Runs fragment builders in order, stopping at the first Left. @category migrations */
export const sequence = <A>(xs: ReadonlyArray<E.Either<DbError, A>>): E.Either<DbError, ReadonlyArray<A>> => {
  const out: A[] = []
  for (const x of xs) {
    if (E.isLeft(x)) return x
    out.push(x.right)
  }
  return E.right(out)
}
