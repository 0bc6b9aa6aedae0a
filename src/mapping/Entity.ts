/**
 * Entities: a table mapped to immutable values. `entity(table, options)` gives the table's
 * columns as typed expressions (`User.name`), `make` (validated construction), an io-ts
 * codec of its rows, hybrid properties (one definition evaluated on values and compiled in
 * queries), synonyms, a version column for optimistic locking, relationships and mapper
 * events.
 *
 * @category mapping
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import * as t from 'io-ts'
import type { Expr } from '../algebra/Expr.js'
import type { SqlType } from '../algebra/SqlType.js'
import type { AnyTable, ColumnBuilders, ColumnValue, ColumnsOf, InsertRowOf, RowOf, Table } from '../algebra/Table.js'
import type { DbError } from '../effects/DbError.js'
import type { RowBuilder } from '../effects/Driver.js'
import type { RowFactory } from '../effects/Statement.js'
import type { Relation } from './relations.js'
import { identityKey } from '../effects/session/UnitOfWork.js'
import { evaluate } from './evaluate.js'

/** Where an instance sits in a session: its row key. Absent on transient values. */
export const INSTANCE: unique symbol = Symbol('athanor.instance')

/** The metadata an instance carries (not enumerable: it does not show in spreads or JSON). */
export interface InstanceMeta {
  readonly entity: AnyEntity
  readonly key?: string
  /** Relationships that may not be loaded by `S.load` (the `raise` strategy of the query that read the value). */
  readonly raise?: ReadonlyArray<string>
}

export { belongsTo, hasMany, hasOne, manyToMany, relations, type Relation } from './relations.js'

/** Inheritance: where an entity sits in a hierarchy mapped to one table or to joined tables. */
export interface Inheritance {
  readonly kind: 'single' | 'joined'
  /** The discriminator column's property key (on the root table). */
  readonly discriminator: string
  /** This entity's discriminator value. */
  readonly identity: string
  readonly parent?: AnyEntity
  /** The subtypes registered so far (filled by `subEntity`). @internal */
  readonly subtypes: AnyEntity[]
}

/** A hybrid property: one expression over the entity's columns, compiled in queries and evaluated on values. */
export interface Hybrid<A> {
  readonly _tag: 'Hybrid'
  readonly expr: Expr<A>
}

/** Defines a hybrid property from the entity's columns. @category mapping */
export const hybrid = <A>(expr: Expr<A>): Hybrid<A> => ({ _tag: 'Hybrid', expr })

/** A validator: a function returning Either (messages on the left), or an io-ts codec. */
export type Validator<Row> = ((row: Row) => E.Either<string | ReadonlyArray<string>, Row>) | t.Decoder<unknown, Row>

/** Listeners called around the statements that write an entity's rows. */
export interface MapperEvents<Row> {
  readonly beforeInsert?: (row: Row) => TE.TaskEither<DbError, void>
  readonly afterInsert?: (row: Row) => TE.TaskEither<DbError, void>
  readonly beforeUpdate?: (row: Row) => TE.TaskEither<DbError, void>
  readonly afterUpdate?: (row: Row) => TE.TaskEither<DbError, void>
  readonly beforeDelete?: (row: Row) => TE.TaskEither<DbError, void>
  readonly afterDelete?: (row: Row) => TE.TaskEither<DbError, void>
}

/** Options of {@link entity}. */
export interface EntityOptions<C extends ColumnBuilders, Rel extends Readonly<Record<string, Relation>>, H extends Readonly<Record<string, Hybrid<unknown>>>> {
  /** For messages (defaults to the table name). */
  readonly name?: string
  readonly relations?: Rel
  readonly hybrids?: (c: ColumnsOf<C>) => H
  /** Other names for columns: `{ mail: 'email' }` makes `User.mail` the email column. */
  readonly synonyms?: Readonly<Record<string, keyof C & string>>
  readonly validators?: ReadonlyArray<Validator<RowOf<C>>>
  /** The integer column bumped on every update; a stale update is a StaleData error. */
  readonly version?: keyof C & string
  readonly events?: MapperEvents<RowOf<C>>
  /** The discriminator column of an inheritance hierarchy rooted here (see `subEntity`). */
  readonly polymorphicOn?: keyof C & string
  /** This entity's discriminator value (with `polymorphicOn`). */
  readonly identity?: string
}

type HybridValues<H> = { readonly [K in keyof H]: H[K] extends Hybrid<infer A> ? A : never }

/** An entity's value: its row, hybrid values, and relation values when present. */
export type Instance<C extends ColumnBuilders, H = {}> = Readonly<RowOf<C>> & HybridValues<H> & { readonly [INSTANCE]?: InstanceMeta }

/** What `make` accepts: an insertable row, plus related instances under relation names. */
export type MakeInput<C extends ColumnBuilders, Rel> = InsertRowOf<C> & { readonly [K in keyof Rel]?: AnyInstance | ReadonlyArray<AnyInstance> }

/** Any entity instance. */
export type AnyInstance = { readonly [k: string]: unknown; readonly [INSTANCE]?: InstanceMeta }

/** The entity's static description. */
export interface EntityMeta {
  readonly name: string
  /** The entity's own table (for a joined-inheritance subtype, its subtable). */
  readonly table: AnyTable
  /** Every table the entity's rows span, root first (one, except in joined inheritance). */
  readonly tables: ReadonlyArray<AnyTable>
  readonly inheritance?: Inheritance
  readonly relations: Readonly<Record<string, Relation>>
  readonly hybrids: Readonly<Record<string, Hybrid<unknown>>>
  readonly synonyms: Readonly<Record<string, string>>
  readonly validators: ReadonlyArray<Validator<never>>
  readonly versionKey?: string
  readonly events: MapperEvents<never>
  readonly codec: t.Type<Readonly<Record<string, unknown>>, Readonly<Record<string, unknown>>, unknown>
}

/**
 * A mapped entity: the table's columns (and hybrids, synonyms) as expressions, plus `make`.
 * @category mapping
 */
export type Entity<C extends ColumnBuilders, Rel = {}, H = {}> = ColumnsOf<C> & { readonly [K in keyof H]: H[K] extends Hybrid<infer A> ? Expr<A> : never } & {
  readonly $: EntityMeta
  readonly table: Table<string, C>
  /** Builds a transient value: validated, defaults left to the database. */
  readonly make: (input: MakeInput<C, Rel>) => E.Either<DbError, Instance<C, H>>
  readonly _Rel?: Rel
}

/** Any entity. */
export interface AnyEntity {
  readonly $: EntityMeta
  readonly make: (input: never) => E.Either<DbError, AnyInstance>
}

const codecOf = (type: SqlType): t.Mixed => {
  switch (type._tag) {
    case 'Integer':
    case 'SmallInt':
    case 'Real':
    case 'Double':
      return t.number
    case 'BigInt':
      return t.bigint
    case 'Boolean':
      return t.boolean
    case 'Timestamp':
      return new t.Type<Date, Date, unknown>('Date', (u): u is Date => u instanceof Date && !Number.isNaN(u.getTime()), (u, c) => (u instanceof Date && !Number.isNaN(u.getTime()) ? t.success(u) : t.failure(u, c)), (d) => d)
    case 'Json':
      return t.unknown
    case 'Binary':
      return new t.Type<Uint8Array, Uint8Array, unknown>('Uint8Array', (u): u is Uint8Array => u instanceof Uint8Array, (u, c) => (u instanceof Uint8Array ? t.success(u) : t.failure(u, c)), (b) => b)
    case 'Enum':
      return type.values.length === 0 ? t.string : t.keyof(Object.fromEntries(type.values.map((v) => [v, null])) as Record<string, null>)
    default:
      return t.string
  }
}

/** The io-ts codec of a table's rows (nullable columns admit null; generated or defaulted ones may be absent). @category mapping */
export const rowCodec = (table: AnyTable): EntityMeta['codec'] => {
  const required: Record<string, t.Mixed> = {}
  const optional: Record<string, t.Mixed> = {}
  for (const col of table.definition().columns) {
    const key = table.columnNames.find((c) => c.name === col.name)?.key ?? col.name
    const base = codecOf(col.type)
    const c = col.nullable ? t.union([base, t.null]) : base
    if (col.autoIncrement || col.default !== undefined || col.nullable) optional[key] = c
    else required[key] = c
  }
  return t.intersection([t.type(required), t.partial(optional)]) as unknown as EntityMeta['codec']
}

const messages = (errors: t.Errors): ReadonlyArray<string> =>
  errors.map((e) => {
    const path = e.context
      .map((c) => c.key)
      .filter((k) => k !== '' && !/^\d+$/.test(k))
      .join('.')
    return `${path || 'value'}: expected ${e.context[e.context.length - 1]?.type.name ?? 'a valid value'}, got ${typeof e.value === 'bigint' ? `${e.value}n` : JSON.stringify(e.value) ?? String(e.value)}`
  })

/** Runs an entity's codec and validators on a row; a failure is a ValidationError. @category mapping */
export const validateRow = (meta: EntityMeta, row: Readonly<Record<string, unknown>>, partialCheck = false): E.Either<DbError, Readonly<Record<string, unknown>>> => {
  const fail = (errors: ReadonlyArray<string>): E.Either<DbError, never> =>
    E.left({ _tag: 'ValidationError', entity: meta.name, message: `${meta.name} is not valid: ${errors.join('; ')}`, errors })
  // `is` is a cheap guard; io-ts's decode (and its error report) runs only for a value that fails it.
  if (!partialCheck && !meta.codec.is(row)) {
    const decoded = meta.codec.decode(row)
    if (E.isLeft(decoded)) return fail(messages(decoded.left))
  }
  for (const v of meta.validators as ReadonlyArray<Validator<Readonly<Record<string, unknown>>>>) {
    const r: E.Either<string | ReadonlyArray<string> | t.Errors, unknown> = typeof v === 'function' ? v(row) : v.decode(row)
    if (E.isLeft(r)) {
      const l = r.left as string | ReadonlyArray<string> | t.Errors
      return fail(typeof l === 'string' ? [l] : l.length > 0 && typeof l[0] === 'object' ? messages(l as t.Errors) : (l as ReadonlyArray<string>))
    }
  }
  return E.right(row)
}

/** An entity's hybrid and synonym names, or undefined when it has neither (most entities). */
const derivedNames = (meta: EntityMeta): { readonly names: ReadonlyArray<string>; readonly syn: ReadonlyArray<string> } | undefined => {
  let d = derivedOf.get(meta)
  if (d === undefined) {
    const names = Object.keys(meta.hybrids)
    const syn = Object.keys(meta.synonyms)
    d = names.length === 0 && syn.length === 0 ? null : { names, syn }
    derivedOf.set(meta, d)
  }
  return d ?? undefined
}
const derivedOf = new WeakMap<EntityMeta, { readonly names: ReadonlyArray<string>; readonly syn: ReadonlyArray<string> } | null>()

/** Adds the computed hybrid values to a row. @internal */
export const withHybrids = (meta: EntityMeta, row: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> => {
  const derived = derivedNames(meta)
  if (derived === undefined) return row
  const { names, syn } = derived
  const out: Record<string, unknown> = { ...row }
  for (const s of syn) out[s] = row[meta.synonyms[s]]
  const resolve = (_table: string, column: string) => {
    const key = meta.table.columnNames.find((c) => c.name === column)?.key ?? column
    return E.right(row[key] ?? null)
  }
  for (const h of names) {
    const v = evaluate(meta.hybrids[h].expr.node, resolve)
    out[h] = E.isRight(v) ? v.right : undefined
  }
  return out
}

const registry = new Map<string, AnyEntity>()

/** The entity mapped to a table name, if any (the last `entity()` call for that table wins). @category mapping */
export const entityOfTable = (tableName: string): AnyEntity | undefined => registry.get(tableName)

/** True when some mapped entity declares mapper events (sessions then dispatch row events). @internal */
export const anyMapperEvents = (): boolean => {
  for (const e of registry.values()) if (Object.keys(e.$.events).length > 0) return true
  return false
}

/** What an instance's class says of it. */
interface ProtoMeta {
  readonly entity: AnyEntity
  /** Whether the value came from a session (it has a key) or from `make`. */
  readonly tracked: boolean
  readonly meta: InstanceMeta
}

const PROTO: unique symbol = Symbol('athanor.entity')

/**
 * The base class of entity values. Its private fields carry the session metadata: never
 * enumerable, so they show in no spread, JSON or equality check, and cheaper to set than a
 * WeakMap entry. Each entity has two subclasses (transient, tracked) whose prototypes name it.
 */
class EntityValue {
  /** The row key, when it is not the primary-key columns' (a pending row's temporary key). */
  readonly #key: string | undefined
  /** Relationships `S.load` may not load (the query's `raise` strategy). */
  readonly #raise: ReadonlyArray<string> | undefined

  constructor(key: string | undefined, raise: ReadonlyArray<string> | undefined) {
    this.#key = key
    this.#raise = raise
  }

  /** The metadata of `value`, if it is an entity value. */
  static metaOf(value: object): InstanceMeta | undefined {
    if (!(#key in value)) return undefined
    const v = value as EntityValue
    const p = (value as unknown as { readonly [PROTO]: ProtoMeta })[PROTO]
    if (!p.tracked) return p.meta
    const key = v.#key ?? identityKey(rootOf(p.entity).$.table, value as unknown as Readonly<Record<string, unknown>>)
    if (key === undefined) return p.meta
    return v.#raise === undefined ? { entity: p.entity, key } : { entity: p.entity, key, raise: v.#raise }
  }

  /** Whether `value` carries no metadata beyond its class (no explicit key, no raise list). */
  static isPlain(value: object): boolean {
    return #key in value && (value as EntityValue).#key === undefined && (value as EntityValue).#raise === undefined
  }
}

/** An entity value class: `new C(key, raise)` is an empty value of one entity, of one kind. */
type Ctor = new (key: string | undefined, raise: ReadonlyArray<string> | undefined) => Record<string, unknown>

interface Ctors {
  readonly transient: Ctor
  readonly tracked: Ctor
  /** Copies a row read by a projection (labels → keys) into a tracked value, by label prefix. */
  readonly readers: Map<string, ((raw: Readonly<Record<string, unknown>>) => Record<string, unknown>) | null>
  /** Tracked values built by a driver straight from a row's values (`valueRows`), by label list. */
  readonly builders: Map<string, RowBuilder | null>
  /** The class those values share, to tell them from plain rows. */
  readonly built: Ctor
}

const ctorsOf = new WeakMap<AnyEntity, Ctors>()

const subclass = (entity: AnyEntity, tracked: boolean): Ctor => {
  // Named after the entity, so that values print as `Author { … }`.
  const holder = { [entity.$.name]: class extends EntityValue {} }
  const C = holder[entity.$.name]
  const info: ProtoMeta = { entity, tracked, meta: { entity } }
  Object.defineProperty(C.prototype, PROTO, { value: info })
  return C as unknown as Ctor
}

const ctors = (entity: AnyEntity): Ctors => {
  let c = ctorsOf.get(entity)
  if (c === undefined) {
    const tracked = subclass(entity, true)
    // Named after the entity too (an anonymous class would print as its property's name).
    const built = { [entity.$.name]: class extends tracked {} }[entity.$.name] as Ctor
    c = { transient: subclass(entity, false), tracked, readers: new Map(), builders: new Map(), built }
    ctorsOf.set(entity, c)
  }
  return c
}

/** A transient value of `entity` (from `make`): the given fields, copied. @internal */
export const transientValue = (entity: AnyEntity, ...parts: ReadonlyArray<Readonly<Record<string, unknown>>>): AnyInstance =>
  Object.assign(new (ctors(entity).transient)(undefined, undefined), ...parts) as AnyInstance

/**
 * The session's value of a row: the entity's fields copied from `values`, tagged as tracked
 * under `key`. The key is kept only when the primary-key columns do not give it.
 * @internal
 */
export const trackedValue = (entity: AnyEntity, key: string, values: Readonly<Record<string, unknown>>, raise?: ReadonlyArray<string>): Record<string, unknown> => {
  const own = identityKey(rootOf(entity).$.table, values) === key ? undefined : key
  return Object.assign(new (ctors(entity).tracked)(own, raise !== undefined && raise.length > 0 ? raise : undefined), values)
}

/** Whether `values` is already a tracked value of `entity` that can be handed out as it is. @internal */
export const isTrackedValue = (entity: AnyEntity, values: object): boolean => values instanceof ctors(entity).tracked && EntityValue.isPlain(values)

/**
 * A reader turning a projection's raw row into a tracked value of `entity` directly (one
 * generated class, labels `prefix + key`), or `null` when the entity's values need more than
 * its own table's columns (inheritance, hybrids, synonyms).
 * @internal
 */
export const trackedReader = (entity: AnyEntity, prefix: string): ((raw: Readonly<Record<string, unknown>>) => Record<string, unknown>) | null => {
  const c = ctors(entity)
  let r = c.readers.get(prefix)
  if (r !== undefined) return r
  const keys = columnKeys(entity)
  if (!isPlain(entity, keys)) r = null
  else {
    const Reader = storingClass(c.tracked, keys, (k) => `v[${JSON.stringify(prefix + k)}]`)
    r = (raw) => new Reader(raw)
  }
  c.readers.set(prefix, r)
  return r
}

const columnKeys = (entity: AnyEntity): ReadonlyArray<string> => entity.$.table.columnNames.map((x) => x.key)

/** Whether an entity's values are exactly its one table's columns (no inheritance, hybrids or synonyms). */
const isPlain = (entity: AnyEntity, keys: ReadonlyArray<string>): boolean => {
  const meta = entity.$
  return !meta.inheritance && meta.tables.length === 1 && Object.keys(meta.hybrids).length === 0 && Object.keys(meta.synonyms).length === 0 && !keys.includes('__proto__')
}

/**
 * A subclass of `base` whose constructor stores each key from `source(key, i)`, an expression
 * over its argument `v`: one fixed sequence of stores, no key loop, so values share one shape.
 */
const storingClass = (base: Ctor, keys: ReadonlyArray<string>, source: (key: string, i: number) => string): new (v: unknown) => Record<string, unknown> => {
  const body = keys.map((k, i) => `this[${JSON.stringify(k)}] = ${source(k, i)};`).join('\n')
  const make = new Function('Base', `return class extends Base { constructor(v) { super(undefined, undefined);\n${body}\n} }`) as (base: Ctor) => new (v: unknown) => Record<string, unknown>
  return make(base)
}

/**
 * Has the driver build the rows of an entity's own query (its labels exactly the entity's
 * column keys, in any order) as tracked values, straight from each row's values: one
 * generated class, no row object built only to be copied. Other labels keep plain rows, as do
 * entities whose values need more than their table's columns (see `trackedReader`).
 * @internal
 */
export const valueRows =
  (entity: AnyEntity): RowFactory =>
  (labels) => {
    const c = ctors(entity)
    const id = labels.join('\u0000')
    let b = c.builders.get(id)
    if (b !== undefined) return b ?? undefined
    const keys = columnKeys(entity)
    const at = keys.map((k) => labels.indexOf(k))
    if (!isPlain(entity, keys) || labels.length !== keys.length || at.some((i) => i < 0)) b = null
    else {
      const Built = storingClass(c.built, keys, (_, i) => `v[${at[i]}]`)
      b = (v) => new Built(v)
    }
    if (c.builders.size < 1000) c.builders.set(id, b)
    return b ?? undefined
  }

/** A test of whether a row is already a tracked value of `entity` built by `valueRows`. @internal */
export const builtValueTest = (entity: AnyEntity): ((row: object) => boolean) => {
  const Built = ctors(entity).built
  return (row) => row instanceof Built
}

/** The session metadata of a value, if any. @category mapping */
export const metaOf = (value: AnyInstance | object): InstanceMeta | undefined => EntityValue.metaOf(value)

/**
 * Maps a table to an entity.
 *
 * @example
 * const User = entity(users, { relations: { posts: hasMany(() => Post) }, version: 'version' })
 * User.name            // Column<string>, usable in queries
 * User.make({ name: 'Ada', email: 'ada@x.io' })   // Right(value) or Left(ValidationError)
 * @category mapping
 */
export const entity = <
  N extends string,
  C extends ColumnBuilders,
  Rel extends Readonly<Record<string, Relation>> = {},
  H extends Readonly<Record<string, Hybrid<unknown>>> = {},
>(
  table: Table<N, C>,
  options: EntityOptions<C, Rel, H> = {},
): Entity<C, Rel, H> => {
  const hybrids = options.hybrids ? options.hybrids(table.c) : ({} as H)
  const synonyms = (options.synonyms ?? {}) as Readonly<Record<string, string>>
  const meta: EntityMeta = {
    name: options.name ?? table.name,
    table,
    tables: [table],
    ...(options.polymorphicOn ? { inheritance: { kind: 'single' as const, discriminator: options.polymorphicOn, identity: options.identity ?? table.name, subtypes: [] } } : {}),
    relations: { ...(options.relations ?? {}) },
    hybrids,
    synonyms,
    validators: (options.validators ?? []) as ReadonlyArray<Validator<never>>,
    ...(options.version ? { versionKey: options.version } : {}),
    events: (options.events ?? {}) as MapperEvents<never>,
    codec: rowCodec(table),
  }
  const make = (input: MakeInput<C, Rel>): E.Either<DbError, Instance<C, H>> => {
    const row: Record<string, unknown> = {}
    const rels: Record<string, unknown> = {}
    const src = input as Readonly<Record<string, unknown>>
    for (const k of Object.keys(src)) {
      // The registry is read live: `relations()` adds to it after the entity is made.
      if (Object.prototype.hasOwnProperty.call(meta.relations, k)) rels[k] = src[k]
      else if (k in synonyms) row[synonyms[k]] = src[k]
      else row[k] = src[k]
    }
    if (meta.inheritance && row[meta.inheritance.discriminator] === undefined) row[meta.inheritance.discriminator] = meta.inheritance.identity
    const checked = validateRow(meta, row)
    if (E.isLeft(checked)) return checked
    return E.right(transientValue(self, withHybrids(meta, row), rels) as Instance<C, H>)
  }
  const columns: Record<string, unknown> = { ...table.c }
  for (const s of Object.keys(synonyms)) columns[s] = (table.c as Readonly<Record<string, unknown>>)[synonyms[s]]
  for (const h of Object.keys(hybrids)) columns[h] = hybrids[h].expr
  const self = { ...columns, $: meta, table, make } as unknown as Entity<C, Rel, H>
  registry.set(table.name, self)
  return self
}

/** The root of an entity's inheritance hierarchy (the entity itself when it has no parent). @category mapping */
export const rootOf = (en: AnyEntity): AnyEntity => {
  let e = en
  while (e.$.inheritance?.parent) e = e.$.inheritance.parent
  return e
}

/** The value type of a column of an entity's table (helper for signatures). */
export type ValueOfColumn<C extends ColumnBuilders, K extends keyof C> = ColumnValue<C[K]>
