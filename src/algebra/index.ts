/**
 * The algebra: schema values and typed query combinators. Pure data, no I/O.
 *
 * @category algebra
 */
export type * from './ast.js'
export * from './SqlType.js'
export * from './Expr.js'
export * from './Column.js'
export * from './Table.js'
export * from './operators.js'
export * from './functions.js'
export * from './Query.js'
export * from './dml.js'
export * from './text.js'
export * from './ddl.js'
