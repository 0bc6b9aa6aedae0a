/**
 * Laws of the compiler, checked on compiled SQL with no database:
 * where(p) then where(q) = where(and(p, q)); compiling is deterministic; statements of one
 * shape share a cache entry, SQL text and placeholders, differing only in parameters; the
 * cached compile equals compileUncached, also on fresh roots over clauses of several statements; placeholders outside quotes = params.length;
 * identifiers and string values never break out of their quotes or change the shape.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { eq, from, integer, like, select, table, textColumn, where, and, contains, startsWith, endsWith, insertInto, type Expr, type QueryNode } from '../src/algebra/index.js'
import { cacheStats, clearCache, compile, compileUncached, shapeKey } from '../src/compile/compile.js'
import { rememberAllClauses } from '../src/compile/clauseMemo.js'
import type { Compiled } from '../src/compile/Compiled.js'
import type { Dialect } from '../src/compile/Dialect.js'
import { mysql } from '../src/dialects/mysql/dialect.js'
import { postgres } from '../src/dialects/postgres/dialect.js'
import { sqlite } from '../src/dialects/sqlite/dialect.js'
import { predicate, queryArb, type Scope } from './arbitraries/queries.js'
import { t0 } from './arbitraries/schema.js'
import { lex, lexicons } from './support/sql.js'
import { count, params, report } from './support/runs.js'
import { afterAll } from 'vitest'

const dialects: ReadonlyArray<readonly [keyof typeof lexicons, Dialect]> = [
  ['sqlite', sqlite],
  ['postgres', postgres],
  ['mysql', mysql],
]

const right = (e: E.Either<unknown, Compiled>): Compiled => {
  if (E.isLeft(e)) throw new Error(`compile failed: ${JSON.stringify(e.left)}`)
  return e.right
}

/** Replaces every parameter value by another of the same kind (the shape stays the same). */
const perturb = (node: unknown, salt: number): unknown => {
  if (Array.isArray(node)) return node.map((x) => perturb(x, salt))
  if (node === null || typeof node !== 'object') return node
  const o = node as Record<string, unknown>
  if (o['_tag'] === 'Param') {
    const v = o['value']
    const nv =
      typeof v === 'number'
        ? Number.isInteger(v)
          ? Math.abs(v) + salt
          : v + salt / 4
        : typeof v === 'string'
          ? `${v}~${salt}`
          : typeof v === 'boolean'
            ? !v
            : v
    return { ...o, value: nv }
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, perturb(x, salt)]))
}

const t0Scope: Scope = { cols: [{ e: t0.c.a as Expr<unknown>, kind: 'int' }, { e: t0.c.s as Expr<unknown>, kind: 'text' }, { e: t0.c.f as Expr<unknown>, kind: 'bool' }, { e: t0.c.d as Expr<unknown>, kind: 'double' }], subqueries: 1, prefix: 'p' }

describe('compiler laws', () => {
  afterAll(() => report('laws'))

  for (const [name, d] of dialects) {
    const lx = lexicons[name]

    it(`[${name}] where(p) then where(q) compiles like where(and(p, q))`, () => {
      fc.assert(
        fc.property(predicate(t0Scope, 2), predicate(t0Scope, 2), (p, q) => {
          count('laws.whereAnd')
          const base = from(t0)(select({ a: t0.c.a }))
          const twice = where(q)(where(p)(base))
          const once = where(and(p, q))(base)
          const a = compileUncached(d)(twice)
          const b = compileUncached(d)(once)
          expect(a).toStrictEqual(b)
        }),
        params(200),
      )
    })

    it(`[${name}] compiling is deterministic, and the cached compile equals compileUncached`, () => {
      fc.assert(
        fc.property(queryArb, (g) => {
          count('laws.deterministic')
          const u1 = compileUncached(d)(g.query)
          const u2 = compileUncached(d)(g.query)
          expect(u1).toStrictEqual(u2)
          const c1 = compile(d)(g.query)
          const c2 = compile(d)(g.query)
          expect(c1).toStrictEqual(u1)
          expect(c2).toStrictEqual(u1)
        }),
        params(200),
      )
    })

    it(`[${name}] one shape: one cache entry, the same SQL, the other statement's parameters`, () => {
      fc.assert(
        fc.property(queryArb, fc.integer({ min: 1, max: 5 }), (g, salt) => {
          const q1 = g.query.node
          const q2 = perturb(q1, salt) as QueryNode
          const u1 = compileUncached(d)(q1)
          if (E.isLeft(u1)) return // UnsupportedFeature: nothing to compare
          count('laws.shape')
          expect(shapeKey(q2)).toStrictEqual(shapeKey(q1))
          clearCache(d)
          const c1 = right(compile(d)(q1))
          const before = cacheStats(d)
          const c2 = right(compile(d)(q2))
          const after = cacheStats(d)
          expect(after.size).toBe(before.size)
          expect(after.hits).toBe(before.hits + 1)
          expect(c2.sql).toBe(c1.sql)
          expect(c2).toStrictEqual(right(compileUncached(d)(q2)))
        }),
        params(200),
      )
    })

    it(`[${name}] a fresh root over clauses of two same-shape statements: one cache entry, compiles as uncached`, () => {
      rememberAllClauses(true)
      try {
        fc.assert(
          fc.property(queryArb, fc.integer({ min: 1, max: 5 }), fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }), (g, salt, picks) => {
            const q1 = g.query.node
            const q2 = perturb(q1, salt) as QueryNode
            if (E.isLeft(compileUncached(d)(q1))) return
            count('laws.clauses')
            const keys = Object.keys(q1) as ReadonlyArray<keyof QueryNode>
            const mixed = Object.fromEntries(keys.map((k, i) => [k, (picks[i % picks.length] ? q2 : q1)[k]])) as unknown as QueryNode
            clearCache(d)
            expect(compile(d)({ ...q1 })).toStrictEqual(compileUncached(d)(q1))
            expect(compile(d)({ ...q2 })).toStrictEqual(compileUncached(d)(q2))
            const before = cacheStats(d)
            for (let i = 0; i < 2; i++) expect(compile(d)({ ...mixed })).toStrictEqual(compileUncached(d)(mixed))
            expect(cacheStats(d).size).toBe(before.size)
          }),
          params(200),
        )
      } finally {
        rememberAllClauses(false)
      }
    })

    it(`[${name}] placeholders outside quotes = params.length (and $n are 1..n in order)`, () => {
      fc.assert(
        fc.property(queryArb, (g) => {
          const c = compile(d)(g.query)
          if (E.isLeft(c)) return
          count('laws.placeholders')
          const l = lex(c.right.sql, lx)
          expect(l.placeholders.length).toBe(c.right.params.length)
          if (lx.dollar) expect(l.placeholders).toStrictEqual(l.placeholders.map((_, i) => i + 1))
        }),
        params(200),
      )
    })

    const nasty = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
      fc.string({ unit: fc.constantFrom('"', '`', "'", '\\', '?', '$1', '--', ';', '/*', '*/', ':x', '\u0000', 'é', '😀', ' ', 'a'), minLength: 1, maxLength: 8 }),
    )

    it(`[${name}] identifiers round-trip through quoting and never change the shape`, () => {
      fc.assert(
        fc.property(nasty, nasty, nasty, (tn, c1, c2) => {
          fc.pre(c1 !== c2)
          count('laws.identifiers')
          const mk = (t: string, x: string, y: string) => {
            const tb = table(t, { x: integer().named(x), y: textColumn().named(y) })
            return [
              where(eq(tb.c.x, 1))(from(tb)(select({ [x]: tb.c.x, [y]: tb.c.y }))),
              insertInto(tb, [{ x: 1, y: 'v' }]),
            ] as const
          }
          const safe = mk('t', 'x', 'y')
          const wild = mk(tn, c1, c2)
          for (let i = 0; i < safe.length; i++) {
            const s = right(compile(d)(safe[i]))
            const w = right(compile(d)(wild[i]))
            const ls = lex(s.sql, lx)
            const lw = lex(w.sql, lx)
            expect(lw.skeleton).toBe(ls.skeleton)
            const rename = new Map([['t', tn], ['x', c1], ['y', c2]])
            // A result label no driver returns as it is (`__proto__`, control characters, outer
            // white space) is written as the positional alias its result column records.
            const aliased = new Map(w.columns.flatMap((col) => (col.source === undefined ? [] : [[col.source, col.name] as const])))
            expect(lw.identifiers.map((n) => aliased.get(n) ?? n)).toStrictEqual(ls.identifiers.map((n) => rename.get(n) ?? n))
          }
        }),
        params(300),
      )
    })

    it(`[${name}] string values never enter the SQL text (LIKE helpers included)`, () => {
      fc.assert(
        fc.property(nasty, (v) => {
          count('laws.values')
          const tb = table('t', { s: textColumn() })
          const qs = (x: string) => [
            where(eq(tb.c.s, x))(from(tb)(select({ s: tb.c.s }))),
            where(like(tb.c.s, x))(from(tb)(select({ s: tb.c.s }))),
            where(and(contains(tb.c.s, x), startsWith(tb.c.s, x), endsWith(tb.c.s, x)))(from(tb)(select({ s: tb.c.s }))),
            insertInto(tb, [{ s: x }]),
          ]
          const a = qs('plain')
          const b = qs(v)
          for (let i = 0; i < a.length; i++) {
            const ca = right(compileUncached(d)(a[i]))
            const cb = right(compileUncached(d)(b[i]))
            expect(cb.sql).toBe(ca.sql)
            expect(cb.params.length).toBe(ca.params.length)
            expect(lex(cb.sql, lx).placeholders.length).toBe(cb.params.length)
          }
        }),
        params(300),
      )
    })
  }
})
