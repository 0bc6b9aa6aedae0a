/**
 * The `athanor` commands: the table of specs and their implementations. Each returns an exit
 * code; failures are DbError values turned into one line by `main`.
 *
 * @category cli
 */
import * as E from 'fp-ts/lib/Either.js'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { TableDef } from '../algebra/ast.js'
import { createEngine } from '../createEngine.js'
import type { DbError } from '../effects/DbError.js'
import type { Engine } from '../effects/Engine.js'
import type { Reflector } from '../effects/Reflector.js'
import { diffSchemas, type SchemaDiff, undetectable } from '../migrations/diff.js'
import { loadModels, loadRevisions, newRevisionId } from '../migrations/files.js'
import { offlineSql } from '../migrations/offline.js'
import { describeOperation, renderRevision, revisionFileName } from '../migrations/render.js'
import { buildGraph, type Graph, resolve } from '../migrations/Revision.js'
import { currentRevisions, downgrade, downgradePlan, type Progress, upgrade, upgradePlan } from '../migrations/runner.js'
import { VERSION_TABLE } from '../migrations/versionTable.js'
import type { CommandSpec, Parsed } from './args.js'
import type { Config } from './config.js'
import { formatSchema } from './inspect.js'
import { reflectorFor } from './reflectors.js'

/** Where commands write. @category cli */
export interface Io {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
  readonly cwd: string
}

/** A command's result: an exit code, or an error for `main` to print. @category cli */
export type Outcome = E.Either<DbError, number>

const sqlOpt = { name: 'sql', description: 'offline mode: print the SQL instead of running it' }
const fromOpt = { name: 'from', value: 'revision', description: 'offline mode: the revision the database is at (default: base / the heads)' }

/** The command table. @category cli */
export const commands: ReadonlyArray<CommandSpec> = [
  {
    name: 'init', summary: 'create athanor.config.json and the migrations folder', args: '', minArgs: 0, maxArgs: 0,
    options: [
      { name: 'migrations', value: 'dir', description: 'migrations folder (default: migrations)' },
      { name: 'models', value: 'file', description: 'models module exporting tables/entities/metadata (default: models.ts)' },
    ],
  },
  {
    name: 'revision', summary: 'create a new revision file', args: '', minArgs: 0, maxArgs: 0,
    options: [
      { name: 'message', short: 'm', value: 'text', description: 'what the revision does (required)' },
      { name: 'autogenerate', description: 'fill in operations by comparing the models with the database' },
      { name: 'head', value: 'revision', description: 'the parent revision (default: the single head)' },
    ],
  },
  { name: 'merge', summary: 'create a revision merging all heads', args: '', minArgs: 0, maxArgs: 0, options: [{ name: 'message', short: 'm', value: 'text', description: 'message (required)' }] },
  { name: 'upgrade', summary: 'upgrade the database to a revision (default: head)', args: '[revision]', minArgs: 0, maxArgs: 1, options: [sqlOpt, fromOpt], details: 'revision: head, heads, an id or a unique prefix of one.' },
  { name: 'downgrade', summary: 'downgrade the database by -n revisions or to a revision', args: '<revision|-n>', minArgs: 1, maxArgs: 1, options: [sqlOpt, fromOpt], details: 'revision: -1, -2, …, base, an id or a unique prefix of one.' },
  { name: 'current', summary: 'show the revision(s) the database is at', args: '', minArgs: 0, maxArgs: 0, options: [] },
  { name: 'history', summary: 'list the revisions, newest first', args: '', minArgs: 0, maxArgs: 0, options: [] },
  { name: 'heads', summary: 'list the head revisions', args: '', minArgs: 0, maxArgs: 0, options: [] },
  { name: 'check', summary: 'exit 1 when the models and the database differ', args: '', minArgs: 0, maxArgs: 0, options: [] },
  { name: 'inspect', summary: 'print the reflected schema of the database', args: '[table...]', minArgs: 0, maxArgs: 100, options: [{ name: 'json', description: 'print JSON' }] },
]

const configError = (message: string): DbError => ({ _tag: 'ConfigError', message })

const withEngine = async (cfg: Config, f: (engine: Engine, reflector: Reflector) => Promise<Outcome>): Promise<Outcome> => {
  if (cfg.url === undefined) return E.left(configError('no database URL: set ATHANOR_URL, pass --url, or add "url" to athanor.config.json'))
  const engine = createEngine(cfg.url, { pool: { size: 1 } })
  if (E.isLeft(engine)) return engine
  const reflector = reflectorFor(engine.right.dialect)
  try {
    if (reflector === undefined) return E.left(configError(`no schema support for ${engine.right.dialect.name}`))
    return await f(engine.right, reflector)
  } finally {
    await engine.right.dispose()
  }
}

const graphOf = async (cfg: Config): Promise<E.Either<DbError, Graph>> => {
  const revs = await loadRevisions(cfg.migrations)()
  return E.isLeft(revs) ? revs : buildGraph(revs.right)
}

const progress = (io: Io) => (p: Progress): void => {
  const r = p.step.revision
  const before = r.parents.join('+') || '(base)'
  if (p._tag === 'Begin')
    io.err(`[${p.index + 1}/${p.total}] ${p.step.direction === 'up' ? `upgrade ${before} -> ${r.id}` : `downgrade ${r.id} -> ${before}`}: ${r.message}`)
  else if (p._tag === 'Statement' && p.index > 0 && p.index % 25 === 0) io.err(`      ${p.index} statements…`)
  else if (p._tag === 'End') io.err(`      done in ${Math.round(p.ms)} ms`)
}

const diffWith = async (cfg: Config, engine: Engine, reflector: Reflector): Promise<E.Either<DbError, SchemaDiff>> => {
  const models = await loadModels(cfg.models)()
  if (E.isLeft(models)) return models
  const reflected = await reflector.reflect(engine)()
  if (E.isLeft(reflected)) return reflected
  return E.right(diffSchemas(models.right.map(reflector.normalize), reflected.right.filter((t: TableDef) => t.name !== VERSION_TABLE), models.right))
}

const init = (p: Parsed, cfg: Config, io: Io): Outcome => {
  const file = join(io.cwd, 'athanor.config.json')
  if (cfg.file !== undefined) return E.left(configError(`${relative(io.cwd, cfg.file) || cfg.file} already exists`))
  const migrations = typeof p.options['migrations'] === 'string' ? p.options['migrations'] : 'migrations'
  const models = typeof p.options['models'] === 'string' ? p.options['models'] : 'models.ts'
  const dir = join(io.cwd, migrations)
  if (existsSync(dir) && readdirSync(dir).length > 0) return E.left(configError(`${migrations} already exists and is not empty`))
  mkdirSync(dir, { recursive: true })
  const url = typeof p.options['url'] === 'string' ? { url: p.options['url'] } : {}
  writeFileSync(file, JSON.stringify({ ...url, migrations, models }, null, 2) + '\n')
  io.out(`created athanor.config.json and ${migrations}/`)
  if (!('url' in url)) io.out('set the database URL with ATHANOR_URL or "url" in athanor.config.json')
  return E.right(0)
}

const message = (p: Parsed): E.Either<DbError, string> => {
  const m = p.options['message']
  return typeof m === 'string' && m.trim() !== '' ? E.right(m.trim()) : E.left(configError(`"${p.command.name}" needs a message: -m "…"`))
}

const writeRevision = (cfg: Config, io: Io, src: Parameters<typeof renderRevision>[0]): void => {
  const path = join(cfg.migrations, revisionFileName(src.id, src.message))
  writeFileSync(path, renderRevision(src))
  io.out(`created ${relative(io.cwd, path)}`)
}

const revision = async (p: Parsed, cfg: Config, io: Io): Promise<Outcome> => {
  const msg = message(p)
  if (E.isLeft(msg)) return msg
  const g = await graphOf(cfg)
  if (E.isLeft(g)) return g
  const head = typeof p.options['head'] === 'string' ? resolve(g.right, p.options['head']) : resolve(g.right, 'head')
  if (E.isLeft(head)) return head
  const parents = head.right
  const base = { id: newRevisionId(), parents, message: msg.right, createdAt: new Date() }
  if (p.options['autogenerate'] !== true) {
    writeRevision(cfg, io, { ...base, upgrade: [], downgrade: [], notes: [], autogenerated: false })
    return E.right(0)
  }
  return withEngine(cfg, async (engine, reflector) => {
    const cur = await currentRevisions(engine)()
    if (E.isLeft(cur)) return cur
    const want = [...g.right.heads].sort().join(',')
    if (cur.right.join(',') !== want)
      return E.left({ _tag: 'MigrationError', revision: cur.right.join(',') || 'base', message: `the database is not up to date (at ${cur.right.join(', ') || 'base'}, heads ${want || 'none'}): run "athanor upgrade" first` })
    const d = await diffWith(cfg, engine, reflector)
    if (E.isLeft(d)) return d
    const notes = [...undetectable, ...d.right.notes]
    for (const n of d.right.notes) io.err(`warning: ${n}`)
    io.err('warning: autogenerate does not detect renames (they appear as drop + add); review the file')
    for (const o of d.right.ops) io.out(`  detected: ${describeOperation(o)}`)
    if (d.right.ops.length === 0) io.out('no changes detected')
    writeRevision(cfg, io, { ...base, upgrade: d.right.ops, downgrade: d.right.downgrade, notes, autogenerated: true })
    return E.right(0)
  })
}

const merge = async (p: Parsed, cfg: Config, io: Io): Promise<Outcome> => {
  const msg = message(p)
  if (E.isLeft(msg)) return msg
  const g = await graphOf(cfg)
  if (E.isLeft(g)) return g
  if (g.right.heads.length < 2) return E.left(configError(`there is nothing to merge: ${g.right.heads.length} head(s)`))
  writeRevision(cfg, io, { id: newRevisionId(), parents: g.right.heads, message: msg.right, upgrade: [], downgrade: [], notes: [], createdAt: new Date(), autogenerated: false })
  return E.right(0)
}

const move = async (p: Parsed, cfg: Config, io: Io, direction: 'up' | 'down'): Promise<Outcome> => {
  const g = await graphOf(cfg)
  if (E.isLeft(g)) return g
  const target = p.args[0] ?? 'head'
  const plan = direction === 'up' ? upgradePlan(g.right, target) : downgradePlan(g.right, target)
  if (p.options['sql'] === true) {
    const from = typeof p.options['from'] === 'string' ? resolve(g.right, p.options['from']) : E.right(direction === 'up' ? [] : g.right.heads)
    if (E.isLeft(from)) return from
    if (cfg.url === undefined) return E.left(configError('offline mode needs a URL to pick the dialect (e.g. ATHANOR_URL=postgres://…)'))
    const engine = createEngine(cfg.url)
    if (E.isLeft(engine)) return engine
    try {
      const reflector = reflectorFor(engine.right.dialect)
      if (reflector === undefined) return E.left(configError(`no schema support for ${engine.right.dialect.name}`))
      const steps = plan(from.right)
      if (E.isLeft(steps)) return steps
      const sql = offlineSql(engine.right.dialect, reflector, g.right, steps.right, from.right)
      if (E.isLeft(sql)) return sql
      io.out(sql.right)
      return E.right(0)
    } finally {
      await engine.right.dispose()
    }
  }
  return withEngine(cfg, async (engine, reflector) => {
    const env = { engine, reflector, graph: g.right, onProgress: progress(io) }
    const r = direction === 'up' ? await upgrade(env, target)() : await downgrade(env, target)()
    if (E.isLeft(r)) return r
    if (r.right.length === 0) io.out('nothing to do: the database is already there')
    const cur = await currentRevisions(engine)()
    if (E.isLeft(cur)) return cur
    io.out(`database at ${cur.right.join(', ') || 'base'}`)
    return E.right(0)
  })
}

const current = (cfg: Config, io: Io): Promise<Outcome> =>
  withEngine(cfg, async (engine) => {
    const g = await graphOf(cfg)
    const cur = await currentRevisions(engine)()
    if (E.isLeft(cur)) return cur
    if (cur.right.length === 0) io.out('(base): no revision applied')
    for (const id of cur.right) {
      const rev = E.isRight(g) ? g.right.revisions.get(id) : undefined
      const isHead = E.isRight(g) && g.right.heads.includes(id)
      io.out(`${id}${isHead ? ' (head)' : ''}${rev ? ': ' + rev.message : E.isRight(g) ? ' (unknown to the migrations folder)' : ''}`)
    }
    return E.right(0)
  })

const history = async (cfg: Config, io: Io, headsOnly: boolean): Promise<Outcome> => {
  const g = await graphOf(cfg)
  if (E.isLeft(g)) return g
  const ids = headsOnly ? g.right.heads : [...g.right.order].reverse()
  if (ids.length === 0) io.out('no revisions')
  for (const id of ids) {
    const r = g.right.revisions.get(id)
    if (r === undefined) continue
    const tags = [g.right.heads.includes(id) ? 'head' : '', r.parents.length > 1 ? 'merge' : '', (g.right.children.get(id)?.length ?? 0) > 1 ? 'branchpoint' : ''].filter((t) => t !== '')
    io.out(headsOnly ? `${id}: ${r.message}` : `${r.parents.join(', ') || '<base>'} -> ${id}${tags.length > 0 ? ' (' + tags.join(', ') + ')' : ''}: ${r.message}`)
  }
  return E.right(0)
}

const check = (cfg: Config, io: Io): Promise<Outcome> =>
  withEngine(cfg, async (engine, reflector) => {
    const d = await diffWith(cfg, engine, reflector)
    if (E.isLeft(d)) return d
    if (d.right.ops.length === 0) {
      io.out('no changes: the database matches the models')
      return E.right(0)
    }
    io.out(`the database differs from the models (${d.right.ops.length} change(s)):`)
    for (const o of d.right.ops) io.out(`  ${describeOperation(o)}`)
    return E.right(1)
  })

const inspect = (p: Parsed, cfg: Config, io: Io): Promise<Outcome> =>
  withEngine(cfg, async (engine, reflector) => {
    const r = await reflector.reflect(engine)()
    if (E.isLeft(r)) return r
    const tables = p.args.length === 0 ? r.right : r.right.filter((t) => p.args.includes(t.name))
    const missing = p.args.filter((a) => !r.right.some((t) => t.name === a))
    if (missing.length > 0) return E.left(configError(`no table named ${missing.join(', ')}`))
    io.out(p.options['json'] === true ? JSON.stringify(tables, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v), 2) : formatSchema(tables))
    return E.right(0)
  })

/** Runs a parsed command. @category cli */
export const runCommand = (p: Parsed, cfg: Config, io: Io): Promise<Outcome> => {
  switch (p.command.name) {
    case 'init':
      return Promise.resolve(init(p, cfg, io))
    case 'revision':
      return revision(p, cfg, io)
    case 'merge':
      return merge(p, cfg, io)
    case 'upgrade':
      return move(p, cfg, io, 'up')
    case 'downgrade':
      return move(p, cfg, io, 'down')
    case 'current':
      return current(cfg, io)
    case 'history':
      return history(cfg, io, false)
    case 'heads':
      return history(cfg, io, true)
    case 'check':
      return check(cfg, io)
    case 'inspect':
      return inspect(p, cfg, io)
    default:
      return Promise.resolve(E.left(configError(`unknown command ${p.command.name}`)))
  }
}
