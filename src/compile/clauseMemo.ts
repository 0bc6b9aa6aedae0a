/**
 * The clause memo: each clause of a statement (select list, FROM, WHERE, VALUES, …) is written
 * into the shape as one token, the interned id of its flat token list, and the id and the
 * clause's parameter values are remembered per clause object, within a reuse budget. A
 * statement built around clauses compiled before is then keyed without walking them again.
 *
 * @internal
 * @category compile
 */
import type { SqlType } from '../algebra/SqlType.js'
import type { Walk } from './shape.js'

/**
 * What a memoised clause is walked as (the walk's `K_*` constants): the same object walked
 * another way is not memoised again. @internal
 */
export type Kind = number

/** A clause's interned shape id and the parameter values (with types) it holds, in canonical order. */
interface Memo {
  readonly kind: Kind
  readonly id: number
  readonly values: ReadonlyArray<unknown>
  readonly types: ReadonlyArray<SqlType | undefined>
}

const NO_VALUES: ReadonlyArray<never> = []

/** Clause objects (nodes are immutable) to their memo. */
const memos = new WeakMap<object, Memo>()

/** Interned token lists: equal lists get one id; ids are never reused (a full table starts afresh). */
interface Interned {
  readonly tokens: ReadonlyArray<string | number>
  readonly id: number
}
const interned = new Map<number, Interned[]>()
const INTERN_LIMIT = 50_000
let internedCount = 0
let nextId = 1

const internRange = (t: ReadonlyArray<string | number>, start: number, end: number): number => {
  const n = end - start
  let h = n
  const step = n > 16 ? n >> 4 : 1
  for (let i = end - 1; i >= start; i -= step) {
    const x = t[i]
    h = (Math.imul(h, 31) + (typeof x === 'number' ? x ^ 0x5bd1e995 : x.length)) | 0
  }
  const bucket = interned.get(h)
  if (bucket !== undefined)
    search: for (let b = 0; b < bucket.length; b++) {
      const e = bucket[b].tokens
      if (e.length !== n) continue
      for (let i = 0; i < n; i++) if (e[i] !== t[start + i]) continue search
      return bucket[b].id
    }
  if (internedCount >= INTERN_LIMIT) {
    interned.clear()
    internedCount = 0
  }
  const entry: Interned = { tokens: t.slice(start, end), id: nextId++ }
  const fresh = interned.get(h)
  if (fresh === undefined) interned.set(h, [entry])
  else fresh.push(entry)
  internedCount++
  return entry.id
}

/** xorshift32 state: which clause misses are remembered without credit (see {@link clause}). */
let seed = 0x2545f491

/** True for about one call in 128, without a pattern a workload could align with. */
const rarely = (): boolean => {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return (seed & 127) === 0
}

/** Lookups that found a memo, minus {@link SET_PRICE} per memo written on credit; bounded both ways. */
let credit = 0
const SET_PRICE = 16
const CREDIT_MAX = 1 << 12
let rememberAll = false
let memoHits = 0

/** Tests: remember every clause at its first miss (`true`), or follow the credit policy. @internal */
export const rememberAllClauses = (on: boolean): void => {
  rememberAll = on
}

/** Tests: how many clause lookups the memo has answered. @internal */
export const clauseMemoHits = (): number => memoHits

/**
 * Walks one clause of a statement. With `w.memo`, writes a single token, the interned id of
 * the clause's flat token list, and may remember it per clause object with the clause's
 * parameter values: a statement rebuilt around clauses already seen (a fresh root, another
 * LIMIT) then costs a lookup per clause. The clause's own subtrees are walked flat, so equal
 * ids mean equal flat tokens, and a key of ids equals another exactly when the flat keys are
 * equal. Remembering costs far more than a lookup (and weak entries burden the collector), so
 * misses are remembered while memos pay off (hits earn credit, writes spend it) and otherwise
 * about one in 128: clause objects compiled again and again are soon remembered, while
 * statements built afresh each time stay cheap.
 * @internal
 */
export const clause = <A extends object>(w: Walk, kind: Kind, node: A, walk: (w: Walk, node: A) => void): void => {
  if (!w.memo) return walk(w, node)
  const m = memos.get(node)
  if (m !== undefined && m.kind === kind) {
    memoHits++
    if (credit < CREDIT_MAX) credit++
    w.t[w.n++] = m.id
    const vs = m.values
    if (vs.length > 0) {
      const ts = m.types
      for (let i = 0; i < vs.length; i++) {
        w.values[w.nv] = vs[i]
        w.types[w.nv++] = ts[i]
      }
    }
    return
  }
  const start = w.n
  const vstart = w.nv
  w.memo = false
  walk(w, node)
  w.memo = true
  const id = internRange(w.t, start, w.n)
  w.n = start
  w.t[w.n++] = id
  if (m === undefined && (credit > 0 || rememberAll || rarely())) {
    if (credit > 0) credit -= SET_PRICE
    memos.set(node, {
      kind,
      id,
      values: w.nv === vstart ? NO_VALUES : w.values.slice(vstart, w.nv),
      types: w.nv === vstart ? NO_VALUES : w.types.slice(vstart, w.nv),
    })
  }
}

/** A list clause: empty lists are written inline (cheaper than a lookup). @internal */
export const listClause = <A>(w: Walk, kind: Kind, list: ReadonlyArray<A>, walk: (w: Walk, list: ReadonlyArray<A>) => void): void => {
  if (list.length === 0) walk(w, list)
  else clause(w, kind, list, walk)
}
