/**
 * The CLI's configuration: `athanor.config.json` or `athanor.config.ts` (default export) in
 * the working directory, or the file given with `--config`. Paths in it are relative to the
 * file. The URL comes from `--url`, then `ATHANOR_URL`, then the file.
 *
 * @category cli
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { DbError } from '../effects/DbError.js'

/** The resolved configuration. @category cli */
export interface Config {
  /** The config file, when one was found. */
  readonly file?: string
  readonly url?: string
  /** Absolute path of the migrations folder. */
  readonly migrations: string
  /** Absolute path of the models module. */
  readonly models: string
}

/** The config file names looked for, in order. @category cli */
export const configFiles: ReadonlyArray<string> = ['athanor.config.json', 'athanor.config.ts', 'athanor.config.mjs', 'athanor.config.js']

const configError = (message: string): DbError => ({ _tag: 'ConfigError', message })

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v)

const readFile = (file: string): TE.TaskEither<DbError, unknown> =>
  file.endsWith('.json')
    ? TE.fromEither(
        E.tryCatch(
          () => JSON.parse(readFileSync(file, 'utf8')) as unknown,
          (e) => configError(`${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`),
        ),
      )
    : TE.tryCatch(
        async () => {
          const m = (await import(pathToFileURL(file).href)) as Record<string, unknown>
          return m['default'] ?? m
        },
        (e) => configError(`cannot load ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`),
      )

/** Finds and reads the configuration. @category cli */
export const loadConfig = (cwd: string, explicit: string | undefined, urlFlag: string | undefined, env: NodeJS.ProcessEnv): TE.TaskEither<DbError, Config> => async () => {
  const file = explicit !== undefined ? resolve(cwd, explicit) : configFiles.map((f) => resolve(cwd, f)).find((f) => existsSync(f))
  if (explicit !== undefined && file !== undefined && !existsSync(file)) return E.left(configError(`config file ${explicit} does not exist`))
  let raw: Readonly<Record<string, unknown>> = {}
  if (file !== undefined) {
    const r = await readFile(file)()
    if (E.isLeft(r)) return r
    if (!isRecord(r.right)) return E.left(configError(`${file} must contain an object`))
    raw = r.right
  }
  for (const k of ['url', 'migrations', 'models'])
    if (raw[k] !== undefined && typeof raw[k] !== 'string') return E.left(configError(`"${k}" in ${file ?? 'the config'} must be a string`))
  const base = file === undefined ? cwd : dirname(file)
  const envUrl = env['ATHANOR_URL'] !== undefined && env['ATHANOR_URL'] !== '' ? env['ATHANOR_URL'] : undefined
  const url = urlFlag ?? envUrl ?? (raw['url'] as string | undefined)
  return E.right({
    ...(file === undefined ? {} : { file }),
    ...(url === undefined ? {} : { url }),
    migrations: resolve(base, (raw['migrations'] as string | undefined) ?? 'migrations'),
    models: resolve(base, (raw['models'] as string | undefined) ?? 'models.ts'),
  })
}
