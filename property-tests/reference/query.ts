/**
 * Query evaluation for the reference evaluator: CTEs, FROM and joins, WHERE, grouping and
 * HAVING, DISTINCT, set operations, ORDER BY, LIMIT and OFFSET. The semantics are in
 * evaluate.ts's module comment.
 *
 * @category property-tests
 */
import type { CompoundNode, ExprNode, FromItem, OrderItem, QueryNode, SelectNode } from '../../src/algebra/index.js'
import { EvalError, type Binding, type Ctx, type Result, type Scope } from './context.js'
import { containsAggregate, evalExpr, truth } from './expr.js'
import { compareNonNull, rowKey, type Value } from './values.js'

interface Source {
  readonly name: string
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<Readonly<Record<string, Value>>>
}

const toRecords = (r: Result): ReadonlyArray<Readonly<Record<string, Value>>> =>
  r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])))

const source = (ctx: Ctx, f: FromItem, outer: Scope | undefined): Source => {
  if (f._tag === 'SubqueryRef') {
    const r = evalQuery(ctx, f.query, f.lateral ? outer : undefined)
    return { name: f.alias, columns: r.columns, rows: toRecords(r) }
  }
  const name = f.alias ?? f.name
  const cte = f.schema === undefined ? ctx.ctes.get(f.name) : undefined
  if (cte !== undefined) return { name, columns: cte.columns, rows: toRecords(cte) }
  const t = ctx.db[f.name]
  if (t === undefined) throw new EvalError(`no table ${f.name}`)
  return { name, columns: t.columns, rows: toRecords(t) }
}

const nullRecord = (s: Source): Readonly<Record<string, Value>> => Object.fromEntries(s.columns.map((c) => [c, null]))

const withSource = (b: Binding, name: string, rec: Readonly<Record<string, Value>>): Binding => {
  if (b.has(name)) throw new EvalError(`source ${name} appears twice in FROM`)
  const out = new Map(b)
  out.set(name, rec)
  return out
}

const fromRows = (ctx: Ctx, s: SelectNode, outer: Scope | undefined): { rows: ReadonlyArray<Binding>; names: ReadonlyArray<Source> } => {
  let rows: ReadonlyArray<Binding> = [new Map()]
  const names: Source[] = []
  for (const f of s.from) {
    const src = source(ctx, f, outer)
    names.push(src)
    rows = rows.flatMap((b) => src.rows.map((r) => withSource(b, src.name, r)))
  }
  for (const j of s.joins) {
    const src = source(ctx, j.target, outer)
    const holds = (b: Binding): boolean => j.on === undefined || truth(evalExpr(ctx, j.on, { binding: b, outer })) === true
    const left = rows
    const out: Binding[] = []
    const matchedRight = new Set<number>()
    for (const b of left) {
      let matched = false
      src.rows.forEach((r, i) => {
        const nb = withSource(b, src.name, r)
        if (j.kind === 'CROSS' || holds(nb)) {
          out.push(nb)
          matched = true
          matchedRight.add(i)
        }
      })
      if (!matched && (j.kind === 'LEFT' || j.kind === 'FULL')) out.push(withSource(b, src.name, nullRecord(src)))
    }
    if (j.kind === 'RIGHT' || j.kind === 'FULL') {
      src.rows.forEach((r, i) => {
        if (matchedRight.has(i)) return
        let b: Binding = new Map()
        for (const n of names) b = withSource(b, n.name, nullRecord(n))
        out.push(withSource(b, src.name, r))
      })
    }
    names.push(src)
    rows = out
  }
  return { rows, names }
}

interface Produced {
  readonly row: ReadonlyArray<Value>
  readonly scope: Scope
}

const dedupe = <T>(items: ReadonlyArray<T>, key: (t: T) => string): ReadonlyArray<T> => {
  const seen = new Set<string>()
  return items.filter((t) => {
    const k = key(t)
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

const sortBy = (ctx: Ctx, items: ReadonlyArray<Produced>, order: ReadonlyArray<OrderItem>): ReadonlyArray<Produced> => {
  if (order.length === 0) return items
  const keyed = items.map((p) => ({ p, keys: order.map((o) => evalExpr(ctx, o.expr, p.scope)) }))
  const sorted = [...keyed].sort((x, y) => {
    for (let i = 0; i < order.length; i++) {
      const o = order[i]
      const a = x.keys[i]
      const b = y.keys[i]
      if (a === null && b === null) continue
      const nullsFirst = o.nulls !== undefined ? o.nulls === 'FIRST' : (ctx.o.nulls === 'low') === (o.direction === 'ASC')
      if (a === null) return nullsFirst ? -1 : 1
      if (b === null) return nullsFirst ? 1 : -1
      const c = compareNonNull(a, b)
      if (c !== 0) return o.direction === 'ASC' ? c : -c
    }
    return 0
  })
  return sorted.map((k) => k.p)
}

const intParam = (ctx: Ctx, n: ExprNode | undefined): number | undefined => {
  if (n === undefined) return undefined
  const v = evalExpr(ctx, n, { binding: new Map() })
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new EvalError(`LIMIT/OFFSET must be a non-negative integer, got ${String(v)}`)
  return v
}

const slice = <T>(ctx: Ctx, items: ReadonlyArray<T>, limit: ExprNode | undefined, offset: ExprNode | undefined): ReadonlyArray<T> => {
  const o = intParam(ctx, offset) ?? 0
  const l = intParam(ctx, limit)
  return items.slice(o, l === undefined ? undefined : o + l)
}

const withCtes = (ctx: Ctx, q: SelectNode | CompoundNode, outer: Scope | undefined): Ctx => {
  if (q.with === undefined) return ctx
  if (q.with.recursive) throw new EvalError('recursive CTEs are not modelled')
  let ctes = new Map(ctx.ctes)
  for (const d of q.with.ctes) {
    const r = evalQuery({ ...ctx, ctes }, d.query, outer)
    ctes = new Map(ctes)
    ctes.set(d.name, d.columns !== undefined && d.columns.length > 0 ? { columns: d.columns, rows: r.rows } : r)
  }
  return { ...ctx, ctes }
}

const evalSelect = (ctx0: Ctx, s: SelectNode, outer: Scope | undefined): Result => {
  const ctx = withCtes(ctx0, s, outer)
  if (s.distinct !== true && s.distinct !== false) throw new EvalError('DISTINCT ON is not modelled')
  const { rows } = fromRows(ctx, s, outer)
  const kept = s.where === undefined ? rows : rows.filter((b) => truth(evalExpr(ctx, s.where as ExprNode, { binding: b, outer })) === true)
  const columns = s.columns.map((c) => c.alias)
  const aggregated =
    s.groupBy.length > 0 || s.having !== undefined || s.columns.some((c) => containsAggregate(c.expr)) || s.orderBy.some((o) => containsAggregate(o.expr))
  let scopes: ReadonlyArray<Scope>
  if (aggregated) {
    const groups = new Map<string, Binding[]>()
    const order: string[] = []
    for (const b of kept) {
      const k = rowKey(s.groupBy.map((g) => evalExpr(ctx, g, { binding: b, outer })))
      const g = groups.get(k)
      if (g === undefined) {
        groups.set(k, [b])
        order.push(k)
      } else g.push(b)
    }
    if (s.groupBy.length === 0 && groups.size === 0) {
      groups.set('', [])
      order.push('')
    }
    scopes = order.map((k): Scope => {
      const g = groups.get(k) ?? []
      return { binding: g[0] ?? new Map(), group: g, outer }
    })
    if (s.having !== undefined) scopes = scopes.filter((sc) => truth(evalExpr(ctx, s.having as ExprNode, sc)) === true)
  } else scopes = kept.map((b): Scope => ({ binding: b, outer }))
  let produced: ReadonlyArray<Produced> = scopes.map((sc) => {
    const row = s.columns.map((c) => {
      if (c.expr._tag === 'Star') throw new EvalError('SELECT * is not modelled')
      return evalExpr(ctx, c.expr, sc)
    })
    return { row, scope: { ...sc, output: Object.fromEntries(columns.map((c, i) => [c, row[i]])) } }
  })
  if (s.distinct === true) produced = dedupe(produced, (p) => rowKey(p.row))
  produced = sortBy(ctx, produced, s.orderBy)
  return { columns, rows: slice(ctx, produced, s.limit, s.offset).map((p) => p.row) }
}

const countKeys = (rows: ReadonlyArray<ReadonlyArray<Value>>): Map<string, number> => {
  const m = new Map<string, number>()
  for (const r of rows) m.set(rowKey(r), (m.get(rowKey(r)) ?? 0) + 1)
  return m
}

const evalCompound = (ctx0: Ctx, q: CompoundNode, outer: Scope | undefined): Result => {
  const ctx = withCtes(ctx0, q, outer)
  const l = evalQuery(ctx, q.left, outer)
  const r = evalQuery(ctx, q.right, outer)
  if (l.columns.length !== r.columns.length) throw new EvalError('set operation members differ in width')
  let rows: ReadonlyArray<ReadonlyArray<Value>>
  const rightCounts = countKeys(r.rows)
  switch (q.op) {
    case 'UNION':
      rows = q.all ? [...l.rows, ...r.rows] : dedupe([...l.rows, ...r.rows], rowKey)
      break
    case 'INTERSECT': {
      if (q.all) {
        const left = new Map(rightCounts)
        rows = l.rows.filter((row) => {
          const n = left.get(rowKey(row)) ?? 0
          if (n === 0) return false
          left.set(rowKey(row), n - 1)
          return true
        })
      } else rows = dedupe(l.rows.filter((row) => rightCounts.has(rowKey(row))), rowKey)
      break
    }
    case 'EXCEPT': {
      if (q.all) {
        const left = new Map(rightCounts)
        rows = l.rows.filter((row) => {
          const n = left.get(rowKey(row)) ?? 0
          if (n === 0) return true
          left.set(rowKey(row), n - 1)
          return false
        })
      } else rows = dedupe(l.rows.filter((row) => !rightCounts.has(rowKey(row))), rowKey)
      break
    }
  }
  const produced = rows.map((row): Produced => ({ row, scope: { binding: new Map(), output: Object.fromEntries(l.columns.map((c, i) => [c, row[i]])) } }))
  return { columns: l.columns, rows: slice(ctx, sortBy(ctx, produced, q.orderBy), q.limit, q.offset).map((p) => p.row) }
}

/** Evaluates a query; `outer` is the row a correlated or lateral subquery sees around it. */
export const evalQuery = (ctx: Ctx, q: QueryNode, outer: Scope | undefined): Result => {
  switch (q._tag) {
    case 'Select':
      return evalSelect(ctx, q, outer)
    case 'Compound':
      return evalCompound(ctx, q, outer)
    case 'TextQuery':
      throw new EvalError('text() queries are not modelled')
  }
}
