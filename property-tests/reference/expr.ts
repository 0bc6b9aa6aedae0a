/**
 * Expression evaluation for the reference evaluator: three-valued logic, comparisons and
 * arithmetic, LIKE, CASE, scalar functions and aggregates over a group, subqueries (through
 * query.ts). The semantics are in evaluate.ts's module comment.
 *
 * @category property-tests
 */
import type { ExprNode, SqlType } from '../../src/algebra/index.js'
import { EvalError, type Ctx, type Scope } from './context.js'
import { likeMatch } from './like.js'
import { evalQuery } from './query.js'
import { compareNonNull, compareTotal, rowKey, type Value } from './values.js'

const AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX'])
/** A value as a condition: NULL is unknown, a number is true when it is not zero, text is an error. */
export const truth = (v: Value): boolean | null => {
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

/** Whether an expression calls an aggregate (outside subqueries): its SELECT is then aggregated. */
export const containsAggregate = (n: ExprNode): boolean => {
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
