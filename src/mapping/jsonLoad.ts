/**
 * The `json` loading strategy: each parent row carries its children as one JSON value, built
 * by a correlated scalar subquery (`json_agg(json_build_array(…))`, `json_group_array(json_array(…))`,
 * `JSON_ARRAYAGG(JSON_ARRAY(…))`) with nested relationships as nested arrays. Elements are
 * positional arrays, decoded back with each column's SQL type. A value JSON would change
 * (a JSON number is a double once parsed) travels in another form (see `carriers`),
 * so every column decodes to exactly what the other strategies read. Needs the dialect's
 * `jsonAggregate` capability (UnsupportedFeature otherwise).
 *
 * @category loading
 * @internal
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ExprNode, OrderItem, SelectItem, SelectNode } from '../algebra/ast.js'
import type { SqlType } from '../algebra/SqlType.js'
import type { AnyTable } from '../algebra/Table.js'
import type { Dialect } from '../compile/Dialect.js'
import type { DbError } from '../effects/DbError.js'
import { columnCodec } from '../effects/decode.js'
import type { RowValues } from '../effects/session/UnitOfWork.js'
import { projection } from './inheritance.js'
import { accessor, type Plan } from './loading.js'

/** One decoded child: its table parts and its nested children. */
export interface JsonItem {
  readonly parts: ReadonlyArray<{ readonly table: AnyTable; readonly values: RowValues }>
  readonly nested: ReadonlyArray<{ readonly plan: Plan; readonly items: ReadonlyArray<JsonItem> }>
}

type Reader = (raw: unknown) => E.Either<DbError, ReadonlyArray<JsonItem>>

const decodeError = (message: string): DbError => ({ _tag: 'DecodeError', message, errors: [] })

const parse = (raw: unknown): E.Either<DbError, unknown> => {
  if (typeof raw !== 'string') return E.right(raw)
  try {
    return E.right(JSON.parse(raw) as unknown)
  } catch (e) {
    return E.left(decodeError(`json loading: not JSON: ${String(e)}`))
  }
}

/**
 * How a column travels inside the JSON array: `value` as it is, `text` cast to text (decoded
 * by the column's codec, as the drivers deliver such columns), `hex` as hex digits (JSON
 * cannot hold bytes; NULL stays NULL), `double` cast to double precision.
 */
type Carrier = 'value' | 'text' | 'hex' | 'double'

/**
 * What a JSON family changes, and how a column is carried instead, by the dialect's JSON array
 * builder (`jsonAggregate.array`). Everywhere: BigInt and Numeric would become JSON numbers,
 * which parse to doubles (9223372036854775807 -> 9223372036854776000), so they travel as text;
 * a JSON document travels as its text (PostgreSQL and MariaDB embed it, and an embedded
 * document that is a bare string could not be told from JSON text).
 * - `json_array` (SQLite): a BLOB is an error in JSON: `hex()`. Numeric stays a value: exact
 *   numerics are stored as TEXT (JSON strings already) and narrower ones as REALs, which JSON
 *   writes round-trip exactly, as the driver reads them (their text cast would be `1.234e-05`).
 * - `JSON_ARRAY` (MariaDB/MySQL): bytes would be written as (invalid) text: `HEX()`; FLOAT
 *   is written with 6 significant digits: cast to DOUBLE, as the dialect reads a Real column.
 * - `json_build_array` (PostgreSQL): bytea is written as its `\x…` text, which the codec reads.
 */
const carriers: Readonly<Record<string, Partial<Record<SqlType['_tag'], Carrier>>>> = {
  json_array: { Numeric: 'value', Binary: 'hex' },
  JSON_ARRAY: { Binary: 'hex', Real: 'double' },
}

/** How a column of `type` travels in the JSON built by `array` (see {@link carriers}). */
const carrierOf = (array: string, type: SqlType | undefined): Carrier => {
  if (type === undefined) return 'value'
  const own = carriers[array]?.[type._tag]
  if (own !== undefined) return own
  return type._tag === 'BigInt' || type._tag === 'Numeric' || type._tag === 'Json' ? 'text' : 'value'
}

const carried = (expr: ExprNode, carrier: Carrier): ExprNode => {
  switch (carrier) {
    case 'value':
      return expr
    case 'text':
      return { _tag: 'Cast', operand: expr, type: { _tag: 'Text' } }
    case 'double':
      return { _tag: 'Cast', operand: expr, type: { _tag: 'Double' } }
    case 'hex':
      // SQLite's hex(NULL) is '', as is an empty BLOB's: keep NULL apart.
      return { _tag: 'Case', whens: [{ when: { _tag: 'IsNull', operand: expr, negated: false }, then: { _tag: 'Null' } }], else: { _tag: 'Func', name: 'hex', args: [expr], distinct: false } }
  }
}

const hexDigits = /^(?:[0-9a-fA-F]{2})*$/

const compareValues = (a: unknown, b: unknown): number => {
  if (a === b) return 0
  if (a === null || a === undefined) return 1
  if (b === null || b === undefined) return -1
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime()
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a < b ? -1 : a > b ? 1 : 0
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
}

const decimalText = /^\s*([-+]?)0*(\d*?)(?:\.(\d*?)0*)?\s*$/

/** Compares decimal strings by value, exactly (a form it does not know, e.g. with an exponent, as numbers). */
const compareDecimals = (a: string, b: string): number => {
  const x = decimalText.exec(a)
  const y = decimalText.exec(b)
  if (x === null || y === null) {
    const p = Number(a)
    const q = Number(b)
    return p < q ? -1 : p > q ? 1 : 0
  }
  const [, xs, xi, xf = ''] = x
  const [, ys, yi, yf = ''] = y
  const xNeg = xs === '-' && (xi !== '' || xf !== '')
  const yNeg = ys === '-' && (yi !== '' || yf !== '')
  if (xNeg !== yNeg) return xNeg ? -1 : 1
  const magnitude = xi.length !== yi.length ? xi.length - yi.length : xi < yi ? -1 : xi > yi ? 1 : xf < yf ? -1 : xf > yf ? 1 : 0
  return xNeg ? -magnitude : magnitude
}

/**
 * The in-memory order of a collection from the relationship's ORDER BY over plain columns
 * (numerics by decimal value; text by code unit, which may differ from the database's collation).
 */
const sorter = (plan: Plan): ((a: JsonItem, b: JsonItem) => number) | undefined => {
  const rel = plan.r.relation
  const order: ReadonlyArray<OrderItem> = rel._tag === 'BelongsTo' ? [] : rel.orderBy
  const keys = order.flatMap((o) => {
    if (o.expr._tag !== 'ColumnRef') return []
    const name = o.expr.name
    const col = plan.r.target.$.tables.flatMap((t) => t.columnNames).find((c) => c.name === name)
    return col === undefined ? [] : [{ key: col.key, desc: o.direction === 'DESC', decimal: col.type._tag === 'Numeric' }]
  })
  if (keys.length === 0) return undefined
  const valueOf = (it: JsonItem, key: string): unknown => {
    for (const p of it.parts) if (key in p.values) return p.values[key]
    return undefined
  }
  return (a, b) => {
    for (const k of keys) {
      const va = valueOf(a, k.key)
      const vb = valueOf(b, k.key)
      const c = k.decimal && typeof va === 'string' && typeof vb === 'string' ? compareDecimals(va, vb) : compareValues(va, vb)
      if (c !== 0) return k.desc ? -c : c
    }
    return 0
  }
}

const build = (plan: Plan, pAcc: (key: string) => ExprNode, level: number, dialect: Dialect): E.Either<DbError, { readonly expr: ExprNode; readonly read: Reader; readonly post: ReadonlyArray<Plan> }> => {
  const fns = dialect.capabilities.jsonAggregate
  if (fns === false) return E.left({ _tag: 'UnsupportedFeature', feature: 'json loading (JSON aggregation)', dialect: dialect.name })
  const r = plan.r
  const alias = `js${level}`
  const proj = projection(r.target, alias, '')
  const acc = accessor(r.target, alias)
  const nestedJson: Array<{ readonly plan: Plan; readonly read: Reader }> = []
  const nestedExprs: ExprNode[] = []
  const post: Plan[] = []
  for (const n of plan.nested) {
    if (n.strategy !== 'json') {
      post.push(n)
      continue
    }
    const b = build(n, acc, level * 10 + nestedJson.length + 1, dialect)
    if (E.isLeft(b)) return b
    nestedJson.push({ plan: n, read: b.right.read })
    nestedExprs.push(b.right.expr)
  }
  const carry = proj.columns.map((c) => carrierOf(fns.array, c.type))
  const array: ExprNode = { _tag: 'Func', name: fns.array, args: [...proj.columns.map((c, i) => carried(c.expr, carry[i])), ...nestedExprs], distinct: false }
  const thAlias = `${alias}_t`
  const thCol = (key: string): ExprNode => {
    const c = r.through!.table.columnNames.find((x) => x.key === key)!
    return { _tag: 'ColumnRef', table: thAlias, name: c.name, type: c.type }
  }
  const corr: ExprNode = r.through ? { _tag: 'Binary', op: '=', left: thCol(r.through.sourceCol), right: pAcc(r.sourceKey) } : { _tag: 'Binary', op: '=', left: acc(r.targetKey), right: pAcc(r.sourceKey) }
  const where: ExprNode = proj.where ? { _tag: 'Logical', op: 'AND', operands: [corr, proj.where] } : corr
  const sub: SelectNode = {
    _tag: 'Select',
    distinct: false,
    columns: [{ alias: 'j', expr: r.many ? { _tag: 'Func', name: fns.arrayAgg, args: [array], distinct: false } : array }],
    from: [proj.from],
    joins: [
      ...(r.through
        ? [{ kind: 'INNER' as const, target: { _tag: 'TableRef' as const, name: r.through.table.name, alias: thAlias }, on: { _tag: 'Binary' as const, op: '=' as const, left: thCol(r.through.targetCol), right: acc(r.targetKey) } }]
        : []),
      ...proj.joins.map((j) => ({ ...j, kind: 'LEFT' as const })),
    ],
    where,
    groupBy: [],
    orderBy: [],
    ...(r.many ? {} : { limit: { _tag: 'Param', value: 1, type: { _tag: 'Integer' } } as ExprNode }),
  }
  const codecs = proj.columns.map((c) => (c.type ? columnCodec(c.type) : undefined))
  const sort = sorter(plan)
  const readElement = (el: unknown): E.Either<DbError, JsonItem> => {
    if (!Array.isArray(el)) return E.left(decodeError(`json loading of ${r.source.$.name}.${r.name}: expected an array, got ${typeof el}`))
    const raw: Record<string, unknown> = {}
    for (let i = 0; i < proj.columns.length; i++) {
      const codec = codecs[i]
      let v: unknown = el[i] ?? null
      if (carry[i] === 'hex' && typeof v === 'string') {
        if (!hexDigits.test(v)) return E.left(decodeError(`json loading of ${r.source.$.name}.${r.name}: column ${proj.columns[i].alias}: not hex digits ${JSON.stringify(v)}`))
        v = Buffer.from(v, 'hex')
      }
      if (!codec) raw[proj.columns[i].alias] = v
      else {
        const d = codec.decode(v)
        if (E.isLeft(d)) return E.left(decodeError(`json loading of ${r.source.$.name}.${r.name}: column ${proj.columns[i].alias}: unexpected ${JSON.stringify(v)}`))
        raw[proj.columns[i].alias] = d.right
      }
    }
    const nested: Array<{ readonly plan: Plan; readonly items: ReadonlyArray<JsonItem> }> = []
    for (let j = 0; j < nestedJson.length; j++) {
      const items = nestedJson[j].read(el[proj.columns.length + j])
      if (E.isLeft(items)) return items
      nested.push({ plan: nestedJson[j].plan, items: items.right })
    }
    return E.right({ parts: proj.read(raw), nested })
  }
  const read: Reader = (value) => {
    const parsed = parse(value)
    if (E.isLeft(parsed)) return parsed
    const v = parsed.right
    if (v === null || v === undefined) return E.right([])
    const elements = r.many ? v : [v]
    if (!Array.isArray(elements)) return E.left(decodeError(`json loading of ${r.source.$.name}.${r.name}: expected an array`))
    const out: JsonItem[] = []
    for (const el of elements) {
      const it = readElement(typeof el === 'string' ? JSON.parse(el) : el)
      if (E.isLeft(it)) return it
      if (it.right.parts.length > 0) out.push(it.right)
    }
    return E.right(sort ? out.sort(sort) : out)
  }
  return E.right({ expr: { _tag: 'ScalarSubquery', query: sub }, read, post })
}

/**
 * The output column that carries a relationship as JSON, its reader, and the nested plans
 * that must run afterwards (those not loaded as JSON).
 * @internal
 */
export const jsonColumn = (
  plan: Plan,
  pAcc: (key: string) => ExprNode,
  alias: string,
  id: number,
  dialect: Dialect,
): E.Either<DbError, { readonly item: SelectItem; readonly read: Reader; readonly post: ReadonlyArray<Plan> }> => {
  const b = build(plan, pAcc, id + 1, dialect)
  if (E.isLeft(b)) return b
  return E.right({ item: { alias, expr: b.right.expr }, read: b.right.read, post: b.right.post })
}
