/**
 * Measurement primitives shared by every workload: a careful synchronous micro-benchmark
 * loop (for compilation) and an interleaved repetition timer (for I/O workloads).
 *
 * Both interleave candidates round by round, so a burst of load from another process on
 * this shared machine lands on every candidate alike instead of on whichever ran then.
 */
import { performance } from 'node:perf_hooks'

/** `BENCH_QUICK=1`: fewer, shorter rounds for a fast pass while developing. */
export const quick: boolean = process.env['BENCH_QUICK'] === '1'

/**
 * Dead-code guard: every measured result is folded into this value, which `run.ts` prints at
 * the end, so V8 cannot prove a measured call useless and drop it.
 */
let sinkValue = 0
/** The folded value of every measured result (printed once, so it is observable). */
export const sink = (): number => sinkValue

/** A synchronous operation to micro-benchmark; `i` is the iteration index (to vary inputs). Returns a number derived from its result. */
export type MicroFn = (i: number) => number

/** One candidate of a micro-benchmark. */
export interface MicroCandidate {
  readonly name: string
  readonly fn: MicroFn
}

/** The outcome for one candidate. */
export interface MicroResult {
  readonly name: string
  /** Median over rounds of the mean ns per operation in a round. */
  readonly nsPerOp: number
  /** Fastest round (ns/op). */
  readonly minNs: number
  /** Median absolute deviation of the rounds, relative to the median (noise indicator). */
  readonly spread: number
  readonly rounds: number
  readonly itersPerRound: number
}

/** Micro-benchmark settings (defaults depend on BENCH_QUICK). */
export interface MicroOptions {
  readonly warmupMs?: number
  readonly roundMs?: number
  readonly rounds?: number
}

const now = (): number => performance.now()

/** One timed round: `iters` calls, returns ns per call. Kept small and monomorphic in shape. */
const timeRound = (fn: MicroFn, iters: number): number => {
  let acc = 0
  const t0 = now()
  for (let i = 0; i < iters; i++) acc += fn(i)
  const t1 = now()
  sinkValue = (sinkValue + acc) % 1_000_000_007
  return ((t1 - t0) * 1e6) / iters
}

/** Median of a numeric array (copied, not mutated). */
export const median = (xs: ReadonlyArray<number>): number => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

const relativeMad = (xs: ReadonlyArray<number>): number => {
  const m = median(xs)
  return median(xs.map((x) => Math.abs(x - m))) / m
}

/**
 * Micro-benchmarks synchronous candidates: each is warmed up (JIT tiers settle), calibrated
 * so a round lasts about `roundMs`, then timed for `rounds` rounds interleaved across
 * candidates. Reports the median of the rounds' ns/op.
 */
export const micro = (candidates: ReadonlyArray<MicroCandidate>, options: MicroOptions = {}): ReadonlyArray<MicroResult> => {
  const warmupMs = options.warmupMs ?? (quick ? 100 : 300)
  const roundMs = options.roundMs ?? (quick ? 5 : 20)
  const rounds = options.rounds ?? (quick ? 9 : 25)
  const iters = candidates.map((c) => {
    // Warm-up, doubling the batch until the time budget is spent; also yields a calibration.
    let n = 16
    let spent = 0
    let perOp = 0
    while (spent < warmupMs) {
      const t0 = now()
      perOp = timeRound(c.fn, n) / 1e6
      spent += now() - t0
      if (spent < warmupMs) n = Math.min(n * 2, 1 << 22)
    }
    return Math.max(16, Math.round(roundMs / Math.max(perOp, 1e-6)))
  })
  const samples: number[][] = candidates.map(() => [])
  for (let r = 0; r < rounds; r++)
    candidates.forEach((c, k) => {
      samples[k]!.push(timeRound(c.fn, iters[k]!))
    })
  return candidates.map((c, k) => ({
    name: c.name,
    nsPerOp: median(samples[k]!),
    minNs: Math.min(...samples[k]!),
    spread: relativeMad(samples[k]!),
    rounds,
    itersPerRound: iters[k]!,
  }))
}

/** One candidate of an I/O workload: `setup` runs before each repetition, untimed; `run` is timed. */
export interface MacroCandidate {
  readonly name: string
  /** Runs once before the repetition's timed part (e.g. empty the target table). */
  readonly setup?: () => Promise<void>
  /** The timed operation; returns a number derived from its result (rows seen), checked by `expect`. */
  readonly run: () => Promise<number>
  /** Releases what the candidate holds (connections). */
  readonly close?: () => Promise<void>
}

/** The outcome for one macro candidate. */
export interface MacroResult {
  readonly name: string
  /** Median ms of the timed repetitions. */
  readonly ms: number
  readonly minMs: number
  readonly spread: number
  readonly reps: number
  /** Why the candidate could not be measured, when it could not. */
  readonly error?: string
}

/** Settings of an I/O workload. */
export interface MacroOptions {
  readonly warmup?: number
  readonly reps?: number
  /** The value every `run` must return (e.g. the row count); a mismatch is reported as an error. */
  readonly expect?: number
}

/**
 * Times async candidates: `warmup` untimed repetitions each, then `reps` repetitions
 * interleaved across candidates (candidate order rotates each repetition). A candidate that
 * throws or returns a wrong count is reported with its error and dropped from later reps.
 */
export const macro = async (candidates: ReadonlyArray<MacroCandidate>, options: MacroOptions = {}): Promise<ReadonlyArray<MacroResult>> => {
  const warmup = options.warmup ?? (quick ? 1 : 3)
  const reps = options.reps ?? (quick ? 3 : 9)
  const samples: number[][] = candidates.map(() => [])
  const errors: Array<string | undefined> = candidates.map(() => undefined)
  const once = async (k: number, timed: boolean): Promise<void> => {
    const c = candidates[k]!
    if (errors[k] !== undefined) return
    try {
      if (c.setup) await c.setup()
      const t0 = now()
      const n = await c.run()
      const t1 = now()
      if (options.expect !== undefined && n !== options.expect) throw new Error(`returned ${n}, expected ${options.expect}`)
      sinkValue = (sinkValue + n) % 1_000_000_007
      if (timed) samples[k]!.push(t1 - t0)
    } catch (e) {
      errors[k] = e instanceof Error ? e.message : String(e)
    }
  }
  for (let w = 0; w < warmup; w++) for (let k = 0; k < candidates.length; k++) await once(k, false)
  for (let r = 0; r < reps; r++)
    for (let j = 0; j < candidates.length; j++) await once((j + r) % candidates.length, true)
  return candidates.map((c, k) => {
    const s = samples[k]!
    const err = errors[k]
    return {
      name: c.name,
      ms: median(s),
      minMs: s.length ? Math.min(...s) : NaN,
      spread: s.length ? relativeMad(s) : NaN,
      reps: s.length,
      ...(err !== undefined ? { error: err } : {}),
    }
  })
}

/** Formats a number with `digits` significant decimals, or '—' when not finite. */
export const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '—')
