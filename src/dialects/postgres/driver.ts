/**
 * The PostgreSQL driver, over `pg` 8: one {@link DriverConnection} per `pg.Client` (never
 * `pg.Pool`; the Engine's own pool wraps {@link Driver.connect}).
 *
 * Raw values follow notes/CONVENTIONS.md: int8, numeric, date, time, timestamp,
 * timestamptz, json and jsonb arrive as their text (per-client type parsers, no global
 * mutation of `pg.types`), and every session runs with `TimeZone=UTC`.
 *
 * @category dialects
 */
import pg from 'pg'
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { Compiled } from '../../compile/Compiled.js'
import type { DbError } from '../../effects/DbError.js'
import type { Driver, DriverConnection, QueryResult, RawRow, RowBuilder } from '../../effects/Driver.js'
import * as support from '../../effects/driverSupport.js'
import { postgres } from './dialect.js'
import { classifyConnectError, classifyQueryError, isConnectionLost } from './errors.js'

/**
 * How to reach one PostgreSQL database.
 *
 * @category dialects
 */
export interface PostgresDriverConfig {
  /** Host name, IP address, or a Unix socket directory. Default `127.0.0.1`. */
  readonly host?: string
  /** Default 5432. */
  readonly port?: number
  /** Default `postgres`. */
  readonly user?: string
  readonly password?: string
  /** Default: the user name. */
  readonly database?: string
  /**
   * The session's `search_path`: one schema or a comma-separated list of plain identifiers
   * (`athanor_x1` or `app,public`). Set in the startup packet, so it costs no round trip.
   */
  readonly schema?: string
  /** Extra startup options (`-c name=value …`), appended after athanor's own. */
  readonly options?: string
  /** `true` for TLS with default verification, or `pg`'s TLS options. */
  readonly ssl?: boolean | Readonly<Record<string, unknown>>
  /** Give up opening a connection after this long (default 10 s). */
  readonly connectTimeoutMs?: number
  /** Shown in `pg_stat_activity`. Default `athanor`. */
  readonly applicationName?: string
}

/**
 * OIDs whose values stay text: int8, numeric, date, time, timestamp, timestamptz, json,
 * jsonb, interval, and the arrays of all of these (as their `{…}` literal: `pg` would
 * otherwise turn numeric[] into floats and timestamp[] into local-time Dates).
 */
const textOids: ReadonlySet<number> = new Set([
  20, 1700, 1082, 1083, 1114, 1184, 114, 3802, 1186,
  1016, 1231, 1182, 1183, 1115, 1185, 199, 3807, 1187,
])

const identity = (s: string): string => s

/** Per-client type parsers: {@link textOids} as text, the rest `pg`'s defaults. */
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    textOids.has(oid) && format !== 'binary'
      ? identity
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
}

const schemaList = /^[A-Za-z_][A-Za-z0-9_$]*(\s*,\s*[A-Za-z_][A-Za-z0-9_$]*)*$/

/** Describes the server without credentials, for messages. */
const targetOf = (c: PostgresDriverConfig): string =>
  `${c.host ?? '127.0.0.1'}:${c.port ?? 5432}/${c.database ?? c.user ?? 'postgres'}`

/** Validates a config and builds the `pg.Client` options. */
const clientConfig = (c: PostgresDriverConfig): E.Either<DbError, pg.ClientConfig> => {
  if (c.schema !== undefined && !schemaList.test(c.schema))
    return E.left({
      _tag: 'ConfigError',
      message: `PostgreSQL schema must be a comma-separated list of plain identifiers, got ${JSON.stringify(c.schema)}`,
    })
  const startup = [
    '-c TimeZone=UTC',
    ...(c.schema !== undefined ? [`-c search_path=${c.schema.replace(/\s+/g, '')}`] : []),
    ...(c.options !== undefined && c.options !== '' ? [c.options] : []),
  ].join(' ')
  return E.right({
    host: c.host ?? '127.0.0.1',
    port: c.port ?? 5432,
    user: c.user ?? 'postgres',
    ...(c.password !== undefined ? { password: c.password } : {}),
    database: c.database ?? c.user ?? 'postgres',
    options: startup,
    ...(c.ssl !== undefined ? { ssl: c.ssl as pg.ClientConfig['ssl'] } : {}),
    connectionTimeoutMillis: c.connectTimeoutMs ?? 10_000,
    application_name: c.applicationName ?? 'athanor',
    keepAlive: true,
    types: typeParsers,
  })
}

/**
 * The parts of a parsed engine URL a driver reads (defined in `src/effects/driverSupport.ts`).
 *
 * @category dialects
 */
export type ServerUrlParts = support.ServerUrlParts

/** URL options {@link postgresDriverConfig} understands. */
const knownPgOptions: ReadonlyArray<string> = ['schema', 'options', 'sslmode', 'application_name', 'connect_timeout', 'host']

/**
 * Builds a {@link PostgresDriverConfig} from a parsed `postgres://` URL. URL options:
 * `schema` (search_path), `options` (startup `-c …` options), `sslmode` (`disable`,
 * `prefer`, `require`, `verify-ca`, `verify-full`), `application_name`, `connect_timeout`
 * (seconds), `host` (e.g. a Unix socket directory). Unknown options are a ConfigError;
 * no message contains the password.
 *
 * @category dialects
 * @example
 * postgresDriverConfig({ host: 'db', database: 'app', options: { schema: 'app' } })
 */
export const postgresDriverConfig = (url: ServerUrlParts): E.Either<DbError, PostgresDriverConfig> => {
  const q = url.options
  const known = support.checkKnownOptions('PostgreSQL', q, knownPgOptions)
  if (E.isLeft(known)) return known
  const ssl = support.sslOfMode(q['sslmode'], ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'])
  if (E.isLeft(ssl)) return ssl
  const timeout = support.connectTimeoutMsOf(q['connect_timeout'])
  if (E.isLeft(timeout)) return timeout
  const host = q['host'] ?? url.host
  return E.right({
    ...(host !== undefined ? { host } : {}),
    ...(url.port !== undefined ? { port: url.port } : {}),
    ...(url.user !== undefined ? { user: url.user } : {}),
    ...(url.password !== undefined ? { password: url.password } : {}),
    ...(url.database !== undefined ? { database: url.database } : {}),
    ...(q['schema'] !== undefined ? { schema: q['schema'] } : {}),
    ...(q['options'] !== undefined ? { options: q['options'] } : {}),
    ...(ssl.right !== undefined ? { ssl: ssl.right } : {}),
    ...(q['application_name'] !== undefined ? { applicationName: q['application_name'] } : {}),
    ...(timeout.right !== undefined ? { connectTimeoutMs: timeout.right } : {}),
  })
}

/** Rows affected: DML counts; 0 for queries and everything else. */
const affected = (r: pg.QueryResult): number =>
  r.command === 'INSERT' || r.command === 'UPDATE' || r.command === 'DELETE' || r.command === 'MERGE' || r.command === 'COPY'
    ? (r.rowCount ?? 0)
    : 0

/** `pg` returns an array of results for a multi-statement simple query: keep the last. */
const lastResult = (r: pg.QueryResult | ReadonlyArray<pg.QueryResult>): pg.QueryResult =>
  Array.isArray(r) ? (r[r.length - 1] as pg.QueryResult) : (r as pg.QueryResult)

/** Whether a statement can be read through a cursor (DECLARE takes only SELECT, VALUES, TABLE, WITH … SELECT). */
const cursorable = (stmt: Compiled): boolean =>
  stmt.kind === 'query' || (stmt.kind === 'raw' && /^\s*(\(\s*)*(SELECT|VALUES|TABLE|WITH)\b/i.test(stmt.sql) && !/\b(INSERT|UPDATE|DELETE|MERGE)\b/i.test(stmt.sql))

/** The backend pid of each connection this module opened, for {@link Driver.terminate}. */
const backendPids = new WeakMap<DriverConnection, number>()

let nextId = 1

/**
 * The backend process id of a connection opened by {@link postgresDriver}.
 *
 * @category dialects
 */
export const backendPid = (c: DriverConnection): number | undefined => backendPids.get(c)

/** Wraps a connected client. */
const wrap = (client: pg.Client, state: support.ConnectionState): DriverConnection => {
  const id = nextId++
  let cursors = 0
  const guard = support.statementGuard('PostgreSQL', state, { classifyQueryError, isConnectionLost })

  /** Runs one statement; checks for a dead connection when run, not when built. */
  const run = (sql: string, params: ReadonlyArray<unknown>, arrays = false): TE.TaskEither<DbError, pg.QueryResult> =>
    guard.run(sql, async () =>
      lastResult(await client.query<RawRow>({ text: sql, ...(params.length > 0 ? { values: params as Array<unknown> } : {}), ...(arrays ? { rowMode: 'array' } : {}) })),
    )

  const execute = (stmt: Compiled, build?: RowBuilder): TE.TaskEither<DbError, QueryResult> => {
    const arrays = build !== undefined && stmt.kind === 'query'
    return pipe(
      run(stmt.sql, stmt.params, arrays),
      TE.map((r): QueryResult => ({ rows: arrays ? support.buildRows(r.rows as unknown as unknown[], r.fields.map((f) => f.name), stmt, build!) : (r.rows as ReadonlyArray<RawRow>), rowsAffected: affected(r) })),
    )
  }

  async function* stream(stmt: Compiled, batchSize: number): AsyncGenerator<ReadonlyArray<RawRow>> {
    const size = support.batchSizeOf(batchSize)
    if (!cursorable(stmt)) {
      // DECLARE takes only SELECT/VALUES: run DML (… RETURNING) at once, hand out its rows in batches.
      yield* support.inBatches((await support.orThrow(execute(stmt))).rows, size)
      return
    }
    // A cursor lives in a transaction: the caller's when there is one, otherwise our own.
    const own = client.getTransactionStatus() === 'I'
    const name = `athanor_cursor_${++cursors}`
    let done = false
    if (own) await support.orThrow(run('BEGIN', []))
    try {
      await support.orThrow(run(`DECLARE ${name} NO SCROLL CURSOR FOR ${stmt.sql}`, stmt.params))
      for (;;) {
        const r = await support.orThrow(run(`FETCH FORWARD ${size} FROM ${name}`, []))
        if (r.rows.length > 0) yield r.rows as ReadonlyArray<RawRow>
        if (r.rows.length < size) break
      }
      await support.orThrow(run(`CLOSE ${name}`, []))
      if (own) await support.orThrow(run('COMMIT', []))
      done = true
    } finally {
      if (!done && !state.broken) {
        // Stopped early or failed: free the cursor (or the whole own transaction).
        await (own ? run('ROLLBACK', []) : run(`CLOSE ${name}`, []))()
      }
    }
  }

  const conn: DriverConnection = {
    id,
    execute,
    stream,
    ping: support.pingWith('PostgreSQL', run('SELECT 1', [])),
    close: async () => {
      state.broken = true
      await TE.tryCatch(
        () => client.end(),
        () => undefined,
      )()
    },
  }
  const pid = (client as unknown as { readonly processID?: unknown }).processID
  if (typeof pid === 'number') backendPids.set(conn, pid)
  return conn
}

/**
 * A {@link Driver} for PostgreSQL. Connections are opened lazily by `connect`; an invalid
 * config shows up there as a `ConfigError`.
 *
 * @category dialects
 * @example
 * const driver = postgresDriver({ host: '127.0.0.1', database: 'app', schema: 'app' })
 */
export const postgresDriver = (config: PostgresDriverConfig): Driver => {
  const target = targetOf(config)
  const open: TE.TaskEither<DbError, pg.Client> = pipe(
    TE.fromEither(clientConfig(config)),
    TE.chain((cc) =>
      TE.tryCatch(
        async () => {
          const client = new pg.Client(cc)
          // An idle connection that dies emits 'error'; without a listener Node would crash.
          client.on('error', () => undefined)
          await client.connect()
          return client
        },
        classifyConnectError(target, config.password),
      ),
    ),
  )

  const connect: TE.TaskEither<DbError, DriverConnection> = pipe(
    open,
    TE.map((client) => wrap(client, support.watchConnection(client))),
  )

  const terminate = support.terminateWith('PostgreSQL', backendPid, connect, (pid) => ({
    sql: 'SELECT pg_terminate_backend($1) AS ok',
    params: [pid],
    kind: 'query',
    columns: [],
  }))

  return { dialect: postgres, connect, singleConnection: false, terminate }
}
