/**
 * The compiler's internal accumulator and per-dialect runtime (memoised quoting and
 * placeholders). Mutable, but never escapes a single `compile` call.
 *
 * @internal
 * @category compile
 */
import type { ExprNode, SelectItem } from '../algebra/ast.js'
import type { SqlType } from '../algebra/SqlType.js'
import { invalid, type CompileError } from './CompileError.js'
import type { Capabilities, Dialect } from './Dialect.js'
import { checkParam, literal } from './values.js'

/** Per-dialect memo tables. @internal */
export interface Runtime {
  readonly dialect: Dialect
  readonly quote: (name: string) => string
  readonly placeholder: (index: number) => string
}

const MAX_QUOTE_MEMO = 10_000

const makeRuntime = (d: Dialect): Runtime => {
  let memo = new Map<string, string>()
  const quote = (name: string): string => {
    let q = memo.get(name)
    if (q === undefined) {
      q = d.quoteIdent(name)
      if (memo.size >= MAX_QUOTE_MEMO) memo = new Map()
      memo.set(name, q)
    }
    return q
  }
  const phs: string[] = []
  for (let i = 0; i <= 256; i++) phs.push(i === 0 ? '' : d.placeholder(i))
  const placeholder = (i: number): string => (i < phs.length ? phs[i] : d.placeholder(i))
  return { dialect: d, quote, placeholder }
}

const runtimes = new WeakMap<Dialect, Runtime>()

/** The memo tables of a dialect, created on first use. @internal */
export const runtimeOf = (d: Dialect): Runtime => {
  let r = runtimes.get(d)
  if (r === undefined) {
    r = makeRuntime(d)
    runtimes.set(d, r)
  }
  return r
}

/** The mutable state of one compilation. @internal */
export interface Ctx {
  readonly d: Dialect
  readonly caps: Capabilities
  readonly q: (name: string) => string
  readonly ph: (index: number) => string
  /** Encoded parameters, in placeholder order. */
  readonly params: unknown[]
  /** For each emitted parameter, its slot in the shape walk's canonical order. */
  readonly slots: number[]
  /** For each emitted parameter, its raw value (checked against the walk before caching). */
  readonly raws: unknown[]
  /** The canonical slot of the next parameter met. */
  slot: number
  /** The first error met; compilation goes on but the result is this Left. */
  error: CompileError | undefined
  /** Parameters are written as literals (DDL). */
  inline: boolean
  /** Columns of the VALUES sent as arrays (0: none); an array parameter's slot is `-(first slot) - 1`. */
  stride: number
  /**
   * The statement's result items when some label is unsafe (see `labels.ts`): their SQL
   * aliases, the label → alias map, and the nodes whose clauses refer to the labels.
   */
  outputs: Outputs | undefined
  /** Label → SQL alias in the clauses being compiled (set only inside `outputs.nodes`). */
  rename: ReadonlyMap<string, string> | undefined
}

/** Result items written under positional aliases. @internal */
export interface Outputs {
  readonly items: ReadonlyArray<SelectItem>
  readonly aliases: ReadonlyArray<string | undefined>
  readonly rename: ReadonlyMap<string, string>
  readonly nodes: ReadonlyArray<object>
}

/** A fresh accumulator. @internal */
export const newCtx = (r: Runtime, inline = false): Ctx => ({
  d: r.dialect,
  caps: r.dialect.capabilities,
  q: r.quote,
  ph: r.placeholder,
  params: [],
  slots: [],
  raws: [],
  slot: 0,
  error: undefined,
  inline,
  stride: 0,
  outputs: undefined,
  rename: undefined,
})

/** Enters the clauses of `node`: labels are renamed there when it is one of the output nodes. Returns the previous map. @internal */
export const enterScope = (c: Ctx, node: object): ReadonlyMap<string, string> | undefined => {
  const saved = c.rename
  const o = c.outputs
  c.rename = o !== undefined && o.nodes.includes(node) ? o.rename : undefined
  return saved
}

/** Records an error (the first one wins) and returns an empty fragment. @internal */
export const fail = (c: Ctx, e: CompileError): string => {
  if (c.error === undefined) c.error = e
  return ''
}

/** Emits one parameter at canonical slot `slot`: validated, encoded, a placeholder returned. @internal */
export const emitParamAt = (c: Ctx, value: unknown, type: SqlType | undefined, slot: number): string => {
  const problem = checkParam(value, type)
  if (problem !== undefined) return fail(c, invalid(problem))
  if (c.inline) {
    const lit = literal(c.d, value, type)
    return lit === undefined ? fail(c, invalid(`cannot write ${typeof value} as a SQL literal`)) : lit
  }
  c.params.push(c.d.encodeParam(value, type))
  c.slots.push(slot)
  c.raws.push(value)
  return c.ph(c.params.length)
}

/** Emits the next parameter in canonical order. @internal */
export const emitParam = (c: Ctx, value: unknown, type: SqlType | undefined): string => emitParamAt(c, value, type, c.slot++)

/**
 * Emits a multi-row VALUES as one array parameter per column (`insertUnnest`): each element
 * validated and encoded as a parameter of the column's type would be; NULL cells are null.
 * Returns the placeholders, in column order. @internal
 */
export const emitArrayParams = (c: Ctx, rows: ReadonlyArray<ReadonlyArray<ExprNode>>): ReadonlyArray<string> => {
  const k = rows[0].length
  const start = c.slot
  const out: string[] = []
  for (let j = 0; j < k; j++) {
    const values = new Array<unknown>(rows.length)
    const raws = new Array<unknown>(rows.length)
    for (let r = 0; r < rows.length; r++) {
      const cell = rows[r][j]
      const v = cell._tag === 'Param' ? cell.value : null
      const t = cell._tag === 'Param' ? cell.type : undefined
      const problem = checkParam(v, t)
      if (problem !== undefined) {
        fail(c, invalid(problem))
        return out
      }
      values[r] = c.d.encodeParam(v, t)
      raws[r] = v
    }
    c.params.push(values)
    c.slots.push(-(start + j) - 1)
    c.raws.push(raws)
    out.push(c.ph(c.params.length))
  }
  c.stride = k
  c.slot = start + rows.length * k
  return out
}
