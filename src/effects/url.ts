/**
 * Engine URLs: `sqlite::memory:`, `sqlite:path`, `sqlite:///abs/path`,
 * `postgres://user:pass@host:port/db?options` (also `postgresql://`), `mysql://…` and
 * `mariadb://…`, parsed into a typed configuration. Errors name the part that is wrong and
 * never repeat the URL's user information (so a password cannot leak into a log).
 *
 * @category effects
 */
import * as E from 'fp-ts/lib/Either.js'
import type { DbError } from './DbError.js'

/** A SQLite database: a file or an in-memory database. @category effects */
export interface SqliteConfig {
  readonly _tag: 'Sqlite'
  /** The file name as given (relative or absolute), or `':memory:'`. */
  readonly filename: string
  readonly memory: boolean
  /** The query-string options (`?readonly=1&timeout=5000`). */
  readonly options: Readonly<Record<string, string>>
}

/** A networked database (PostgreSQL or MySQL/MariaDB). @category effects */
export interface ServerConfig<Tag extends 'Postgres' | 'Mysql'> {
  readonly _tag: Tag
  /** The scheme as written, lower-cased (`postgresql`, `mariadb`, …). */
  readonly scheme: string
  /** Absent: the driver's default (local socket or localhost). Percent-decoded. */
  readonly host?: string
  readonly port?: number
  readonly user?: string
  readonly password?: string
  readonly database?: string
  /** The query-string options (`?sslmode=require`), decoded. */
  readonly options: Readonly<Record<string, string>>
}

/** A PostgreSQL server. @category effects */
export type PostgresConfig = ServerConfig<'Postgres'>

/** A MySQL or MariaDB server (`mariadb` is true for the `mariadb://` scheme). @category effects */
export interface MysqlConfig extends ServerConfig<'Mysql'> {
  readonly mariadb: boolean
}

/** What an engine URL describes. @category effects */
export type EngineConfig = SqliteConfig | PostgresConfig | MysqlConfig

/** The schemes {@link parseUrl} accepts. @category effects */
export const schemes = ['sqlite', 'postgres', 'postgresql', 'mysql', 'mariadb'] as const

const configError = (message: string): DbError => ({ _tag: 'ConfigError', message })

const decode = (s: string, what: string): E.Either<DbError, string> => {
  try {
    return E.right(decodeURIComponent(s))
  } catch {
    return E.left(configError(`the ${what} has malformed percent-encoding`))
  }
}

const parseOptions = (query: string | undefined, scheme: string): E.Either<DbError, Readonly<Record<string, string>>> => {
  const out: Record<string, string> = {}
  if (query === undefined || query === '') return E.right(out)
  for (const part of query.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const rawKey = eq < 0 ? part : part.slice(0, eq)
    const rawValue = eq < 0 ? '' : part.slice(eq + 1)
    const key = decode(rawKey.replaceAll('+', ' '), `${scheme} URL option name`)
    if (E.isLeft(key)) return key
    const value = decode(rawValue.replaceAll('+', ' '), `${scheme} URL option '${key.right}'`)
    if (E.isLeft(value)) return value
    if (key.right === '') return E.left(configError(`the ${scheme} URL has an option with an empty name`))
    out[key.right] = value.right
  }
  return E.right(out)
}

const sqliteUsage = 'use sqlite::memory:, sqlite:relative/path.db or sqlite:///absolute/path.db'

const parseSqlite = (rest: string): E.Either<DbError, SqliteConfig> => {
  const q = rest.indexOf('?')
  const pathPart = q < 0 ? rest : rest.slice(0, q)
  const opts = parseOptions(q < 0 ? undefined : rest.slice(q + 1), 'sqlite')
  if (E.isLeft(opts)) return opts
  let filename: string
  if (pathPart.startsWith('//')) {
    // sqlite:///abs/path (empty authority); any host is an error
    const afterAuthority = pathPart.slice(2)
    if (!afterAuthority.startsWith('/'))
      return E.left(configError(`a sqlite URL cannot name a host; ${sqliteUsage}`))
    filename = afterAuthority === '/:memory:' ? ':memory:' : afterAuthority
  } else {
    filename = pathPart
  }
  if (filename === '' || filename === '/') return E.left(configError(`the sqlite URL has no database path; ${sqliteUsage}`))
  const decoded = decode(filename, 'sqlite path')
  if (E.isLeft(decoded)) return decoded
  const memory = decoded.right === ':memory:'
  return E.right({ _tag: 'Sqlite', filename: decoded.right, memory, options: opts.right })
}

const hostPattern = /^[A-Za-z0-9._~%-]+$/
const ipv6Pattern = /^\[[0-9A-Fa-f:.]+\]$/

const parseServer = (scheme: string, rest: string): E.Either<DbError, PostgresConfig | MysqlConfig> => {
  const what = `${scheme} URL`
  if (!rest.startsWith('//')) return E.left(configError(`a ${what} must start with ${scheme}://`))
  const body = rest.slice(2)
  // The authority ends at the first '/' or '?' after the last '@' (a password may hold '/').
  const at = body.lastIndexOf('@', firstIndexOf(body, ['?'], body.length))
  const afterUser = at < 0 ? 0 : at + 1
  const authEnd = firstIndexOf(body, ['/', '?'], body.length, afterUser)
  const userinfo = at < 0 ? undefined : body.slice(0, at)
  const hostPort = body.slice(afterUser, authEnd)
  const tail = body.slice(authEnd)
  const qi = tail.indexOf('?')
  const path = qi < 0 ? tail : tail.slice(0, qi)
  const query = qi < 0 ? undefined : tail.slice(qi + 1)

  let user: string | undefined
  let password: string | undefined
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':')
    const u = decode(colon < 0 ? userinfo : userinfo.slice(0, colon), `${what} user name`)
    if (E.isLeft(u)) return u
    if (u.right === '') return E.left(configError(`the ${what} has credentials but an empty user name`))
    user = u.right
    if (colon >= 0) {
      const p = decode(userinfo.slice(colon + 1), `${what} password`)
      if (E.isLeft(p)) return p
      password = p.right
    }
  }

  let host: string | undefined
  let port: number | undefined
  if (hostPort !== '') {
    const m = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort)
    const h = m?.[1] ?? ''
    const p = m?.[2]
    if (h !== '') {
      if (!(ipv6Pattern.test(h) || hostPattern.test(h)))
        return E.left(configError(`the ${what} has an invalid host name (allowed: letters, digits, '.', '-', '_', '%', or [IPv6])`))
      const dh = decode(h, `${what} host`)
      if (E.isLeft(dh)) return dh
      host = ipv6Pattern.test(h) ? h.slice(1, -1) : dh.right
    }
    if (p !== undefined) {
      if (!/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535)
        return E.left(configError(`the ${what} has an invalid port ${JSON.stringify(p)} (expected 1-65535)`))
      port = Number(p)
    }
  } else if (userinfo !== undefined) {
    return E.left(configError(`the ${what} has credentials but no host`))
  }

  let database: string | undefined
  if (path !== '' && path !== '/') {
    const name = path.slice(1)
    if (name.includes('/')) return E.left(configError(`the ${what} has a database path with more than one segment`))
    const d = decode(name, `${what} database name`)
    if (E.isLeft(d)) return d
    database = d.right
  }
  const opts = parseOptions(query, scheme)
  if (E.isLeft(opts)) return opts
  const base = { scheme, host, port, user, password, database, options: opts.right }
  return E.right(
    scheme === 'postgres' || scheme === 'postgresql'
      ? { _tag: 'Postgres', ...base }
      : { _tag: 'Mysql', mariadb: scheme === 'mariadb', ...base },
  )
}

const firstIndexOf = (s: string, chars: ReadonlyArray<string>, otherwise: number, from = 0): number => {
  let best = otherwise
  for (const c of chars) {
    const i = s.indexOf(c, from)
    if (i >= 0 && i < best) best = i
  }
  return best
}

/**
 * Parses an engine URL. A malformed URL or an unknown scheme is a `Left(ConfigError)` that
 * names the faulty part; messages never contain the user information.
 *
 * @category effects
 * @example
 * parseUrl('postgres://app:secret@db:5432/shop?sslmode=require')
 * // Right({ _tag: 'Postgres', host: 'db', port: 5432, user: 'app', password: 'secret', database: 'shop', … })
 */
export const parseUrl = (url: string): E.Either<DbError, EngineConfig> => {
  const trimmed = url.trim()
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(trimmed)
  if (m === null) return E.left(configError(`the engine URL has no scheme; expected one of ${schemes.join(', ')}`))
  const scheme = m[1].toLowerCase()
  const rest = trimmed.slice(m[0].length)
  switch (scheme) {
    case 'sqlite':
      return parseSqlite(rest)
    case 'postgres':
    case 'postgresql':
    case 'mysql':
    case 'mariadb':
      return parseServer(scheme, rest)
    default:
      return E.left(
        configError(`unknown engine URL scheme ${JSON.stringify(scheme.slice(0, 40))}; expected one of ${schemes.join(', ')}`),
      )
  }
}

/** The URL again with its password replaced by `***`, for logs. @category effects */
export const redactedUrl = (config: EngineConfig): string => {
  if (config._tag === 'Sqlite') return `sqlite:${config.filename}`
  const cred = config.user === undefined ? '' : `${encodeURIComponent(config.user)}${config.password === undefined ? '' : ':***'}@`
  const host = config.host === undefined ? '' : config.host.includes(':') ? `[${config.host}]` : config.host
  const port = config.port === undefined ? '' : `:${config.port}`
  const db = config.database === undefined ? '' : `/${encodeURIComponent(config.database)}`
  return `${config.scheme}://${cred}${host}${port}${db}`
}
