/**
 * `createEngine(url, options)`: the entry point that turns an engine URL into an Engine,
 * through a small table from the URL's kind to a driver factory. Adding a database is one
 * entry in {@link drivers}.
 *
 * @category effects
 */
import * as E from 'fp-ts/lib/Either.js'
import { mysqlDriver, mysqlDriverConfig } from './dialects/mysql/driver.js'
import { postgresDriver, postgresDriverConfig } from './dialects/postgres/driver.js'
import { sqliteDriver } from './dialects/sqlite/driver.js'
import type { DbError } from './effects/DbError.js'
import type { Driver } from './effects/Driver.js'
import { createEngineFrom, type Engine, type EngineOptions } from './effects/Engine.js'
import { type EngineConfig, parseUrl } from './effects/url.js'

/** A driver factory for one kind of URL. @category effects */
export type DriverFactory<C extends EngineConfig> = (config: C) => E.Either<DbError, Driver>

/** The URL table: a config's `_tag` (from its scheme) to the factory of its driver. @category effects */
export type DriverTable = { readonly [K in EngineConfig['_tag']]?: DriverFactory<Extract<EngineConfig, { readonly _tag: K }>> }

const configError = (message: string): DbError => ({ _tag: 'ConfigError', message })

const knownOptions = (config: EngineConfig, allowed: ReadonlyArray<string>): E.Either<DbError, void> => {
  for (const k of Object.keys(config.options))
    if (!allowed.includes(k))
      return E.left(configError(`unknown ${config._tag.toLowerCase()} URL option ${JSON.stringify(k)} (known: ${allowed.join(', ') || 'none'})`))
  return E.right(undefined)
}

const flag = (v: string | undefined): boolean => v === '1' || v === 'true' || v === 'yes' || v === 'on'

/**
 * The drivers `createEngine` knows. `sqlite:` URLs accept `?readonly=1` and `?timeout=<ms>`.
 *
 * @category effects
 */
export const drivers: DriverTable = {
  Sqlite: (c) => {
    const ok = knownOptions(c, ['readonly', 'timeout'])
    if (E.isLeft(ok)) return ok
    const timeout = c.options.timeout
    if (timeout !== undefined && !/^\d+$/.test(timeout)) return E.left(configError(`the sqlite URL option timeout must be milliseconds, got ${JSON.stringify(timeout)}`))
    return E.right(
      sqliteDriver({
        filename: c.filename,
        readonly: flag(c.options.readonly),
        ...(timeout === undefined ? {} : { busyTimeoutMs: Number(timeout) }),
      }),
    )
  },
  /** `postgres://` URLs: options `schema`, `options`, `sslmode`, `application_name`, `connect_timeout`, `host`. */
  Postgres: (c) => E.map(postgresDriver)(postgresDriverConfig(c)),
  /** `mysql://` and `mariadb://` URLs: options `ssl`, `sslmode`, `connect_timeout`, `sql_mode`, `socket`, `prepared`. */
  Mysql: (c) => E.map(mysqlDriver)(mysqlDriverConfig(c)),
}

const checkOptions = (options: EngineOptions): E.Either<DbError, EngineOptions> => {
  const p = options.pool ?? {}
  const bad = (name: string, want: string, v: unknown): E.Either<DbError, EngineOptions> =>
    E.left(configError(`pool option ${name} must be ${want}, got ${String(v)}`))
  if (p.size !== undefined && !(Number.isInteger(p.size) && p.size >= 1)) return bad('size', 'an integer >= 1', p.size)
  if (p.maxOverflow !== undefined && !(Number.isInteger(p.maxOverflow) && p.maxOverflow >= 0))
    return bad('maxOverflow', 'an integer >= 0', p.maxOverflow)
  if (p.acquireTimeoutMs !== undefined && !(p.acquireTimeoutMs >= 0)) return bad('acquireTimeoutMs', '>= 0', p.acquireTimeoutMs)
  if (p.recycleSeconds !== undefined && !(p.recycleSeconds > 0)) return bad('recycleSeconds', '> 0', p.recycleSeconds)
  if (p.leakWarningMs !== undefined && !(p.leakWarningMs > 0)) return bad('leakWarningMs', '> 0', p.leakWarningMs)
  return E.right(options)
}

/**
 * Creates an Engine from a URL: `sqlite::memory:`, `sqlite:./app.db`, `sqlite:///abs/app.db`,
 * `postgres://user:pass@host:5432/db`, `mysql://…`, `mariadb://…`. A bad URL or option is a
 * `Left(ConfigError)` (never containing the password); nothing connects until first use.
 *
 * @category effects
 * @example
 * const engine = createEngine('sqlite::memory:', { echo: true })
 */
export const createEngine = (url: string, options: EngineOptions = {}, table: DriverTable = drivers): E.Either<DbError, Engine> => {
  const parsed = parseUrl(url)
  if (E.isLeft(parsed)) return parsed
  const config = parsed.right
  const factory = table[config._tag] as DriverFactory<EngineConfig> | undefined
  if (factory === undefined) return E.left(configError(`no driver is registered for ${config._tag} URLs`))
  const opts = checkOptions(options)
  if (E.isLeft(opts)) return opts
  const driver = factory(config)
  return E.isLeft(driver) ? driver : E.right(createEngineFrom(driver.right, opts.right))
}
