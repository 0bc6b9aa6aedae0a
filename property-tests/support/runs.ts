/**
 * Run sizes and seeds of the property suites.
 *
 * - `ATHANOR_PROPERTY_RUNS`: a multiplier of every suite's default number of cases
 *   (default 1; `ATHANOR_PROPERTY_RUNS=50` for a long campaign).
 * - `ATHANOR_PROPERTY_SEED`: replays a run with that seed (with `ATHANOR_PROPERTY_PATH` to
 *   replay one counterexample directly, as fast-check prints them).
 *
 * Every suite counts its cases in {@link tally}; the totals are printed at the end of a run
 * and are what property-tests/README.md reports.
 *
 * @category property-tests
 */
import type fc from 'fast-check'

const factor = (): number => {
  const raw = process.env['ATHANOR_PROPERTY_RUNS']
  const n = raw === undefined ? 1 : Number(raw)
  return Number.isFinite(n) && n > 0 ? n : 1
}

/** The number of cases for a suite whose default is `base`. */
export const runs = (base: number): number => Math.max(1, Math.round(base * factor()))

/** A vitest timeout for a suite that takes about `baseMs` at the default size (scaled, at least a minute). */
export const timeout = (baseMs = 60_000): number => Math.max(60_000, Math.round(baseMs * factor() * 1.5))

/** fast-check parameters: scaled run count, the replay seed/path when given, no timeout per case. */
export const params = <T>(base: number): fc.Parameters<T> => {
  const seed = process.env['ATHANOR_PROPERTY_SEED']
  const path = process.env['ATHANOR_PROPERTY_PATH']
  return {
    numRuns: runs(base),
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    ...(path !== undefined ? { path } : {}),
    endOnFailure: false,
  }
}

/** Per-suite counters: cases run, and per database. */
export const tally: Map<string, number> = new Map()

/** Counts one case under `key`. */
export const count = (key: string, n = 1): void => {
  tally.set(key, (tally.get(key) ?? 0) + n)
}

/** Prints the counters (called from an afterAll). */
export const report = (suite: string): void => {
  const lines = [...tally].filter(([k]) => k.startsWith(suite)).map(([k, v]) => `  ${k}: ${v}`)
  if (lines.length > 0) console.log(`[athanor property-tests] cases\n${lines.join('\n')}`)
}
