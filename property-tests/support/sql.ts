/**
 * A small lexer for compiled SQL, independent of the compiler: it finds quoted identifiers,
 * string literals and placeholders, so laws can count placeholders outside quotes and check
 * that identifiers decode back to exactly the names that were given.
 *
 * @category property-tests
 */

/** How a dialect spells identifiers, strings and placeholders. */
export interface Lexicon {
  /** The identifier quote character (doubled inside). */
  readonly quote: '"' | '`'
  /** String literals treat backslash as an escape (MySQL without NO_BACKSLASH_ESCAPES). */
  readonly backslashInStrings: boolean
  /** Placeholders are `$n` (PostgreSQL) rather than `?`. */
  readonly dollar: boolean
}

/** The lexicons of the three dialects. */
export const lexicons = {
  sqlite: { quote: '"', backslashInStrings: false, dollar: false },
  postgres: { quote: '"', backslashInStrings: false, dollar: true },
  mysql: { quote: '`', backslashInStrings: true, dollar: false },
} as const satisfies Record<string, Lexicon>

/** The pieces of a statement that matter to the laws. */
export interface Lexed {
  /** Decoded quoted identifiers, in order. */
  readonly identifiers: ReadonlyArray<string>
  /** Decoded string literals, in order. */
  readonly strings: ReadonlyArray<string>
  /** Placeholders in order: `?` as 0, `$n` as n. */
  readonly placeholders: ReadonlyArray<number>
  /** The text with every identifier replaced by `I`, every string by `S`, every placeholder by `P`. */
  readonly skeleton: string
}

/** Lexes `sql`; throws on an unterminated quote (a broken-out identifier or string). */
export const lex = (sql: string, lx: Lexicon): Lexed => {
  const identifiers: string[] = []
  const strings: string[] = []
  const placeholders: number[] = []
  let skeleton = ''
  let i = 0
  const quoted = (q: string, backslash: boolean): string => {
    let out = ''
    i++
    for (;;) {
      if (i >= sql.length) throw new Error(`unterminated ${q} quote in: ${sql}`)
      const c = sql[i]
      if (backslash && c === '\\') {
        out += sql[i + 1] ?? ''
        i += 2
      } else if (c === q) {
        if (sql[i + 1] === q) {
          out += q
          i += 2
        } else {
          i++
          return out
        }
      } else {
        out += c
        i++
      }
    }
  }
  while (i < sql.length) {
    const c = sql[i]
    if (c === lx.quote) {
      identifiers.push(quoted(c, false))
      skeleton += 'I'
    } else if (c === "'") {
      strings.push(quoted(c, lx.backslashInStrings))
      skeleton += 'S'
    } else if (!lx.dollar && c === '?') {
      placeholders.push(0)
      skeleton += 'P'
      i++
    } else if (lx.dollar && c === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let j = i + 1
      while (/[0-9]/.test(sql[j] ?? '')) j++
      placeholders.push(Number(sql.slice(i + 1, j)))
      skeleton += 'P'
      i = j
    } else {
      skeleton += c
      i++
    }
  }
  return { identifiers, strings, placeholders, skeleton }
}
