/**
 * The shape walk: one cheap pass over a statement that yields its cache key (every node minus
 * literal values) and its raw parameter values with their types, in canonical order (the
 * order of the nodes' fields). The compiler records, for each placeholder it writes, the
 * canonical slot it came from, so a cached shape re-binds new values without compiling.
 *
 * @internal
 * @category compile
 */
import type {
  CteDef,
  ExprNode,
  FromItem,
  OrderItem,
  QueryNode,
  SelectItem,
  StatementNode,
  WithClause,
} from '../algebra/ast.js'
import type { SqlType } from '../algebra/SqlType.js'
import { LIMIT_TYPE } from './values.js'

/**
 * Walk state. `t` receives the shape as a flat token list (tags, operators, identifiers, list
 * lengths): each node pushes a tag then its fixed fields, so equal token lists mean equal
 * shapes. No strings are built; identifiers are pushed by reference.
 * @internal
 */
export interface Walk {
  readonly t: Array<string | number>
  readonly values: unknown[]
  readonly types: Array<SqlType | undefined>
}

const id = (w: Walk, s: string): void => {
  w.t.push(s)
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

const exprs = (w: Walk, ns: ReadonlyArray<ExprNode>): void => {
  w.t.push('[', ns.length)
  for (let i = 0; i < ns.length; i++) ex(w, ns[i])
}

const order = (w: Walk, items: ReadonlyArray<OrderItem>): void => {
  w.t.push('o', items.length)
  for (let i = 0; i < items.length; i++) {
    const it = items[i]
    ex(w, it.expr)
    w.t.push(it.direction === 'DESC' ? 'd' : 'a')
    w.t.push(it.nulls === undefined ? 0 : it.nulls === 'FIRST' ? 1 : 2)
  }
}

const ex = (w: Walk, n: ExprNode): void => {
  switch (n._tag) {
    case 'ColumnRef':
      w.t.push('c')
      id(w, n.table)
      id(w, n.name)
      return
    case 'Param':
      w.t.push('?')
      w.values.push(n.value)
      w.types.push(n.type)
      return
    case 'Null':
      w.t.push('N')
      return
    case 'Star':
      if (n.table !== undefined) w.t.push('*', 1, n.table)
      else w.t.push('*', 0)
      return
    case 'Label':
      w.t.push('l')
      id(w, n.name)
      return
    case 'Binary':
      w.t.push('b', n.op)
      ex(w, n.left)
      ex(w, n.right)
      return
    case 'Logical':
      w.t.push(n.op === 'AND' ? '&' : '|')
      exprs(w, n.operands)
      return
    case 'Not':
      w.t.push('!')
      ex(w, n.operand)
      return
    case 'Negate':
      w.t.push('-')
      ex(w, n.operand)
      return
    case 'IsNull':
      w.t.push(n.negated ? 'n1' : 'n0')
      ex(w, n.operand)
      return
    case 'IsBoolean':
      w.t.push((n.negated ? 'B1' : 'B0'), (n.value ? '1' : '0'))
      ex(w, n.operand)
      return
    case 'IsDistinct':
      w.t.push(n.negated ? 'D1' : 'D0')
      ex(w, n.left)
      ex(w, n.right)
      return
    case 'InList':
      w.t.push(n.negated ? 'i1' : 'i0')
      ex(w, n.operand)
      exprs(w, n.values)
      return
    case 'InQuery':
      w.t.push(n.negated ? 'q1' : 'q0')
      ex(w, n.operand)
      query(w, n.query)
      return
    case 'Between':
      w.t.push(n.negated ? 'w1' : 'w0')
      ex(w, n.operand)
      ex(w, n.low)
      ex(w, n.high)
      return
    case 'Like':
      w.t.push('L', (n.negated ? '1' : '0'), (n.caseInsensitive ? '1' : '0'))
      ex(w, n.operand)
      ex(w, n.pattern)
      if (n.escape !== undefined) w.t.push(1, n.escape)
      else w.t.push(0)
      return
    case 'Concat':
      w.t.push('+')
      exprs(w, n.operands)
      return
    case 'Case':
      w.t.push('C', n.whens.length)
      if (n.subject !== undefined) ex(w, n.subject)
      else w.t.push('_')
      for (const wh of n.whens) {
        ex(w, wh.when)
        ex(w, wh.then)
      }
      if (n.else !== undefined) ex(w, n.else)
      else w.t.push('_')
      return
    case 'Cast':
      w.t.push('T', typeKey(n.type))
      ex(w, n.operand)
      return
    case 'Func':
      w.t.push('f')
      id(w, n.name)
      if (n.distinct) w.t.push('d')
      exprs(w, n.args)
      if (n.filter !== undefined) ex(w, n.filter)
      else w.t.push('_')
      return
    case 'Window': {
      w.t.push('W')
      ex(w, n.func)
      exprs(w, n.partitionBy)
      order(w, n.orderBy)
      const f = n.frame
      if (f !== undefined) {
        w.t.push(f.units)
        w.t.push(f.start._tag, 'offset' in f.start ? f.start.offset : -1, f.end._tag, 'offset' in f.end ? f.end.offset : -1)
      } else w.t.push('_')
      return
    }
    case 'ScalarSubquery':
      w.t.push('s')
      query(w, n.query)
      return
    case 'Exists':
      w.t.push(n.negated ? 'x1' : 'x0')
      query(w, n.query)
      return
    case 'Excluded':
      w.t.push('X')
      id(w, n.name)
      return
    case 'Default': {
      w.t.push(n.autoIncrement ? 'E1' : 'E0')
      id(w, n.column)
      const d = n.default
      if (d === undefined) w.t.push('_')
      else if (d._tag === 'Value') {
        w.t.push('?')
        w.values.push(d.value)
        w.types.push(undefined)
      } else if (d._tag === 'Expr') {
        w.t.push('x')
        ex(w, d.expr)
      } else w.t.push('n')
      return
    }
    case 'Raw': {
      w.t.push('R')
      id(w, n.sql)
      const keys = Object.keys(n.binds)
      w.t.push(keys.length)
      for (const key of keys) {
        id(w, key)
        w.values.push(n.binds[key])
        w.types.push(undefined)
      }
      return
    }
  }
}

const items = (w: Walk, its: ReadonlyArray<SelectItem>): void => {
  w.t.push('I', its.length)
  for (let i = 0; i < its.length; i++) {
    id(w, its[i].alias)
    ex(w, its[i].expr)
  }
}

const withC = (w: Walk, wc: WithClause | undefined): void => {
  if (wc === undefined) return
  w.t.push(wc.recursive ? 'Y1' : 'Y0')
  w.t.push(wc.ctes.length)
  for (const cte of wc.ctes as ReadonlyArray<CteDef>) {
    id(w, cte.name)
    if (cte.columns !== undefined) {
      w.t.push(cte.columns.length)
      for (const col of cte.columns) id(w, col)
    }
    query(w, cte.query)
  }
}

const tableRef = (w: Walk, t: { readonly name: string; readonly schema?: string; readonly alias?: string }): void => {
  w.t.push('t')
  id(w, t.name)
  if (t.schema !== undefined) w.t.push(1, t.schema)
  else w.t.push(0)
  if (t.alias !== undefined) w.t.push(1, t.alias)
  else w.t.push(0)
}

const from = (w: Walk, fs: ReadonlyArray<FromItem>): void => {
  w.t.push('F', fs.length)
  for (const f of fs) {
    if (f._tag === 'TableRef') tableRef(w, f)
    else {
      w.t.push(f.lateral ? 'S1' : 'S0')
      id(w, f.alias)
      query(w, f.query)
    }
  }
}

const limitParam = (w: Walk, n: ExprNode | undefined): void => {
  if (n === undefined) w.t.push('_')
  else if (n._tag === 'Param' && (n.type === undefined || n.type._tag === 'Integer')) {
    w.t.push('?')
    w.values.push(n.value)
    w.types.push(LIMIT_TYPE)
  } else ex(w, n)
}

const query = (w: Walk, q: QueryNode): void => {
  switch (q._tag) {
    case 'Select': {
      w.t.push('{')
      withC(w, q.with)
      if (q.distinct === true) w.t.push('d')
      else if (q.distinct !== false) exprs(w, q.distinct)
      items(w, q.columns)
      from(w, q.from)
      w.t.push('J', q.joins.length)
      for (const j of q.joins) {
        w.t.push(j.kind[0])
        from(w, [j.target])
        if (j.on !== undefined) ex(w, j.on)
        else w.t.push('_')
      }
      if (q.where !== undefined) {
        w.t.push('W')
        ex(w, q.where)
      }
      if (q.groupBy.length > 0) {
        w.t.push('G')
        exprs(w, q.groupBy)
      }
      if (q.having !== undefined) {
        w.t.push('H')
        ex(w, q.having)
      }
      order(w, q.orderBy)
      limitParam(w, q.limit)
      limitParam(w, q.offset)
      if (q.lock !== undefined) {
        w.t.push('K', q.lock.mode, q.lock.wait, q.lock.of.length)
        for (const t of q.lock.of) id(w, t)
      }
      w.t.push('}')
      return
    }
    case 'Compound':
      w.t.push('(', q.op, (q.all ? 'A' : ''))
      withC(w, q.with)
      query(w, q.left)
      query(w, q.right)
      order(w, q.orderBy)
      limitParam(w, q.limit)
      limitParam(w, q.offset)
      w.t.push(')')
      return
    case 'TextQuery':
      w.t.push('Q')
      ex(w, q.raw)
      return
  }
}

const assigns = (w: Walk, set: ReadonlyArray<{ readonly column: string; readonly value: ExprNode }>): void => {
  w.t.push('=', set.length)
  for (const a of set) {
    id(w, a.column)
    ex(w, a.value)
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
      w.t.push('INS')
      withC(w, s.with)
      tableRef(w, s.table)
      w.t.push(s.columns.length)
      for (const col of s.columns) id(w, col)
      const src = s.source
      if (src._tag === 'Values') {
        w.t.push('V', src.rows.length)
        for (const row of src.rows) exprs(w, row)
      } else if (src._tag === 'FromQuery') query(w, src.query)
      else w.t.push('DV')
      const oc = s.onConflict
      if (oc !== undefined) {
        w.t.push(oc._tag, oc.target.length)
        for (const t of oc.target) id(w, t)
        if (oc._tag === 'DoUpdate') {
          assigns(w, oc.set)
          if (oc.where !== undefined) ex(w, oc.where)
          else w.t.push('_')
        }
      }
      items(w, s.returning)
      return true
    }
    case 'Update':
      w.t.push('UPD')
      withC(w, s.with)
      tableRef(w, s.table)
      assigns(w, s.set)
      from(w, s.from)
      if (s.where !== undefined) ex(w, s.where)
      else w.t.push('_')
      items(w, s.returning)
      return true
    case 'Delete':
      w.t.push('DEL')
      withC(w, s.with)
      tableRef(w, s.table)
      from(w, s.using)
      if (s.where !== undefined) ex(w, s.where)
      else w.t.push('_')
      items(w, s.returning)
      return true
    default:
      return false
  }
}

/** How many canonical parameter slots these expressions occupy. @internal */
export const countSlots = (ns: ReadonlyArray<ExprNode>): number => {
  const w: Walk = { t: [], values: [], types: [] }
  for (const n of ns) ex(w, n)
  return w.values.length
}
