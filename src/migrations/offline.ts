/**
 * Offline mode: the SQL a run would execute, as text, without a database. The schema each
 * operation needs (MySQL's MODIFY COLUMN, SQLite's rebuilds) comes from replaying the
 * revisions before the starting point; effects (data migrations) print as comments.
 *
 * @category migrations
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Compiled } from '../compile/Compiled.js'
import type { Dialect } from '../compile/Dialect.js'
import type { DbError } from '../effects/DbError.js'
import type { Reflector } from '../effects/Reflector.js'
import { applyOperation, type Schema } from './apply.js'
import { compileOperation, mayRebuild } from './compileOperation.js'
import { afterStep, ancestorsOf, type Graph, type Step } from './Revision.js'
import { createVersionTable, writeVersions } from './versionTable.js'

const line = (c: Compiled): string => c.sql + ';'

/** The schema after applying the upgrades of `heads` and their ancestors, from empty. @category migrations */
export const replaySchema = (g: Graph, heads: ReadonlyArray<string>): E.Either<DbError, Schema> => {
  const applied = ancestorsOf(g, heads)
  let s: Schema = new Map()
  for (const id of g.order) {
    if (!applied.has(id)) continue
    const up = g.revisions.get(id)?.upgrade
    if (typeof up === 'function' || up === undefined) continue
    for (const o of up) {
      const next = applyOperation(s, o)
      if (E.isLeft(next)) return E.left({ _tag: 'MigrationError', revision: id, message: `cannot replay ${id} offline: ${next.left._tag === 'InvalidStatement' ? next.left.message : next.left._tag}` })
      s = next.right
    }
  }
  return E.right(s)
}

/**
 * The SQL script of `steps`, starting from the revisions `start`.
 *
 * @example
 * offlineSql(postgres, postgresReflector, graph, upgradePlan(graph, 'head')([]), [])
 * // Right("BEGIN;\nCREATE TABLE \"athanor_version\" …;\n-- Running upgrade  -> a1b2c3: add users\nCREATE TABLE …")
 * @category migrations
 */
export const offlineSql = (d: Dialect, r: Reflector, g: Graph, steps: ReadonlyArray<Step>, start: ReadonlyArray<string>): E.Either<DbError, string> => {
  const out: string[] = []
  const vt = createVersionTable(d)
  if (E.isLeft(vt)) return vt
  out.push(...vt.right.map(line), '')
  const replayed = replaySchema(g, start)
  if (E.isLeft(replayed)) return replayed
  let schema = replayed.right
  let heads = start
  const compile = compileOperation({ dialect: d, alter: r.alter })
  const tx = d.capabilities.transactionalDdl
  for (const step of steps) {
    const rev = step.revision
    const ops = step.direction === 'up' ? rev.upgrade : rev.downgrade
    const next = afterStep(g, heads, step)
    out.push(`-- Running ${step.direction === 'up' ? 'upgrade' : 'downgrade'} ${rev.id}: ${rev.message}`)
    const guard = r.rebuildGuard !== undefined && (typeof ops === 'function' || ops.some((o) => mayRebuild(r.alter, o))) ? r.rebuildGuard : undefined
    if (guard) out.push(...guard.before.map(line))
    if (tx) out.push(...d.transaction.begin(undefined).map((s) => s + ';'))
    if (typeof ops === 'function') out.push('-- (data migration written as an effect: runs only online)')
    else
      for (const o of ops) {
        if (o._tag === 'Run') {
          out.push(`-- (data migration "${o.description}": runs only online)`)
          continue
        }
        const c = compile(schema, o)
        if (E.isLeft(c)) return E.left({ _tag: 'MigrationError', revision: rev.id, message: `offline: ${c.left._tag === 'InvalidStatement' || c.left._tag === 'MigrationError' ? c.left.message : c.left._tag}` })
        out.push(...c.right.statements.map(line))
        schema = c.right.schema
      }
    const v = writeVersions(d, next)
    if (E.isLeft(v)) return v
    out.push(...v.right.map(line))
    if (tx) out.push(d.transaction.commit + ';')
    if (guard) out.push(...guard.after.map(line))
    out.push('')
    heads = next
  }
  return E.right(out.join('\n'))
}
