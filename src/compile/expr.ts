/**
 * Expressions: one switch over ExprNode, emitting SQL text with the fewest parentheses the
 * precedence rules allow (and more wherever the three dialects disagree).
 *
 * @internal
 * @category compile
 */
import { absurd } from 'fp-ts/lib/function.js'
import type { DefaultNode, ExprNode, FrameBound, FuncNode, OrderItem, QueryNode, SelectItem, WindowFrame } from '../algebra/ast.js'
import { invalid, unsupported } from './CompileError.js'
import { compileQuery } from './select.js'
import { countSlots } from './shape.js'
import { emitParam, fail, type Ctx } from './state.js'
import { compileRaw } from './text.js'

/** Precedence levels; a child of lower level than its context requires is parenthesised. @internal */
export const P = { TOP: 0, OR: 1, AND: 2, NOT: 3, CMP: 4, CONCAT: 5, ADD: 6, MUL: 7, NEG: 8, ATOM: 9 } as const

const FUNC_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/

const wrap = (sql: string, own: number, min: number): string => (own < min ? '(' + sql + ')' : sql)

/** Compiles a list of expressions separated by `, `. @internal */
export const exprList = (c: Ctx, nodes: ReadonlyArray<ExprNode>): string => {
  let out = ''
  for (let i = 0; i < nodes.length; i++) out += (i === 0 ? '' : ', ') + expr(c, nodes[i], P.TOP)
  return out
}

const frameBound = (c: Ctx, b: FrameBound): string => {
  switch (b._tag) {
    case 'UnboundedPreceding':
      return 'UNBOUNDED PRECEDING'
    case 'UnboundedFollowing':
      return 'UNBOUNDED FOLLOWING'
    case 'CurrentRow':
      return 'CURRENT ROW'
    case 'Preceding':
    case 'Following':
      if (!Number.isSafeInteger(b.offset) || b.offset < 0)
        return fail(c, invalid(`window frame offset must be a non-negative integer, got ${String(b.offset)}`))
      return String(b.offset) + (b._tag === 'Preceding' ? ' PRECEDING' : ' FOLLOWING')
    default:
      return absurd(b)
  }
}

const frame = (c: Ctx, f: WindowFrame): string =>
  f.units === 'GROUPS' && !c.caps.windowGroups
    ? fail(c, unsupported('GROUPS window frame', c.d.name))
    : f.units + ' BETWEEN ' + frameBound(c, f.start) + ' AND ' + frameBound(c, f.end)

/**
 * What an ORDER BY may refer to by label: the select's items (with the canonical slot of its
 * first item's first parameter), or, `qualifier` set, the columns of a derived table so named
 * (a compound ordered from outside). @internal
 */
export interface OrderScope {
  readonly items: ReadonlyArray<SelectItem>
  readonly start: number
  readonly qualifier?: string
}

/** A label as written in the current clause (a positional alias where the label is unsafe). */
const labelSql = (c: Ctx, name: string): string => {
  const r = c.rename
  return c.q(r === undefined ? name : (r.get(name) ?? name))
}

/**
 * The operand of the `(x IS NULL)` emulation. A label names an output column only in a bare
 * ORDER BY item: inside an expression MySQL/MariaDB resolve it to a FROM column of the same
 * name first, and reject it when it labels an aggregate. So a label is replaced by its select
 * item's expression (re-emitting that item's parameters at their canonical slots), or
 * qualified by the derived table a compound is ordered from.
 */
const nullTest = (c: Ctx, e: ExprNode, scope: OrderScope | undefined): string => {
  const start = c.slot
  let out: string | undefined
  if (e._tag === 'Label' && scope !== undefined) {
    if (scope.qualifier !== undefined) out = c.q(scope.qualifier) + '.' + labelSql(c, e.name)
    else {
      const items = scope.items
      const k = items.findIndex((it) => it.alias === e.name && it.expr._tag !== 'Star')
      if (k >= 0) {
        c.slot = scope.start + countSlots(items.slice(0, k).map((it) => it.expr))
        out = expr(c, items[k].expr, P.CMP + 1)
      }
    }
  }
  if (out === undefined) out = expr(c, e, P.CMP + 1)
  c.slot = start
  return out
}

/** ORDER BY items (NULLS FIRST/LAST emulated with `(x IS NULL)` where absent). @internal */
export const orderItems = (c: Ctx, items: ReadonlyArray<OrderItem>, scope?: OrderScope): string => {
  let out = ''
  for (let i = 0; i < items.length; i++) {
    const it = items[i]
    if (i > 0) out += ', '
    const dir = it.direction === 'DESC' ? ' DESC' : ''
    const e = it.expr
    const sql = (): string => (e._tag === 'Label' && scope?.qualifier !== undefined ? c.q(scope.qualifier) + '.' + labelSql(c, e.name) : expr(c, e, P.TOP))
    if (it.nulls === undefined) {
      out += sql() + dir
    } else if (c.caps.nullsOrdering) {
      out += sql() + dir + ' NULLS ' + it.nulls
    } else {
      out += '(' + nullTest(c, e, scope) + ' IS NULL)' + (it.nulls === 'FIRST' ? ' DESC' : '') + ', ' + sql() + dir
    }
  }
  return out
}

const isLeadLag = (name: string): boolean => {
  if (name.length !== 3 && name.length !== 4) return false
  const u = name.toUpperCase()
  return u === 'LAG' || u === 'LEAD'
}

/** ` ORDER BY …` of an ordered aggregate, or '' (the capability is checked by the caller). */
const aggOrder = (c: Ctx, order: ReadonlyArray<OrderItem> | undefined): string =>
  order === undefined || order.length === 0 ? '' : ' ORDER BY ' + orderItems(c, order)

const func = (c: Ctx, n: FuncNode): string => {
  if (!FUNC_NAME.test(n.name)) return fail(c, invalid(`invalid function name '${n.name}'`))
  if (n.args.length === 3 && !c.caps.windowLagDefault && isLeadLag(n.name)) return fail(c, unsupported('LEAD/LAG with a default value', c.d.name))
  const order = n.orderBy
  const ordered = order !== undefined && order.length > 0
  if (ordered && !c.caps.aggregateOrderBy) return fail(c, unsupported('ORDER BY inside an aggregate', c.d.name))
  const special = c.d.functionSql
  if (special !== undefined && n.filter === undefined && !n.distinct && !ordered) {
    const args: string[] = []
    for (const a of n.args) args.push(expr(c, a, P.TOP))
    return special(n.name, args) ?? n.name + '(' + args.join(', ') + ')'
  }
  const head = n.name + '(' + (n.distinct ? 'DISTINCT ' : '')
  // Canonical order (the shape walk's): arguments, ORDER BY, FILTER.
  if (n.filter === undefined) {
    const args = exprList(c, n.args)
    return head + args + aggOrder(c, order) + ')'
  }
  if (c.caps.aggregateFilter) {
    const args = exprList(c, n.args)
    const o = aggOrder(c, order)
    return head + args + o + ') FILTER (WHERE ' + expr(c, n.filter, P.TOP) + ')'
  }
  // CASE emulation: the filter is written before each argument, so slots are set explicitly.
  const start = c.slot
  const argsEnd = start + countSlots(n.args)
  const filterStart = ordered ? argsEnd + countSlots(order.map((o) => o.expr)) : argsEnd
  let argStart = start
  let out = head
  const args = n.args.length === 0 ? [{ _tag: 'Star' } as const] : n.args
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    c.slot = filterStart
    const f = expr(c, n.filter, P.TOP)
    c.slot = argStart
    const v = a._tag === 'Star' ? '1' : expr(c, a, P.TOP)
    argStart = c.slot
    out += (i === 0 ? '' : ', ') + 'CASE WHEN ' + f + ' THEN ' + v + ' END'
  }
  c.slot = argsEnd
  out += aggOrder(c, order)
  c.slot = filterStart + countSlots([n.filter])
  return out + ')'
}

const defaultValue = (c: Ctx, n: DefaultNode): string => {
  if (c.caps.defaultInValues) {
    c.slot += countSlots([n])
    return 'DEFAULT'
  }
  const d = n.default
  if (n.autoIncrement || d === undefined) return 'NULL'
  switch (d._tag) {
    case 'Value':
      return emitParam(c, d.value, undefined)
    case 'Expr':
      return '(' + expr(c, d.expr, P.TOP) + ')'
    case 'Now':
      return c.d.currentTimestamp
    default:
      return absurd(d)
  }
}

/**
 * An operand next to `other`: a parameter beside a column is written bare even where the
 * dialect types parameters (the column gives the database its type); anything else as usual.
 * @internal
 */
export const operand = (c: Ctx, n: ExprNode, min: number, other: ExprNode): string =>
  n._tag === 'Param' && other._tag === 'ColumnRef' ? emitParam(c, n.value, n.type) : expr(c, n, min)

/** A value whose type the context gives (INSERT VALUES, SET): a parameter is written bare. @internal */
export const value = (c: Ctx, n: ExprNode): string => (n._tag === 'Param' ? emitParam(c, n.value, n.type) : expr(c, n, P.TOP))

const hasLimit = (q: QueryNode): boolean => q._tag !== 'TextQuery' && (q.limit !== undefined || q.offset !== undefined)

/** Compiles an expression in a context requiring precedence at least `min`. @internal */
export const expr = (c: Ctx, n: ExprNode, min: number): string => {
  switch (n._tag) {
    case 'ColumnRef':
      return c.inline || n.table === '' ? c.q(n.name) : c.q(n.table) + '.' + c.q(n.name)
    case 'Param': {
      const ph = emitParam(c, n.value, n.type)
      const typed = c.d.typedPlaceholder
      return typed === undefined || n.type === undefined || c.inline || ph === '' ? ph : typed(ph, n.type)
    }
    case 'Null':
      return 'NULL'
    case 'Star':
      return n.table === undefined ? '*' : c.q(n.table) + '.*'
    case 'Label':
      return c.rename === undefined ? c.q(n.name) : labelSql(c, n.name)
    case 'Binary': {
      const cmp = n.op === '=' || n.op === '<>' || n.op === '<' || n.op === '<=' || n.op === '>' || n.op === '>='
      const own = cmp ? P.CMP : n.op === '+' || n.op === '-' ? P.ADD : P.MUL
      const l = operand(c, n.left, cmp ? own + 1 : own, n.right)
      return wrap(l + ' ' + n.op + ' ' + operand(c, n.right, own + 1, n.left), own, min)
    }
    case 'Logical': {
      const ops = n.operands
      if (ops.length === 0) return wrap(n.op === 'AND' ? '1 = 1' : '1 = 0', P.CMP, min)
      if (ops.length === 1) return expr(c, ops[0], min)
      const own = n.op === 'AND' ? P.AND : P.OR
      const sep = n.op === 'AND' ? ' AND ' : ' OR '
      let out = expr(c, ops[0], own)
      for (let i = 1; i < ops.length; i++) out += sep + expr(c, ops[i], own)
      return wrap(out, own, min)
    }
    case 'Not':
      return wrap('NOT ' + expr(c, n.operand, P.NOT), P.NOT, min)
    case 'Negate':
      return wrap('-' + expr(c, n.operand, P.ATOM), P.NEG, min)
    case 'IsNull':
      return wrap(expr(c, n.operand, P.CMP + 1) + (n.negated ? ' IS NOT NULL' : ' IS NULL'), P.CMP, min)
    case 'IsBoolean':
      return wrap(expr(c, n.operand, P.CMP + 1) + (n.negated ? ' IS NOT ' : ' IS ') + (n.value ? 'TRUE' : 'FALSE'), P.CMP, min)
    case 'IsDistinct': {
      const l = operand(c, n.left, P.CMP + 1, n.right)
      return wrap(c.d.isDistinct(l, operand(c, n.right, P.CMP + 1, n.left), n.negated), P.NOT, min)
    }
    case 'InList': {
      if (n.values.length === 0) {
        c.slot += countSlots([n.operand])
        return wrap(n.negated ? '1 = 1' : '1 = 0', P.CMP, min)
      }
      const o = expr(c, n.operand, P.CMP + 1)
      let list = ''
      for (let i = 0; i < n.values.length; i++) list += (i === 0 ? '' : ', ') + operand(c, n.values[i], P.TOP, n.operand)
      return wrap(o + (n.negated ? ' NOT IN (' : ' IN (') + list + ')', P.CMP, min)
    }
    case 'InQuery': {
      const o = expr(c, n.operand, P.CMP + 1)
      const q = compileQuery(c, n.query)
      // MySQL/MariaDB reject LIMIT in an IN subquery, but not in a derived table inside it.
      const sub = !c.caps.limitInSubquery && hasLimit(n.query) ? 'SELECT * FROM (' + q + ') AS ' + c.q('_in') : q
      return wrap(o + (n.negated ? ' NOT IN (' : ' IN (') + sub + ')', P.CMP, min)
    }
    case 'Between': {
      const o = expr(c, n.operand, P.CMP + 1)
      const lo = operand(c, n.low, P.CMP + 1, n.operand)
      return wrap(o + (n.negated ? ' NOT BETWEEN ' : ' BETWEEN ') + lo + ' AND ' + operand(c, n.high, P.CMP + 1, n.operand), P.CMP, min)
    }
    case 'Like': {
      if (n.escape !== undefined && [...n.escape].length !== 1)
        return fail(c, invalid(`LIKE escape must be exactly one character, got '${n.escape}'`))
      const emulate = n.caseInsensitive && !c.caps.ilike
      let o = expr(c, n.operand, emulate ? P.TOP : P.CMP + 1)
      let p = expr(c, n.pattern, emulate ? P.TOP : P.CMP + 1)
      let op = n.caseInsensitive && !emulate ? 'ILIKE' : 'LIKE'
      if (emulate) {
        o = 'LOWER(' + o + ')'
        p = 'LOWER(' + p + ')'
      }
      if (n.negated) op = 'NOT ' + op
      const esc = n.escape === undefined ? '' : ' ESCAPE ' + c.d.stringLiteral(n.escape)
      return wrap(o + ' ' + op + ' ' + p + esc, P.CMP, min)
    }
    case 'Concat': {
      if (n.operands.length === 0) return fail(c, invalid('concat needs at least one operand'))
      const parts: string[] = []
      for (const o of n.operands) parts.push(expr(c, o, P.ATOM))
      return wrap(c.d.concat(parts), P.CONCAT, min)
    }
    case 'Case': {
      if (n.whens.length === 0) return fail(c, invalid('CASE needs at least one WHEN'))
      let out = n.subject === undefined ? 'CASE' : 'CASE ' + expr(c, n.subject, P.TOP)
      for (const w of n.whens) {
        out += ' WHEN ' + (n.subject === undefined ? expr(c, w.when, P.TOP) : operand(c, w.when, P.TOP, n.subject))
        out += ' THEN ' + expr(c, w.then, P.TOP)
      }
      if (n.else !== undefined) out += ' ELSE ' + expr(c, n.else, P.TOP)
      return out + ' END'
    }
    case 'Cast':
      return 'CAST(' + expr(c, n.operand, P.TOP) + ' AS ' + c.d.typeName(n.type, 'cast') + ')'
    case 'Func':
      return func(c, n)
    case 'Window': {
      let out = expr(c, n.func, P.ATOM) + ' OVER ('
      let sep = ''
      if (n.partitionBy.length > 0) {
        out += 'PARTITION BY ' + exprList(c, n.partitionBy)
        sep = ' '
      }
      if (n.orderBy.length > 0) {
        out += sep + 'ORDER BY ' + orderItems(c, n.orderBy)
        sep = ' '
      }
      if (n.frame !== undefined) out += sep + frame(c, n.frame)
      return out + ')'
    }
    case 'ScalarSubquery':
      return '(' + compileQuery(c, n.query) + ')'
    case 'Exists':
      return wrap((n.negated ? 'NOT EXISTS (' : 'EXISTS (') + compileQuery(c, n.query) + ')', n.negated ? P.NOT : P.ATOM, min)
    case 'Excluded':
      if (c.caps.onConflict) return 'excluded.' + c.q(n.name)
      if (c.caps.onDuplicateKey) return 'VALUES(' + c.q(n.name) + ')'
      return fail(c, unsupported('upsert (excluded values)', c.d.name))
    case 'Default':
      return defaultValue(c, n)
    case 'Raw':
      return wrap(compileRaw(c, n), P.TOP, min)
    default:
      return absurd(n)
  }
}
