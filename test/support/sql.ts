/**
 * Shared assertions of the compiler's unit tests: each dialect's SQL (and parameters), with the
 * cached path checked against the uncached one on every call.
 */
import * as E from 'fp-ts/lib/Either.js'
import { expect } from 'vitest'
import { compile, compileUncached, type Compilable } from '../../src/compile/compile.js'
import type { CompileError } from '../../src/compile/CompileError.js'
import { mysql } from '../../src/dialects/mysql/dialect.js'
import { postgres } from '../../src/dialects/postgres/dialect.js'
import { sqlite } from '../../src/dialects/sqlite/dialect.js'

/** The three dialect records by name. */
export const DIALECTS = { sqlite, postgres, mysql } as const

/** What a dialect should produce: SQL text, SQL and params, or a compile error. */
export type Want = string | { readonly sql: string; readonly params: ReadonlyArray<unknown> } | CompileError

/** Checks each dialect's SQL (and params when given); the cached path must agree with the uncached one. */
export const expectSql = (q: Compilable, want: { readonly sqlite: Want; readonly postgres: Want; readonly mysql: Want }): void => {
  for (const name of ['sqlite', 'postgres', 'mysql'] as const) {
    const d = DIALECTS[name]
    const got = compileUncached(d)(q)
    expect(compile(d)(q), `${name} cached (miss)`).toEqual(got)
    expect(compile(d)(q), `${name} cached (hit)`).toEqual(got)
    const w = want[name]
    if (typeof w === 'string') expect(E.isRight(got) ? got.right.sql : got.left, name).toBe(w)
    else if ('_tag' in w) expect(got, name).toEqual(E.left(w))
    else expect(E.isRight(got) ? { sql: got.right.sql, params: got.right.params } : got.left, name).toEqual(w)
  }
}

/** The same expectation on every dialect. */
export const same = (w: Want) => ({ sqlite: w, postgres: w, mysql: w })

/** An UnsupportedFeature error. */
export const unsupportedOn = (feature: string, dialect: string): CompileError => ({ _tag: 'UnsupportedFeature', feature, dialect })

/** The InvalidStatement message SQLite's compiler gives for `q`. */
export const invalidMsg = (q: Compilable): string => {
  const r = compileUncached(sqlite)(q)
  return E.isLeft(r) && r.left._tag === 'InvalidStatement' ? r.left.message : 'no InvalidStatement'
}
