/**
 * Workload `orm-state` (issue #4): the Session's state must stay cheap as it grows. A session
 * holding 1,000, 10,000 and 100,000 persistent entities (loaded with `S.all` from SQLite
 * `:memory:`) runs three operations, each from that same state (so the size stays fixed):
 *
 * - `S.add` of a new value (made beforehand) — a pending row in the identity map;
 * - `S.get` of a tracked primary key — answered from the identity map, no SELECT;
 * - `S.update` of one tracked value's column — a change set and the new value.
 *
 * None of them flushes. Per-op time is timed in rounds of about `roundMs`, interleaved across
 * the three sizes round by round; the median of the rounds is reported. The per-op time at
 * 100,000 over the time at 1,000 should stay near 1 (a persistent map costs O(log n); a copy
 * of the map per operation would be ~100×).
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { performance } from 'node:perf_hooks'
import { insertInto, lte, where } from '../src/algebra/index.js'
import { createEngine } from '../src/createEngine.js'
import type { DbError } from '../src/effects/DbError.js'
import { runWith, type Session, type SessionEnv } from '../src/effects/session/Session.js'
import { empty, type UnitOfWork } from '../src/effects/session/UnitOfWork.js'
import { createAll } from '../src/index.js'
import { entity } from '../src/mapping/Entity.js'
import * as S from '../src/mapping/session.js'
import { benchRows, benchTable, chunks } from './data.js'
import { median, quick } from './harness.js'

export const STATE_SIZES = [1_000, 10_000, 100_000] as const

const stateItems = benchTable('orm_state_items')
const StateItem = entity(stateItems, { name: 'StateItem' })

/** One operation's per-op figures at each size. */
export interface StateOpResult {
  readonly op: string
  /** Median ns per op, by size (same order as `sizes`). */
  readonly ns: ReadonlyArray<number>
  /** Median absolute deviation of the rounds relative to the median, by size. */
  readonly spread: ReadonlyArray<number>
}

/** The outcome of the state workload. */
export interface StateResult {
  readonly sizes: ReadonlyArray<number>
  /** ms to load each state (S.all into an empty session). */
  readonly loadMs: ReadonlyArray<number>
  readonly ops: ReadonlyArray<StateOpResult>
  readonly error?: string
}

const describe = (e: unknown): string => (typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : JSON.stringify(e))

type Op = (i: number) => Promise<number>

/** Runs `op` `iters` times (each awaited), returns ns per op. */
const timeRound = async (op: Op, iters: number, sink: { v: number }): Promise<number> => {
  let acc = 0
  const t0 = performance.now()
  for (let i = 0; i < iters; i++) acc += await op(i)
  const t1 = performance.now()
  sink.v = (sink.v + acc) % 1_000_000_007
  return ((t1 - t0) * 1e6) / iters
}

const relMad = (xs: ReadonlyArray<number>): number => {
  const m = median(xs)
  return median(xs.map((x) => Math.abs(x - m))) / m
}

/** Runs a session step from `uow` on `env`; returns 1 (for the sink) or throws its error. */
const step = async <A>(s: Session<A>, uow: UnitOfWork, env: SessionEnv): Promise<number> => {
  const r = await runWith(s, uow, env)()
  if (E.isLeft(r)) throw new Error(describe(r.left))
  return 1
}

const measure = async (env: SessionEnv, sizes: ReadonlyArray<number>, sink: { v: number }): Promise<Omit<StateResult, 'error'>> => {
  const loadMs: number[] = []
  const states: Array<{ readonly uow: UnitOfWork; readonly values: ReadonlyArray<S.Result<typeof StateItem, []>> }> = []
  for (const n of sizes) {
    const t0 = performance.now()
    const r = await runWith(S.all(StateItem, where(lte(stateItems.c.id, n))), empty, env)()
    loadMs.push(performance.now() - t0)
    if (E.isLeft(r)) throw new Error(describe(r.left))
    const [values, uow] = r.right
    if (values.length !== n || uow.rows.size !== n) throw new Error(`state of ${n}: loaded ${values.length}, tracking ${uow.rows.size}`)
    states.push({ uow, values })
  }
  const fresh = Array.from({ length: 1024 }, (_, i) => {
    const v = StateItem.make({ name: `new ${i}`, email: `new${i}@example.com`, active: true, score: 1, createdAt: new Date(0) })
    if (E.isLeft(v)) throw new Error(describe(v.left))
    return v.right
  })
  // Lookups and updates pick keys spread over the whole state (a multiplicative hash of i).
  const pick = (i: number, n: number): number => ((i * 2654435761) >>> 0) % n
  const ops: ReadonlyArray<{ readonly name: string; readonly make: (k: number) => Op }> = [
    { name: 'S.add (new pending value)', make: (k) => (i) => step(S.add(fresh[i & 1023]!), states[k]!.uow, env) },
    {
      name: 'S.get (identity map hit)',
      make: (k) => {
        const n = sizes[k]!
        return async (i) => {
          const r = await runWith(S.get(StateItem, pick(i, n) + 1), states[k]!.uow, env)()
          if (E.isLeft(r) || r.right[0]._tag === 'None') throw new Error(`S.get missed ${pick(i, n) + 1}`)
          return 1
        }
      },
    },
    {
      name: 'S.update (one column)',
      make: (k) => {
        const { uow, values } = states[k]!
        return (i) => step(S.update(values[pick(i, values.length)]!, { name: `renamed ${i & 7}` }), uow, env)
      },
    },
  ]
  const warmupMs = quick ? 100 : 250
  const roundMs = quick ? 5 : 15
  const rounds = quick ? 9 : 21
  const out: StateOpResult[] = []
  for (const o of ops) {
    const fns = sizes.map((_, k) => o.make(k))
    const iters: number[] = []
    for (const f of fns) {
      let n = 16
      let spent = 0
      let perOp = 0
      while (spent < warmupMs) {
        const t0 = performance.now()
        perOp = (await timeRound(f, n, sink)) / 1e6
        spent += performance.now() - t0
        n = Math.min(n * 2, 1 << 20)
      }
      iters.push(Math.max(16, Math.round(roundMs / Math.max(perOp, 1e-6))))
    }
    const samples: number[][] = fns.map(() => [])
    for (let r = 0; r < rounds; r++)
      for (let j = 0; j < fns.length; j++) {
        const k = (j + r) % fns.length
        samples[k]!.push(await timeRound(fns[k]!, iters[k]!, sink))
      }
    out.push({ op: o.name, ns: samples.map(median), spread: samples.map(relMad) })
  }
  return { sizes, loadMs, ops: out }
}

/** Runs the state workload on a private SQLite `:memory:` engine. */
export const runOrmState = async (sizes: ReadonlyArray<number> = STATE_SIZES): Promise<StateResult & { readonly sink: number }> => {
  const sink = { v: 0 }
  const created = createEngine('sqlite::memory:', { pool: { size: 1 } })
  if (E.isLeft(created)) return { sizes, loadMs: [], ops: [], error: describe(created.left), sink: 0 }
  const engine = created.right
  try {
    const ddl = createAll(engine.dialect)([stateItems])
    if (E.isLeft(ddl)) throw new Error(describe(ddl.left))
    for (const s of ddl.right) {
      const r = await engine.run(s)()
      if (E.isLeft(r)) throw new Error(describe(r.left))
    }
    const max = Math.max(...sizes)
    const seeded = await engine.transaction((c) => pipe(chunks(benchRows(max), 5000), TE.traverseSeqArray((part) => c.run(insertInto(stateItems, part)))))()
    if (E.isLeft(seeded)) throw new Error(describe(seeded.left))
    // One session (one transaction) whose body measures from states it builds itself; it
    // hands back the empty state, so nothing is flushed.
    let result: Omit<StateResult, 'error'> | undefined
    const body: Session<void> = (uow) => (env) => async () => {
      try {
        result = await measure(env, sizes, sink)
        return E.right<DbError, [void, UnitOfWork]>([undefined, uow])
      } catch (e) {
        return E.left<DbError, [void, UnitOfWork]>({ _tag: 'InvalidStatement', message: e instanceof Error ? e.message : String(e) })
      }
    }
    const r = await S.runSession(engine, body)()
    if (E.isLeft(r)) throw new Error(describe(r.left))
    return { ...result!, sink: sink.v }
  } catch (e) {
    return { sizes, loadMs: [], ops: [], error: e instanceof Error ? e.message : String(e), sink: sink.v }
  } finally {
    await engine.dispose()
  }
}
