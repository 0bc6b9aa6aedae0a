/**
 * Typed handles over expression nodes. `Expr<A>` is a node plus a phantom type `A`, the
 * TypeScript type of the value the expression produces (`null` included when it can be NULL).
 *
 * @category expressions
 */
import type { ExprNode } from './ast.js'
import type { SqlType } from './SqlType.js'

/**
 * A typed expression. `A` is phantom: it exists for the type checker only.
 *
 * @category expressions
 */
export interface Expr<A> {
  readonly node: ExprNode
  /** The SQL type of the result, when known; drives parameter encoding and row decoding. */
  readonly type?: SqlType
  readonly _A?: A
}

/** The value type of an expression. */
export type TypeOf<E> = E extends Expr<infer A> ? A : never

/** An expression or a plain value of the same type (bound as a parameter). */
export type ExprOrValue<A> = Expr<A> | A

/**
 * The other operand of a comparison with an `Expr<A>`: a value or expression of the same
 * type, nullable or not (SQL compares a nullable column with a non-null one freely).
 */
export type Operand<A> = unknown extends A ? unknown : Expr<NonNullable<A> | null> | NonNullable<A> | null

/** Wraps a node in a typed handle. @internal */
export const expr = <A>(node: ExprNode, type?: SqlType): Expr<A> => (type === undefined ? { node } : { node, type })

/** True when `u` is an expression handle rather than a plain value. @internal */
export const isExpr = (u: unknown): u is Expr<unknown> =>
  typeof u === 'object' && u !== null && 'node' in u && typeof (u as { node: unknown }).node === 'object' &&
  (u as { node: { _tag?: unknown } }).node !== null && typeof (u as { node: { _tag?: unknown } }).node._tag === 'string' &&
  !(u instanceof Date) && !(u instanceof Uint8Array)

/**
 * The node of an expression, or a parameter node for a plain value (`null` becomes NULL).
 * `type` (usually the other operand's) tells how the value is encoded.
 * @internal
 */
export const toNode = (v: unknown, type?: SqlType): ExprNode => {
  if (isExpr(v)) return v.node
  if (v === null || v === undefined) return { _tag: 'Null' }
  return type === undefined ? { _tag: 'Param', value: v } : { _tag: 'Param', value: v, type }
}

/**
 * A bound parameter of an explicit type.
 *
 * @example param(5) // ? with 5 bound
 * @category expressions
 */
export const param = <A>(value: A, type?: SqlType): Expr<A> =>
  expr<A>(type === undefined ? { _tag: 'Param', value } : { _tag: 'Param', value, type }, type)

/** The SQL NULL literal. @category expressions */
export const NULL: Expr<null> = expr<null>({ _tag: 'Null' })
