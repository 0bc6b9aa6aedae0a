/**
 * Output labels that cannot travel through a driver as they are, and the positional aliases
 * the compiler writes for them instead (the decoder renames the values back, see
 * `ResultColumn.source`).
 *
 * @internal
 * @category compile
 */
import type { QueryNode, SelectItem, StatementNode } from '../algebra/ast.js'

const isSpace = (ch: number): boolean =>
  ch === 0x20 || ch === 0xa0 || ch === 0x1680 || (ch >= 0x2000 && ch <= 0x200a) || ch === 0x2028 || ch === 0x2029 || ch === 0x202f || ch === 0x205f || ch === 0x3000 || ch === 0xfeff

/**
 * A result label a driver cannot return as it is: exactly `__proto__` (rows built by
 * assignment set the prototype instead), or with a control character (U+0000–U+001F, U+007F)
 * or leading / trailing white space (MariaDB rewrites such aliases in the result metadata).
 * @internal
 */
export const unsafeLabel = (label: string): boolean => {
  const n = label.length
  if (n === 0) return false
  if (n === 9 && label === '__proto__') return true
  if (isSpace(label.charCodeAt(0)) || isSpace(label.charCodeAt(n - 1))) return true
  for (let i = 0; i < n; i++) {
    const ch = label.charCodeAt(i)
    if (ch < 0x20 || ch === 0x7f) return true
  }
  return false
}

/**
 * Per item, the alias the SQL writes instead of an unsafe label (`_c<position>`, with `_`
 * appended while it would clash with another label); `undefined` for a safe label. The
 * whole result is `undefined` when every label is safe (the common case). Deterministic in
 * the labels, so a cached shape has the same aliases.
 * @internal
 */
export const safeAliases = (items: ReadonlyArray<{ readonly alias: string }>): ReadonlyArray<string | undefined> | undefined => {
  let out: Array<string | undefined> | undefined
  for (let i = 0; i < items.length; i++) {
    if (!unsafeLabel(items[i].alias)) continue
    out ??= new Array<string | undefined>(items.length).fill(undefined)
    let a = '_c' + String(i)
    while (items.some((it) => it.alias === a) || out.includes(a)) a += '_'
    out[i] = a
  }
  return out
}

/**
 * The result items of a statement whose labels the compiler may rewrite, and the nodes whose
 * clauses refer to them by label (a compound's left spine down to its first SELECT; a DML
 * statement with RETURNING). `undefined` when the labels come from raw SQL text.
 * @internal
 */
export const outputScope = (n: StatementNode): { readonly items: ReadonlyArray<SelectItem>; readonly nodes: ReadonlyArray<object> } | undefined => {
  switch (n._tag) {
    case 'Select':
    case 'Compound': {
      const nodes: object[] = []
      let q: QueryNode = n
      while (q._tag === 'Compound') {
        nodes.push(q)
        q = q.left
      }
      if (q._tag !== 'Select') return undefined
      nodes.push(q)
      return { items: q.columns, nodes }
    }
    case 'Insert':
    case 'Update':
    case 'Delete':
      return { items: n.returning, nodes: [n] }
    default:
      return undefined
  }
}
