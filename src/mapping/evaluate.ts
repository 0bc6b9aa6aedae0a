/**
 * An in-memory evaluator of expression nodes over one entity's values, so that one
 * definition serves both in SQL and on a value (hybrid properties) and query-level updates
 * can keep session values in step (`synchronize: 'evaluate'`). It covers comparisons,
 * logic with SQL's three-valued NULL, arithmetic, concatenation, CASE, COALESCE and a few
 * string functions; anything else is a Left saying what it cannot evaluate.
 *
 * @category mapping
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ExprNode } from '../algebra/ast.js'

/** Column SQL name to the value's property. */
export type Resolver = (table: string, column: string) => E.Either<string, unknown>

type V = unknown
const isNum = (v: V): v is number | bigint => typeof v === 'number' || typeof v === 'bigint'

const cmp = (a: V, b: V): number => {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime()
  if (isNum(a) && isNum(b)) return a < b ? -1 : a > b ? 1 : 0
  const x = String(a)
  const y = String(b)
  return x < y ? -1 : x > y ? 1 : 0
}

const likeToRegex = (pattern: string, escape: string | undefined, flags: string): RegExp => {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]
    if (escape !== undefined && ch === escape && i + 1 < pattern.length) re += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    else if (ch === '%') re += '[\\s\\S]*'
    else if (ch === '_') re += '[\\s\\S]'
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`, flags)
}

/**
 * Evaluates `node` with column references resolved by `resolve`. NULL is `null`; a
 * predicate's unknown is `null`.
 * @category mapping
 */
export const evaluate = (node: ExprNode, resolve: Resolver): E.Either<string, V> => {
  const ev = (n: ExprNode): E.Either<string, V> => evaluate(n, resolve)
  const both = (a: ExprNode, b: ExprNode, f: (x: V, y: V) => V): E.Either<string, V> => {
    const x = ev(a)
    if (E.isLeft(x)) return x
    const y = ev(b)
    if (E.isLeft(y)) return y
    return E.right(x.right === null || y.right === null ? null : f(x.right, y.right))
  }
  switch (node._tag) {
    case 'ColumnRef':
      return resolve(node.table, node.name)
    case 'Param':
      return E.right(node.value)
    case 'Null':
      return E.right(null)
    case 'Binary':
      return both(node.left, node.right, (x, y) => {
        switch (node.op) {
          case '=':
            return cmp(x, y) === 0
          case '<>':
            return cmp(x, y) !== 0
          case '<':
            return cmp(x, y) < 0
          case '<=':
            return cmp(x, y) <= 0
          case '>':
            return cmp(x, y) > 0
          case '>=':
            return cmp(x, y) >= 0
          case '+':
            return typeof x === 'bigint' || typeof y === 'bigint' ? BigInt(x as never) + BigInt(y as never) : Number(x) + Number(y)
          case '-':
            return typeof x === 'bigint' || typeof y === 'bigint' ? BigInt(x as never) - BigInt(y as never) : Number(x) - Number(y)
          case '*':
            return typeof x === 'bigint' || typeof y === 'bigint' ? BigInt(x as never) * BigInt(y as never) : Number(x) * Number(y)
          case '/':
            return Number(y) === 0 ? null : Number.isInteger(x) && Number.isInteger(y) ? Math.trunc(Number(x) / Number(y)) : Number(x) / Number(y)
          case '%':
            return Number(y) === 0 ? null : Number(x) % Number(y)
        }
      })
    case 'Logical': {
      let unknown = false
      for (const o of node.operands) {
        const r = ev(o)
        if (E.isLeft(r)) return r
        if (r.right === null) unknown = true
        else if (node.op === 'AND' && r.right === false) return E.right(false)
        else if (node.op === 'OR' && r.right === true) return E.right(true)
      }
      return E.right(unknown ? null : node.op === 'AND')
    }
    case 'Not': {
      const r = ev(node.operand)
      return E.isLeft(r) ? r : E.right(r.right === null ? null : !r.right)
    }
    case 'Negate': {
      const r = ev(node.operand)
      return E.isLeft(r) ? r : E.right(r.right === null ? null : typeof r.right === 'bigint' ? -r.right : -Number(r.right))
    }
    case 'IsNull': {
      const r = ev(node.operand)
      return E.isLeft(r) ? r : E.right((r.right === null) !== node.negated)
    }
    case 'IsBoolean': {
      const r = ev(node.operand)
      return E.isLeft(r) ? r : E.right((r.right === node.value) !== node.negated)
    }
    case 'InList': {
      const x = ev(node.operand)
      if (E.isLeft(x)) return x
      if (x.right === null) return E.right(node.values.length === 0 ? node.negated : null)
      let unknown = false
      for (const v of node.values) {
        const y = ev(v)
        if (E.isLeft(y)) return y
        if (y.right === null) unknown = true
        else if (cmp(x.right, y.right) === 0) return E.right(!node.negated)
      }
      return E.right(unknown ? null : node.negated)
    }
    case 'Between': {
      const lo = both(node.operand, node.low, (x, y) => cmp(x, y) >= 0)
      const hi = both(node.operand, node.high, (x, y) => cmp(x, y) <= 0)
      if (E.isLeft(lo)) return lo
      if (E.isLeft(hi)) return hi
      const r = lo.right === false || hi.right === false ? false : lo.right === null || hi.right === null ? null : true
      return E.right(r === null ? null : r !== node.negated)
    }
    case 'Like':
      return both(node.operand, node.pattern, (x, p) => likeToRegex(String(p), node.escape, node.caseInsensitive ? 'i' : '').test(String(x)) !== node.negated)
    case 'Concat': {
      let out = ''
      for (const o of node.operands) {
        const r = ev(o)
        if (E.isLeft(r)) return r
        if (r.right === null) return E.right(null)
        out += String(r.right)
      }
      return E.right(out)
    }
    case 'Case': {
      const subject = node.subject ? ev(node.subject) : undefined
      if (subject && E.isLeft(subject)) return subject
      for (const w of node.whens) {
        const c = ev(w.when)
        if (E.isLeft(c)) return c
        const hit = subject ? subject.right !== null && c.right !== null && cmp(subject.right, c.right) === 0 : c.right === true
        if (hit) return ev(w.then)
      }
      return node.else ? ev(node.else) : E.right(null)
    }
    case 'Func': {
      const args: V[] = []
      for (const a of node.args) {
        const r = ev(a)
        if (E.isLeft(r)) return r
        args.push(r.right)
      }
      const name = node.name.toUpperCase()
      if (name === 'COALESCE') return E.right(args.find((a) => a !== null) ?? null)
      if (args.some((a) => a === null)) return E.right(null)
      switch (name) {
        case 'LOWER':
          return E.right(String(args[0]).toLowerCase())
        case 'UPPER':
          return E.right(String(args[0]).toUpperCase())
        case 'LENGTH':
          return E.right([...String(args[0])].length)
        case 'ABS':
          return E.right(Math.abs(Number(args[0])))
        case 'TRIM':
          return E.right(String(args[0]).trim())
      }
      return E.left(`cannot evaluate function ${node.name} in memory`)
    }
    default:
      return E.left(`cannot evaluate ${node._tag} in memory`)
  }
}
