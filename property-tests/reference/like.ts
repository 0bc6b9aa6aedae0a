/**
 * LIKE for the reference evaluator: `%` any run, `_` one code point, the ESCAPE character
 * makes the next one literal.
 *
 * @category property-tests
 */
import { EvalError } from './context.js'

/** LIKE as a matcher over code points. */
export const likeMatch = (text: string, pattern: string, escape: string | undefined, foldAscii: boolean): boolean => {
  const fold = (s: string): string => (foldAscii ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s)
  const t = [...fold(text)]
  type Tok = { readonly k: 'any' } | { readonly k: 'one' } | { readonly k: 'lit'; readonly c: string }
  const toks: Tok[] = []
  const p = [...fold(pattern)]
  for (let i = 0; i < p.length; i++) {
    const c = p[i]
    if (escape !== undefined && c === escape) {
      if (i + 1 >= p.length) throw new EvalError('LIKE pattern ends with the escape character')
      toks.push({ k: 'lit', c: p[++i] })
    } else if (c === '%') toks.push({ k: 'any' })
    else if (c === '_') toks.push({ k: 'one' })
    else toks.push({ k: 'lit', c })
  }
  // dp[j]: pattern prefix of length j matches text prefix of length i
  let dp = new Array<boolean>(toks.length + 1).fill(false)
  dp[0] = true
  for (let j = 1; j <= toks.length; j++) dp[j] = dp[j - 1] && toks[j - 1].k === 'any'
  for (let i = 1; i <= t.length; i++) {
    const next = new Array<boolean>(toks.length + 1).fill(false)
    for (let j = 1; j <= toks.length; j++) {
      const tok = toks[j - 1]
      if (tok.k === 'any') next[j] = next[j - 1] || dp[j]
      else if (tok.k === 'one') next[j] = dp[j - 1]
      else next[j] = dp[j - 1] && tok.c === t[i - 1]
    }
    dp = next
  }
  return dp[toks.length]
}
