/**
 * Persistent maps and sets for the unit of work, by *rerooting* (Baker; Conchon & Filliâtre's
 * persistent arrays): every version is a value, but only one of them, the one used last,
 * holds the entries, in a native `Map`. Every other version holds one difference (a key and
 * its value there) and points one step towards the holder. Setting a key on the holder is a
 * native `Map.set` plus one small object; reading the holder is a native `Map.get`. Reading
 * an older version first walks the differences back (O(distance)); a version far behind gets
 * its own copy instead, so two versions used alternately never walk the same path twice.
 *
 * The session's use is linear (each step continues from the state the previous one returned;
 * an old state is read again only when a failure rolls back to it), which is the case this
 * structure serves at native speed, with every earlier state still valid.
 *
 * @category session
 * @internal
 */

/** Marks a key absent: in a difference, and as a tombstone in a store. */
const ABSENT: unique symbol = Symbol('absent')
type Slot<V> = V | typeof ABSENT

/** Beyond this many differences, an old version is copied rather than rerooted. */
const REROOT_LIMIT = 256

/**
 * The entries a holder owns. A removed key stays as a tombstone (ABSENT) instead of a native
 * `delete`: V8 keeps deleted entries in their hash chains until the next rehash, so a big Map
 * that has one key set and deleted again and again (a session re-used from the same state, a
 * flush undone) walks ever longer chains. Tombstones are swept once they outnumber the entries.
 */
interface Store<K, V> {
  map: Map<K, Slot<V>>
  dead: number
}

const storeOf = <K, V>(entries?: Iterable<readonly [K, V]>): Store<K, V> => ({ map: new Map<K, Slot<V>>(entries), dead: 0 })

/** Sets `key`'s slot in a store, keeping the tombstone count (`before`: the slot's current content, when already read). */
const put = <K, V>(store: Store<K, V>, key: K, value: Slot<V>, before: Slot<V> | undefined = store.map.get(key)): void => {
  if (value === ABSENT) {
    if (before === undefined || before === ABSENT) return
    store.dead++
  } else if (before === ABSENT) store.dead--
  store.map.set(key, value)
}

/** The slot of `key` as a difference records it. */
const slotOf = <K, V>(store: Store<K, V>, key: K): Slot<V> => {
  const v = store.map.get(key)
  return v === undefined ? ABSENT : v
}

/** Drops the tombstones once they outnumber the entries (amortised: a sweep follows as many removals). */
const sweep = <K, V>(store: Store<K, V>): void => {
  if (store.dead <= 32 || store.dead <= store.map.size - store.dead) return
  const live = new Map<K, Slot<V>>()
  for (const [k, v] of store.map) if (v !== ABSENT) live.set(k, v)
  store.map = live
  store.dead = 0
}

/**
 * A persistent map. `set` and `delete` return a new version and leave this one as it was.
 * Values may be null but never undefined (undefined reads as absent).
 * @internal
 */
export class PersistentMap<K, V> implements Iterable<readonly [K, V]> {
  /** The entries, when this version holds them; otherwise undefined and `next` is set. */
  private m: Store<K, V> | undefined
  /** The difference to `next`: this version's value of `k` (ABSENT: not present). */
  private k: K | undefined
  private v: Slot<V> | undefined
  /** Or a batch of differences (keys and this version's slots), applied from the last pair to the first. */
  private ks: K[] | undefined
  private vs: Array<Slot<V>> | undefined
  private next: PersistentMap<K, V> | undefined

  // The other fields are class fields, undefined from the start: every version has one shape.
  private constructor(m: Store<K, V> | undefined) {
    this.m = m
  }

  /** An empty map. */
  static empty<K, V>(): PersistentMap<K, V> {
    return new PersistentMap<K, V>(storeOf())
  }

  /** A map of the given entries. */
  static of<K, V>(entries: Iterable<readonly [K, V]>): PersistentMap<K, V> {
    return new PersistentMap<K, V>(storeOf(entries))
  }

  /** The entries of this version, made the holder first. */
  private entries(): Store<K, V> {
    return this.m ?? this.reroot()
  }

  private reroot(): Store<K, V> {
    // The path to the holder, this version first.
    const path: PersistentMap<K, V>[] = []
    let at: PersistentMap<K, V> = this
    while (at.m === undefined) {
      path.push(at)
      at = at.next!
    }
    const holder = at
    const store = holder.m!
    if (path.length > REROOT_LIMIT) {
      // Far behind: a copy of its own, leaving the newer versions' path untouched.
      const copy = storeOf<K, V>()
      for (const [k, v] of store.map) if (v !== ABSENT) copy.map.set(k, v)
      for (let i = path.length - 1; i >= 0; i--) {
        const p = path[i]
        if (p.ks === undefined) put(copy, p.k as K, p.v as Slot<V>)
        else for (let j = p.ks.length - 1; j >= 0; j--) put(copy, p.ks[j], p.vs![j])
      }
      this.hold(copy)
      return copy
    }
    // Walk back from the holder, reversing each difference as it is applied.
    let newer = holder
    for (let i = path.length - 1; i >= 0; i--) {
      const p = path[i]
      newer.next = p
      newer.m = undefined
      if (p.ks === undefined) {
        const key = p.k as K
        newer.k = key
        newer.v = slotOf(store, key)
        put(store, key, p.v as Slot<V>)
      } else {
        // Undone from the last pair to the first; the slots met on the way, in that order, redo it.
        const ks = p.ks
        const vs = p.vs!
        const redoKeys: K[] = new Array<K>(ks.length)
        const redoSlots: Array<Slot<V>> = new Array<Slot<V>>(ks.length)
        for (let j = ks.length - 1, o = 0; j >= 0; j--, o++) {
          redoKeys[o] = ks[j]
          redoSlots[o] = slotOf(store, ks[j])
          put(store, ks[j], vs[j])
        }
        newer.ks = redoKeys
        newer.vs = redoSlots
      }
      p.hold(store)
      newer = p
    }
    return store
  }

  /** Makes this version the holder of `store`. */
  private hold(store: Store<K, V>): void {
    this.m = store
    this.k = undefined
    this.v = undefined
    this.ks = undefined
    this.vs = undefined
    this.next = undefined
  }

  /** A new version from this one, with `key`'s slot changed to `value`. */
  private derive(key: K, value: Slot<V>): PersistentMap<K, V> {
    const store = this.entries()
    if (store.map.size === store.dead) {
      // An empty version stays a holder of its own: shared empties (a module-level initial
      // state) are never rerooted to, and never keep a later version's entries alive.
      const fresh = storeOf<K, V>()
      put(fresh, key, value)
      return new PersistentMap<K, V>(fresh)
    }
    return this.advance(store, key, value, store.map.get(key))
  }

  /** Changes the holder's store and hands it to a new version; this one keeps the difference. */
  private advance(store: Store<K, V>, key: K, value: Slot<V>, found: Slot<V> | undefined): PersistentMap<K, V> {
    put(store, key, value, found)
    sweep(store)
    const nv = new PersistentMap<K, V>(store)
    this.m = undefined
    this.k = key
    this.v = found === undefined ? ABSENT : found
    this.next = nv
    return nv
  }

  /** A version with `key` set to `value` when `key` is absent; this one when it is present. */
  insert(key: K, value: V): PersistentMap<K, V> {
    const store = this.m ?? this.reroot()
    const found = store.map.get(key)
    if (found !== undefined && found !== ABSENT) return this
    return store.map.size === store.dead ? this.derive(key, value) : this.advance(store, key, value, found)
  }

  /**
   * `insert` for many keys at once, as one new version: each key absent so far gets its value;
   * where a key is present (before, or earlier in `keys`), `values[i]` is replaced by the value
   * the map holds, so that afterwards `values[i]` is the value of `keys[i]` in the new version.
   * This version when nothing was inserted.
   */
  insertMany(keys: ReadonlyArray<K>, values: V[]): PersistentMap<K, V> {
    const store = this.m ?? this.reroot()
    if (store.map.size === store.dead) {
      const fresh = storeOf<K, V>()
      const map = fresh.map
      for (let i = 0, n = keys.length; i < n; i++) {
        const found = map.get(keys[i])
        if (found !== undefined) values[i] = found as V
        else map.set(keys[i], values[i])
      }
      return map.size === 0 ? this : new PersistentMap<K, V>(fresh)
    }
    const ks: K[] = []
    const vs: Array<Slot<V>> = []
    for (let i = 0, n = keys.length; i < n; i++) {
      const key = keys[i]
      const found = store.map.get(key)
      if (found !== undefined && found !== ABSENT) {
        values[i] = found
        continue
      }
      ks.push(key)
      vs.push(ABSENT)
      put(store, key, values[i], found)
    }
    return ks.length === 0 ? this : this.advanceMany(store, ks, vs)
  }

  /**
   * `set` (or, where the value is undefined, `delete`) for many keys at once, in order, as one
   * new version: a key given twice ends as its last change says.
   */
  setMany(keys: ReadonlyArray<K>, values: ReadonlyArray<V | undefined>): PersistentMap<K, V> {
    if (keys.length === 0) return this
    const store = this.m ?? this.reroot()
    if (store.map.size === store.dead) {
      const fresh = storeOf<K, V>()
      for (let i = 0, n = keys.length; i < n; i++) {
        const v = values[i]
        put(fresh, keys[i], v === undefined ? ABSENT : v)
      }
      sweep(fresh)
      return new PersistentMap<K, V>(fresh)
    }
    const vs: Array<Slot<V>> = new Array<Slot<V>>(keys.length)
    for (let i = 0, n = keys.length; i < n; i++) {
      const found = store.map.get(keys[i])
      const v = values[i]
      vs[i] = found === undefined ? ABSENT : found
      put(store, keys[i], v === undefined ? ABSENT : v, found)
    }
    sweep(store)
    return this.advanceMany(store, keys.slice(), vs)
  }

  /** Hands the (already changed) store to a new version; this one keeps the batch of differences. */
  private advanceMany(store: Store<K, V>, ks: K[], vs: Array<Slot<V>>): PersistentMap<K, V> {
    const nv = new PersistentMap<K, V>(store)
    this.m = undefined
    this.ks = ks
    this.vs = vs
    this.next = nv
    return nv
  }

  /** The number of entries. */
  get size(): number {
    const store = this.entries()
    return store.map.size - store.dead
  }

  /** Whether the map has no entries (without hashing a key). */
  isEmpty(): boolean {
    const store = this.m ?? this.reroot()
    return store.map.size === store.dead
  }

  /** The value of `key`, if any. */
  get(key: K): V | undefined {
    const v = (this.m ?? this.reroot()).map.get(key)
    return v === ABSENT ? undefined : v
  }

  /** Whether `key` is present. */
  has(key: K): boolean {
    const v = (this.m ?? this.reroot()).map.get(key)
    return v !== undefined && v !== ABSENT
  }

  /** A version with `key` set to `value`. */
  set(key: K, value: V): PersistentMap<K, V> {
    return this.derive(key, value)
  }

  /** A version without `key` (this one when it is absent). */
  delete(key: K): PersistentMap<K, V> {
    return this.has(key) ? this.derive(key, ABSENT) : this
  }

  /** An empty map (kept as a method so that states read like immutable collections). */
  clear(): PersistentMap<K, V> {
    return PersistentMap.empty<K, V>()
  }

  /** The values, as a snapshot (later versions do not change it). */
  values(): ReadonlyArray<V> {
    const out: V[] = []
    for (const v of this.entries().map.values()) if (v !== ABSENT) out.push(v)
    return out
  }

  /** The keys, as a snapshot. */
  keys(): ReadonlyArray<K> {
    const out: K[] = []
    for (const [k, v] of this.entries().map) if (v !== ABSENT) out.push(k)
    return out
  }

  /** The entries, as a snapshot. */
  [Symbol.iterator](): Iterator<readonly [K, V]> {
    const out: Array<readonly [K, V]> = []
    for (const [k, v] of this.entries().map) if (v !== ABSENT) out.push([k, v])
    return out[Symbol.iterator]()
  }
}

/**
 * A persistent set over {@link PersistentMap}.
 * @internal
 */
export class PersistentSet<K> implements Iterable<K> {
  private constructor(private readonly map: PersistentMap<K, true>) {}

  /** An empty set. */
  static empty<K>(): PersistentSet<K> {
    return new PersistentSet<K>(PersistentMap.empty<K, true>())
  }

  /** The number of members. */
  get size(): number {
    return this.map.size
  }

  /** Whether `key` is a member. */
  has(key: K): boolean {
    return this.map.has(key)
  }

  /** A version with `key` (this one when already a member). */
  add(key: K): PersistentSet<K> {
    const next = this.map.insert(key, true)
    return next === this.map ? this : new PersistentSet<K>(next)
  }

  /** A version without `key` (this one when not a member). */
  delete(key: K): PersistentSet<K> {
    const next = this.map.delete(key)
    return next === this.map ? this : new PersistentSet<K>(next)
  }

  /** An empty set. */
  clear(): PersistentSet<K> {
    return PersistentSet.empty<K>()
  }

  /** The members, as a snapshot. */
  [Symbol.iterator](): Iterator<K> {
    return this.map.keys()[Symbol.iterator]()
  }
}
