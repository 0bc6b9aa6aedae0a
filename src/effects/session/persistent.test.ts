import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PersistentMap, PersistentSet } from './persistent.js'

/** One step of a program: derive a new version from an earlier one (by index), or read one. */
type Op =
  | { readonly _tag: 'set'; readonly from: number; readonly key: number; readonly value: number }
  | { readonly _tag: 'delete'; readonly from: number; readonly key: number }
  | { readonly _tag: 'clear'; readonly from: number }
  | { readonly _tag: 'read'; readonly at: number }
  | { readonly _tag: 'many'; readonly from: number; readonly insert: boolean; readonly pairs: ReadonlyArray<readonly [number, number]> }

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ _tag: fc.constant('set' as const), from: fc.nat(), key: fc.integer({ min: 0, max: 20 }), value: fc.integer() }) },
  { weight: 2, arbitrary: fc.record({ _tag: fc.constant('delete' as const), from: fc.nat(), key: fc.integer({ min: 0, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant('clear' as const), from: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ _tag: fc.constant('read' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      _tag: fc.constant('many' as const),
      from: fc.nat(),
      insert: fc.boolean(),
      // Repeated keys within one batch included.
      pairs: fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer()), { maxLength: 12 }),
    }),
  },
)

/** Applies a batch to a model the way insertMany / setMany do; returns what insertMany leaves in its values. */
const applyMany = (model: Map<number, number>, insert: boolean, pairs: ReadonlyArray<readonly [number, number]>): number[] =>
  pairs.map(([k, v]) => {
    if (!insert && v % 5 === 0) model.delete(k)
    else if (!insert || !model.has(k)) model.set(k, v)
    return model.get(k)!
  })

/** setMany's values for a batch: a value divisible by 5 stands for a removal (undefined). */
const changesOf = (pairs: ReadonlyArray<readonly [number, number]>): Array<number | undefined> => pairs.map(([, v]) => (v % 5 === 0 ? undefined : v))

const sorted = (entries: Iterable<readonly [number, number]>) => [...entries].map(([k, v]) => [k, v] as const).sort((a, b) => a[0] - b[0])

describe('PersistentMap', () => {
  it('every version keeps its entries whatever is derived or read later (model: copied native Maps)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.boolean(), (ops, linearBias) => {
        const versions: PersistentMap<number, number>[] = [PersistentMap.empty()]
        const models: Map<number, number>[] = [new Map()]
        for (const o of ops) {
          // Mostly the newest version (the session's use), sometimes any earlier one.
          const pick = (n: number) => (linearBias && n % 3 !== 0 ? versions.length - 1 : n % versions.length)
          if (o._tag === 'read') {
            const i = pick(o.at)
            expect(sorted(versions[i])).toEqual(sorted(models[i]))
            expect(versions[i].size).toBe(models[i].size)
            continue
          }
          const i = pick(o.from)
          const model = new Map(models[i])
          let next: PersistentMap<number, number>
          if (o._tag === 'set' && o.value % 2 === 0) {
            next = versions[i].set(o.key, o.value)
            model.set(o.key, o.value)
          } else if (o._tag === 'set') {
            // insert: only when absent
            next = versions[i].insert(o.key, o.value)
            if (!model.has(o.key)) model.set(o.key, o.value)
            else expect(next).toBe(versions[i])
          } else if (o._tag === 'delete') {
            next = versions[i].delete(o.key)
            model.delete(o.key)
          } else if (o._tag === 'many') {
            const keys = o.pairs.map((p) => p[0])
            const values = o.pairs.map((p) => p[1])
            next = o.insert ? versions[i].insertMany(keys, values) : versions[i].setMany(keys, changesOf(o.pairs))
            const expected = applyMany(model, o.insert, o.pairs)
            if (o.insert) expect(values).toEqual(expected)
          } else {
            next = versions[i].clear()
            model.clear()
          }
          versions.push(next)
          models.push(model)
          for (let k = 0; k <= 20; k++) expect(next.get(k)).toBe(model.get(k))
        }
        versions.forEach((v, i) => {
          expect(sorted(v)).toEqual(sorted(models[i]))
          for (let k = 0; k <= 20; k++) expect(v.has(k)).toBe(models[i].has(k))
        })
      }),
      { numRuns: 300 },
    )
  })

  it('long programs (old versions beyond the reroot limit are copied) keep every version right', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 300, maxLength: 900 }), (ops) => {
        const versions: PersistentMap<number, number>[] = [PersistentMap.empty()]
        const models: Map<number, number>[] = [new Map()]
        for (const o of ops) {
          if (o._tag === 'read' || o._tag === 'clear') continue
          const i = versions.length - 1
          const model = new Map(models[i])
          if (o._tag === 'many') {
            const values = o.pairs.map((p) => p[1])
            versions.push(o.insert ? versions[i].insertMany(o.pairs.map((p) => p[0]), values) : versions[i].setMany(o.pairs.map((p) => p[0]), changesOf(o.pairs)))
            applyMany(model, o.insert, o.pairs)
          } else {
            if (o._tag === 'set') model.set(o.key, o.value)
            else model.delete(o.key)
            versions.push(o._tag === 'set' ? versions[i].set(o.key, o.value) : versions[i].delete(o.key))
          }
          models.push(model)
        }
        // Oldest first (each far behind the holder), then newest, then random ones.
        const order = [...versions.keys(), ...[...versions.keys()].reverse()]
        for (const i of order) expect(sorted(versions[i])).toEqual(sorted(models[i]))
      }),
      { numRuns: 20 },
    )
  })

  it('removals past the sweep threshold (many keys set, then most removed) keep every version right', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { minLength: 100, maxLength: 600 }), (steps) => {
        const versions: PersistentMap<number, number>[] = [PersistentMap.empty()]
        const models: Map<number, number>[] = [new Map()]
        // First fill, then the generated mix (deletes weighted by the boolean).
        let v = versions[0]
        const model = new Map<number, number>()
        for (let k = 0; k <= 300; k++) {
          v = v.set(k, k)
          model.set(k, k)
        }
        versions.push(v)
        models.push(new Map(model))
        for (const [remove, k] of steps) {
          v = remove || k % 3 !== 0 ? v.delete(k) : v.set(k, -k)
          if (remove || k % 3 !== 0) model.delete(k)
          else model.set(k, -k)
          versions.push(v)
          models.push(new Map(model))
        }
        for (let i = versions.length - 1; i >= 0; i -= 7) {
          expect(versions[i].size).toBe(models[i].size)
          expect(sorted(versions[i])).toEqual(sorted(models[i]))
        }
      }),
      { numRuns: 30 },
    )
  })

  it('an old version far behind gets its own copy, and both stay right when used alternately', () => {
    let m = PersistentMap.empty<number, number>()
    const start = m.set(-1, -1)
    m = start
    for (let i = 0; i < 2000; i++) m = m.set(i, i)
    for (let round = 0; round < 3; round++) {
      expect(start.size).toBe(1)
      expect(start.get(5)).toBeUndefined()
      expect(m.size).toBe(2001)
      expect(m.get(1999)).toBe(1999)
    }
  })

  it('iteration is a snapshot: deriving versions while iterating does not change what is iterated', () => {
    let m = PersistentMap.of<number, string>([
      [1, 'a'],
      [2, 'b'],
    ])
    const seen: number[] = []
    for (const [k] of m) {
      seen.push(k)
      m = m.set(k + 10, 'x')
    }
    expect(seen).toEqual([1, 2])
    expect(m.size).toBe(4)
  })

  it('an empty version is never turned into a difference: a shared initial state stays cheap and holds nothing', () => {
    const initial = PersistentMap.empty<number, number>()
    let m = initial.set(1, 1)
    for (let i = 2; i < 1000; i++) m = m.set(i, i)
    const again = initial.set(7, 7)
    expect(initial.size).toBe(0)
    expect([...again]).toEqual([[7, 7]])
    expect(m.size).toBe(999)
  })
})

describe('PersistentSet', () => {
  it('add and delete return new versions; unchanged membership returns the same one', () => {
    const a = PersistentSet.empty<string>()
    const b = a.add('x')
    expect(b.add('x')).toBe(b)
    expect(a.delete('x')).toBe(a)
    const c = b.delete('x')
    expect([...a]).toEqual([])
    expect([...b]).toEqual(['x'])
    expect([...c]).toEqual([])
    expect(b.has('x')).toBe(true)
    expect(c.has('x')).toBe(false)
  })
})
