/**
 * Migration files on disk: loading revision modules from a folder (TypeScript needs a loader
 * such as tsx, which the `athanor` bin registers) and loading a models module's tables.
 *
 * @category migrations
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { join, resolve as resolvePath } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { TableDef } from '../algebra/ast.js'
import type { DbError } from '../effects/DbError.js'
import type { Revision } from './Revision.js'

const configError = (message: string): DbError => ({ _tag: 'ConfigError', message })

/** A fresh 12-hex-digit revision id. @category migrations */
export const newRevisionId = (): string => randomBytes(6).toString('hex')

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null

const isSteps = (v: unknown): boolean => typeof v === 'function' || (Array.isArray(v) && v.every((o) => isRecord(o) && typeof o['_tag'] === 'string'))

/** Validates what a revision module exports. @category migrations */
export const toRevision = (mod: unknown, file: string): E.Either<DbError, Revision> => {
  const m = isRecord(mod) && isRecord(mod['default']) ? mod['default'] : mod
  if (!isRecord(m)) return E.left(configError(`${file}: a revision module must export { id, parents, message, upgrade, downgrade }`))
  const { id, parents, message, upgrade, downgrade } = m
  if (typeof id !== 'string' || id === '') return E.left(configError(`${file}: the revision has no string id`))
  if (!Array.isArray(parents) || !parents.every((p) => typeof p === 'string')) return E.left(configError(`${file}: parents must be an array of revision ids`))
  if (!isSteps(upgrade) || !isSteps(downgrade)) return E.left(configError(`${file}: upgrade and downgrade must be arrays of operations or functions`))
  return E.right({
    id,
    parents: parents as ReadonlyArray<string>,
    message: typeof message === 'string' ? message : '',
    upgrade: upgrade as Revision['upgrade'],
    downgrade: downgrade as Revision['downgrade'],
    file,
  })
}

const importFile = (path: string): TE.TaskEither<DbError, unknown> =>
  TE.tryCatch(
    () => import(pathToFileURL(resolvePath(path)).href) as Promise<unknown>,
    (e) => {
      const m = e instanceof Error ? e.message.split('\n')[0] : String(e)
      const hint = /require\(\) ES Module|Cannot use import statement/.test(m) ? ' (hint: add "type": "module" to the project\'s package.json)' : ''
      return configError(`cannot load ${path}: ${m}${hint}`)
    },
  )

const isModuleFile = (f: string): boolean => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('.')

/** Loads every revision module in `dir`, in file-name order. @category migrations */
export const loadRevisions = (dir: string): TE.TaskEither<DbError, ReadonlyArray<Revision>> => async () => {
  if (!existsSync(dir)) return E.left(configError(`the migrations folder ${dir} does not exist (run "athanor init")`))
  const files = readdirSync(dir).filter(isModuleFile).sort()
  const out: Revision[] = []
  for (const f of files) {
    const path = join(dir, f)
    const mod = await importFile(path)()
    if (E.isLeft(mod)) return mod
    const r = toRevision(mod.right, path)
    if (E.isLeft(r)) return r
    out.push(r.right)
  }
  return E.right(out)
}

interface HasDefinition {
  readonly definition: () => TableDef
}

const isTable = (v: unknown): v is HasDefinition & { readonly _tag: 'Table'; readonly refName: string; readonly name: string } =>
  isRecord(v) && v['_tag'] === 'Table' && typeof v['definition'] === 'function' && v['refName'] === v['name']

const tablesIn = (v: unknown, out: Map<string, TableDef>, depth: number): void => {
  if (depth > 2 || !isRecord(v)) return
  if (isTable(v)) {
    const d = v.definition()
    out.set(d.name, d)
    return
  }
  const meta = v['$']
  if (isRecord(meta) && isTable(meta['table'])) return tablesIn(meta['table'], out, depth)
  if (Array.isArray(v['tables'])) for (const t of v['tables']) tablesIn(t, out, depth + 1)
  if (Array.isArray(v)) for (const t of v) tablesIn(t, out, depth + 1)
}

/**
 * The tables a models module declares: exported tables, entities (their `$.table`),
 * metadata values (`{ tables }`) and arrays of these, including under `default`.
 *
 * @category migrations
 */
export const loadModels = (path: string): TE.TaskEither<DbError, ReadonlyArray<TableDef>> => async () => {
  if (!existsSync(path)) return E.left(configError(`the models module ${path} does not exist (set "models" in athanor.config.json)`))
  const mod = await importFile(path)()
  if (E.isLeft(mod)) return mod
  const out = new Map<string, TableDef>()
  try {
    if (isRecord(mod.right)) for (const v of Object.values(mod.right)) tablesIn(v, out, 0)
  } catch (e) {
    return E.left(configError(`cannot read the tables of ${path}: ${e instanceof Error ? e.message : String(e)}`))
  }
  return E.right([...out.values()])
}
