/**
 * Running entity queries with their load plans. The parents' query may gain LEFT JOINs
 * (`joined`, wrapped in a subquery when it has LIMIT/OFFSET), JSON columns (`json`) or read
 * columns of joins the user wrote (`containsEager`); then `selectin` / `subquery`
 * (`./selectin.ts`) run one more statement per relationship level. Every row is tracked in the
 * identity map and each loaded relationship is recorded in the session's graph
 * (`./edges.ts`), then values are hydrated with exactly the relationships loaded.
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
import { addLoadedAll, type RowValues, type TrackedRow, type UnitOfWork } from '../effects/session/UnitOfWork.js'
import { valueRows, type AnyEntity, type AnyInstance } from './Entity.js'
import { edgeOf, newEdges, noteChild, pushEdge, recordEdges, type Edges } from './edges.js'
import { getRelated, hydrate, trackAllRaw, trackParts, trackRaw, type Shape } from './graph.js'
import { projection, type Projection } from './inheritance.js'
import { jsonColumn } from './jsonLoad.js'
import { accessor, andNode, emptySelect, eqNode, targetOrder, type Acc, type Plan } from './loadPlan.js'
import { postLoad } from './selectin.js'

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

// ---------------------------------------------------------------- reading rows

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
  const target = plan.r.target
  const table = target.$.tables[0]
  if (items.length > 1 && target.$.tables.length === 1 && items.every((it) => it.nested.length === 0 && it.parts.length === 1 && it.parts[0].table === table)) {
    // One table's rows and nothing nested: tracked in one step of the identity map.
    const [after, rows] = addLoadedAll(u, table, items.map((it) => it.parts[0].values), target.$.versionKey)
    for (const child of rows) {
      pushEdge(list, child)
      noteChild(e, plan, child)
    }
    return after
  }
  for (const it of items) {
    const [u2, child] = trackParts(u, plan.r.target, it.parts)
    u = u2
    pushEdge(list, child)
    noteChild(e, plan, child)
    for (const n of it.nested) u = readJsonItems(u, n.plan, child, n.items, e)
  }
  return u
}

// ---------------------------------------------------------------- running

/** The result of running an entity query: the parents' tracked rows, in order. @internal */
export type Loaded = ReadonlyArray<TrackedRow>

/** The base select of an entity (its projection), before the user's steps. @internal */
export const entitySelect = (en: AnyEntity): Select<Readonly<Record<string, unknown>>> => {
  const proj = projection(en)
  return { node: { ...emptySelect, columns: proj.columns, from: [proj.from], joins: proj.joins, ...(proj.where ? { where: proj.where } : {}) } }
}

/** Runs an entity query; rows labelled exactly as the entity's columns come back built as its values. */
const execute = (en: AnyEntity, node: SelectNode): Core.Session<ReadonlyArray<RowValues>> =>
  Core.fromConnection((conn) => conn.execute({ node, rows: valueRows(en) } as Select<RowValues>))

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
        execute(en, final),
        SRTE.chain((rows) => (uow: UnitOfWork) => () => async () => {
          let u = uow
          const nodes = built.right.nodes
          const e = newEdges()
          if (nodes.length === 0 && proj.readValue !== undefined) {
            const [tracked, parents] = trackPlain(uow, en, proj, rows)
            return E.right<DbError, [readonly [Loaded, Edges, ReadonlyArray<InQuery>], UnitOfWork]>([[parents, e, nodes], tracked])
          }
          // Parents in order of first appearance (a joined load repeats a parent per child row).
          const parents: TrackedRow[] = []
          const seen = new Set<TrackedRow>()
          for (const raw of rows) {
            const tracked = trackRaw(u, en, proj, raw)
            if (tracked === undefined) continue
            const parent = tracked[1]
            u = tracked[0]
            if (!seen.has(parent)) {
              seen.add(parent)
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

/**
 * Tracks the rows of a query of one single-table entity with nothing loaded in-query, all in
 * one step of the identity map; returns the parents in order of first appearance.
 */
const trackPlain = (uow: UnitOfWork, en: AnyEntity, proj: Projection, rows: ReadonlyArray<RowValues>): readonly [UnitOfWork, Loaded] => {
  const startSeq = uow.nextSeq
  const [u, tracked] = trackAllRaw(uow, en, proj, rows)
  // A row new to the session is first met at the index that numbered it; one the session held
  // before may come twice (a join in the user's query), so those are checked in a set.
  let parents: TrackedRow[] | undefined
  let seen: Set<TrackedRow> | undefined
  for (let i = 0, n = tracked.length; i < n; i++) {
    const row = tracked[i]
    const first = row.seq === startSeq + i || (row.seq < startSeq && !(seen ??= new Set()).has(row))
    if (first && row.seq < startSeq) seen!.add(row)
    if (parents !== undefined) {
      if (first) parents.push(row)
    } else if (!first) parents = tracked.slice(0, i)
  }
  return [u, parents ?? tracked]
}

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
