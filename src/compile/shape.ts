/**
 * The shape walk: one cheap pass over a statement that yields its cache key (every node minus
 * literal values) and its raw parameter values with their types, in canonical order (the
 * order of the nodes' fields). The compiler records, for each placeholder it writes, the
 * canonical slot it came from, so a cached shape re-binds new values without compiling.
 * For the cache, each clause of the statement (select list, FROM, WHERE, VALUES, …) is one
 * token, the interned id of its shape, remembered per clause object (clauseMemo.ts).
 *
 * @internal
 * @category compile
 */
import type {
  CteDef,
  ExprNode,
  FromItem,
  InsertSource,
  JoinClause,
  OnConflict,
  OrderItem,
  QueryNode,
  SelectItem,
  StatementNode,
  WithClause,
} from '../algebra/ast.js'
import type { SqlType } from '../algebra/SqlType.js'
import { clause, listClause, type Kind } from './clauseMemo.js'
import { unnestTypes } from './unnest.js'
import { LIMIT_TYPE } from './values.js'

/**
 * Walk state. `t` receives the shape as a flat token list (tags, operators, identifiers, list
 * lengths): each node pushes a tag then its fixed fields, so equal token lists mean equal
 * shapes. No strings are built; identifiers are pushed by reference.
 * @internal
 */
export interface Walk {
  /** Tokens; only the first `n` are this walk's (arrays may be reused scratch space). */
  readonly t: Array<string | number>
  n: number
  /** Parameter values and types in canonical order; only the first `nv`. */
  readonly values: unknown[]
  readonly types: Array<SqlType | undefined>
  nv: number
  /** The dialect writes multi-row VALUES of parameters as arrays (`insertUnnest`): set before the walk. */
  unnest: boolean
  /** Rows of the VALUES the walk took in array form (its shape does not include the count). */
  rows: number
  /**
   * Clauses of the statement (its WHERE, select list, VALUES, …) are written as the interned
   * id of their token list, memoised per clause object (`clause` in clauseMemo.ts); false: every
   * token is written (the flat key, `shapeKey`). Set before the walk; clauses walk flat.
   */
  memo: boolean
}

/** A fresh walk state. @internal */
export const newWalk = (unnest = false, memo = false): Walk => ({ t: [], n: 0, values: [], types: [], nv: 0, unnest, rows: 0, memo })

// What each memoised clause is walked as (see `Kind`).
const K_EXPR: Kind = 0
const K_EXPRS: Kind = 1
const K_ORDER: Kind = 2
const K_ITEMS: Kind = 3
const K_FROM: Kind = 4
const K_JOINS: Kind = 5
const K_QUERY: Kind = 6
const K_WITH: Kind = 7
const K_VALUES: Kind = 8
const K_ASSIGNS: Kind = 9
const K_CONFLICT: Kind = 10
const K_NAMES: Kind = 11

/** The shape tokens of a parameter type (what the SQL of a typed parameter may depend on). */
const typeTokens = (w: Walk, ty: SqlType): void => {
  w.t[w.n++] = PARAM_TOKEN[ty._tag]
  if (ty._tag === 'Timestamp') w.t[w.n++] = ty.withTimeZone ? 1 : 0
  else if (ty._tag === 'Enum') w.t[w.n++] = ty.name
}

const id = (w: Walk, s: string): void => {
  w.t[w.n++] = s
}

const typeKey = (t: SqlType): string => {
  switch (t._tag) {
    case 'Numeric':
      return 'Numeric(' + String(t.precision) + ',' + String(t.scale) + ')'
    case 'Varchar':
    case 'Binary':
      return t._tag + '(' + String(t.length) + ')'
    case 'Timestamp':
      return t.withTimeZone ? 'TimestampTz' : 'Timestamp'
    case 'Enum':
      return 'Enum' + t.name.length + ':' + t.name + t.values.map((v) => v.length + ':' + v).join('')
    default:
      return t._tag
  }
}

/** The token of a typed parameter, per type tag (constant strings: no allocation). */
const PARAM_TOKEN: Readonly<Record<SqlType['_tag'], string>> = {
  Integer: '?i',
  BigInt: '?I',
  SmallInt: '?s',
  Real: '?r',
  Double: '?d',
  Numeric: '?n',
  Varchar: '?v',
  Text: '?t',
  Boolean: '?b',
  Date: '?D',
  Time: '?T',
  Timestamp: '?S',
  Json: '?j',
  Enum: '?e',
  Binary: '?B',
  Uuid: '?u',
}

const exprs = (w: Walk, ns: ReadonlyArray<ExprNode>): void => {
  w.t[w.n++] = '['
  w.t[w.n++] = ns.length
  for (let i = 0; i < ns.length; i++) ex(w, ns[i])
}

const order = (w: Walk, items: ReadonlyArray<OrderItem>): void => {
  w.t[w.n++] = 'o'
  w.t[w.n++] = items.length
  for (let i = 0; i < items.length; i++) {
    const it = items[i]
    ex(w, it.expr)
    w.t[w.n++] = it.direction === 'DESC' ? 'd' : 'a'
    w.t[w.n++] = it.nulls === undefined ? 0 : it.nulls === 'FIRST' ? 1 : 2
  }
}

const ex = (w: Walk, n: ExprNode): void => {
  switch (n._tag) {
    case 'ColumnRef':
      w.t[w.n++] = 'c'
      id(w, n.table)
      id(w, n.name)
      return
    case 'Param': {
      // A typed parameter's SQL may carry its type (`$1::INTEGER`): the type is in the shape.
      const ty = n.type
      if (ty === undefined) w.t[w.n++] = '?'
      else typeTokens(w, ty)
      w.values[w.nv] = n.value
      w.types[w.nv++] = ty
      return
    }
    case 'Null':
      w.t[w.n++] = 'N'
      return
    case 'Star':
      if (n.table !== undefined) { w.t[w.n++] = '*'; w.t[w.n++] = 1; w.t[w.n++] = n.table }
      else { w.t[w.n++] = '*'; w.t[w.n++] = 0 }
      return
    case 'Label':
      w.t[w.n++] = 'l'
      id(w, n.name)
      return
    case 'Binary':
      w.t[w.n++] = 'b'
      w.t[w.n++] = n.op
      ex(w, n.left)
      ex(w, n.right)
      return
    case 'Logical':
      w.t[w.n++] = n.op === 'AND' ? '&' : '|'
      exprs(w, n.operands)
      return
    case 'Not':
      w.t[w.n++] = '!'
      ex(w, n.operand)
      return
    case 'Negate':
      w.t[w.n++] = '-'
      ex(w, n.operand)
      return
    case 'IsNull':
      w.t[w.n++] = n.negated ? 'n1' : 'n0'
      ex(w, n.operand)
      return
    case 'IsBoolean':
      w.t[w.n++] = (n.negated ? 'B1' : 'B0')
      w.t[w.n++] = (n.value ? '1' : '0')
      ex(w, n.operand)
      return
    case 'IsDistinct':
      w.t[w.n++] = n.negated ? 'D1' : 'D0'
      ex(w, n.left)
      ex(w, n.right)
      return
    case 'InList':
      w.t[w.n++] = n.negated ? 'i1' : 'i0'
      ex(w, n.operand)
      exprs(w, n.values)
      return
    case 'InQuery':
      w.t[w.n++] = n.negated ? 'q1' : 'q0'
      ex(w, n.operand)
      query(w, n.query)
      return
    case 'Between':
      w.t[w.n++] = n.negated ? 'w1' : 'w0'
      ex(w, n.operand)
      ex(w, n.low)
      ex(w, n.high)
      return
    case 'Like':
      w.t[w.n++] = 'L'
      w.t[w.n++] = (n.negated ? '1' : '0')
      w.t[w.n++] = (n.caseInsensitive ? '1' : '0')
      ex(w, n.operand)
      ex(w, n.pattern)
      if (n.escape !== undefined) { w.t[w.n++] = 1; w.t[w.n++] = n.escape }
      else w.t[w.n++] = 0
      return
    case 'Concat':
      w.t[w.n++] = '+'
      exprs(w, n.operands)
      return
    case 'Case':
      w.t[w.n++] = 'C'
      w.t[w.n++] = n.whens.length
      if (n.subject !== undefined) ex(w, n.subject)
      else w.t[w.n++] = '_'
      for (const wh of n.whens) {
        ex(w, wh.when)
        ex(w, wh.then)
      }
      if (n.else !== undefined) ex(w, n.else)
      else w.t[w.n++] = '_'
      return
    case 'Cast':
      w.t[w.n++] = 'T'
      w.t[w.n++] = typeKey(n.type)
      ex(w, n.operand)
      return
    case 'Func':
      w.t[w.n++] = 'f'
      id(w, n.name)
      if (n.distinct) w.t[w.n++] = 'd'
      exprs(w, n.args)
      // An ordered aggregate: its order (`o`, which no expression's first token is) between the
      // arguments and the filter, where the compiler writes it.
      if (n.orderBy !== undefined && n.orderBy.length > 0) order(w, n.orderBy)
      if (n.filter !== undefined) ex(w, n.filter)
      else w.t[w.n++] = '_'
      return
    case 'Window': {
      w.t[w.n++] = 'W'
      ex(w, n.func)
      exprs(w, n.partitionBy)
      order(w, n.orderBy)
      const f = n.frame
      if (f !== undefined) {
        w.t[w.n++] = f.units
        w.t[w.n++] = f.start._tag
        w.t[w.n++] = 'offset' in f.start ? f.start.offset : -1
        w.t[w.n++] = f.end._tag
        w.t[w.n++] = 'offset' in f.end ? f.end.offset : -1
      } else w.t[w.n++] = '_'
      return
    }
    case 'ScalarSubquery':
      w.t[w.n++] = 's'
      query(w, n.query)
      return
    case 'Exists':
      w.t[w.n++] = n.negated ? 'x1' : 'x0'
      query(w, n.query)
      return
    case 'Excluded':
      w.t[w.n++] = 'X'
      id(w, n.name)
      return
    case 'Default': {
      w.t[w.n++] = n.autoIncrement ? 'E1' : 'E0'
      id(w, n.column)
      const d = n.default
      if (d === undefined) w.t[w.n++] = '_'
      else if (d._tag === 'Value') {
        w.t[w.n++] = '?'
        w.values[w.nv] = d.value
        w.types[w.nv++] = undefined
      } else if (d._tag === 'Expr') {
        w.t[w.n++] = 'x'
        ex(w, d.expr)
      } else w.t[w.n++] = 'n'
      return
    }
    case 'Raw': {
      w.t[w.n++] = 'R'
      id(w, n.sql)
      const keys = Object.keys(n.binds)
      w.t[w.n++] = keys.length
      for (const key of keys) {
        id(w, key)
        w.values[w.nv] = n.binds[key]
        w.types[w.nv++] = undefined
      }
      return
    }
  }
}

const items = (w: Walk, its: ReadonlyArray<SelectItem>): void => {
  w.t[w.n++] = 'I'
  w.t[w.n++] = its.length
  for (let i = 0; i < its.length; i++) {
    id(w, its[i].alias)
    const e = its[i].expr
    ex(w, e)
    // A Real column may be read in another form (`Dialect.resultColumn`).
    if (e._tag === 'ColumnRef' && e.type !== undefined && e.type._tag === 'Real') w.t[w.n++] = 'r'
  }
}

const withC = (w: Walk, wc: WithClause | undefined): void => {
  if (wc !== undefined) clause(w, K_WITH, wc, withBody)
}

const withBody = (w: Walk, wc: WithClause): void => {
  w.t[w.n++] = wc.recursive ? 'Y1' : 'Y0'
  w.t[w.n++] = wc.ctes.length
  for (const cte of wc.ctes as ReadonlyArray<CteDef>) {
    id(w, cte.name)
    if (cte.columns !== undefined) {
      w.t[w.n++] = cte.columns.length
      for (const col of cte.columns) id(w, col)
    }
    query(w, cte.query)
  }
}

const tableRef = (w: Walk, t: { readonly name: string; readonly schema?: string; readonly alias?: string }): void => {
  w.t[w.n++] = 't'
  id(w, t.name)
  if (t.schema !== undefined) { w.t[w.n++] = 1; w.t[w.n++] = t.schema }
  else w.t[w.n++] = 0
  if (t.alias !== undefined) { w.t[w.n++] = 1; w.t[w.n++] = t.alias }
  else w.t[w.n++] = 0
}

const fromItem = (w: Walk, f: FromItem): void => {
  if (f._tag === 'TableRef') tableRef(w, f)
  else {
    w.t[w.n++] = f.lateral ? 'S1' : 'S0'
    id(w, f.alias)
    query(w, f.query)
  }
}

const from = (w: Walk, fs: ReadonlyArray<FromItem>): void => {
  w.t[w.n++] = 'F'
  w.t[w.n++] = fs.length
  for (let i = 0; i < fs.length; i++) fromItem(w, fs[i])
}

const limitParam = (w: Walk, n: ExprNode | undefined): void => {
  if (n === undefined) w.t[w.n++] = '_'
  else if (n._tag === 'Param' && (n.type === undefined || n.type._tag === 'Integer')) {
    w.t[w.n++] = '?'
    w.values[w.nv] = n.value
    w.types[w.nv++] = LIMIT_TYPE
  } else ex(w, n)
}

const joins = (w: Walk, js: ReadonlyArray<JoinClause>): void => {
  w.t[w.n++] = 'J'
  w.t[w.n++] = js.length
  for (let i = 0; i < js.length; i++) {
    const j = js[i]
    w.t[w.n++] = j.kind[0]
    fromItem(w, j.target)
    if (j.on !== undefined) ex(w, j.on)
    else w.t[w.n++] = '_'
  }
}

/** A clause expression (WHERE, HAVING, …): see {@link clause}. */
const exClause = (w: Walk, n: ExprNode): void => clause(w, K_EXPR, n, ex)

const query = (w: Walk, q: QueryNode): void => {
  switch (q._tag) {
    case 'Select': {
      w.t[w.n++] = '{'
      withC(w, q.with)
      if (q.distinct === true) w.t[w.n++] = 'd'
      else if (q.distinct !== false) listClause(w, K_EXPRS, q.distinct, exprs)
      listClause(w, K_ITEMS, q.columns, items)
      listClause(w, K_FROM, q.from, from)
      listClause(w, K_JOINS, q.joins, joins)
      if (q.where !== undefined) {
        w.t[w.n++] = 'W'
        exClause(w, q.where)
      }
      if (q.groupBy.length > 0) {
        w.t[w.n++] = 'G'
        clause(w, K_EXPRS, q.groupBy, exprs)
      }
      if (q.having !== undefined) {
        w.t[w.n++] = 'H'
        exClause(w, q.having)
      }
      listClause(w, K_ORDER, q.orderBy, order)
      limitParam(w, q.limit)
      limitParam(w, q.offset)
      if (q.lock !== undefined) {
        w.t[w.n++] = 'K'
        w.t[w.n++] = q.lock.mode
        w.t[w.n++] = q.lock.wait
        w.t[w.n++] = q.lock.of.length
        for (const t of q.lock.of) id(w, t)
      }
      w.t[w.n++] = '}'
      return
    }
    case 'Compound':
      w.t[w.n++] = '('
      w.t[w.n++] = q.op
      w.t[w.n++] = q.all ? 'A' : ''
      withC(w, q.with)
      clause(w, K_QUERY, q.left, query)
      clause(w, K_QUERY, q.right, query)
      listClause(w, K_ORDER, q.orderBy, order)
      limitParam(w, q.limit)
      limitParam(w, q.offset)
      w.t[w.n++] = ')'
      return
    case 'TextQuery':
      w.t[w.n++] = 'Q'
      exClause(w, q.raw)
      return
  }
}

const assigns = (w: Walk, set: ReadonlyArray<{ readonly column: string; readonly value: ExprNode }>): void => {
  w.t[w.n++] = '='
  w.t[w.n++] = set.length
  for (const a of set) {
    id(w, a.column)
    ex(w, a.value)
  }
}

const names = (w: Walk, ns: ReadonlyArray<string>): void => {
  w.t[w.n++] = 'CL'
  w.t[w.n++] = ns.length
  for (let i = 0; i < ns.length; i++) w.t[w.n++] = ns[i]
}

const values = (w: Walk, src: Extract<InsertSource, { readonly _tag: 'Values' }>): void => {
  w.t[w.n++] = 'V'
  w.t[w.n++] = src.rows.length
  for (const row of src.rows) exprs(w, row)
}

const conflict = (w: Walk, oc: OnConflict): void => {
  w.t[w.n++] = oc._tag
  w.t[w.n++] = oc.target.length
  for (const t of oc.target) id(w, t)
  if (oc._tag === 'DoUpdate') {
    assigns(w, oc.set)
    if (oc.where !== undefined) ex(w, oc.where)
    else w.t[w.n++] = '_'
  }
}

/**
 * Walks a DML or query statement; returns false for statements that are never cached (DDL).
 * @internal
 */
export const walkStatement = (w: Walk, s: StatementNode): boolean => {
  switch (s._tag) {
    case 'Select':
    case 'Compound':
    case 'TextQuery':
      query(w, s)
      return true
    case 'Insert': {
      w.t[w.n++] = 'INS'
      withC(w, s.with)
      tableRef(w, s.table)
      listClause(w, K_NAMES, s.columns, names)
      const src = s.source
      const arrays = src._tag === 'Values' && w.unnest && src.rows.length > 1 ? unnestTypes(src.rows) : undefined
      if (arrays !== undefined && src._tag === 'Values') {
        // One array per column: the shape has the column types, not the row count.
        w.t[w.n++] = 'VU'
        w.t[w.n++] = arrays.length
        for (const ty of arrays) typeTokens(w, ty)
        w.rows = src.rows.length
        for (const row of src.rows)
          for (const cell of row) {
            w.values[w.nv] = cell._tag === 'Param' ? cell.value : null
            w.types[w.nv++] = cell._tag === 'Param' ? cell.type : undefined
          }
      } else if (src._tag === 'Values') clause(w, K_VALUES, src, values)
      else if (src._tag === 'FromQuery') clause(w, K_QUERY, src.query, query)
      else w.t[w.n++] = 'DV'
      if (s.onConflict !== undefined) clause(w, K_CONFLICT, s.onConflict, conflict)
      listClause(w, K_ITEMS, s.returning, items)
      return true
    }
    case 'Update':
      w.t[w.n++] = 'UPD'
      withC(w, s.with)
      tableRef(w, s.table)
      listClause(w, K_ASSIGNS, s.set, assigns)
      listClause(w, K_FROM, s.from, from)
      if (s.where !== undefined) exClause(w, s.where)
      else w.t[w.n++] = '_'
      listClause(w, K_ITEMS, s.returning, items)
      return true
    case 'Delete':
      w.t[w.n++] = 'DEL'
      withC(w, s.with)
      tableRef(w, s.table)
      listClause(w, K_FROM, s.using, from)
      if (s.where !== undefined) exClause(w, s.where)
      else w.t[w.n++] = '_'
      listClause(w, K_ITEMS, s.returning, items)
      return true
    default:
      return false
  }
}

/** How many canonical parameter slots these expressions occupy. @internal */
export const countSlots = (ns: ReadonlyArray<ExprNode>): number => {
  const w = newWalk()
  for (const n of ns) ex(w, n)
  return w.nv
}
