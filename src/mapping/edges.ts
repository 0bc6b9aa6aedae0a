/**
 * The relationship edges a load collects (per plan and parent row, children in order, each
 * once) and their recording in the session's graph, with the many-to-one inverse.
 *
 * @category loading
 * @internal
 */
import type { TrackedRow, UnitOfWork } from '../effects/session/UnitOfWork.js'
import { noteRelated, relatedBatch, setRelatedBatch } from './graph.js'
import type { Plan } from './loadPlan.js'
import { inverseOf } from './relations.js'

/** The children one parent holds through one plan, in order, each once. @internal */
export interface EdgeList {
  readonly parent: TrackedRow
  readonly rows: TrackedRow[]
  /** Built once the list is long enough for `includes` to cost more than a set. */
  seen: Set<TrackedRow> | undefined
}

/** What a load collected: the edges per plan and parent, and each plan's distinct children. @internal */
export interface Edges {
  readonly lists: Map<Plan, Map<TrackedRow, EdgeList>>
  readonly rowsOf: Map<Plan, Set<TrackedRow>>
}

/** An empty collection of edges. @internal */
export const newEdges = (): Edges => ({ lists: new Map(), rowsOf: new Map() })

/** The edge list of `parent` through `plan`, created empty on first use. @internal */
export const edgeOf = (e: Edges, parent: TrackedRow, plan: Plan): EdgeList => {
  let byParent = e.lists.get(plan)
  if (byParent === undefined) e.lists.set(plan, (byParent = new Map()))
  let l = byParent.get(parent)
  if (l === undefined) byParent.set(parent, (l = { parent, rows: [], seen: undefined }))
  return l
}

/** Adds a child to an edge list unless it is already there. @internal */
export const pushEdge = (list: EdgeList, child: TrackedRow): void => {
  if (list.seen !== undefined) {
    if (list.seen.has(child)) return
    list.seen.add(child)
  } else if (list.rows.includes(child)) return
  else if (list.rows.length >= 16) list.seen = new Set([...list.rows, child])
  list.rows.push(child)
}

/** Notes a child among a plan's distinct children. @internal */
export const noteChild = (e: Edges, plan: Plan, child: TrackedRow): void => {
  let m = e.rowsOf.get(plan)
  if (!m) e.rowsOf.set(plan, (m = new Set()))
  m.add(child)
}

/**
 * Records every collected edge in the session's graph (and the many-to-one inverse). Loading
 * never replaces a tracked row, so the rows collected are the session's. @internal
 */
export const recordEdges = (uow: UnitOfWork, e: Edges): UnitOfWork => {
  const batch = relatedBatch()
  for (const [plan, byParent] of e.lists) {
    const r = plan.r
    const inv = inverseOf(r)
    const invRel = inv ? r.target.$.relations[inv] : undefined
    const backRef = inv !== undefined && invRel !== undefined && (invRel._tag === 'BelongsTo' || invRel._tag === 'HasOne')
    for (const { parent, rows } of byParent.values()) {
      noteRelated(batch, parent, r.name, r.many ? rows.map((c) => c.key) : (rows[0]?.key ?? null))
      if (backRef) for (const child of rows) noteRelated(batch, child, inv!, parent.key)
    }
  }
  return setRelatedBatch(uow, batch)
}
