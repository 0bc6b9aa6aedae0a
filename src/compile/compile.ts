/**
 * `compile(dialect)(statement)`: SQL text plus encoded parameters, pure and total. The cached
 * form walks the statement's shape first and reuses the SQL of an identical shape.
 *
 * @category compile
 */
import { absurd } from 'fp-ts/lib/function.js'
import * as E from 'fp-ts/lib/Either.js'
import type { DdlNode, ExprNode, QueryNode, SelectItem, StatementNode } from '../algebra/ast.js'
import type { SqlType } from '../algebra/SqlType.js'
import { hashTokens, ShapeCache, type CacheStats } from './cache.js'
import type { Compiled, ResultColumn, StatementKind } from './Compiled.js'
import { invalid, type CompileError } from './CompileError.js'
import type { Dialect } from './Dialect.js'
import { compileDdl } from './ddl.js'
import { del, insert, update } from './dml.js'
import { compileQuery } from './select.js'
import { newWalk, walkStatement, type Walk } from './shape.js'
import { outputScope, safeAliases } from './labels.js'
import { newCtx, runtimeOf, type Ctx } from './state.js'
import { checkParam } from './values.js'

/** A statement node, or any typed handle over one (a query, an insert, …). @category compile */
export type Compilable = StatementNode | { readonly node: StatementNode }

const nodeOf = (s: Compilable): StatementNode => {
  const inner = (s as { readonly node?: unknown }).node
  return typeof inner === 'object' && inner !== null ? (inner as StatementNode) : (s as StatementNode)
}

const DDL_TAGS: ReadonlySet<string> = new Set<DdlNode['_tag']>(['CreateTable', 'DropTable', 'CreateIndex', 'DropIndex', 'CreateEnum', 'DropEnum'])

const isDdl = (n: StatementNode): n is DdlNode => {
  const tag = n._tag
  return tag !== 'Select' && tag !== 'Insert' && DDL_TAGS.has(tag)
}

type Dml = Exclude<StatementNode, DdlNode>

const kindOf = (n: Dml): StatementKind => {
  switch (n._tag) {
    case 'Select':
    case 'Compound':
      return 'query'
    case 'TextQuery':
      return 'raw'
    case 'Insert':
      return 'insert'
    case 'Update':
      return 'update'
    case 'Delete':
      return 'delete'
    default:
      return absurd(n)
  }
}

const body = (c: Ctx, n: Dml): string => {
  switch (n._tag) {
    case 'Select':
    case 'Compound':
    case 'TextQuery':
      return compileQuery(c, n)
    case 'Insert':
      return insert(c, n)
    case 'Update':
      return update(c, n)
    case 'Delete':
      return del(c, n)
    default:
      return absurd(n)
  }
}

/** The SQL type an expression produces, when the node says. @internal */
export const exprType = (e: ExprNode): SqlType | undefined => {
  switch (e._tag) {
    case 'ColumnRef':
    case 'Param':
    case 'Func':
    case 'Cast':
      return e.type
    case 'Window':
      return exprType(e.func)
    case 'ScalarSubquery': {
      const items = resultItems(e.query)
      return items.length === 1 ? itemType(items[0]) : undefined
    }
    default:
      return undefined
  }
}

type Item = SelectItem | { readonly alias: string; readonly type?: SqlType; readonly expr?: undefined }

const itemType = (i: Item): SqlType | undefined => i.type ?? (i.expr === undefined ? undefined : exprType(i.expr))

const NO_ITEMS: ReadonlyArray<Item> = []

const resultItems = (n: QueryNode | Dml): ReadonlyArray<Item> => {
  switch (n._tag) {
    case 'Select':
      return n.columns
    case 'Compound':
      return resultItems(n.left)
    case 'TextQuery':
      return n.columns ?? NO_ITEMS
    case 'Insert':
    case 'Update':
    case 'Delete':
      return n.returning
    default:
      return absurd(n)
  }
}

/** The result columns; `renamed`: the statement's labels may be written as positional aliases (not raw SQL). */
const resultColumns = (items: ReadonlyArray<Item>, renamed: boolean): ReadonlyArray<ResultColumn> => {
  const aliases = renamed ? safeAliases(items) : undefined
  const out: ResultColumn[] = []
  for (let k = 0; k < items.length; k++) {
    const i = items[k]
    if (i.expr !== undefined && i.expr._tag === 'Star') continue
    const type = itemType(i)
    const col: ResultColumn = type === undefined ? { name: i.alias } : { name: i.alias, type }
    const source = aliases?.[k]
    out.push(source === undefined ? col : { ...col, source })
  }
  return out
}

const columnsOf = (n: Dml): ReadonlyArray<ResultColumn> => resultColumns(resultItems(n), outputScope(n) !== undefined)

const sameColumns = (cols: ReadonlyArray<ResultColumn>, items: ReadonlyArray<Item>): boolean => {
  let j = 0
  for (let i = 0; i < items.length; i++) {
    const it = items[i]
    if (it.expr !== undefined && it.expr._tag === 'Star') continue
    const col = cols[j++]
    if (col === undefined || col.name !== it.alias || col.type !== itemType(it)) return false
  }
  return j === cols.length
}

const tooMany = (d: Dialect, n: number): CompileError | undefined =>
  n > d.capabilities.maxParams ? invalid(`the statement has ${n} parameters; ${d.name} allows at most ${d.capabilities.maxParams}`) : undefined

const compileDdlSingle = (d: Dialect, n: DdlNode): E.Either<CompileError, Compiled> => {
  const r = compileDdl(d)(n)
  if (E.isLeft(r)) return r
  if (r.right.length === 1) return E.right(r.right[0])
  return E.left(invalid(`this ${n._tag} compiles to ${r.right.length} statements on ${d.name}; use compileDdl`))
}

const run = (d: Dialect, n: Dml): { readonly c: Ctx; readonly sql: string } => {
  const c = newCtx(runtimeOf(d))
  const scope = outputScope(n)
  const aliases = scope === undefined ? undefined : safeAliases(scope.items)
  if (scope !== undefined && aliases !== undefined) {
    const rename = new Map<string, string>()
    for (let i = 0; i < aliases.length; i++) {
      const a = aliases[i]
      if (a !== undefined && !rename.has(scope.items[i].alias)) rename.set(scope.items[i].alias, a)
    }
    c.outputs = { items: scope.items, aliases, rename, nodes: scope.nodes }
    // RETURNING items are compiled in the DML statement's own scope.
    if (n._tag === 'Insert' || n._tag === 'Update' || n._tag === 'Delete') c.rename = rename
  }
  return { c, sql: body(c, n) }
}

/**
 * Compiles a statement without the shape cache. DDL that needs several statements (a table
 * with indexes) is a Left here: use {@link compileDdl}.
 *
 * @example
 * compileUncached(postgres)(pipe(select({ id: users.c.id }), from(users), where(eq(users.c.id, 5))))
 * // Right({ sql: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."id" = $1', params: [5], … })
 * @category compile
 */
export const compileUncached =
  (dialect: Dialect) =>
  (statement: Compilable): E.Either<CompileError, Compiled> => {
    const n = nodeOf(statement)
    if (isDdl(n)) return compileDdlSingle(dialect, n)
    const { c, sql } = run(dialect, n)
    const err = c.error ?? tooMany(dialect, c.params.length)
    if (err !== undefined) return E.left(err)
    return E.right({ sql, params: c.params, kind: kindOf(n), columns: columnsOf(n) })
  }

const DEFAULT_CAPACITY = 2_000

/** A dialect's caches: by shape, and the last few nodes compiled (by identity; results frozen). */
interface Caches {
  readonly shapes: ShapeCache
  readonly recentNodes: Array<StatementNode | undefined>
  readonly recentResults: Array<E.Either<CompileError, Compiled>>
  next: number
}

const allCaches = new WeakMap<Dialect, Caches>()

const cachesOf = (d: Dialect): Caches => {
  let c = allCaches.get(d)
  if (c === undefined) {
    c = { shapes: new ShapeCache(DEFAULT_CAPACITY), recentNodes: new Array(RECENT).fill(undefined), recentResults: [], next: 0 }
    allCaches.set(d, c)
  }
  return c
}

const RECENT = 8
const scratch: Walk = newWalk()
let busy = false

const compileCached = (d: Dialect, caches: Caches, statement: Compilable): E.Either<CompileError, Compiled> => {
  const n = nodeOf(statement)
  if (isDdl(n)) return compileDdlSingle(d, n)
  // Nodes are immutable: a node compiled moments ago compiles to the same (frozen) result.
  const recent = caches.recentNodes
  for (let i = 0; i < RECENT; i++)
    if (recent[i] === n) {
      caches.shapes.hits++
      return caches.recentResults[i]
    }
  let r: E.Either<CompileError, Compiled>
  if (busy) r = compileCachedWith(d, caches.shapes, n, newWalk(d.capabilities.insertUnnest))
  else {
    // Scratch walk state, reused: compilation is synchronous; `busy` stays set (and later calls
    // use fresh state) only if a malformed node made a walk throw.
    busy = true
    scratch.n = 0
    scratch.nv = 0
    r = compileCachedWith(d, caches.shapes, n, scratch)
    busy = false
  }
  if (E.isRight(r)) {
    const slot = caches.next
    caches.next = (slot + 1) % RECENT
    recent[slot] = n
    caches.recentResults[slot] = r
  }
  return r
}

/** The array parameter of one VALUES column from the walk's slots (`insertUnnest`), or why a value cannot be bound. */
const arrayParam = (d: Dialect, w: Walk, start: number, stride: number): unknown[] | string => {
  const arr = new Array<unknown>(w.rows)
  for (let r = 0, s = start; r < w.rows; r++, s += stride) {
    const v = w.values[s]
    const t = w.types[s]
    const problem = checkParam(v, t)
    if (problem !== undefined) return problem
    arr[r] = d.encodeParam(v, t)
  }
  return arr
}

const compileCachedWith = (d: Dialect, cache: ShapeCache, n: Dml, w: Walk): E.Either<CompileError, Compiled> => {
  w.unnest = d.capabilities.insertUnnest
  w.rows = 0
  w.memo = true
  walkStatement(w, n)
  const hash = hashTokens(w.t, w.n)
  const hit = cache.get(hash, w.t, w.n)
  if (hit !== undefined) {
    const slots = hit.slots
    const params = new Array<unknown>(slots.length)
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]
      if (s < 0) {
        const arr = arrayParam(d, w, -s - 1, hit.stride ?? 0)
        if (typeof arr === 'string') return E.left(invalid(arr))
        params[i] = arr
        continue
      }
      const v = w.values[s]
      const t = w.types[s]
      const problem = checkParam(v, t)
      if (problem !== undefined) return E.left(invalid(problem))
      params[i] = d.encodeParam(v, t)
    }
    const items = resultItems(n)
    const columns = sameColumns(hit.columns, items) ? hit.columns : columnsOf(n)
    return E.right({ sql: hit.sql, params, kind: hit.kind, columns })
  }
  const { c, sql } = run(d, n)
  const err = c.error ?? tooMany(d, c.params.length)
  if (err !== undefined) return E.left(err)
  const kind = kindOf(n)
  const columns = columnsOf(n)
  // Cache only when every placeholder maps back to the value the walk found in its slot.
  let consistent = c.slot === w.nv
  for (let i = 0; consistent && i < c.slots.length; i++) {
    const s = c.slots[i]
    if (s >= 0) consistent = Object.is(w.values[s], c.raws[i])
    else {
      const raws = c.raws[i] as ReadonlyArray<unknown>
      consistent = raws.length === w.rows
      for (let r = 0; consistent && r < raws.length; r++) consistent = Object.is(w.values[-s - 1 + r * c.stride], raws[r])
    }
  }
  if (consistent) cache.set(hash, { tokens: w.t.slice(0, w.n), sql, kind, columns: Object.freeze(columns), slots: c.slots, stride: c.stride })
  return E.right({ sql, params: c.params, kind, columns })
}

/**
 * Compiles a statement (or a typed handle over one) to SQL and encoded parameters for
 * `dialect`. A repeated shape (same nodes, other literal values) reuses the SQL text.
 *
 * @example
 * const q = pipe(select({ id: users.c.id }), from(users), where(eq(users.c.name, 'Ada')))
 * compile(sqlite)(q)   // Right({ sql: 'SELECT "users"."id" AS "id" FROM "users" WHERE "users"."name" = ?', params: ['Ada'], … })
 * compile(postgres)(q) // … WHERE "users"."name" = $1
 * compile(mysql)(q)    // SELECT `users`.`id` AS `id` FROM `users` WHERE `users`.`name` = ?
 * @category compile
 */
export const compile = (dialect: Dialect): ((statement: Compilable) => E.Either<CompileError, Compiled>) => {
  const caches = cachesOf(dialect)
  return (statement) => compileCached(dialect, caches, statement)
}

/** Size and hit counters of a dialect's shape cache (hits include same-node hits). @category compile */
export const cacheStats = (dialect: Dialect): CacheStats => cachesOf(dialect).shapes.stats()

/** Empties a dialect's caches (tests, benchmarks). @category compile */
export const clearCache = (dialect: Dialect): void => {
  const c = cachesOf(dialect)
  c.shapes.clear()
  c.recentNodes.fill(undefined)
  c.recentResults.length = 0
}

/**
 * The shape of a statement as a token list: equal (element-wise) for statements that differ
 * only in literal values; `undefined` for DDL (never cached).
 * @category compile
 */
export const shapeKey = (statement: Compilable): ReadonlyArray<string | number> | undefined => {
  const w = newWalk()
  return walkStatement(w, nodeOf(statement)) ? w.t.slice(0, w.n) : undefined
}
