/**
 * Revisions and the revision graph: each revision names its parents (none for a base, two
 * or more for a merge); heads are revisions nobody builds on. Targets resolve from `head`,
 * `heads`, `base`, a full id or a unique id prefix.
 *
 * @category migrations
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { Executor } from '../effects/Connection.js'
import type { DbError } from '../effects/DbError.js'
import type { Operation } from './Operation.js'

/** A migration's steps: operations, or one effect (a data migration). @category migrations */
export type Steps = ReadonlyArray<Operation> | ((db: Executor) => TE.TaskEither<DbError, unknown>)

/** One revision, as a migrations file exports it. @category migrations */
export interface Revision {
  readonly id: string
  readonly parents: ReadonlyArray<string>
  readonly message: string
  readonly upgrade: Steps
  readonly downgrade: Steps
  /** Where it was loaded from, for messages. */
  readonly file?: string
}

/** A validated revision graph. @category migrations */
export interface Graph {
  readonly revisions: ReadonlyMap<string, Revision>
  /** Revisions in an order where every parent comes before its children (stable by file order). */
  readonly order: ReadonlyArray<string>
  readonly heads: ReadonlyArray<string>
  readonly bases: ReadonlyArray<string>
  readonly children: ReadonlyMap<string, ReadonlyArray<string>>
}

const err = (revision: string, message: string): DbError => ({ _tag: 'MigrationError', revision, message })

/** Builds the graph, rejecting duplicate ids, unknown parents and cycles. @category migrations */
export const buildGraph = (revs: ReadonlyArray<Revision>): E.Either<DbError, Graph> => {
  const revisions = new Map<string, Revision>()
  for (const r of revs) {
    const prev = revisions.get(r.id)
    if (prev !== undefined) return E.left(err(r.id, `revision id ${r.id} is used twice (${prev.file ?? '?'} and ${r.file ?? '?'})`))
    revisions.set(r.id, r)
  }
  const children = new Map<string, string[]>()
  for (const r of revs) {
    for (const p of r.parents) {
      if (!revisions.has(p)) return E.left(err(r.id, `revision ${r.id} names an unknown parent ${p}`))
      children.set(p, [...(children.get(p) ?? []), r.id])
    }
  }
  const order: string[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (id: string): E.Either<DbError, void> => {
    const s = state.get(id)
    if (s === 'done') return E.right(undefined)
    if (s === 'visiting') return E.left(err(id, `revision ${id} is its own ancestor (a cycle in parents)`))
    state.set(id, 'visiting')
    for (const p of revisions.get(id)?.parents ?? []) {
      const v = visit(p)
      if (E.isLeft(v)) return v
    }
    state.set(id, 'done')
    order.push(id)
    return E.right(undefined)
  }
  for (const r of revs) {
    const v = visit(r.id)
    if (E.isLeft(v)) return v
  }
  return E.right({
    revisions,
    order,
    heads: order.filter((id) => !children.has(id)),
    bases: order.filter((id) => (revisions.get(id)?.parents.length ?? 0) === 0),
    children,
  })
}

/** `ids` and all their ancestors. @category migrations */
export const ancestorsOf = (g: Graph, ids: ReadonlyArray<string>): Set<string> => {
  const out = new Set<string>()
  const stack = [...ids]
  while (stack.length > 0) {
    const id = stack.pop() as string
    if (out.has(id)) continue
    out.add(id)
    stack.push(...(g.revisions.get(id)?.parents ?? []))
  }
  return out
}

/** The heads of a set of applied revisions: members no other member builds on. @category migrations */
export const headsOf = (g: Graph, applied: ReadonlySet<string>): ReadonlyArray<string> =>
  g.order.filter((id) => applied.has(id) && !(g.children.get(id) ?? []).some((c) => applied.has(c)))

/**
 * Resolves a target to revision ids: `head` (the single head), `heads` (all), `base` (none),
 * an id or a unique prefix of one.
 *
 * @category migrations
 */
export const resolve = (g: Graph, target: string): E.Either<DbError, ReadonlyArray<string>> => {
  if (target === 'heads') return E.right(g.heads)
  if (target === 'base') return E.right([])
  if (target === 'head') {
    if (g.heads.length > 1) return E.left(err(target, `there are ${g.heads.length} heads (${g.heads.join(', ')}); name one, use "heads", or merge them`))
    return E.right(g.heads)
  }
  if (g.revisions.has(target)) return E.right([target])
  const matches = g.order.filter((id) => id.startsWith(target))
  if (matches.length === 1) return E.right(matches)
  if (matches.length > 1) return E.left(err(target, `revision prefix ${target} is ambiguous (${matches.join(', ')})`))
  return E.left(err(target, `unknown revision ${target}`))
}

/** A revision to run, in one direction. @category migrations */
export interface Step {
  readonly revision: Revision
  readonly direction: 'up' | 'down'
}

/** The revisions to apply to go from `current` (applied heads) up to `targets`, parents first. @category migrations */
export const planUpgrade = (g: Graph, current: ReadonlyArray<string>, targets: ReadonlyArray<string>): ReadonlyArray<Step> => {
  const applied = ancestorsOf(g, current)
  const wanted = ancestorsOf(g, targets)
  return g.order.filter((id) => wanted.has(id) && !applied.has(id)).map((id) => ({ revision: g.revisions.get(id) as Revision, direction: 'up' as const }))
}

/** The revisions to undo to go from `current` down to `targets` (kept with their ancestors), children first. @category migrations */
export const planDowngradeTo = (g: Graph, current: ReadonlyArray<string>, targets: ReadonlyArray<string>): ReadonlyArray<Step> => {
  const applied = ancestorsOf(g, current)
  const keep = ancestorsOf(g, targets)
  return [...g.order].reverse().filter((id) => applied.has(id) && !keep.has(id)).map((id) => ({ revision: g.revisions.get(id) as Revision, direction: 'down' as const }))
}

/** The last `n` applied revisions to undo, children first. @category migrations */
export const planDowngradeBy = (g: Graph, current: ReadonlyArray<string>, n: number): E.Either<DbError, ReadonlyArray<Step>> => {
  const applied = ancestorsOf(g, current)
  const all = [...g.order].reverse().filter((id) => applied.has(id))
  if (n > all.length) return E.left(err(`-${n}`, `cannot go down ${n} revision(s): only ${all.length} applied`))
  return E.right(all.slice(0, n).map((id) => ({ revision: g.revisions.get(id) as Revision, direction: 'down' as const })))
}

/** The applied heads after running `step` from `current`. @category migrations */
export const afterStep = (g: Graph, current: ReadonlyArray<string>, step: Step): ReadonlyArray<string> => {
  const applied = ancestorsOf(g, current)
  if (step.direction === 'up') applied.add(step.revision.id)
  else applied.delete(step.revision.id)
  return headsOf(g, applied)
}
