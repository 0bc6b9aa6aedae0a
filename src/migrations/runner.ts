/**
 * The runner: upgrades and downgrades along the revision graph. Each revision runs in its own
 * transaction where the dialect has transactional DDL, together with its version-table
 * update, so a failed revision leaves the database at the one before, and the failure is a
 * `MigrationError` naming the revision and the statement.
 *
 * @category migrations
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { Compiled } from '../compile/Compiled.js'
import type { Connection, Executor } from '../effects/Connection.js'
import { type DbError, describe } from '../effects/DbError.js'
import type { Engine } from '../effects/Engine.js'
import type { Reflector } from '../effects/Reflector.js'
import { type Schema, schemaOf } from './apply.js'
import { compileOperation, mayRebuild } from './compileOperation.js'
import type { Operation } from './Operation.js'
import { afterStep, type Graph, planDowngradeBy, planDowngradeTo, planUpgrade, resolve, type Step } from './Revision.js'
import { readVersions, runStatements, VERSION_TABLE, writeVersions } from './versionTable.js'

/** Progress of a run, for the CLI. @category migrations */
export type Progress =
  | { readonly _tag: 'Begin'; readonly step: Step; readonly index: number; readonly total: number }
  | { readonly _tag: 'Statement'; readonly step: Step; readonly sql: string; readonly index: number }
  | { readonly _tag: 'End'; readonly step: Step; readonly ms: number }

/** What the runner works with. @category migrations */
export interface RunnerEnv {
  readonly engine: Engine
  readonly reflector: Reflector
  readonly graph: Graph
  readonly onProgress?: (p: Progress) => void
}

const migrationError = (step: Step, e: DbError, statement?: string): DbError =>
  e._tag === 'MigrationError'
    ? e
    : {
        _tag: 'MigrationError',
        revision: step.revision.id,
        ...(statement === undefined ? {} : { statement }),
        message: `${step.direction === 'up' ? 'upgrade' : 'downgrade'} of ${step.revision.id} failed: ${describe(e)}`,
        cause: e,
      }

const reflectSchema = (r: Reflector, db: Executor): TE.TaskEither<DbError, Schema> =>
  TE.map((ts: ReadonlyArray<import('../algebra/ast.js').TableDef>) => schemaOf(ts.filter((t) => t.name !== VERSION_TABLE)))(r.reflect(db))

const runOne = (db: Executor, step: Step, sql: Compiled): TE.TaskEither<DbError, void> =>
  pipe(
    db.run(sql),
    TE.bimap(
      (e) => migrationError(step, e, sql.sql),
      () => undefined,
    ),
  )

const runOps = (env: RunnerEnv, db: Executor, step: Step, ops: ReadonlyArray<Operation>): TE.TaskEither<DbError, void> => async () => {
  const compile = compileOperation({ dialect: env.engine.dialect, alter: env.reflector.alter })
  let schema: Schema | undefined
  let n = 0
  for (const o of ops) {
    if (schema === undefined) {
      const s = await reflectSchema(env.reflector, db)()
      if (E.isLeft(s)) return E.left(migrationError(step, s.left))
      schema = s.right
    }
    if (o._tag === 'Run') {
      const r = await o.run(db)()
      if (E.isLeft(r)) return E.left(migrationError(step, r.left, `(data migration: ${o.description})`))
      schema = undefined
      continue
    }
    const c = compile(schema, o)
    if (E.isLeft(c)) return E.left(migrationError(step, c.left))
    for (const sql of c.right.statements) {
      env.onProgress?.({ _tag: 'Statement', step, sql: sql.sql, index: n++ })
      const r = await runOne(db, step, sql)()
      if (E.isLeft(r)) return r
    }
    schema = o._tag === 'Execute' ? undefined : c.right.schema
  }
  return E.right(undefined)
}

const stepsOf = (step: Step) => (step.direction === 'up' ? step.revision.upgrade : step.revision.downgrade)

const body = (env: RunnerEnv, step: Step, heads: ReadonlyArray<string>) => (db: Executor): TE.TaskEither<DbError, void> => {
  const steps = stepsOf(step)
  const work: TE.TaskEither<DbError, unknown> =
    typeof steps === 'function'
      ? pipe(
          steps(db),
          TE.mapLeft((e) => migrationError(step, e, '(data migration)')),
        )
      : runOps(env, db, step, steps)
  const guard = env.reflector.rebuildGuard
  return pipe(
    work,
    TE.chain(() =>
      guard === undefined
        ? TE.right(undefined)
        : pipe(
            db.execute(guard.verify),
            TE.chain((rows) =>
              rows.length === 0 ? TE.right(undefined) : TE.left<DbError, void>({ _tag: 'MigrationError', revision: step.revision.id, message: `${rows.length} foreign key violation(s) after the migration`, statement: guard.verify.sql }),
            ),
          ),
    ),
    TE.chain(() => TE.fromEither(writeVersions(env.engine.dialect, heads))),
    TE.chain((stmts) => pipe(runStatements(db, stmts), TE.mapLeft((e) => migrationError(step, e, stmts[0]?.sql)))),
  )
}

const needsGuard = (env: RunnerEnv, step: Step): boolean => {
  const steps = stepsOf(step)
  return env.reflector.rebuildGuard !== undefined && (typeof steps === 'function' || steps.some((o) => mayRebuild(env.reflector.alter, o) || o._tag === 'Execute' || o._tag === 'Run'))
}

const runStep = (env: RunnerEnv, conn: Connection, step: Step, heads: ReadonlyArray<string>): TE.TaskEither<DbError, void> => async () => {
  const guard = needsGuard(env, step) ? env.reflector.rebuildGuard : undefined
  if (guard !== undefined) {
    const b = await runStatements(conn, guard.before)()
    if (E.isLeft(b)) return E.left(migrationError(step, b.left, guard.before[0]?.sql))
  }
  try {
    const run = body(env, step, heads)
    return env.engine.dialect.capabilities.transactionalDdl ? await conn.transaction(run)() : await run(conn)()
  } finally {
    if (guard !== undefined) await runStatements(conn, guard.after)()
  }
}

/** Runs planned steps in order on one connection; returns the steps run. @category migrations */
export const runSteps = (env: RunnerEnv, plan: (current: ReadonlyArray<string>) => E.Either<DbError, ReadonlyArray<Step>>): TE.TaskEither<DbError, ReadonlyArray<Step>> =>
  env.engine.withConnection((conn) => async () => {
    const cur = await readVersions(conn, env.engine.dialect)()
    if (E.isLeft(cur)) return cur
    const steps = plan(cur.right)
    if (E.isLeft(steps)) return steps
    let heads = cur.right
    let i = 0
    for (const step of steps.right) {
      env.onProgress?.({ _tag: 'Begin', step, index: i++, total: steps.right.length })
      const t0 = performance.now()
      const next = afterStep(env.graph, heads, step)
      const r = await runStep(env, conn, step, next)()
      if (E.isLeft(r)) return r
      heads = next
      env.onProgress?.({ _tag: 'End', step, ms: performance.now() - t0 })
    }
    return E.right(steps.right)
  })

/** Checks that the database's recorded revisions exist in the graph. @category migrations */
export const checkKnown = (g: Graph, current: ReadonlyArray<string>): E.Either<DbError, ReadonlyArray<string>> => {
  const unknown = current.find((id) => !g.revisions.has(id))
  return unknown === undefined
    ? E.right(current)
    : E.left({ _tag: 'MigrationError', revision: unknown, message: `the database is at revision ${unknown}, which no migration file defines` })
}

/** The plan of `upgrade <target>`. @category migrations */
export const upgradePlan = (g: Graph, target: string) => (current: ReadonlyArray<string>): E.Either<DbError, ReadonlyArray<Step>> =>
  pipe(
    checkKnown(g, current),
    E.chain(() => resolve(g, target)),
    E.map((targets) => planUpgrade(g, current, targets)),
  )

/** The plan of `downgrade <target>`: `-n` (n revisions), `base`, or a revision to go back to. @category migrations */
export const downgradePlan = (g: Graph, target: string) => (current: ReadonlyArray<string>): E.Either<DbError, ReadonlyArray<Step>> => {
  const known = checkKnown(g, current)
  if (E.isLeft(known)) return known
  const n = /^-(\d+)$/.exec(target)
  if (n) return planDowngradeBy(g, current, Number(n[1]))
  return E.map((targets: ReadonlyArray<string>) => planDowngradeTo(g, current, targets))(resolve(g, target))
}

/** Upgrades to `target` (`head`, `heads`, a revision). @category migrations */
export const upgrade = (env: RunnerEnv, target: string): TE.TaskEither<DbError, ReadonlyArray<Step>> => runSteps(env, upgradePlan(env.graph, target))

/** Downgrades to `target` (`-n`, `base`, a revision). @category migrations */
export const downgrade = (env: RunnerEnv, target: string): TE.TaskEither<DbError, ReadonlyArray<Step>> => runSteps(env, downgradePlan(env.graph, target))

/** The revisions the database is at (creating the version table if needed). @category migrations */
export const currentRevisions = (engine: Engine): TE.TaskEither<DbError, ReadonlyArray<string>> => engine.withConnection((c) => readVersions(c, engine.dialect))
