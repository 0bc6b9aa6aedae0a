/**
 * Load options: which relationships a query loads and how, as typed values. Each option
 * names a relationship by its typed reference and may nest options for the target's own
 * relationships; the query's result type gains exactly the relationships loaded.
 *
 * @example
 * S.all(Author, where(gt(Author.id, 10)), load(selectin(Author.books, selectin(Book.reviews)), joined(Author.profile)))
 * // ReadonlyArray<AuthorValue & { books: ReadonlyArray<BookValue & { reviews: ReadonlyArray<ReviewValue> }>; profile: ProfileValue | null }>
 * @category loading
 */
import type { AnyTable } from '../algebra/Table.js'
import type { AnyEntity } from './Entity.js'
import type { Cardinality, RelatedValue, RelationRef } from './relations.js'

/** How one option loads its relationship (`containsEager`: from joins the query already has). */
export type OptionStrategy = 'joined' | 'selectin' | 'subquery' | 'json' | 'lazy' | 'raise' | 'containsEager'

/**
 * One load option for relationships of `Src`; `L` is what it adds to the values' type.
 *
 * `Src` is contravariant: an option about an entity applies to that entity and to every
 * subtype of it (a subtype has its ancestors' relationships), so `LoadOption<Staff, L>` is a
 * `LoadOption<Engineer, L>` when `Engineer` is a subtype of `Staff`, and a nested option may be
 * about the target entity or any of its ancestors (`joined(Project.lead, joined(Staff.department))`
 * with `lead` targeting `Engineer`), never about an unrelated entity or a subtype of the target.
 */
export interface LoadOption<in Src, out L> {
  readonly _tag: 'LoadOption'
  readonly strategy: OptionStrategy
  readonly source: AnyEntity
  readonly name: string
  readonly nested: ReadonlyArray<AnyLoadOption>
  /** containsEager: the alias the query joined the target under. */
  readonly alias?: AnyTable
  /** Phantom (contravariant): the entities the option applies to. */
  readonly _Src?: (source: Src) => void
  readonly _L?: L
}

/** Any load option (`never`: an option about any entity is one; see {@link LoadOption}). */
export type AnyLoadOption = LoadOption<never, unknown>

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never

/** What a list of options adds to a value's type. */
export type LoadedBy<Opts extends ReadonlyArray<AnyLoadOption>> = [Opts[number]] extends [never]
  ? unknown
  : UnionToIntersection<Opts[number] extends LoadOption<never, infer L> ? L : never>

/** The value type a loading option adds. */
export type Adds<Name extends string, Tgt, Card extends Cardinality, Nested extends ReadonlyArray<AnyLoadOption>> = {
  readonly [K in Name]: RelatedValue<Tgt, Card, LoadedBy<Nested>>
}

const option =
  (strategy: OptionStrategy) =>
  <Src, Name extends string, Tgt, Card extends Cardinality, Nested extends ReadonlyArray<LoadOption<Tgt, unknown>>>(
    ref: RelationRef<Src, Name, Tgt, Card>,
    ...nested: Nested
  ): LoadOption<Src, Adds<Name, Tgt, Card, Nested>> => ({ _tag: 'LoadOption', strategy, source: ref.source, name: ref.name, nested })

/** Loads a relationship in the same query with a LEFT JOIN (the parents' LIMIT/OFFSET is kept by a subquery). @category loading */
export const joined = option('joined')
/** Loads a relationship with a second query, `IN` over the parents' keys (chunked under the parameter limit). @category loading */
export const selectin = option('selectin')
/** Loads a relationship with a second query that re-runs the parents' query as a subquery. @category loading */
export const subquery = option('subquery')
/** Loads a relationship in the same statement, aggregated as JSON per parent (where the dialect has JSON aggregation). @category loading */
export const json = option('json')

/**
 * Fills a relationship from joins the query already has (SQLAlchemy's contains_eager); give
 * `alias` when the target was joined under an alias.
 *
 * @example
 * S.all(Author, join(books, eq(books.c.authorId, authors.c.id)), where(like(books.c.title, 'A%')), load(containsEager(Author.books)))
 * @category loading
 */
export const containsEager = <Src, Name extends string, Tgt, Card extends Cardinality, Nested extends ReadonlyArray<LoadOption<Tgt, unknown>>>(
  ref: RelationRef<Src, Name, Tgt, Card>,
  options: { readonly alias?: AnyTable } = {},
  ...nested: Nested
): LoadOption<Src, Adds<Name, Tgt, Card, Nested>> => ({ _tag: 'LoadOption', strategy: 'containsEager', source: ref.source, name: ref.name, nested, ...(options.alias ? { alias: options.alias } : {}) })

/** Leaves a relationship unloaded (overrides an eager default); `S.load` can load it later. @category loading */
export const lazy = <Src, Name extends string, Tgt, Card extends Cardinality>(ref: RelationRef<Src, Name, Tgt, Card>): LoadOption<Src, unknown> => ({
  _tag: 'LoadOption',
  strategy: 'lazy',
  source: ref.source,
  name: ref.name,
  nested: [],
})

/** Leaves a relationship unloaded and makes `S.load` of it a RelationNotLoaded error instead of a query. @category loading */
export const raise = <Src, Name extends string, Tgt, Card extends Cardinality>(ref: RelationRef<Src, Name, Tgt, Card>): LoadOption<Src, unknown> => ({
  _tag: 'LoadOption',
  strategy: 'raise',
  source: ref.source,
  name: ref.name,
  nested: [],
})

/** The load options of a query, as one query step for `S.all` & co. */
export interface Load<Src, L> {
  readonly _tag: 'Load'
  readonly options: ReadonlyArray<AnyLoadOption>
  readonly _Src?: Src
  readonly _L?: L
}

/**
 * Groups load options into a step of `S.all` / `S.first` / `S.one` / `S.oneOrNone`.
 * @category loading
 */
export const load = <Opts extends ReadonlyArray<AnyLoadOption>>(...options: Opts): Load<Opts[number] extends LoadOption<infer S, unknown> ? S : never, LoadedBy<Opts>> => ({
  _tag: 'Load',
  options,
})

/** What the `Load` steps of a query add to its values' type. */
export type LoadsOf<Steps> = Steps extends readonly [infer H, ...infer T] ? (H extends Load<unknown, infer L> ? L : unknown) & LoadsOf<T> : unknown
