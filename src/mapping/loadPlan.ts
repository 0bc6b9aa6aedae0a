/**
 * Load plans (which relationships to load, how, nested) and the expression helpers every
 * strategy shares: column accessors, retargeting, collection order, grouping keys.
 *
 * @category loading
 * @internal
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ExprNode, OrderItem, SelectNode } from '../algebra/ast.js'
import type { DbError } from '../effects/DbError.js'
import { rootOf, type AnyEntity } from './Entity.js'
import type { Shape } from './graph.js'
import type { AnyLoadOption, OptionStrategy } from './loadOptions.js'
import { inverseOf, resolve, tableWith, type EagerStrategy, type Resolved } from './relations.js'

/** One relationship to load, resolved, with its nested plans. @internal */
export interface Plan {
  readonly strategy: OptionStrategy
  readonly r: Resolved
  readonly nested: ReadonlyArray<Plan>
  readonly option?: AnyLoadOption
}

const invalid = (message: string): DbError => ({ _tag: 'InvalidStatement', message })
const EAGER: ReadonlyArray<string> = ['joined', 'selectin', 'subquery', 'json'] satisfies ReadonlyArray<EagerStrategy>
const MAX_DEFAULT_DEPTH = 3

/** Resolves options (plus the relationships' eager defaults) into plans. @internal */
export const plansFor = (en: AnyEntity, options: ReadonlyArray<AnyLoadOption>, depth = 0, cameBy?: string): E.Either<DbError, ReadonlyArray<Plan>> => {
  const out: Plan[] = []
  for (const o of options) if (rootOf(o.source).$ !== rootOf(en).$) return E.left(invalid(`load option ${o.source.$.name}.${o.name} does not apply to ${en.$.name}`))
  for (const name of Object.keys(en.$.relations)) {
    const o = options.find((x) => x.name === name)
    const rel = en.$.relations[name]
    const strategy: OptionStrategy | undefined = o ? o.strategy : EAGER.includes(rel.lazy) && depth < MAX_DEFAULT_DEPTH && name !== cameBy ? (rel.lazy as OptionStrategy) : undefined
    if (!strategy || strategy === 'lazy' || strategy === 'raise') continue
    const r = resolve(en, name)
    if (typeof r === 'string') return E.left(invalid(r))
    const nested = plansFor(r.target, o?.nested ?? [], depth + 1, inverseOf(r))
    if (E.isLeft(nested)) return nested
    out.push({ strategy, r, nested: nested.right, ...(o ? { option: o } : {}) })
  }
  for (const o of options) if (!(o.name in en.$.relations)) return E.left(invalid(`${en.$.name} has no relationship "${o.name}"`))
  return E.right(out)
}

/** The shape (relationship tree) plans load. @internal */
export const shapeOfPlans = (plans: ReadonlyArray<Plan>): Shape => plans.map((p) => ({ name: p.r.name, nested: shapeOfPlans(p.nested) }))

/** Relationships a query's options forbid loading later. @internal */
export const raisedBy = (options: ReadonlyArray<AnyLoadOption>): ReadonlyArray<string> => options.filter((o) => o.strategy === 'raise').map((o) => o.name)


/** A column of an entity (by property key) as an expression in some query. @internal */
export type Acc = (key: string) => ExprNode

/** The column expression of an entity's property in a query where its root table is `ref`. @internal */
export const accessor =
  (en: AnyEntity, ref: string): Acc =>
  (key) => {
    const tb = tableWith(en, key)
    const c = tb.columnNames.find((x) => x.key === key)!
    return { _tag: 'ColumnRef', table: tb === en.$.tables[0] ? ref : `${ref}_${tb.name}`, name: c.name, type: c.type }
  }

/** `l = r`. @internal */
export const eqNode = (l: ExprNode, r: ExprNode): ExprNode => ({ _tag: 'Binary', op: '=', left: l, right: r })
/** The conjunction of the defined operands (undefined when none). @internal */
export const andNode = (...xs: ReadonlyArray<ExprNode | undefined>): ExprNode | undefined => {
  const ops = xs.filter((x): x is ExprNode => x !== undefined)
  return ops.length === 0 ? undefined : ops.length === 1 ? ops[0] : { _tag: 'Logical', op: 'AND', operands: ops }
}

/**
 * Rewrites the column references of a node: `to(table, column)` gives the replacement, or
 * undefined to keep a reference as it is. @internal
 */
export const retarget = <N>(node: N, to: (table: string, name: string) => ExprNode | undefined): N => {
  const go = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(go)
    if (typeof n !== 'object' || n === null) return n
    const o = n as Record<string, unknown>
    if (o['_tag'] === 'ColumnRef') return to(o['table'] as string, o['name'] as string) ?? n
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(o)) out[k] = go(o[k])
    return out
  }
  return go(node) as N
}

/** A collection's ORDER BY, its columns (on any of the target's tables) read through `ref`'s projection. */
export const targetOrder = (r: Resolved, ref: string): ReadonlyArray<OrderItem> => {
  const orderBy = r.relation._tag === 'BelongsTo' ? [] : r.relation.orderBy
  const acc = accessor(r.target, ref)
  const byName = (table: string, name: string) => {
    const key = r.target.$.tables.find((t) => t.name === table)?.columnNames.find((c) => c.name === name)?.key
    return key === undefined ? undefined : acc(key)
  }
  return orderBy.map((o) => retarget(o, byName))
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER)

/**
 * A value's grouping key: integers as numbers (read as bigint or number, they agree), other
 * values as strings that no number and no other kind of value can equal.
 */
export const groupKey = (v: unknown): string | number =>
  typeof v === 'number'
    ? v
    : typeof v === 'bigint'
      ? v <= MAX_SAFE && v >= MIN_SAFE
        ? Number(v)
        : String(v)
      : v instanceof Date
        ? v.toISOString()
        : JSON.stringify(v)

/** A SELECT with nothing in it, to spread from. @internal */
export const emptySelect: SelectNode = { _tag: 'Select', distinct: false, columns: [], from: [], joins: [], groupBy: [], orderBy: [] }
