/**
 * Relationships: their definitions (`hasMany`, `hasOne`, `belongsTo`, `manyToMany`), the typed
 * references that name them in load options (`relations(Author, { books: hasMany(Book) })`
 * gives `Author.books`), and their resolution to the columns that implement them.
 *
 * @category relationships
 */
import type { OrderItem } from '../algebra/ast.js'
import { toOrderItem, type OrderBy } from '../algebra/functions.js'
import type { AnyTable, Column } from '../algebra/Table.js'
import type * as E from 'fp-ts/lib/Either.js'
import { rootOf, type AnyEntity, type AnyInstance } from './Entity.js'

/** What follows a value along a relationship: into the session, to deletion, or to deletion when removed. */
export type Cascade = 'save' | 'delete' | 'delete-orphan'

/** How a relationship is loaded. `lazy`: only by an explicit `S.load`; `raise`: never (a RelationNotLoaded error). */
export type Strategy = 'lazy' | 'raise' | 'joined' | 'selectin' | 'subquery' | 'json'

/** The strategies that load a relationship with its parents' query. */
export type EagerStrategy = 'joined' | 'selectin' | 'subquery' | 'json'

/** What every relationship has. */
export interface RelationBase<T, L extends Strategy> {
  readonly target: () => AnyEntity
  /** The relationship on the target that mirrors this one, kept consistent in the session. */
  readonly backPopulates?: string
  readonly cascade: ReadonlyArray<Cascade>
  /** The default loading strategy (`lazy` unless given). */
  readonly lazy: L
  /** Phantom: the target entity. */
  readonly _T?: T
}

/** A relationship from one entity to another. */
export type Relation<T = AnyEntity, L extends Strategy = Strategy> =
  | (RelationBase<T, L> & {
      /** One-to-many: the target's rows point at this one. */
      readonly _tag: 'HasMany'
      /** The target's foreign-key column (inferred from the target table's foreign keys when absent). */
      readonly foreignKey?: () => Column<unknown>
      readonly orderBy: ReadonlyArray<OrderItem>
      /** Leave the children to the database's ON DELETE CASCADE: no SELECT or DELETE of them. */
      readonly passiveDeletes: boolean
    })
  | (RelationBase<T, L> & {
      /** One-to-one: at most one target row points at this one. */
      readonly _tag: 'HasOne'
      readonly foreignKey?: () => Column<unknown>
      readonly orderBy: ReadonlyArray<OrderItem>
      readonly passiveDeletes: boolean
    })
  | (RelationBase<T, L> & {
      /** Many-to-one: this row points at the target's. */
      readonly _tag: 'BelongsTo'
      /** This table's foreign-key column (inferred when absent). */
      readonly foreignKey?: () => Column<unknown>
    })
  | (RelationBase<T, L> & {
      /** Many-to-many through a secondary table whose rows are inserted and deleted at flush. */
      readonly _tag: 'ManyToMany'
      readonly through: AnyTable
      /** The secondary's column pointing at this entity (inferred when absent). */
      readonly sourceColumn?: () => Column<unknown>
      /** The secondary's column pointing at the target (inferred when absent). */
      readonly targetColumn?: () => Column<unknown>
      readonly orderBy: ReadonlyArray<OrderItem>
    })

/** A relation of one kind. */
export type RelationOf<Tag extends Relation['_tag'], T, L extends Strategy> = Extract<Relation<T, L>, { readonly _tag: Tag }>

/** Options common to every relationship. */
export interface RelationOptions<L extends Strategy> {
  readonly backPopulates?: string
  readonly cascade?: ReadonlyArray<Cascade>
  readonly lazy?: L
}

/** Options of collections. */
export interface CollectionOptions<L extends Strategy> extends RelationOptions<L> {
  readonly foreignKey?: () => Column<unknown>
  readonly orderBy?: ReadonlyArray<OrderBy>
  readonly passiveDeletes?: boolean
}

type Target<T extends AnyEntity> = T | (() => T)
const thunk = <T extends AnyEntity>(t: Target<T>): (() => AnyEntity) => (typeof t === 'function' ? t : () => t)

/**
 * One-to-many. Give the target entity itself for a typed relationship (usable in load options
 * and typed results); a thunk (`() => Book`) works for definitions that refer to each other.
 *
 * @example
 * const Author = relations(AuthorBase, { books: hasMany(BookBase, { backPopulates: 'author', cascade: ['save', 'delete'], orderBy: [asc(books.c.title)] }) })
 * @category relationships
 */
export function hasMany<T extends AnyEntity, L extends Strategy = 'lazy'>(target: T, options?: CollectionOptions<L>): RelationOf<'HasMany', T, L>
export function hasMany<L extends Strategy = 'lazy'>(target: () => AnyEntity, options?: CollectionOptions<L>): RelationOf<'HasMany', AnyEntity, L>
export function hasMany(target: Target<AnyEntity>, options: CollectionOptions<Strategy> = {}): Relation {
  return {
    _tag: 'HasMany',
    target: thunk(target),
    ...(options.foreignKey ? { foreignKey: options.foreignKey } : {}),
    ...(options.backPopulates ? { backPopulates: options.backPopulates } : {}),
    cascade: options.cascade ?? ['save'],
    lazy: options.lazy ?? 'lazy',
    orderBy: (options.orderBy ?? []).map(toOrderItem),
    passiveDeletes: options.passiveDeletes ?? false,
  }
}

/** One-to-one (SQLAlchemy's `uselist=False`): at most one target row points at this one. @category relationships */
export function hasOne<T extends AnyEntity, L extends Strategy = 'lazy'>(target: T, options?: CollectionOptions<L>): RelationOf<'HasOne', T, L>
export function hasOne<L extends Strategy = 'lazy'>(target: () => AnyEntity, options?: CollectionOptions<L>): RelationOf<'HasOne', AnyEntity, L>
export function hasOne(target: Target<AnyEntity>, options: CollectionOptions<Strategy> = {}): Relation {
  return { ...(hasMany(target as () => AnyEntity, options) as Extract<Relation, { _tag: 'HasMany' }>), _tag: 'HasOne' }
}

/** Many-to-one: this row points at the target's. @category relationships */
export function belongsTo<T extends AnyEntity, L extends Strategy = 'lazy'>(target: T, options?: RelationOptions<L> & { readonly foreignKey?: () => Column<unknown> }): RelationOf<'BelongsTo', T, L>
export function belongsTo<L extends Strategy = 'lazy'>(target: () => AnyEntity, options?: RelationOptions<L> & { readonly foreignKey?: () => Column<unknown> }): Relation<AnyEntity, L>
export function belongsTo(target: Target<AnyEntity>, options: RelationOptions<Strategy> & { readonly foreignKey?: () => Column<unknown> } = {}): Relation {
  return {
    _tag: 'BelongsTo',
    target: thunk(target),
    ...(options.foreignKey ? { foreignKey: options.foreignKey } : {}),
    ...(options.backPopulates ? { backPopulates: options.backPopulates } : {}),
    cascade: options.cascade ?? ['save'],
    lazy: options.lazy ?? 'lazy',
  }
}

/** Options of {@link manyToMany}. */
export interface ManyToManyOptions<L extends Strategy> extends RelationOptions<L> {
  readonly through: AnyTable
  readonly sourceColumn?: () => Column<unknown>
  readonly targetColumn?: () => Column<unknown>
  readonly orderBy?: ReadonlyArray<OrderBy>
}

/**
 * Many-to-many through a secondary table (which needs a primary key over its two columns).
 *
 * @example
 * const Post = relations(PostBase, { tags: manyToMany(TagBase, { through: postTags, backPopulates: 'posts' }) })
 * @category relationships
 */
export function manyToMany<T extends AnyEntity, L extends Strategy = 'lazy'>(target: T, options: ManyToManyOptions<L>): RelationOf<'ManyToMany', T, L>
export function manyToMany<L extends Strategy = 'lazy'>(target: () => AnyEntity, options: ManyToManyOptions<L>): RelationOf<'ManyToMany', AnyEntity, L>
export function manyToMany(target: Target<AnyEntity>, options: ManyToManyOptions<Strategy>): Relation {
  return {
    _tag: 'ManyToMany',
    target: thunk(target),
    through: options.through,
    ...(options.sourceColumn ? { sourceColumn: options.sourceColumn } : {}),
    ...(options.targetColumn ? { targetColumn: options.targetColumn } : {}),
    ...(options.backPopulates ? { backPopulates: options.backPopulates } : {}),
    cascade: options.cascade ?? ['save'],
    lazy: options.lazy ?? 'lazy',
    orderBy: (options.orderBy ?? []).map(toOrderItem),
  }
}

// ---------------------------------------------------------------- typed references

/** Whether a relationship holds many rows or one. */
export type Cardinality = 'many' | 'one'

/** The cardinality of a relation type. */
export type CardinalityOf<R> = R extends { readonly _tag: 'HasMany' | 'ManyToMany' } ? 'many' : 'one'

/**
 * A typed reference to one relationship of an entity, used in load options
 * (`selectin(Author.books)`) and `S.load`.
 */
export interface RelationRef<Src, Name extends string, Tgt, Card extends Cardinality> {
  readonly _tag: 'RelationRef'
  readonly source: AnyEntity
  readonly name: Name
  /** Phantoms. */
  readonly _Src?: Src
  readonly _Tgt?: Tgt
  readonly _Card?: Card
}

/** Any relation reference. */
export type AnyRelationRef = RelationRef<unknown, string, unknown, Cardinality>

type TargetOf<R> = R extends { readonly _T?: infer T } ? Exclude<T, undefined> : AnyEntity
type RefsOf<Src, Defs> = { readonly [K in keyof Defs & string]: RelationRef<Src, K, TargetOf<Defs[K]>, CardinalityOf<Defs[K]>> }

/** The instance type an entity's `make` builds. */
export type InstanceOf<En> = En extends { readonly make: (input: never) => E.Either<unknown, infer I> } ? I : AnyInstance

/** The value a loaded relationship holds. */
export type RelatedValue<Tgt, Card extends Cardinality, Nested> = Card extends 'many' ? ReadonlyArray<InstanceOf<Tgt> & Nested> : (InstanceOf<Tgt> & Nested) | null

type EagerNames<Defs> = { [K in keyof Defs]: Defs[K] extends { readonly lazy: EagerStrategy } ? K : never }[keyof Defs]

/** The relationships an entity loads by default (their `lazy` is an eager strategy), as a value type. */
export type DefaultLoaded<Defs> = { readonly [K in EagerNames<Defs> & string]: RelatedValue<TargetOf<Defs[K]>, CardinalityOf<Defs[K]>, unknown> }

type MakeInputOf<En> = En extends { readonly make: (input: infer I) => unknown } ? I : never
type MakeResultOf<En> = En extends { readonly make: (input: never) => infer R } ? R : never

/** An entity with typed relationship references (the result of {@link relations}); its `make` accepts related values. */
export type WithRelations<En, Defs> = Omit<En, 'make'> &
  RefsOf<En, Defs> & {
    readonly make: (input: MakeInputOf<En> & { readonly [K in keyof Defs]?: AnyInstance | ReadonlyArray<AnyInstance> | null }) => MakeResultOf<En>
    readonly _Defaults?: DefaultLoaded<Defs>
  }

/**
 * Declares an entity's relationships once every entity exists, and returns the entity with a
 * typed reference per relationship (`Author.books`). Relationships are registered on the
 * entity (as SQLAlchemy configures mappers), so the base entity value works too.
 *
 * @example
 * const AuthorBase = entity(authors)
 * const BookBase = entity(books)
 * export const Author = relations(AuthorBase, { books: hasMany(BookBase, { backPopulates: 'author' }) })
 * export const Book = relations(BookBase, { author: belongsTo(AuthorBase, { backPopulates: 'books' }) })
 * S.all(Author, load(selectin(Author.books)))
 * @category relationships
 */
export const relations = <En extends AnyEntity, Defs extends Readonly<Record<string, Relation<unknown, Strategy>>>>(en: En, defs: Defs): WithRelations<En, Defs> => {
  const registry = en.$.relations as Record<string, Relation>
  const refs: Record<string, AnyRelationRef> = {}
  const subtypes = (e: AnyEntity): ReadonlyArray<AnyEntity> => (e.$.inheritance?.subtypes ?? []).flatMap((s) => [s, ...subtypes(s)])
  for (const name of Object.keys(defs)) {
    if (name in en && !(name in registry)) throw new Error(`relations(${en.$.name}): "${name}" is already a column or property of the entity`)
    registry[name] = defs[name] as Relation
    for (const s of subtypes(en)) (s.$.relations as Record<string, Relation>)[name] = defs[name] as Relation
    refs[name] = { _tag: 'RelationRef', source: en, name }
  }
  return Object.assign(Object.create(Object.getPrototypeOf(en) as object) as object, en, refs) as WithRelations<En, Defs>
}

/** A reference to a relationship by name (untyped target), e.g. for entities whose relations were given to `entity()`. @category relationships */
export const relationRef = <En extends AnyEntity>(en: En, name: string): RelationRef<En, string, AnyEntity, Cardinality> => ({ _tag: 'RelationRef', source: en, name })

// ---------------------------------------------------------------- resolution

/** A foreign key between two tables, as property keys. */
export interface Link {
  /** The referencing (child) table's column. */
  readonly childKey: string
  /** The referenced (parent) table's column. */
  readonly parentKey: string
}

const keyOf = (t: AnyTable, sqlName: string): string => t.columnNames.find((c) => c.name === sqlName)?.key ?? sqlName

/**
 * The link between `child` and `parent`: the explicit foreign-key column when the relation
 * names one, else the child table's only foreign key to the parent. `undefined` when there is
 * none or more than one (then the relation must name its column).
 * @category relationships
 */
export const linkBetween = (child: AnyTable, parent: AnyTable, relation: { readonly foreignKey?: () => Column<unknown> }): Link | undefined => {
  const fks = child.definition().foreignKeys.filter((fk) => fk.refTable === parent.name && fk.columns.length === 1)
  if (relation.foreignKey) {
    const col = relation.foreignKey()
    const fk = fks.find((f) => f.columns[0] === col.node.name)
    return { childKey: col.key, parentKey: fk ? keyOf(parent, fk.refColumns[0]) : keyOf(parent, parent.definition().primaryKey[0]) }
  }
  if (fks.length !== 1) return undefined
  return { childKey: keyOf(child, fks[0].columns[0]), parentKey: keyOf(parent, fks[0].refColumns[0]) }
}

/**
 * A relationship resolved to columns. `source[sourceKey] = target[targetKey]`, directly or
 * through the secondary (`source[sourceKey] = through[throughSource]`,
 * `through[throughTarget] = target[targetKey]`). `owner` says which side holds the foreign key.
 */
export interface Resolved {
  readonly name: string
  readonly relation: Relation
  readonly source: AnyEntity
  readonly target: AnyEntity
  readonly many: boolean
  readonly owner: 'target' | 'source' | 'through'
  readonly sourceKey: string
  readonly targetKey: string
  readonly through?: { readonly table: AnyTable; readonly sourceCol: string; readonly targetCol: string }
}

/** The table of an entity that holds a column (joined inheritance spreads columns over several tables). @internal */
export const tableWith = (en: AnyEntity, key: string): AnyTable => {
  for (const t of en.$.tables) if (t.columnNames.some((c) => c.key === key)) return t
  return en.$.table
}

const linkAny = (childEn: AnyEntity, parentEn: AnyEntity, rel: { readonly foreignKey?: () => Column<unknown> }): Link | undefined => {
  for (const c of childEn.$.tables) for (const p of parentEn.$.tables) {
    const l = linkBetween(c, p, rel)
    if (l && (rel.foreignKey === undefined || c.columnNames.some((x) => x.key === l.childKey))) return l
  }
  return undefined
}

/** Resolves a relationship of an entity to its columns; a Left message when it cannot. @category relationships */
const resolvedMemo = new WeakMap<AnyEntity, Map<string, Resolved>>()

/**
 * {@link resolveUncached}, remembered per entity and name once it succeeds (relationships are
 * configured once; an error is not remembered, so a later `relations()` call still applies).
 */
export const resolve = (source: AnyEntity, name: string): Resolved | string => {
  let byName = resolvedMemo.get(source)
  const hit = byName?.get(name)
  if (hit !== undefined && hit.relation === source.$.relations[name]) return hit
  const r = resolveUncached(source, name)
  if (typeof r !== 'string') {
    if (!byName) resolvedMemo.set(source, (byName = new Map()))
    byName.set(name, r)
  }
  return r
}

const resolveUncached = (source: AnyEntity, name: string): Resolved | string => {
  const relation = source.$.relations[name]
  if (!relation) return `${source.$.name} has no relationship "${name}"`
  const target = relation.target()
  const base = { name, relation, source, target }
  switch (relation._tag) {
    case 'HasMany':
    case 'HasOne': {
      const l = linkAny(target, source, relation)
      if (!l) return `${source.$.name}.${name}: no single foreign key from ${target.$.name}; name it with foreignKey`
      return { ...base, many: relation._tag === 'HasMany', owner: 'target', sourceKey: l.parentKey, targetKey: l.childKey }
    }
    case 'BelongsTo': {
      const l = linkAny(source, target, relation)
      if (!l) return `${source.$.name}.${name}: no single foreign key to ${target.$.name}; name it with foreignKey`
      return { ...base, many: false, owner: 'source', sourceKey: l.childKey, targetKey: l.parentKey }
    }
    case 'ManyToMany': {
      const through = relation.through
      const self = source.$.table === target.$.table
      const ls = relation.sourceColumn ? linkBetween(through, source.$.table, { foreignKey: relation.sourceColumn }) : self ? undefined : linkBetween(through, source.$.table, {})
      const lt = relation.targetColumn ? linkBetween(through, target.$.table, { foreignKey: relation.targetColumn }) : self ? undefined : linkBetween(through, target.$.table, {})
      if (!ls || !lt) return `${source.$.name}.${name}: cannot tell ${through.name}'s columns apart; give sourceColumn and targetColumn`
      if (through.definition().primaryKey.length < 2) return `${source.$.name}.${name}: the secondary table ${through.name} needs a primary key over its two columns`
      return { ...base, many: true, owner: 'through', sourceKey: ls.parentKey, targetKey: lt.parentKey, through: { table: through, sourceCol: ls.childKey, targetCol: lt.childKey } }
    }
  }
}

/** The relationship on the target that mirrors `r` (its backPopulates, or one whose backPopulates names `r`). @category relationships */
export const inverseOf = (r: Resolved): string | undefined => {
  if (r.relation.backPopulates) return r.relation.backPopulates
  const rels = r.target.$.relations
  return Object.keys(rels).find((k) => rels[k].backPopulates === r.name && rootOf(rels[k].target()).$ === rootOf(r.source).$)
}
