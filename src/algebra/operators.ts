/**
 * Operators over expressions: comparison, logic, null tests, IN, BETWEEN, LIKE and its
 * escaping helpers, arithmetic, concatenation, CASE, CAST, COALESCE.
 *
 * Operators take both operands (`eq(users.c.id, 5)`); a plain value becomes a bound
 * parameter typed like the other operand, so `eq(users.c.id, 'x')` does not type-check.
 *
 * @category expressions
 */
import type { BinaryOp, ExprNode, QueryNode } from './ast.js'
import { expr, isExpr, toNode, type Expr, type ExprOrValue, type Operand } from './Expr.js'
import type { SqlType, ValueOf } from './SqlType.js'
import type { Column } from './Table.js'

/** A boolean expression that may be NULL (SQL's three-valued logic). */
export type Predicate = Expr<boolean | null>

const BOOL: SqlType = { _tag: 'Boolean' }
const predicate = (node: ExprNode): Expr<boolean> => expr<boolean>(node, BOOL)

const compare =
  (op: BinaryOp) =>
  <A>(left: Expr<A>, right: Operand<NoInfer<A>>): Expr<boolean> =>
    predicate({ _tag: 'Binary', op, left: left.node, right: toNode(right, left.type) })

/**
 * `left = right`; comparing with `null` gives `IS NULL`, as in SQLAlchemy.
 *
 * @example
 * eq(users.c.id, 5) // sqlite: "users"."id" = ?   postgres: "users"."id" = $1
 * @category operators
 */
export const eq = <A>(left: Expr<A>, right: Operand<NoInfer<A>>): Expr<boolean> =>
  right === null ? isNull(left) : compare('=')(left, right)
/** `left <> right`; comparing with `null` gives `IS NOT NULL`. @category operators */
export const ne = <A>(left: Expr<A>, right: Operand<NoInfer<A>>): Expr<boolean> =>
  right === null ? isNotNull(left) : compare('<>')(left, right)
/** `left < right`. @category operators */
export const lt: <A>(left: Expr<A>, right: Operand<NoInfer<A>>) => Expr<boolean> = compare('<')
/** `left <= right`. @category operators */
export const lte: <A>(left: Expr<A>, right: Operand<NoInfer<A>>) => Expr<boolean> = compare('<=')
/** `left > right`. @category operators */
export const gt: <A>(left: Expr<A>, right: Operand<NoInfer<A>>) => Expr<boolean> = compare('>')
/** `left >= right`. @category operators */
export const gte: <A>(left: Expr<A>, right: Operand<NoInfer<A>>) => Expr<boolean> = compare('>=')

/** `p AND q AND …`; `and()` is true. Nested ANDs are flattened. @category operators */
export const and = (...operands: ReadonlyArray<Predicate>): Expr<boolean> =>
  operands.length === 1
    ? predicate(operands[0].node)
    : predicate({
        _tag: 'Logical',
        op: 'AND',
        operands: operands.flatMap((p) => (p.node._tag === 'Logical' && p.node.op === 'AND' ? p.node.operands : [p.node])),
      })
/** `p OR q OR …`; `or()` is false. Nested ORs are flattened. @category operators */
export const or = (...operands: ReadonlyArray<Predicate>): Expr<boolean> =>
  operands.length === 1
    ? predicate(operands[0].node)
    : predicate({
        _tag: 'Logical',
        op: 'OR',
        operands: operands.flatMap((p) => (p.node._tag === 'Logical' && p.node.op === 'OR' ? p.node.operands : [p.node])),
      })
/** `NOT p`. @category operators */
export const not = (p: Predicate): Expr<boolean> => predicate({ _tag: 'Not', operand: p.node })

/** `e IS NULL`. @category operators */
export const isNull = (e: Expr<unknown>): Expr<boolean> => predicate({ _tag: 'IsNull', operand: e.node, negated: false })
/** `e IS NOT NULL`. @category operators */
export const isNotNull = (e: Expr<unknown>): Expr<boolean> => predicate({ _tag: 'IsNull', operand: e.node, negated: true })
/** `e IS TRUE`. @category operators */
export const isTrue = (e: Expr<boolean | null>): Expr<boolean> =>
  predicate({ _tag: 'IsBoolean', operand: e.node, value: true, negated: false })
/** `e IS FALSE`. @category operators */
export const isFalse = (e: Expr<boolean | null>): Expr<boolean> =>
  predicate({ _tag: 'IsBoolean', operand: e.node, value: false, negated: false })
/** `left IS DISTINCT FROM right` (null-safe inequality). @category operators */
export const isDistinctFrom = <A>(left: Expr<A>, right: Operand<NoInfer<A>>): Expr<boolean> =>
  predicate({ _tag: 'IsDistinct', left: left.node, right: toNode(right, left.type), negated: false })
/** `left IS NOT DISTINCT FROM right` (null-safe equality). @category operators */
export const isNotDistinctFrom = <A>(left: Expr<A>, right: Operand<NoInfer<A>>): Expr<boolean> =>
  predicate({ _tag: 'IsDistinct', left: left.node, right: toNode(right, left.type), negated: true })

/** A query handle, as accepted by IN / EXISTS / scalar subqueries. */
export interface QueryLike<R = unknown> {
  readonly node: QueryNode
  readonly _R?: R
}

const membership =
  (negated: boolean) =>
  <A>(e: Expr<A>, values: ReadonlyArray<Operand<NoInfer<A>>> | QueryLike<Record<string, NonNullable<NoInfer<A>> | null>>): Expr<boolean> =>
    Array.isArray(values)
      ? predicate({ _tag: 'InList', operand: e.node, values: values.map((v) => toNode(v, e.type)), negated })
      : predicate({ _tag: 'InQuery', operand: e.node, query: (values as QueryLike).node, negated })

/**
 * `e IN (v1, v2, …)` or `e IN (subquery)`; an empty list is false.
 *
 * @example
 * isIn(users.c.id, [1, 2, 3]) // "users"."id" IN (?, ?, ?)
 * @category operators
 */
export const isIn: <A>(e: Expr<A>, values: ReadonlyArray<Operand<NoInfer<A>>> | QueryLike<Record<string, NonNullable<NoInfer<A>> | null>>) => Expr<boolean> =
  membership(false)
/** `e NOT IN (…)`; an empty list is true. @category operators */
export const isNotIn: <A>(e: Expr<A>, values: ReadonlyArray<Operand<NoInfer<A>>> | QueryLike<Record<string, NonNullable<NoInfer<A>> | null>>) => Expr<boolean> =
  membership(true)

/** `e BETWEEN low AND high`. @category operators */
export const between = <A>(e: Expr<A>, low: Operand<NoInfer<A>>, high: Operand<NoInfer<A>>): Expr<boolean> =>
  predicate({ _tag: 'Between', operand: e.node, low: toNode(low, e.type), high: toNode(high, e.type), negated: false })
/** `e NOT BETWEEN low AND high`. @category operators */
export const notBetween = <A>(e: Expr<A>, low: Operand<NoInfer<A>>, high: Operand<NoInfer<A>>): Expr<boolean> =>
  predicate({ _tag: 'Between', operand: e.node, low: toNode(low, e.type), high: toNode(high, e.type), negated: true })

/** Options of LIKE. */
export interface LikeOptions {
  /** One escape character for the pattern. */
  readonly escape?: string
}

const likeOp =
  (caseInsensitive: boolean, negated: boolean) =>
  (e: Expr<string | null>, pattern: ExprOrValue<string>, options?: LikeOptions): Expr<boolean> =>
    predicate({
      _tag: 'Like',
      operand: e.node,
      pattern: toNode(pattern, e.type),
      ...(options?.escape !== undefined ? { escape: options.escape } : {}),
      caseInsensitive,
      negated,
    })

/** `e LIKE pattern`: `%` and `_` in the pattern are wildcards. @category operators */
export const like = likeOp(false, false)
/** `e NOT LIKE pattern`. @category operators */
export const notLike = likeOp(false, true)
/** Case-insensitive LIKE (ILIKE on PostgreSQL, `LOWER(e) LIKE LOWER(p)` elsewhere). @category operators */
export const ilike = likeOp(true, false)
/** Case-insensitive NOT LIKE. @category operators */
export const notIlike = likeOp(true, true)

/** The escape character the substring helpers use. */
export const LIKE_ESCAPE = '!'

/** Escapes `%`, `_` and the escape character itself, so the text matches literally. @category operators */
export const escapeLike = (text: string): string => text.replace(/[!%_]/g, (ch) => LIKE_ESCAPE + ch)

/** Options of the substring helpers. */
export interface MatchOptions {
  readonly caseInsensitive?: boolean
}

const match =
  (before: string, after: string) =>
  (e: Expr<string | null>, text: string, options?: MatchOptions): Expr<boolean> =>
    likeOp(options?.caseInsensitive ?? false, false)(e, before + escapeLike(text) + after, { escape: LIKE_ESCAPE })

/** `e` contains `text` literally (its `%` and `_` are escaped). @category operators */
export const contains = match('%', '%')
/** `e` starts with `text` literally. @category operators */
export const startsWith = match('', '%')
/** `e` ends with `text` literally. @category operators */
export const endsWith = match('%', '')

type Num = number | bigint | string | null

const arith =
  (op: BinaryOp) =>
  <A extends Num>(left: Expr<A>, right: Operand<NoInfer<A>> | (NonNullable<A> extends string ? number : never)): Expr<A> =>
    expr<A>({ _tag: 'Binary', op, left: left.node, right: toNode(right, left.type) }, left.type)

/** `left + right`. @category operators */
export const add = arith('+')
/** `left - right`. @category operators */
export const sub = arith('-')
/** `left * right`. @category operators */
export const mul = arith('*')
/** `left / right` (integer division on integer operands in SQLite and PostgreSQL). @category operators */
export const div = arith('/')
/** `left % right`. @category operators */
export const mod = arith('%')
/** `-e`. @category operators */
export const neg = <A extends Num>(e: Expr<A>): Expr<A> => expr<A>({ _tag: 'Negate', operand: e.node }, e.type)

/** String concatenation (`||`, or `CONCAT()` on MySQL). @category operators */
export const concat = (...parts: ReadonlyArray<ExprOrValue<string | number | null>>): Expr<string> =>
  expr<string>({ _tag: 'Concat', operands: parts.map((p) => toNode(p, { _tag: 'Text' })) }, { _tag: 'Text' })

const typeOfAll = (values: ReadonlyArray<unknown>): SqlType | undefined => {
  for (const v of values) if (isExpr(v) && v.type) return v.type
  return undefined
}

/**
 * A searched CASE: the first `when` that holds gives its `then`; NULL when none does and no
 * `otherwise` is given.
 *
 * @example
 * caseWhen([[gt(p.c.score, 90), 'A'], [gt(p.c.score, 75), 'B']], 'C')
 * @category operators
 */
export function caseWhen<A>(whens: ReadonlyArray<readonly [Predicate, ExprOrValue<A>]>): Expr<A | null>
export function caseWhen<A>(whens: ReadonlyArray<readonly [Predicate, ExprOrValue<A>]>, otherwise: ExprOrValue<A>): Expr<A>
export function caseWhen<A>(whens: ReadonlyArray<readonly [Predicate, ExprOrValue<A>]>, otherwise?: ExprOrValue<A>): Expr<A | null> {
  const type = typeOfAll([...whens.map((w) => w[1]), otherwise])
  return expr<A | null>(
    {
      _tag: 'Case',
      whens: whens.map(([when, then]) => ({ when: when.node, then: toNode(then, type) })),
      ...(otherwise !== undefined ? { else: toNode(otherwise, type) } : {}),
    },
    type,
  )
}

/** A simple CASE over `subject`: `CASE subject WHEN v THEN r … END`. @category operators */
export const caseOf = <S, A>(
  subject: Expr<S>,
  cases: ReadonlyArray<readonly [ExprOrValue<NoInfer<S>>, ExprOrValue<A>]>,
  otherwise?: ExprOrValue<A>,
): Expr<A | null> => {
  const type = typeOfAll([...cases.map((c) => c[1]), otherwise])
  return expr<A | null>(
    {
      _tag: 'Case',
      subject: subject.node,
      whens: cases.map(([when, then]) => ({ when: toNode(when, subject.type), then: toNode(then, type) })),
      ...(otherwise !== undefined ? { else: toNode(otherwise, type) } : {}),
    },
    type,
  )
}

/** `CAST(e AS type)`, typed as the target type's value. @category operators */
export const cast = <T extends SqlType>(e: Expr<unknown>, type: T): Expr<ValueOf<T> | null> =>
  expr<ValueOf<T> | null>({ _tag: 'Cast', operand: e.node, type }, type)

/**
 * `COALESCE(e, …)`: the first non-NULL operand. With a plain fallback value last, the result
 * is not nullable.
 * @category operators
 */
export function coalesce<A>(first: Expr<A | null>, fallback: NoInfer<A>): Expr<A>
export function coalesce<A>(first: Expr<A | null>, ...rest: ReadonlyArray<Operand<NoInfer<A>>>): Expr<A | null>
export function coalesce<A>(first: Expr<A | null>, ...rest: ReadonlyArray<unknown>): Expr<A | null> {
  return expr<A | null>({ _tag: 'Func', name: 'COALESCE', args: [first.node, ...rest.map((r) => toNode(r, first.type))], distinct: false }, first.type)
}

/** Widens an expression's type to admit NULL (after an outer join, say). @category operators */
export const orNull = <A>(e: Expr<A>): Expr<A | null> => e

/** A reference to an output column by label (ORDER BY of a union). @category operators */
export const label = <A = unknown>(name: string, type?: SqlType): Expr<A> => expr<A>({ _tag: 'Label', name }, type)

/** In an upsert's update, the value proposed for `column` (`excluded.col`, `VALUES(col)`). @category operators */
export const excluded = <A>(column: Column<A>): Expr<A> => expr<A>({ _tag: 'Excluded', name: column.node.name }, column.type)
