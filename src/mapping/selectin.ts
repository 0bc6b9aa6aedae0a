/**
 * The `selectin` and `subquery` strategies (and `S.load`): one more statement per relationship
 * level, `IN (…)` over the parents' keys in chunks under the dialect's parameter limit, or
 * `IN (SELECT … FROM (parents' query))`; then the nested plans, level by level.
 *
 * @category loading
 * @internal
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as SRTE from 'fp-ts/lib/StateReaderTaskEither.js'
import type { ExprNode, SelectItem, SelectNode } from '../algebra/ast.js'
import type { Select } from '../algebra/Query.js'
import * as Core from '../effects/session/Session.js'
import type { RowValues, TrackedRow, UnitOfWork } from '../effects/session/UnitOfWork.js'
import { valueRows, type AnyEntity } from './Entity.js'
import { edgeOf, newEdges, pushEdge, recordEdges } from './edges.js'
import { rowHolding, trackAllRaw } from './graph.js'
import { projection } from './inheritance.js'
import { accessor, andNode, emptySelect, eqNode, groupKey, targetOrder, type Plan } from './loadPlan.js'
import type { Resolved } from './relations.js'

const sourceValue = (uow: UnitOfWork, r: Resolved, parent: TrackedRow): unknown => rowHolding(uow, r.source, parent, r.sourceKey).values[r.sourceKey]

/**
 * Loads each plan's relationship for `parents` with one more statement per plan (selectin:
 * chunks of `IN (…)`; subquery: `IN (SELECT … FROM (parents' query))`), then the nested plans.
 * @internal
 */
export const postLoad = (en: AnyEntity, parents: ReadonlyArray<TrackedRow>, plans: ReadonlyArray<Plan>, parentQuery: SelectNode | undefined): Core.Session<void> =>
  plans.reduce<Core.Session<void>>((acc, p) => pipe(acc, SRTE.chain(() => loadOne(en, parents, p, parentQuery))), SRTE.right(undefined))

const loadOne = (en: AnyEntity, parents: ReadonlyArray<TrackedRow>, p: Plan, parentQuery: SelectNode | undefined): Core.Session<void> =>
  (uow: UnitOfWork) => (env: Core.SessionEnv) => async () => {
    const r = p.r
    const values = new Map<string | number, unknown>()
    for (const parent of parents) {
      const v = sourceValue(uow, r, parent)
      if (v !== undefined && v !== null) values.set(groupKey(v), v)
    }
    const proj = projection(r.target)
    const acc = accessor(r.target, proj.refName)
    const th = '__through'
    const thCol = (key: string): ExprNode => {
      const c = r.through!.table.columnNames.find((x) => x.key === key)!
      return { _tag: 'ColumnRef', table: th, name: c.name, type: c.type }
    }
    const matchOn: ExprNode = r.through ? thCol(r.through.sourceCol) : acc(r.targetKey)
    const base: SelectNode = {
      ...emptySelect,
      columns: [...proj.columns, ...(r.through ? [{ alias: '__parent', expr: thCol(r.through.sourceCol) }] : [])],
      from: [proj.from],
      joins: [...(r.through ? [{ kind: 'INNER' as const, target: { _tag: 'TableRef' as const, name: r.through.table.name, alias: th }, on: eqNode(thCol(r.through.targetCol), acc(r.targetKey)) }] : []), ...proj.joins],
      orderBy: targetOrder(r, proj.refName),
    }
    const where = (cond: ExprNode): SelectNode => ({ ...base, where: andNode(proj.where, cond)! })
    const queries: SelectNode[] = []
    if (p.strategy === 'subquery' && parentQuery) {
      const keyItem: SelectItem = { alias: 'k', expr: accessor(en, projection(en).refName)(r.sourceKey) }
      const inner: SelectNode = { ...parentQuery, columns: [keyItem], ...(parentQuery.limit === undefined && parentQuery.offset === undefined ? { orderBy: [] } : {}) }
      const keys: SelectNode = { ...emptySelect, columns: [{ alias: 'k', expr: { _tag: 'ColumnRef', table: 'anon', name: 'k' } }], from: [{ _tag: 'SubqueryRef', query: inner, alias: 'anon', lateral: false }] }
      queries.push(where({ _tag: 'InQuery', operand: matchOn, query: keys, negated: false }))
    } else if (values.size > 0) {
      const chunk = Math.max(1, env.dialect.capabilities.maxParams - 100)
      const all = [...values.values()]
      const type = matchOn._tag === 'ColumnRef' ? matchOn.type : undefined
      for (let i = 0; i < all.length; i += chunk)
        queries.push(where({ _tag: 'InList', operand: matchOn, values: all.slice(i, i + chunk).map((v) => ({ _tag: 'Param', value: v, ...(type ? { type } : {}) })), negated: false }))
    }
    let u = uow
    const groups = new Map<string | number, TrackedRow[]>()
    const children = new Set<TrackedRow>()
    for (const q of queries) {
      const res = await env.conn.execute({ node: q, rows: valueRows(r.target) } as Select<RowValues>)()
      if (E.isLeft(res)) return res
      const [after, tracked, raws] = trackAllRaw(u, r.target, proj, res.right)
      u = after
      for (let i = 0, n = tracked.length; i < n; i++) {
        const child = tracked[i]
        const raw = raws[i]
        const again = children.has(child)
        children.add(child)
        const g = groupKey(r.through ? raw['__parent'] : rowHolding(u, r.target, child, r.targetKey).values[r.targetKey])
        let list = groups.get(g)
        if (!list) groups.set(g, (list = []))
        // Only a row met before can already be in a group (a many-to-many, or duplicate links).
        if (!again || !list.includes(child)) list.push(child)
      }
    }
    const e = newEdges()
    for (const parent of parents) {
      const v = sourceValue(u, r, parent)
      const held = v === undefined || v === null ? undefined : groups.get(groupKey(v))
      if (held === undefined) edgeOf(e, parent, p)
      else for (const c of held) pushEdge(edgeOf(e, parent, p), c)
    }
    u = recordEdges(u, e)
    const nested = p.nested.map((n) => (n.strategy === 'subquery' && queries.length === 1 ? n : { ...n, strategy: n.strategy === 'subquery' ? ('selectin' as const) : n.strategy === 'selectin' ? n.strategy : ('selectin' as const) }))
    return postLoad(r.target, [...children.values()], nested, queries.length === 1 ? queries[0] : undefined)(u)(env)()
  }

/** Loads one relationship of values already in the session (`S.load`). @internal */
export const loadRelation = (en: AnyEntity, parents: ReadonlyArray<TrackedRow>, plan: Plan): Core.Session<void> => postLoad(en, parents, [plan], undefined)
