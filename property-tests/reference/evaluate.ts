/**
 * The reference evaluator: a small, direct interpreter of the algebra's query nodes
 * (`QueryNode`, `ExprNode` from src/algebra/ast.ts) over in-memory rows, written for
 * obviousness, not speed. It shares no code with the compiler.
 *
 * Semantics, and the explicit choices where the databases differ:
 *
 * - Three-valued logic: comparisons with NULL are NULL; AND/OR/NOT are Kleene's; WHERE,
 *   HAVING and ON keep a row only when the condition is TRUE; `x IN (…)` is TRUE when some
 *   element equals, else NULL when the operand or some element is NULL, else FALSE.
 * - NULL ordering: an ORDER BY item without NULLS FIRST/LAST uses `options.nulls`
 *   (`'low'`: SQLite and MySQL put NULL first ascending; `'high'`: PostgreSQL puts it last).
 *   The generators always say NULLS FIRST/LAST, so this only matters for hand-written cases.
 * - LIKE: `%` any run, `_` one code point, the ESCAPE character (if any) makes the next one
 *   literal. `options.likeCaseInsensitiveAscii` models SQLite, whose LIKE folds ASCII case.
 *   Without ESCAPE, PostgreSQL and MariaDB treat backslash as an escape and SQLite does not:
 *   `options.likeDefaultEscape` models that; the generators only use backslash in patterns
 *   that carry an explicit ESCAPE.
 * - Integer division truncates toward zero (SQLite, PostgreSQL); `options.intDivision`
 *   `'decimal'` models MySQL's `/`, which returns a decimal. Division or modulo by zero is an
 *   error in PostgreSQL and NULL elsewhere: the evaluator throws, the generators avoid it.
 * - Text compares by code point (binary collations, see values.ts); GROUP BY, DISTINCT and
 *   set operations treat NULLs as equal.
 * - AVG returns a double; SUM of integers an integer; SUM/AVG/MIN/MAX over no rows NULL;
 *   COUNT(*) counts rows, COUNT(e) non-NULL values.
 *
 * @category property-tests
 */
import type { CompoundNode, ExprNode, FromItem, OrderItem, QueryNode, SelectNode, SqlType } from '../../src/algebra/index.js'
import { compareNonNull, compareRows, compareText, compareTotal, rowKey, type Value } from './values.js'

/** A table's contents: column SQL names and rows in that order. */
export interface TableData {
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<Value>>
}

/** The in-memory database: table name to contents. */
export type Database = Readonly<Record<string, TableData>>

/** A query's result: output labels and rows. */
export interface Result {
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<Value>>
}

/** Dialect-dependent choices (see the module comment). */
export interface EvalOptions {
  readonly nulls: 'low' | 'high'
  readonly likeCaseInsensitiveAscii: boolean
  readonly likeDefaultEscape: string | undefined
  readonly intDivision: 'truncate' | 'decimal'
}

/** The choices of each database. */
export const dialectOptions = {
  sqlite: { nulls: 'low', likeCaseInsensitiveAscii: true, likeDefaultEscape: undefined, intDivision: 'truncate' },
  postgres: { nulls: 'high', likeCaseInsensitiveAscii: false, likeDefaultEscape: '\\', intDivision: 'truncate' },
  mysql: { nulls: 'low', likeCaseInsensitiveAscii: false, likeDefaultEscape: '\\', intDivision: 'decimal' },
} as const satisfies Record<string, EvalOptions>

/** The evaluator met something it does not model or that is an error in SQL. */
export class EvalError extends Error {}

type Binding = Map<string, Readonly<Record<string, Value>>>

/** A row in scope: source name to that source's columns. `group` is set in aggregate context. */
interface Scope {
  readonly binding: Binding
  readonly group?: ReadonlyArray<Binding>
  readonly outer?: Scope
  /** Output row by label, for ORDER BY labels. */
  readonly output?: Readonly<Record<string, Value>>
}

interface Ctx {
  readonly db: Database
  readonly ctes: ReadonlyMap<string, Result>
  readonly o: EvalOptions
}

const AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX'])

const truth = (v: Value): boolean | null => {
  if (v === null) return null
  if (typeof v === 'boolean') return v
  if (typeof v === 'number' || typeof v === 'bigint') return v !== 0 && v !== 0n
  throw new EvalError(`a text value used as a condition: ${JSON.stringify(v)}`)
}

const staticType = (n: ExprNode): SqlType['_tag'] | undefined => {
  switch (n._tag) {
    case 'ColumnRef':
      return n.type?._tag
    case 'Param':
      return n.type?._tag ?? (typeof n.value === 'number' ? (Number.isInteger(n.value) ? 'Integer' : 'Double') : undefined)
    case 'Binary':
      return staticType(n.left) === 'Double' || staticType(n.right) === 'Double' ? 'Double' : staticType(n.left)
    case 'Negate':
      return staticType(n.operand)
    case 'Func':
      return n.type?._tag
    default:
      return undefined
  }
}

const cmp = (op: string, a: Value, b: Value): Value => {
  if (a === null || b === null) return null
  const c = compareNonNull(a, b)
  switch (op) {
    case '=':
      return c === 0
    case '<>':
      return c !== 0
    case '<':
      return c < 0
    case '<=':
      return c <= 0
    case '>':
      return c > 0
    case '>=':
      return c >= 0
  }
  throw new EvalError(`not a comparison: ${op}`)
}

const num = (v: Value): number => {
  if (typeof v === 'number') return v
  if (typeof v === 'boolean') return Number(v)
  throw new EvalError(`arithmetic on ${typeof v}`)
}

const arith = (ctx: Ctx, n: ExprNode & { _tag: 'Binary' }, a: Value, b: Value): Value => {
  if (a === null || b === null) return null
  const x = num(a)
  const y = num(b)
  const ints = staticType(n.left) !== 'Double' && staticType(n.right) !== 'Double' && Number.isInteger(x) && Number.isInteger(y)
  switch (n.op) {
    case '+':
      return x + y
    case '-':
      return x - y
    case '*':
      return x * y
    case '/':
      if (y === 0) throw new EvalError('division by zero')
      return ints && ctx.o.intDivision === 'truncate' ? Math.trunc(x / y) : x / y
    case '%':
      if (y === 0) throw new EvalError('modulo by zero')
      return x % y
  }
  throw new EvalError(`not arithmetic: ${n.op}`)
}

const and3 = (vs: ReadonlyArray<boolean | null>): boolean | null => (vs.includes(false) ? false : vs.includes(null) ? null : true)
const or3 = (vs: ReadonlyArray<boolean | null>): boolean | null => (vs.includes(true) ? true : vs.includes(null) ? null : false)
const not3 = (v: boolean | null): boolean | null => (v === null ? null : !v)

/** LIKE as a matcher over code points. */
export const likeMatch = (text: string, pattern: string, escape: string | undefined, foldAscii: boolean): boolean => {
  const fold = (s: string): string => (foldAscii ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s)
  const t = [...fold(text)]
  type Tok = { readonly k: 'any' } | { readonly k: 'one' } | { readonly k: 'lit'; readonly c: string }
  const toks: Tok[] = []
  const p = [...fold(pattern)]
  for (let i = 0; i < p.length; i++) {
    const c = p[i]
    if (escape !== undefined && c === escape) {
      if (i + 1 >= p.length) throw new EvalError('LIKE pattern ends with the escape character')
      toks.push({ k: 'lit', c: p[++i] })
    } else if (c === '%') toks.push({ k: 'any' })
    else if (c === '_') toks.push({ k: 'one' })
    else toks.push({ k: 'lit', c })
  }
  // dp[j]: pattern prefix of length j matches text prefix of length i
  let dp = new Array<boolean>(toks.length + 1).fill(false)
  dp[0] = true
  for (let j = 1; j <= toks.length; j++) dp[j] = dp[j - 1] && toks[j - 1].k === 'any'
  for (let i = 1; i <= t.length; i++) {
    const next = new Array<boolean>(toks.length + 1).fill(false)
    for (let j = 1; j <= toks.length; j++) {
      const tok = toks[j - 1]
      if (tok.k === 'any') next[j] = next[j - 1] || dp[j]
      else if (tok.k === 'one') next[j] = dp[j - 1]
      else next[j] = dp[j - 1] && tok.c === t[i - 1]
    }
    dp = next
  }
  return dp[toks.length]
}

const lookup = (scope: Scope | undefined, table: string, name: string): Value => {
  for (let s = scope; s !== undefined; s = s.outer) {
    const src = s.binding.get(table)
    if (src !== undefined) {
      if (!(name in src)) throw new EvalError(`no column ${table}.${name}`)
      return src[name]
    }
  }
  throw new EvalError(`no source ${table} in scope`)
}

const containsAggregate = (n: ExprNode): boolean => {
  switch (n._tag) {
    case 'Func':
      return (AGGREGATES.has(n.name.toUpperCase()) && n.name !== 'COALESCE') || n.args.some(containsAggregate)
    case 'Binary':
      return containsAggregate(n.left) || containsAggregate(n.right)
    case 'Logical':
    case 'Concat':
      return n.operands.some(containsAggregate)
    case 'Not':
    case 'Negate':
    case 'IsNull':
    case 'IsBoolean':
    case 'Cast':
      return containsAggregate(n.operand)
    case 'IsDistinct':
      return containsAggregate(n.left) || containsAggregate(n.right)
    case 'InList':
      return containsAggregate(n.operand) || n.values.some(containsAggregate)
    case 'InQuery':
      return containsAggregate(n.operand)
    case 'Between':
      return containsAggregate(n.operand) || containsAggregate(n.low) || containsAggregate(n.high)
    case 'Like':
      return containsAggregate(n.operand) || containsAggregate(n.pattern)
    case 'Case':
      return (n.subject !== undefined && containsAggregate(n.subject)) || n.whens.some((w) => containsAggregate(w.when) || containsAggregate(w.then)) || (n.else !== undefined && containsAggregate(n.else))
    default:
      return false
  }
}

const aggregate = (ctx: Ctx, n: ExprNode & { _tag: 'Func' }, scope: Scope): Value => {
  if (scope.group === undefined) throw new EvalError(`aggregate ${n.name} outside an aggregate context`)
  const name = n.name.toUpperCase()
  const rows = scope.group.map((b): Scope => ({ binding: b, outer: scope.outer }))
  if (name === 'COUNT' && n.args[0]?._tag === 'Star') return rows.length
  const arg = n.args[0]
  let vals = rows.map((s) => evalExpr(ctx, arg, s)).filter((v): v is Exclude<Value, null> => v !== null)
  if (n.distinct) {
    const seen = new Set<string>()
    vals = vals.filter((v) => {
      const k = rowKey([v])
      if (seen.has(k)) return false
      seen.add(k)
      return true
    })
  }
  switch (name) {
    case 'COUNT':
      return vals.length
    case 'SUM':
      return vals.length === 0 ? null : vals.reduce<number>((a, v) => a + num(v), 0)
    case 'AVG':
      return vals.length === 0 ? null : vals.reduce<number>((a, v) => a + num(v), 0) / vals.length
    case 'MIN':
      return vals.length === 0 ? null : vals.reduce((a, v) => (compareNonNull(v, a) < 0 ? v : a))
    case 'MAX':
      return vals.length === 0 ? null : vals.reduce((a, v) => (compareNonNull(v, a) > 0 ? v : a))
  }
  throw new EvalError(`unknown aggregate ${name}`)
}

const scalarFunc = (ctx: Ctx, n: ExprNode & { _tag: 'Func' }, scope: Scope): Value => {
  const name = n.name.toUpperCase()
  if (AGGREGATES.has(name)) return aggregate(ctx, n, scope)
  if (name === 'COALESCE') {
    for (const a of n.args) {
      const v = evalExpr(ctx, a, scope)
      if (v !== null) return v
    }
    return null
  }
  const args = n.args.map((a) => evalExpr(ctx, a, scope))
  switch (name) {
    case 'NULLIF':
      return args[0] !== null && args[1] !== null && compareNonNull(args[0], args[1]) === 0 ? null : args[0]
    case 'ABS':
      return args[0] === null ? null : Math.abs(num(args[0]))
    case 'LENGTH':
      return args[0] === null ? null : [...String(args[0])].length
  }
  throw new EvalError(`unknown function ${n.name}`)
}

/** Evaluates an expression in a scope. */
export const evalExpr = (ctx: Ctx, n: ExprNode, scope: Scope): Value => {
  switch (n._tag) {
    case 'ColumnRef':
      return lookup(scope, n.table, n.name)
    case 'Param':
      return n.value as Value
    case 'Null':
      return null
    case 'Label': {
      if (scope.output === undefined || !(n.name in scope.output)) throw new EvalError(`no output column ${n.name}`)
      return scope.output[n.name]
    }
    case 'Binary': {
      const a = evalExpr(ctx, n.left, scope)
      const b = evalExpr(ctx, n.right, scope)
      return ['=', '<>', '<', '<=', '>', '>='].includes(n.op) ? cmp(n.op, a, b) : arith(ctx, n, a, b)
    }
    case 'Logical': {
      const vs = n.operands.map((o) => truth(evalExpr(ctx, o, scope)))
      return n.op === 'AND' ? and3(vs) : or3(vs)
    }
    case 'Not':
      return not3(truth(evalExpr(ctx, n.operand, scope)))
    case 'Negate': {
      const v = evalExpr(ctx, n.operand, scope)
      return v === null ? null : -num(v)
    }
    case 'IsNull': {
      const isNull = evalExpr(ctx, n.operand, scope) === null
      return n.negated ? !isNull : isNull
    }
    case 'IsBoolean': {
      const r = truth(evalExpr(ctx, n.operand, scope)) === n.value
      return n.negated ? !r : r
    }
    case 'IsDistinct': {
      const same = compareTotal(evalExpr(ctx, n.left, scope), evalExpr(ctx, n.right, scope)) === 0
      return n.negated ? same : !same
    }
    case 'InList': {
      const v = evalExpr(ctx, n.operand, scope)
      const r = or3(n.values.map((e) => truth(cmp('=', v, evalExpr(ctx, e, scope)))))
      return n.negated ? not3(r) : r
    }
    case 'InQuery': {
      const v = evalExpr(ctx, n.operand, scope)
      const res = evalQuery(ctx, n.query, scope)
      const r = or3(res.rows.map((row) => truth(cmp('=', v, row[0]))))
      return n.negated ? not3(r) : r
    }
    case 'Between': {
      const v = evalExpr(ctx, n.operand, scope)
      const r = and3([truth(cmp('>=', v, evalExpr(ctx, n.low, scope))), truth(cmp('<=', v, evalExpr(ctx, n.high, scope)))])
      return n.negated ? not3(r) : r
    }
    case 'Like': {
      const v = evalExpr(ctx, n.operand, scope)
      const p = evalExpr(ctx, n.pattern, scope)
      if (v === null || p === null) return null
      if (n.caseInsensitive) throw new EvalError('ILIKE is not modelled')
      const r = likeMatch(String(v), String(p), n.escape ?? ctx.o.likeDefaultEscape, ctx.o.likeCaseInsensitiveAscii)
      return n.negated ? !r : r
    }
    case 'Concat': {
      let out = ''
      for (const o of n.operands) {
        const v = evalExpr(ctx, o, scope)
        if (v === null) return null
        out += String(v)
      }
      return out
    }
    case 'Case': {
      const subject = n.subject === undefined ? undefined : evalExpr(ctx, n.subject, scope)
      for (const w of n.whens) {
        const hit = subject === undefined ? truth(evalExpr(ctx, w.when, scope)) === true : cmp('=', subject, evalExpr(ctx, w.when, scope)) === true
        if (hit) return evalExpr(ctx, w.then, scope)
      }
      return n.else === undefined ? null : evalExpr(ctx, n.else, scope)
    }
    case 'Func':
      return scalarFunc(ctx, n, scope)
    case 'ScalarSubquery': {
      const res = evalQuery(ctx, n.query, scope)
      if (res.rows.length > 1) throw new EvalError('a scalar subquery returned more than one row')
      return res.rows.length === 0 ? null : res.rows[0][0]
    }
    case 'Exists': {
      const r = evalQuery(ctx, n.query, scope).rows.length > 0
      return n.negated ? !r : r
    }
    default:
      throw new EvalError(`the reference does not model ${n._tag}`)
  }
}

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

const evalQuery = (ctx: Ctx, q: QueryNode, outer: Scope | undefined): Result => {
  switch (q._tag) {
    case 'Select':
      return evalSelect(ctx, q, outer)
    case 'Compound':
      return evalCompound(ctx, q, outer)
    case 'TextQuery':
      throw new EvalError('text() queries are not modelled')
  }
}

/**
 * Evaluates a query over `db` with a database's choices (default: SQLite's).
 *
 * @example
 * evaluate(db, pipe(select({ n: count() }), from(t0)).node) // { columns: ['n'], rows: [[3]] }
 */
export const evaluate = (db: Database, q: QueryNode, options: EvalOptions = dialectOptions.sqlite): Result =>
  evalQuery({ db, ctes: new Map(), o: options }, q, undefined)

/** Sorts rows under the total order (for multiset comparison). */
export const sortedRows = (rows: ReadonlyArray<ReadonlyArray<Value>>): ReadonlyArray<ReadonlyArray<Value>> => [...rows].sort(compareRows)

export { compareText }
