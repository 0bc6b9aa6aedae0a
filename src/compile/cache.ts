/**
 * The shape cache: a bounded, approximately-LRU map from shape key to compiled SQL text.
 *
 * @category compile
 */
import type { ResultColumn, StatementKind } from './Compiled.js'

/** A cached compilation: the SQL and, per placeholder, the canonical slot of its value. @internal */
export interface CacheEntry {
  /** The shape's token list (see `Walk`). */
  readonly tokens: ReadonlyArray<string | number>
  readonly sql: string
  readonly kind: StatementKind
  readonly columns: ReadonlyArray<ResultColumn>
  readonly slots: ReadonlyArray<number>
  /** Columns of a VALUES sent as arrays: a negative slot `s` is the array of slots `-s - 1 + i * stride`. */
  readonly stride?: number
  gen: number
}

/** Counters of one dialect's cache. @category compile */
export interface CacheStats {
  readonly size: number
  readonly capacity: number
  readonly hits: number
  readonly misses: number
}

/**
 * A cheap O(1) hash of a token list: its length plus about 8 evenly spaced tokens (numbers,
 * and the length of strings). Collisions only cost a comparison.
 * @internal
 */
export const hashTokens = (t: ReadonlyArray<string | number>, n: number = t.length): number => {
  let h = n
  const step = n > 8 ? n >> 3 : 1
  for (let i = n - 1; i >= 0; i -= step) {
    const x = t[i]
    h = (Math.imul(h, 31) + (typeof x === 'number' ? x ^ 0x5bd1e995 : x.length)) | 0
  }
  return h
}

/** `a` equals the first `n` tokens of `b`. */
const sameTokens = (a: ReadonlyArray<string | number>, b: ReadonlyArray<string | number>, n: number): boolean => {
  if (a.length !== n) return false
  for (let i = n - 1; i >= 0; i--) if (a[i] !== b[i]) return false
  return true
}

/**
 * A bounded cache from shape (token list, bucketed by hash) to compiled SQL. Hits refresh an
 * entry only when it is getting old, keeping hits cheap; eviction drops the oldest bucket.
 * @internal
 */
export class ShapeCache {
  private readonly map = new Map<number, CacheEntry[]>()
  private count = 0
  private gen = 0
  hits = 0
  misses = 0
  constructor(readonly capacity: number) {}

  get(hash: number, tokens: ReadonlyArray<string | number>, n: number = tokens.length): CacheEntry | undefined {
    const bucket = this.map.get(hash)
    if (bucket !== undefined)
      for (let i = 0; i < bucket.length; i++) {
        const e = bucket[i]
        if (sameTokens(e.tokens, tokens, n)) {
          this.hits++
          if (this.gen - e.gen > this.capacity >> 1) {
            this.map.delete(hash)
            this.map.set(hash, bucket)
            e.gen = ++this.gen
          }
          return e
        }
      }
    this.misses++
    return undefined
  }

  set(hash: number, e: Omit<CacheEntry, 'gen'>): void {
    if (this.capacity <= 0) return
    while (this.count >= this.capacity) {
      const oldest = this.map.entries().next()
      if (oldest.done === true) break
      this.map.delete(oldest.value[0])
      this.count -= oldest.value[1].length
    }
    const entry: CacheEntry = { ...e, gen: ++this.gen }
    const bucket = this.map.get(hash)
    if (bucket === undefined) this.map.set(hash, [entry])
    else bucket.push(entry)
    this.count++
  }

  clear(): void {
    this.map.clear()
    this.count = 0
    this.hits = 0
    this.misses = 0
  }

  stats(): CacheStats {
    return { size: this.count, capacity: this.capacity, hits: this.hits, misses: this.misses }
  }
}
