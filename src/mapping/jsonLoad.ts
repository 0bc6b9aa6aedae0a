/**
 * The `json` loading strategy: each parent row carries its children as one JSON value, built
 * by a correlated scalar subquery (`json_agg(json_build_array(…))`, `json_group_array(json_array(…))`,
 * `JSON_ARRAYAGG(JSON_ARRAY(…))`) with nested relationships as nested arrays. Elements are
 * positional arrays, decoded back with each column's SQL type. A value JSON would change
 * (a JSON number is a double once parsed) travels in another form, as the dialect's
 * `jsonAggregate.carriers` say, so every column decodes to exactly what the other strategies
 * read. A collection is aggregated in the relationship's order (`json_agg(… ORDER BY …)`), so
 * it comes back in the database's collation, as through selectin. Needs the dialect's
 * `jsonAggregate` capability, and `aggregateOrderBy` for an ordered collection
 * (UnsupportedFeature otherwise).
 *
 * @category loading
 * @internal
 */
import * as E from 'fp-ts/lib/Either.js'
import { absurd } from 'fp-ts/lib/function.js'
import type { ExprNode, OrderItem, SelectItem, SelectNode } from '../algebra/ast.js'
import type { AnyTable } from '../algebra/Table.js'
import type { Dialect, JsonCarrier } from '../compile/Dialect.js'
import type { DbError } from '../effects/DbError.js'
import type { ResultColumn } from '../compile/Compiled.js'
import { decoderFor } from '../effects/decode.js'
import type { RowValues } from '../effects/session/UnitOfWork.js'
import { valueRows } from './Entity.js'
import { projection } from './inheritance.js'
import { accessor, retarget, type Plan } from './loadPlan.js'

/** One decoded child: its table parts and its nested children. */
export interface JsonItem {
  readonly parts: ReadonlyArray<{ readonly table: AnyTable; readonly values: RowValues }>
  readonly nested: ReadonlyArray<{ readonly plan: Plan; readonly items: ReadonlyArray<JsonItem> }>
}

type Reader = (raw: unknown) => E.Either<DbError, ReadonlyArray<JsonItem>>

/**
 * One array per distinct column list: the engine memoises a generated decoder per array, and a
 * query's projection is rebuilt on every call.
 */
const columnLists = new Map<string, ReadonlyArray<ResultColumn>>()
const sharedColumns = (columns: ReadonlyArray<ResultColumn>): ReadonlyArray<ResultColumn> => {
  const key = JSON.stringify(columns)
  let shared = columnLists.get(key)
  if (shared === undefined) columnLists.set(key, (shared = columns))
  return shared
}

const decodeError = (message: string): DbError => ({ _tag: 'DecodeError', message, errors: [] })

const parse = (raw: unknown): E.Either<DbError, unknown> => {
  if (typeof raw !== 'string') return E.right(raw)
  try {
    return E.right(JSON.parse(raw) as unknown)
  } catch (e) {
    return E.left(decodeError(`json loading: not JSON: ${String(e)}`))
  }
}

const carried = (expr: ExprNode, carrier: JsonCarrier): ExprNode => {
  switch (carrier) {
    case 'value':
      return expr
    case 'text':
      return { _tag: 'Cast', operand: expr, type: { _tag: 'Text' } }
    case 'double':
      return { _tag: 'Cast', operand: expr, type: { _tag: 'Double' } }
    case 'hex':
      // SQLite's hex(NULL) is '', as is an empty BLOB's: keep NULL apart.
      return { _tag: 'Case', whens: [{ when: { _tag: 'IsNull', operand: expr, negated: false }, then: { _tag: 'Null' } }], else: { _tag: 'Func', name: 'hex', args: [expr], distinct: false } }
    default:
      return absurd(carrier)
  }
}

const hexDigits = /^(?:[0-9a-fA-F]{2})*$/

/**
 * A relationship's ORDER BY, its columns (on any of the target's tables) read through the
 * target's projection under `alias`; others are kept as written.
 */
const targetOrder = (plan: Plan, alias: string): ReadonlyArray<OrderItem> => {
  const r = plan.r
  const order = r.relation._tag === 'BelongsTo' ? [] : r.relation.orderBy
  if (order.length === 0) return order
  const acc = accessor(r.target, alias)
  return order.map((o) =>
    retarget(o, (table, name) => {
      const key = r.target.$.tables.find((t) => t.name === table)?.columnNames.find((c) => c.name === name)?.key
      return key === undefined ? undefined : acc(key)
    }),
  )
}

const build = (plan: Plan, pAcc: (key: string) => ExprNode, level: number, dialect: Dialect): E.Either<DbError, { readonly expr: ExprNode; readonly read: Reader; readonly post: ReadonlyArray<Plan> }> => {
  const fns = dialect.capabilities.jsonAggregate
  if (fns === false) return E.left({ _tag: 'UnsupportedFeature', feature: 'json loading (JSON aggregation)', dialect: dialect.name })
  const r = plan.r
  const alias = `js${level}`
  const proj = projection(r.target, alias, '')
  const acc = accessor(r.target, alias)
  const nestedJson: Array<{ readonly plan: Plan; readonly read: Reader }> = []
  const nestedExprs: ExprNode[] = []
  const post: Plan[] = []
  for (const n of plan.nested) {
    if (n.strategy !== 'json') {
      post.push(n)
      continue
    }
    const b = build(n, acc, level * 10 + nestedJson.length + 1, dialect)
    if (E.isLeft(b)) return b
    nestedJson.push({ plan: n, read: b.right.read })
    nestedExprs.push(b.right.expr)
  }
  const carry = proj.columns.map((c): JsonCarrier => (c.type === undefined ? 'value' : (fns.carriers[c.type._tag] ?? 'value')))
  const array: ExprNode = { _tag: 'Func', name: fns.array, args: [...proj.columns.map((c, i) => carried(c.expr, carry[i])), ...nestedExprs], distinct: false }
  const thAlias = `${alias}_t`
  const thCol = (key: string): ExprNode => {
    const c = r.through!.table.columnNames.find((x) => x.key === key)!
    return { _tag: 'ColumnRef', table: thAlias, name: c.name, type: c.type }
  }
  const corr: ExprNode = r.through ? { _tag: 'Binary', op: '=', left: thCol(r.through.sourceCol), right: pAcc(r.sourceKey) } : { _tag: 'Binary', op: '=', left: acc(r.targetKey), right: pAcc(r.sourceKey) }
  const where: ExprNode = proj.where ? { _tag: 'Logical', op: 'AND', operands: [corr, proj.where] } : corr
  // The collection's order is the aggregate's (the database's collation, as selectin's ORDER BY);
  // a single target is the first in that order, as selectin's.
  const order = targetOrder(plan, alias)
  if (r.many && order.length > 0 && !dialect.capabilities.aggregateOrderBy)
    return E.left({ _tag: 'UnsupportedFeature', feature: `json loading of an ordered collection (${r.source.$.name}.${r.name}: ORDER BY inside an aggregate)`, dialect: dialect.name })
  const sub: SelectNode = {
    _tag: 'Select',
    distinct: false,
    columns: [{ alias: 'j', expr: r.many ? { _tag: 'Func', name: fns.arrayAgg, args: [array], distinct: false, ...(order.length > 0 ? { orderBy: order } : {}) } : array }],
    from: [proj.from],
    joins: [
      ...(r.through
        ? [{ kind: 'INNER' as const, target: { _tag: 'TableRef' as const, name: r.through.table.name, alias: thAlias }, on: { _tag: 'Binary' as const, op: '=' as const, left: thCol(r.through.targetCol), right: acc(r.targetKey) } }]
        : []),
      ...proj.joins.map((j) => ({ ...j, kind: 'LEFT' as const })),
    ],
    where,
    groupBy: [],
    orderBy: r.many ? [] : order,
    ...(r.many ? {} : { limit: { _tag: 'Param', value: 1, type: { _tag: 'Integer' } } as ExprNode }),
  }
  // Elements are decoded in batches by the engine's generated row decoder (the same rules as a result set).
  const decode = decoderFor(sharedColumns(proj.columns.map((c) => (c.type ? { name: c.alias, type: c.type } : { name: c.alias }))))
  const root = proj.readValue
  // A plain entity's element is built straight into its value (as a driver builds its rows).
  const builder = root === undefined ? undefined : valueRows(r.target)(proj.columns.map((c) => c.alias))
  const rawOf = (el: unknown): E.Either<DbError, Record<string, unknown>> => {
    if (!Array.isArray(el)) return E.left(decodeError(`json loading of ${r.source.$.name}.${r.name}: expected an array, got ${typeof el}`))
    const values: unknown[] = el
    for (let i = 0; i < proj.columns.length; i++) {
      let v: unknown = values[i] ?? null
      if (carry[i] === 'hex' && typeof v === 'string') {
        if (!hexDigits.test(v)) return E.left(decodeError(`json loading of ${r.source.$.name}.${r.name}: column ${proj.columns[i].alias}: not hex digits ${JSON.stringify(v)}`))
        v = Buffer.from(v, 'hex')
      }
      values[i] = v
    }
    if (builder !== undefined) return E.right(builder(values))
    const raw: Record<string, unknown> = {}
    for (let i = 0; i < proj.columns.length; i++) raw[proj.columns[i].alias] = values[i]
    return E.right(raw)
  }
  const read: Reader = (value) => {
    const parsed = parse(value)
    if (E.isLeft(parsed)) return parsed
    const v = parsed.right
    if (v === null || v === undefined) return E.right([])
    const elements = r.many ? v : [v]
    if (!Array.isArray(elements)) return E.left(decodeError(`json loading of ${r.source.$.name}.${r.name}: expected an array`))
    const raws: Array<Record<string, unknown>> = []
    const arrays: unknown[][] = []
    for (const e of elements) {
      const el: unknown = typeof e === 'string' ? JSON.parse(e) : e
      const raw = rawOf(el)
      if (E.isLeft(raw)) return raw
      raws.push(raw.right)
      arrays.push(el as unknown[])
    }
    const decoded = decode(raws)
    if (E.isLeft(decoded)) return E.left(decodeError(`json loading of ${r.source.$.name}.${r.name}: ${'message' in decoded.left ? decoded.left.message : decoded.left._tag}`))
    const out: JsonItem[] = []
    for (let k = 0; k < raws.length; k++) {
      const nested: Array<{ readonly plan: Plan; readonly items: ReadonlyArray<JsonItem> }> = []
      for (let j = 0; j < nestedJson.length; j++) {
        const items = nestedJson[j].read(arrays[k][proj.columns.length + j])
        if (E.isLeft(items)) return items
        nested.push({ plan: nestedJson[j].plan, items: items.right })
      }
      // A plain entity's row is read straight into its value (handed out as it is later).
      let parts: JsonItem['parts']
      if (root !== undefined) {
        const value = root(raws[k])
        parts = value === undefined ? [] : [{ table: r.target.$.tables[0], values: value }]
      } else parts = proj.read(raws[k])
      if (parts.length > 0) out.push({ parts, nested })
    }
    return E.right(out)
  }
  return E.right({ expr: { _tag: 'ScalarSubquery', query: sub }, read, post })
}

/**
 * The output column that carries a relationship as JSON, its reader, and the nested plans
 * that must run afterwards (those not loaded as JSON).
 * @internal
 */
export const jsonColumn = (
  plan: Plan,
  pAcc: (key: string) => ExprNode,
  alias: string,
  id: number,
  dialect: Dialect,
): E.Either<DbError, { readonly item: SelectItem; readonly read: Reader; readonly post: ReadonlyArray<Plan> }> => {
  const b = build(plan, pAcc, id + 1, dialect)
  if (E.isLeft(b)) return b
  return E.right({ item: { alias, expr: b.right.expr }, read: b.right.read, post: b.right.post })
}
