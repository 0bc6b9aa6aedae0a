/**
 * Running entity queries with their load plans. The parents' query may gain LEFT JOINs
 * (`joined`, wrapped in a subquery when it has LIMIT/OFFSET), JSON columns (`json`) or read
 * columns of joins the user wrote (`containsEager`); then `selectin` / `subquery` run one
 * more statement per relationship level. Every row is tracked in the identity map and each
 * loaded relationship is recorded in the session's graph, then values are hydrated with
 * exactly the relationships loaded.
 *
 * @category loading
 * @internal
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as SRTE from 'fp-ts/lib/StateReaderTaskEither.js'
import type { ExprNode, JoinClause, OrderItem, SelectItem, SelectNode } from '../algebra/ast.js'
import type { Select } from '../algebra/Query.js'
import type { Dialect } from '../compile/Dialect.js'
import type { DbError } from '../effects/DbError.js'
import * as Core from '../effects/session/Session.js'
import type { RowValues, TrackedRow, UnitOfWork } from '../effects/session/UnitOfWork.js'
import { rootOf, type AnyEntity, type AnyInstance } from './Entity.js'
import { getRelated, hydrate, rowHolding, setRelated, trackParts, trackRaw, type Shape } from './graph.js'
import { projection, type Projection } from './inheritance.js'
import { jsonColumn } from './jsonLoad.js'
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

// ---------------------------------------------------------------- expressions

type Acc = (key: string) => ExprNode

/** The column expression of an entity's property in a query where its root table is `ref`. @internal */
export const accessor =
  (en: AnyEntity, ref: string): Acc =>
  (key) => {
    const tb = tableWith(en, key)
    const c = tb.columnNames.find((x) => x.key === key)!
    return { _tag: 'ColumnRef', table: tb === en.$.tables[0] ? ref : `${ref}_${tb.name}`, name: c.name, type: c.type }
  }

const eqNode = (l: ExprNode, r: ExprNode): ExprNode => ({ _tag: 'Binary', op: '=', left: l, right: r })
const andNode = (...xs: ReadonlyArray<ExprNode | undefined>): ExprNode | undefined => {
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
const targetOrder = (r: Resolved, ref: string): ReadonlyArray<OrderItem> => {
  const orderBy = r.relation._tag === 'BelongsTo' ? [] : r.relation.orderBy
  const acc = accessor(r.target, ref)
  const byName = (table: string, name: string) => {
    const key = r.target.$.tables.find((t) => t.name === table)?.columnNames.find((c) => c.name === name)?.key
    return key === undefined ? undefined : acc(key)
  }
  return orderBy.map((o) => retarget(o, byName))
}

/** A value's grouping key (integers read as bigint or number agree). */
export const groupKey = (v: unknown): string => (typeof v === 'bigint' ? String(v) : typeof v === 'number' ? String(v) : v instanceof Date ? v.toISOString() : JSON.stringify(v))

// ---------------------------------------------------------------- in-query nodes

interface InQuery {
  readonly plan: Plan
  readonly id: number
  /** joined / containsEager: the target's projection in this query. */
  readonly proj?: Projection
  /** json: the output column and decoder. */
  readonly json?: { readonly alias: string; readonly read: (raw: unknown) => E.Either<DbError, ReadonlyArray<import('./jsonLoad.js').JsonItem>> }
  readonly children: ReadonlyArray<InQuery>
  /** Plans that run after the query, on this node's rows. */
  readonly post: ReadonlyArray<Plan>
}

interface Built {
  readonly joins: JoinClause[]
  readonly columns: SelectItem[]
  readonly order: OrderItem[]
  counter: number
}

const buildNodes = (plans: ReadonlyArray<Plan>, pAcc: Acc, b: Built, dialect: Dialect, jsonCols: SelectItem[]): E.Either<DbError, { readonly nodes: ReadonlyArray<InQuery>; readonly post: ReadonlyArray<Plan> }> => {
  const nodes: InQuery[] = []
  const post: Plan[] = []
  for (const p of plans) {
    const r = p.r
    if (p.strategy === 'joined' || p.strategy === 'containsEager') {
      const id = b.counter++
      const alias = p.strategy === 'containsEager' ? (p.option?.alias?.refName ?? r.target.$.table.name) : `j${id}`
      const prefix = `${alias}__`
      const proj = projection(r.target, alias, prefix)
      const acc = accessor(r.target, alias)
      if (p.strategy === 'joined') {
        if (r.through) {
          const th = `${alias}_t`
          const thCol = (key: string): ExprNode => {
            const c = r.through!.table.columnNames.find((x) => x.key === key)!
            return { _tag: 'ColumnRef', table: th, name: c.name, type: c.type }
          }
          b.joins.push({ kind: 'LEFT', target: { _tag: 'TableRef', name: r.through.table.name, alias: th }, on: eqNode(thCol(r.through.sourceCol), pAcc(r.sourceKey)) })
          b.joins.push({ kind: 'LEFT', target: proj.from, on: andNode(eqNode(acc(r.targetKey), thCol(r.through.targetCol)), proj.where)! })
        } else b.joins.push({ kind: 'LEFT', target: proj.from, on: andNode(eqNode(acc(r.targetKey), pAcc(r.sourceKey)), proj.where)! })
        for (const j of proj.joins) b.joins.push({ ...j, kind: 'LEFT' })
        b.order.push(...targetOrder(r, alias))
      }
      b.columns.push(...proj.columns)
      const inner = buildNodes(p.nested, acc, b, dialect, b.columns)
      if (E.isLeft(inner)) return inner
      nodes.push({ plan: p, id, proj, children: inner.right.nodes, post: inner.right.post })
    } else if (p.strategy === 'json') {
      const id = b.counter++
      const col = jsonColumn(p, pAcc, `__json${id}`, id, dialect)
      if (E.isLeft(col)) return col
      jsonCols.push(col.right.item)
      nodes.push({ plan: p, id, json: { alias: col.right.item.alias, read: col.right.read }, children: [], post: col.right.post })
    } else post.push(p)
  }
  return E.right({ nodes, post })
}

// ---------------------------------------------------------------- reading

/** The children one parent holds through one plan, in order, each once. */
interface EdgeList {
  readonly parent: TrackedRow
  readonly rows: TrackedRow[]
  /** Built once the list is long enough for `includes` to cost more than a set. */
  seen: Set<TrackedRow> | undefined
}

/** What a load collected: the edges per plan and parent, and each plan's distinct children. */
interface Edges {
  readonly lists: Map<Plan, Map<TrackedRow, EdgeList>>
  readonly rowsOf: Map<Plan, Set<TrackedRow>>
}

const newEdges = (): Edges => ({ lists: new Map(), rowsOf: new Map() })

const edgeOf = (e: Edges, parent: TrackedRow, plan: Plan): EdgeList => {
  let byParent = e.lists.get(plan)
  if (byParent === undefined) e.lists.set(plan, (byParent = new Map()))
  let l = byParent.get(parent)
  if (l === undefined) byParent.set(parent, (l = { parent, rows: [], seen: undefined }))
  return l
}

const pushEdge = (list: EdgeList, child: TrackedRow): void => {
  if (list.seen !== undefined) {
    if (list.seen.has(child)) return
    list.seen.add(child)
  } else if (list.rows.includes(child)) return
  else if (list.rows.length >= 16) list.seen = new Set([...list.rows, child])
  list.rows.push(child)
}

const noteChild = (e: Edges, plan: Plan, child: TrackedRow): void => {
  let m = e.rowsOf.get(plan)
  if (!m) e.rowsOf.set(plan, (m = new Set()))
  m.add(child)
}

const readNodes = (uow: UnitOfWork, raw: RowValues, parent: TrackedRow, nodes: ReadonlyArray<InQuery>, e: Edges): E.Either<DbError, UnitOfWork> => {
  let u = uow
  for (const n of nodes) {
    const list = edgeOf(e, parent, n.plan)
    if (n.proj) {
      const tracked = trackRaw(u, n.plan.r.target, n.proj, raw)
      if (tracked === undefined) continue
      const child = tracked[1]
      u = tracked[0]
      pushEdge(list, child)
      noteChild(e, n.plan, child)
      const deeper = readNodes(u, raw, child, n.children, e)
      if (E.isLeft(deeper)) return deeper
      u = deeper.right
    } else if (n.json) {
      const items = n.json.read(raw[n.json.alias])
      if (E.isLeft(items)) return items
      const r = readJsonItems(u, n.plan, parent, items.right, e)
      u = r
    }
  }
  return E.right(u)
}

const readJsonItems = (uow: UnitOfWork, plan: Plan, parent: TrackedRow, items: ReadonlyArray<import('./jsonLoad.js').JsonItem>, e: Edges): UnitOfWork => {
  let u = uow
  const list = edgeOf(e, parent, plan)
  for (const it of items) {
    const [u2, child] = trackParts(u, plan.r.target, it.parts)
    u = u2
    pushEdge(list, child)
    noteChild(e, plan, child)
    for (const n of it.nested) u = readJsonItems(u, n.plan, child, n.items, e)
  }
  return u
}

/**
 * Records every collected edge in the session's graph (and the many-to-one inverse). Loading
 * never replaces a tracked row, so the rows collected are the session's. @internal
 */
const recordEdges = (uow: UnitOfWork, e: Edges): UnitOfWork => {
  let u = uow
  for (const [plan, byParent] of e.lists) {
    const r = plan.r
    const inv = inverseOf(r)
    const invRel = inv ? r.target.$.relations[inv] : undefined
    const backRef = inv !== undefined && invRel !== undefined && (invRel._tag === 'BelongsTo' || invRel._tag === 'HasOne')
    for (const { parent, rows } of byParent.values()) {
      u = setRelated(u, parent, r.name, r.many ? rows.map((c) => c.key) : (rows[0]?.key ?? null))
      if (backRef) for (const child of rows) u = setRelated(u, child, inv!, parent.key)
    }
  }
  return u
}

// ---------------------------------------------------------------- running

/** The result of running an entity query: the parents' tracked rows, in order. @internal */
export type Loaded = ReadonlyArray<TrackedRow>

const emptySelect: SelectNode = { _tag: 'Select', distinct: false, columns: [], from: [], joins: [], groupBy: [], orderBy: [] }

/** The base select of an entity (its projection), before the user's steps. @internal */
export const entitySelect = (en: AnyEntity): Select<Readonly<Record<string, unknown>>> => {
  const proj = projection(en)
  return { node: { ...emptySelect, columns: proj.columns, from: [proj.from], joins: proj.joins, ...(proj.where ? { where: proj.where } : {}) } }
}

const execute = (node: SelectNode): Core.Session<ReadonlyArray<RowValues>> => Core.fromConnection((conn) => conn.execute({ node } as Select<RowValues>))

/**
 * Runs an entity query (already shaped by the user's steps) with its load plans; returns the
 * tracked parent rows. Autoflushes first.
 * @internal
 */
export const runQuery = (en: AnyEntity, q: SelectNode, plans: ReadonlyArray<Plan>): Core.Session<Loaded> =>
  pipe(
    Core.autoflush,
    SRTE.chain(() => SRTE.asks((env: Core.SessionEnv) => env.dialect)),
    SRTE.chain((dialect) => {
      const proj = projection(en)
      const b: Built = { joins: [], columns: [], order: [], counter: 0 }
      const jsonCols: SelectItem[] = []
      const hasJoined = plans.some((p) => p.strategy === 'joined')
      const wrap = hasJoined && (q.limit !== undefined || q.offset !== undefined)
      let node: SelectNode = q
      let pAcc = accessor(en, proj.refName)
      if (wrap) {
        // The parents' LIMIT/OFFSET must count parents, not joined rows: limit them in a subquery.
        const inner = q
        const aliasOf = new Map<string, string>()
        for (const c of inner.columns) if (c.expr._tag === 'ColumnRef') aliasOf.set(`${c.expr.table}\u0000${c.expr.name}`, c.alias)
        const toOuter = (n: ExprNode): ExprNode => {
          if (n._tag !== 'ColumnRef') return n
          const a = aliasOf.get(`${n.table}\u0000${n.name}`)
          return a === undefined ? n : { _tag: 'ColumnRef', table: 'anon', name: a, ...(n.type ? { type: n.type } : {}) }
        }
        const retargetAll = <N>(x: N): N => {
          const go = (v: unknown): unknown => {
            if (Array.isArray(v)) return v.map(go)
            if (typeof v !== 'object' || v === null) return v
            const o = v as Record<string, unknown>
            if (o['_tag'] === 'ColumnRef') return toOuter(o as unknown as ExprNode)
            return Object.fromEntries(Object.keys(o).map((k) => [k, go(o[k])]))
          }
          return go(x) as N
        }
        const innerAcc = pAcc
        pAcc = (key) => toOuter(innerAcc(key))
        node = {
          ...emptySelect,
          columns: inner.columns.map((c) => ({ alias: c.alias, expr: { _tag: 'ColumnRef', table: 'anon', name: c.alias, ...(c.type ? { type: c.type } : {}) }, ...(c.type ? { type: c.type } : {}) })),
          from: [{ _tag: 'SubqueryRef', query: inner, alias: 'anon', lateral: false }],
          orderBy: retargetAll(inner.orderBy),
        }
      }
      const built = buildNodes(plans, pAcc, b, dialect, jsonCols)
      if (E.isLeft(built)) return SRTE.left<UnitOfWork, Core.SessionEnv, DbError, Loaded>(built.left)
      if (wrap && jsonCols.length > 0) {
        // JSON columns correlate to the parents' table: compute them inside the subquery.
        const sub = node.from[0] as Extract<SelectNode['from'][number], { _tag: 'SubqueryRef' }>
        const innerQ = sub.query as SelectNode
        node = {
          ...node,
          from: [{ ...sub, query: { ...innerQ, columns: [...innerQ.columns, ...jsonCols] } }],
          columns: [...node.columns, ...jsonCols.map((c) => ({ alias: c.alias, expr: { _tag: 'ColumnRef', table: 'anon', name: c.alias } as ExprNode }))],
        }
      } else node = { ...node, columns: [...node.columns, ...jsonCols] }
      node = { ...node, columns: [...node.columns, ...b.columns], joins: [...node.joins, ...b.joins], orderBy: [...node.orderBy, ...b.order] }
      const final = node
      return pipe(
        execute(final),
        SRTE.chain((rows) => (uow: UnitOfWork) => () => async () => {
          let u = uow
          // Parents in order of first appearance (a joined load repeats a parent per child row).
          const parents: TrackedRow[] = []
          const seen = new Set<TrackedRow>()
          const nodes = built.right.nodes
          const simple = nodes.length === 0 && proj.readValue !== undefined
          const startSeq = uow.nextSeq
          const e = newEdges()
          for (const raw of rows) {
            const tracked = trackRaw(u, en, proj, raw)
            if (tracked === undefined) continue
            const parent = tracked[1]
            const fresh = tracked[0] !== u
            u = tracked[0]
            // Plain rows: one tracked just now is new to this loop, one tracked earlier in this
            // loop was pushed then; only rows the session held before need the set.
            const first = simple ? fresh || (parent.seq < startSeq && !seen.has(parent)) : !seen.has(parent)
            if (first) {
              if (!fresh || !simple) seen.add(parent)
              parents.push(parent)
              for (const n of nodes) edgeOf(e, parent, n.plan)
            }
            if (nodes.length === 0) continue
            const r = readNodes(u, raw, parent, nodes, e)
            if (E.isLeft(r)) return r
            u = r.right
          }
          u = recordEdges(u, e)
          return E.right<DbError, [readonly [Loaded, Edges, ReadonlyArray<InQuery>], UnitOfWork]>([[parents, e, nodes], u])
        }),
        SRTE.chain(([parents, e, nodes]) =>
          pipe(
            postLoad(en, parents, built.right.post, q),
            SRTE.chain(() => postNested(nodes, e)),
            SRTE.map(() => parents),
          ),
        ),
      )
    }),
  )

const postNested = (nodes: ReadonlyArray<InQuery>, e: Edges): Core.Session<void> =>
  nodes.reduce<Core.Session<void>>(
    (acc, n) =>
      pipe(
        acc,
        SRTE.chain(() => {
          const rows = [...(e.rowsOf.get(n.plan)?.values() ?? [])]
          return pipe(
            postLoad(n.plan.r.target, rows, n.post, undefined),
            SRTE.chain(() => postNested(n.children, e)),
          )
        }),
      ),
    SRTE.right(undefined),
  )

// ---------------------------------------------------------------- selectin and subquery

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
    const values = new Map<string, unknown>()
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
    const groups = new Map<string, TrackedRow[]>()
    const children = new Set<TrackedRow>()
    for (const q of queries) {
      const res = await env.conn.execute({ node: q } as Select<RowValues>)()
      if (E.isLeft(res)) return res
      for (const raw of res.right) {
        const tracked = trackRaw(u, r.target, proj, raw)
        if (tracked === undefined) continue
        const child = tracked[1]
        u = tracked[0]
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

/** Hydrates loaded rows with a shape. @internal */
export const hydrateAll = (en: AnyEntity, rows: Loaded, shape: Shape, raise: ReadonlyArray<string>): Core.Session<ReadonlyArray<AnyInstance>> =>
  SRTE.gets((uow: UnitOfWork) => {
    const out: AnyInstance[] = []
    // Loading never replaces a tracked row (the session's row wins), so these are current.
    for (const r of rows) if (r.state !== 'deleted') out.push(hydrate(uow, en, r, shape, raise))
    return out
  })

/** Whether a relationship of a row is loaded in the session. @internal */
export const isLoaded = (uow: UnitOfWork, row: TrackedRow, name: string): boolean => getRelated(uow, row, name) !== undefined
