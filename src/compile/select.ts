/**
 * Queries: SELECT, set operations (UNION/INTERSECT/EXCEPT), FROM items, joins, CTEs, locks,
 * LIMIT/OFFSET.
 *
 * @internal
 * @category compile
 */
import { absurd } from 'fp-ts/lib/function.js'
import type { CompoundNode, ExprNode, FromItem, JoinClause, LockClause, QueryNode, SelectNode, WithClause } from '../algebra/ast.js'
import { invalid, unsupported } from './CompileError.js'
import { expr, exprList, orderItems, P } from './expr.js'
import { emitParam, enterScope, fail, type Ctx } from './state.js'
import { compileRaw } from './text.js'
import { LIMIT_TYPE } from './values.js'

/** `WITH [RECURSIVE] a AS (…), …` followed by a space, or ''. @internal */
export const withClause = (c: Ctx, w: WithClause | undefined): string => {
  if (w === undefined || w.ctes.length === 0) return ''
  let out = w.recursive ? 'WITH RECURSIVE ' : 'WITH '
  for (let i = 0; i < w.ctes.length; i++) {
    const cte = w.ctes[i]
    if (i > 0) out += ', '
    out += c.q(cte.name)
    if (cte.columns !== undefined && cte.columns.length > 0) out += ' (' + cte.columns.map(c.q).join(', ') + ')'
    out += ' AS (' + compileQuery(c, cte.query) + ')'
  }
  return out + ' '
}

/** A table name, schema-qualified when it has one. @internal */
export const tableName = (c: Ctx, name: string, schema: string | undefined): string =>
  schema === undefined ? c.q(name) : c.q(schema) + '.' + c.q(name)

/** One FROM item. @internal */
export const fromItem = (c: Ctx, f: FromItem): string => {
  switch (f._tag) {
    case 'TableRef':
      return tableName(c, f.name, f.schema) + (f.alias === undefined ? '' : ' AS ' + c.q(f.alias))
    case 'SubqueryRef':
      if (f.lateral && !c.caps.lateral) return fail(c, unsupported('LATERAL subquery', c.d.name))
      return (f.lateral ? 'LATERAL (' : '(') + compileQuery(c, f.query) + ') AS ' + c.q(f.alias)
    default:
      return absurd(f)
  }
}

/** FROM items separated by commas. @internal */
export const fromList = (c: Ctx, items: ReadonlyArray<FromItem>): string => {
  let out = ''
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ', ') + fromItem(c, items[i])
  return out
}

const join = (c: Ctx, j: JoinClause): string => {
  let kw: string
  switch (j.kind) {
    case 'INNER':
      kw = ' JOIN '
      break
    case 'LEFT':
      kw = ' LEFT JOIN '
      break
    case 'RIGHT':
      if (!c.caps.rightJoin) return fail(c, unsupported('RIGHT JOIN', c.d.name))
      kw = ' RIGHT JOIN '
      break
    case 'FULL':
      if (!c.caps.fullJoin) return fail(c, unsupported('FULL JOIN', c.d.name))
      kw = ' FULL JOIN '
      break
    case 'CROSS':
      if (j.on !== undefined) return fail(c, invalid('CROSS JOIN takes no ON condition'))
      return ' CROSS JOIN ' + fromItem(c, j.target)
    default:
      return absurd(j.kind)
  }
  if (j.on === undefined) return fail(c, invalid(`${j.kind} JOIN needs an ON condition`))
  const target = fromItem(c, j.target)
  return kw + target + ' ON ' + expr(c, j.on, P.TOP)
}

const limitValue = (c: Ctx, n: ExprNode): string =>
  n._tag === 'Param' && (n.type === undefined || n.type._tag === 'Integer') ? emitParam(c, n.value, LIMIT_TYPE) : expr(c, n, P.TOP)

/** ` LIMIT … OFFSET …` in the dialect's form, or ''. @internal */
export const limitOffset = (c: Ctx, limit: ExprNode | undefined, offset: ExprNode | undefined): string => {
  if (limit === undefined && offset === undefined) return ''
  const l = limit === undefined ? undefined : limitValue(c, limit)
  const o = offset === undefined ? undefined : limitValue(c, offset)
  return c.d.limitOffset(l, o)
}

const lock = (c: Ctx, l: LockClause): string => {
  if (!c.caps.rowLocks) return fail(c, unsupported(`FOR ${l.mode}`, c.d.name))
  let out = l.mode === 'UPDATE' ? ' FOR UPDATE' : ' ' + c.d.shareLock
  if (l.of.length > 0) {
    if (!c.caps.lockOf) return fail(c, unsupported(`FOR ${l.mode} OF`, c.d.name))
    out += ' OF ' + l.of.map(c.q).join(', ')
  }
  if (l.wait !== 'WAIT') out += ' ' + l.wait
  return out
}

/**
 * The select list: `expr AS "alias", …`. The statement's own result items use the positional
 * alias of an unsafe label (see `labels.ts`); a column the dialect reads in another form
 * (`resultColumn`) is wrapped. @internal
 */
export const selectItems = (c: Ctx, items: SelectNode['columns']): string => {
  const o = c.outputs
  const aliases = o !== undefined && c.rename !== undefined && o.items === items ? o.aliases : undefined
  const widen = c.d.resultColumn
  let out = ''
  for (let i = 0; i < items.length; i++) {
    const it = items[i]
    if (i > 0) out += ', '
    const e = it.expr
    if (e._tag === 'Star') {
      out += expr(c, e, P.TOP)
      continue
    }
    const sql = expr(c, e, P.TOP)
    out += (widen !== undefined && e._tag === 'ColumnRef' && e.type !== undefined && !c.inline ? widen(sql, e.type) : sql) + ' AS ' + c.q(aliases?.[i] ?? it.alias)
  }
  return out
}

const select = (c: Ctx, s: SelectNode): string => {
  const saved = enterScope(c, s)
  const out = selectBody(c, s)
  c.rename = saved
  return out
}

/** The names a SELECT's FROM and JOIN items give their rows. */
const rowNames = (s: SelectNode): ReadonlySet<string> => {
  const names = new Set<string>()
  for (const f of [...s.from, ...s.joins.map((j) => j.target)]) names.add(f._tag === 'TableRef' ? (f.alias ?? f.name) : f.alias)
  return names
}

/**
 * Whether a SELECT's items are the same on every row: no reference to its own rows, even from
 * inside a subquery (an inner query that reuses one of the names counts as a reference).
 */
const rowIndependent = (s: SelectNode): boolean => {
  const names = rowNames(s)
  const refers = (n: unknown): boolean => {
    if (Array.isArray(n)) return n.some(refers)
    if (typeof n !== 'object' || n === null) return false
    const o = n as Readonly<Record<string, unknown>>
    if (o['_tag'] === 'Star') return true
    if (o['_tag'] === 'ColumnRef') return names.has(o['table'] as string)
    if (o['_tag'] === 'TableRef' && names.has((o['alias'] ?? o['name']) as string)) return true
    for (const k in o) if (refers(o[k])) return true
    return false
  }
  return !refers(s.columns)
}

const selectBody = (c: Ctx, s: SelectNode): string => {
  if (s.distinct === true && s.offset !== undefined && s.lock === undefined && !c.caps.constantDistinctOffset && rowIndependent(s)) {
    // At most one distinct row, so no order to keep: OFFSET applies to the derived table.
    const head = withClause(c, s.with)
    const inner = selectBody(c, { ...s, with: undefined, orderBy: [], limit: undefined, offset: undefined })
    return head + 'SELECT * FROM (' + inner + ') AS ' + c.q(DERIVED) + limitOffset(c, s.limit, s.offset)
  }
  let out = withClause(c, s.with) + 'SELECT '
  if (s.distinct === true) out += 'DISTINCT '
  else if (s.distinct !== false && s.distinct.length > 0) {
    if (!c.caps.distinctOn) return fail(c, unsupported('DISTINCT ON', c.d.name))
    out += 'DISTINCT ON (' + exprList(c, s.distinct) + ') '
  }
  if (s.columns.length === 0) return fail(c, invalid('a SELECT needs at least one column'))
  const itemsStart = c.slot
  out += selectItems(c, s.columns)
  if (s.from.length > 0) out += ' FROM ' + fromList(c, s.from)
  else if (s.joins.length > 0) return fail(c, invalid('a SELECT with joins needs a FROM'))
  for (const j of s.joins) out += join(c, j)
  if (s.where !== undefined) out += ' WHERE ' + expr(c, s.where, P.TOP)
  if (s.groupBy.length > 0) out += ' GROUP BY ' + exprList(c, s.groupBy)
  if (s.having !== undefined) out += ' HAVING ' + expr(c, s.having, P.TOP)
  if (s.orderBy.length > 0) out += ' ORDER BY ' + orderItems(c, s.orderBy, { items: s.columns, start: itemsStart })
  out += limitOffset(c, s.limit, s.offset)
  if (s.lock !== undefined) out += lock(c, s.lock)
  return out
}

const selfContained = (q: QueryNode): boolean =>
  q._tag === 'Select'
    ? q.with === undefined && q.orderBy.length === 0 && q.limit === undefined && q.offset === undefined && q.lock === undefined
    : q._tag === 'Compound'
      ? q.with === undefined && q.orderBy.length === 0 && q.limit === undefined && q.offset === undefined
      : false

const member = (c: Ctx, q: QueryNode, left: boolean): string => {
  const sql = compileQuery(c, q)
  const bare = q._tag === 'Select' ? selfContained(q) : q._tag === 'Compound' && left && !c.caps.parenthesizedSetOperands && selfContained(q)
  if (bare) return sql
  return c.caps.parenthesizedSetOperands ? '(' + sql + ')' : 'SELECT * FROM (' + sql + ')'
}

const DERIVED = '_c'

const compound = (c: Ctx, q: CompoundNode): string => {
  if (q.op !== 'UNION') {
    if (!c.caps.intersectExcept) return fail(c, unsupported(q.op, c.d.name))
    if (q.all && !c.caps.intersectExceptAll) return fail(c, unsupported(q.op + ' ALL', c.d.name))
  }
  const saved = enterScope(c, q)
  let out = withClause(c, q.with)
  const members = member(c, q.left, true) + ' ' + q.op + (q.all ? ' ALL ' : ' ') + member(c, q.right, false)
  if (q.orderBy.length > 0 && !c.caps.nullsOrdering && q.orderBy.some((o) => o.nulls !== undefined)) {
    // The `(x IS NULL)` emulation orders by an expression over output labels, which a
    // compound's ORDER BY may not do: order the compound as a derived table instead.
    out += 'SELECT * FROM (' + members + ') AS ' + c.q(DERIVED) + ' ORDER BY ' + orderItems(c, q.orderBy, { items: [], start: c.slot, qualifier: DERIVED })
  } else {
    out += members
    if (q.orderBy.length > 0) out += ' ORDER BY ' + orderItems(c, q.orderBy)
  }
  out += limitOffset(c, q.limit, q.offset)
  c.rename = saved
  return out
}

/** Compiles a query (SELECT, compound or text). @internal */
export const compileQuery = (c: Ctx, q: QueryNode): string => {
  switch (q._tag) {
    case 'Select':
      return select(c, q)
    case 'Compound':
      return compound(c, q)
    case 'TextQuery':
      return compileRaw(c, q.raw)
    default:
      return absurd(q)
  }
}
