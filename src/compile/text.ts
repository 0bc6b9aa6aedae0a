/**
 * Raw SQL with named binds (`text()`): `:name` markers become placeholders. `::` (casts),
 * a `:` after a word character (`12:30`) and `\:` (an escaped colon, written as `:`) are not
 * markers. The same name twice binds twice.
 *
 * @category compile
 */
import type { RawNode } from '../algebra/ast.js'
import { invalid } from './CompileError.js'
import { emitParamAt, fail, type Ctx } from './state.js'

/** A parsed raw string: `parts.length === names.length + 1`. @internal */
export interface ParsedRaw {
  readonly parts: ReadonlyArray<string>
  readonly names: ReadonlyArray<string>
}

const isWord = (ch: string): boolean => /[A-Za-z0-9_]/.test(ch)

/** Splits raw SQL into literal parts and bind names. @internal */
export const parseRaw = (sql: string): ParsedRaw => {
  const parts: string[] = []
  const names: string[] = []
  let cur = ''
  let i = 0
  const n = sql.length
  while (i < n) {
    const ch = sql[i]
    if (ch === '\\' && sql[i + 1] === ':') {
      cur += ':'
      i += 2
      continue
    }
    if (ch === ':') {
      if (sql[i + 1] === ':') {
        // a run of colons (`::`) is a cast operator, never a marker
        let j = i
        while (sql[j] === ':') j++
        cur += sql.slice(i, j)
        i = j
        continue
      }
      const prev = i > 0 ? sql[i - 1] : ''
      let j = i + 1
      while (j < n && isWord(sql[j])) j++
      if (j > i + 1 && !(prev !== '' && isWord(prev))) {
        parts.push(cur)
        names.push(sql.slice(i + 1, j))
        cur = ''
        i = j
        continue
      }
    }
    cur += ch
    i++
  }
  parts.push(cur)
  return { parts, names }
}

const MAX_MEMO = 2_000
let memo = new Map<string, ParsedRaw>()

/** `parseRaw`, memoised. @internal */
export const parsedRaw = (sql: string): ParsedRaw => {
  let p = memo.get(sql)
  if (p === undefined) {
    p = parseRaw(sql)
    if (memo.size >= MAX_MEMO) memo = new Map()
    memo.set(sql, p)
  }
  return p
}

const has = Object.prototype.hasOwnProperty

/**
 * Compiles a raw node. Its binds occupy canonical slots in `Object.keys(binds)` order; each
 * marker emits the slot of its name.
 * @internal
 */
export const compileRaw = (c: Ctx, node: RawNode): string => {
  const { parts, names } = parsedRaw(node.sql)
  const base = c.slot
  const keys = Object.keys(node.binds)
  c.slot = base + keys.length
  if (names.length === 0) return node.sql.includes('\\:') ? parts[0] : node.sql
  let out = parts[0]
  for (let i = 0; i < names.length; i++) {
    const name = names[i]
    if (!has.call(node.binds, name)) return fail(c, invalid(`text(): no value bound for :${name}`))
    out += emitParamAt(c, node.binds[name], undefined, base + keys.indexOf(name)) + parts[i + 1]
  }
  return out
}
