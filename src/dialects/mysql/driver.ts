/**
 * The MySQL / MariaDB driver, over `mysql2` 3: one {@link DriverConnection} per native
 * connection (never `mysql2`'s pool; the Engine's own pool wraps {@link Driver.connect}).
 *
 * Raw values follow notes/CONVENTIONS.md: BIGINT and DECIMAL as strings
 * (`supportBigNumbers`, `bigNumberStrings`, `decimalNumbers: false`), DATE/DATETIME/
 * TIMESTAMP/TIME as text (`dateStrings`), JSON as text (`jsonStrings`, which covers
 * MySQL's JSON type and MariaDB's extended metadata alike), binary as Buffer. Every
 * session runs with `time_zone = '+00:00'` and a fixed strict `sql_mode`, so a bad value
 * is an error instead of a silent truncation.
 *
 * @category dialects
 */
import mysql from 'mysql2'
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { Readable } from 'node:stream'
import type { Compiled } from '../../compile/Compiled.js'
import type { DbError } from '../../effects/DbError.js'
import type { Driver, DriverConnection, QueryResult, RawRow, RowBuilder } from '../../effects/Driver.js'
import * as support from '../../effects/driverSupport.js'
import { mysql as mysqlDialect } from './dialect.js'
import { classifyConnectError, classifyQueryError, isConnectionLost } from './errors.js'

/**
 * How to reach one MySQL or MariaDB database.
 *
 * @category dialects
 */
export interface MysqlDriverConfig {
  /** Host name or IP address. Default `127.0.0.1`. */
  readonly host?: string
  /** Default 3306. */
  readonly port?: number
  /** A Unix socket path (instead of host/port). */
  readonly socketPath?: string
  /** Default `root`. */
  readonly user?: string
  readonly password?: string
  readonly database?: string
  /** `true` for TLS with default verification, or `mysql2`'s TLS options. */
  readonly ssl?: boolean | Readonly<Record<string, unknown>>
  /** Give up opening a connection after this long (default 10 s). */
  readonly connectTimeoutMs?: number
  /** The session `sql_mode`; default {@link defaultSqlMode}. Must keep STRICT_ALL_TABLES. */
  readonly sqlMode?: string
  /**
   * Run statements with parameters as server-side prepared statements (`execute`, binary
   * protocol) instead of client-side escaped text (`query`). Default `false`: see the
   * measurement in the driver's tests; text is faster for multi-row inserts and as fast
   * for reads, and does not consume the server's prepared-statement budget.
   */
  readonly preparedStatements?: boolean
}

/**
 * The session `sql_mode` athanor runs with: strict for every table (a bad value errors),
 * no zero dates, division by zero is an error, no silent engine substitution, and an explicit
 * 0 in an AUTO_INCREMENT column is stored as 0 (not replaced by a generated key).
 *
 * @category dialects
 */
export const defaultSqlMode =
  'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO'

/**
 * The parts of a parsed engine URL a driver reads (defined in `src/effects/driverSupport.ts`).
 *
 * @category dialects
 */
export type ServerUrlParts = support.ServerUrlParts

const knownMysqlOptions: ReadonlyArray<string> = ['ssl', 'sslmode', 'connect_timeout', 'sql_mode', 'socket', 'prepared']

const truthy = (s: string): boolean | undefined =>
  ['1', 'true', 'yes', 'on'].includes(s.toLowerCase()) ? true : ['0', 'false', 'no', 'off'].includes(s.toLowerCase()) ? false : undefined

/**
 * Builds a {@link MysqlDriverConfig} from a parsed `mysql://` / `mariadb://` URL. URL
 * options: `ssl` (`true`/`false`), `sslmode` (`disable`, `require`, `verify-ca`,
 * `verify-full`), `connect_timeout` (seconds), `sql_mode`, `socket` (a Unix socket path),
 * `prepared` (`true`/`false`). Unknown options are a ConfigError; no message contains the
 * password.
 *
 * @category dialects
 * @example
 * mysqlDriverConfig({ host: 'db', database: 'app', options: { connect_timeout: '5' } })
 */
export const mysqlDriverConfig = (url: ServerUrlParts): E.Either<DbError, MysqlDriverConfig> => {
  const q = url.options
  const known = support.checkKnownOptions('MySQL', q, knownMysqlOptions)
  if (E.isLeft(known)) return known
  const timeout = support.connectTimeoutMsOf(q['connect_timeout'])
  if (E.isLeft(timeout)) return timeout
  const sslByMode = support.sslOfMode(q['sslmode'], ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'])
  if (E.isLeft(sslByMode)) return sslByMode
  const sslFlag = q['ssl'] === undefined ? undefined : truthy(q['ssl'])
  if (q['ssl'] !== undefined && sslFlag === undefined)
    return E.left({ _tag: 'ConfigError', message: `ssl must be true or false, got ${JSON.stringify(q['ssl'])}` })
  const prepared = q['prepared'] === undefined ? undefined : truthy(q['prepared'])
  if (q['prepared'] !== undefined && prepared === undefined)
    return E.left({ _tag: 'ConfigError', message: `prepared must be true or false, got ${JSON.stringify(q['prepared'])}` })
  const ssl = sslByMode.right ?? (sslFlag === true ? true : undefined)
  return E.right({
    ...(url.host !== undefined ? { host: url.host } : {}),
    ...(url.port !== undefined ? { port: url.port } : {}),
    ...(q['socket'] !== undefined ? { socketPath: q['socket'] } : {}),
    ...(url.user !== undefined ? { user: url.user } : {}),
    ...(url.password !== undefined ? { password: url.password } : {}),
    ...(url.database !== undefined ? { database: url.database } : {}),
    ...(ssl !== undefined ? { ssl } : {}),
    ...(timeout.right !== undefined ? { connectTimeoutMs: timeout.right } : {}),
    ...(q['sql_mode'] !== undefined ? { sqlMode: q['sql_mode'] } : {}),
    ...(prepared !== undefined ? { preparedStatements: prepared } : {}),
  })
}

const targetOf = (c: MysqlDriverConfig): string =>
  c.socketPath !== undefined ? `${c.socketPath}/${c.database ?? ''}` : `${c.host ?? '127.0.0.1'}:${c.port ?? 3306}/${c.database ?? ''}`

/** Validates a config and builds the `mysql2` connection options. */
const connectionOptions = (c: MysqlDriverConfig): E.Either<DbError, mysql.ConnectionOptions> => {
  const mode = c.sqlMode ?? defaultSqlMode
  if (!/^[A-Z_,]*$/i.test(mode))
    return E.left({ _tag: 'ConfigError', message: 'sql_mode may only contain mode names separated by commas' })
  const modes = mode.toUpperCase().split(',')
  if (!modes.includes('STRICT_ALL_TABLES'))
    return E.left({ _tag: 'ConfigError', message: 'sql_mode must include STRICT_ALL_TABLES' })
  if (modes.includes('NO_BACKSLASH_ESCAPES') || modes.includes('ANSI_QUOTES') || modes.includes('ANSI'))
    return E.left({ _tag: 'ConfigError', message: 'sql_mode must not include NO_BACKSLASH_ESCAPES, ANSI_QUOTES or ANSI' })
  return E.right({
    ...(c.socketPath !== undefined ? { socketPath: c.socketPath } : { host: c.host ?? '127.0.0.1', port: c.port ?? 3306 }),
    user: c.user ?? 'root',
    ...(c.password !== undefined ? { password: c.password } : {}),
    ...(c.database !== undefined ? { database: c.database } : {}),
    ...(c.ssl !== undefined && c.ssl !== false ? { ssl: (c.ssl === true ? {} : c.ssl) as mysql.SslOptions } : {}),
    connectTimeout: c.connectTimeoutMs ?? 10_000,
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    timezone: 'Z',
    multipleStatements: false,
    namedPlaceholders: false,
    maxPreparedStatements: 256,
    enableKeepAlive: true,
  })
}

/** Session setup run once per connection. */
const sessionInit = (c: MysqlDriverConfig): string =>
  `SET time_zone = '+00:00', sql_mode = '${(c.sqlMode ?? defaultSqlMode).toUpperCase()}'`

/** What mysql2 answers a statement: rows or an OK packet, and the result's fields. */
interface Answer {
  readonly result: unknown
  readonly fields: ReadonlyArray<{ readonly name: string }> | undefined
}

/** `insertId` as number, or bigint beyond 2^53 (`bigNumberStrings` delivers those as text). */
const insertIdOf = (v: unknown): number | bigint | undefined => {
  if (typeof v === 'number') return v
  if (typeof v === 'string' && /^\d+$/.test(v)) {
    const n = Number(v)
    return Number.isSafeInteger(n) ? n : BigInt(v)
  }
  return undefined
}

/** What mysql2 hands a callback: rows, or an OK packet for DML/DDL. */
interface OkPacket {
  readonly affectedRows?: number
  readonly insertId?: number | string
}

/**
 * Parameters for the text protocol: mysql2 would render a plain object as `a = 1, …`
 * (meant for `SET ?`), which is never what a compiled statement means; send JSON text.
 */
const textParam = (v: unknown): unknown =>
  typeof v === 'bigint'
    ? v.toString()
    : v !== null && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Date) && !ArrayBuffer.isView(v)
      ? JSON.stringify(v)
      : ArrayBuffer.isView(v) && !Buffer.isBuffer(v)
        ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
        : v

/** The binary protocol takes no `undefined` and no bigint: send NULL and decimal text. */
const binaryParam = (v: unknown): unknown =>
  v === undefined ? null : typeof v === 'bigint' ? v.toString() : textParam(v)

const isOkPacket = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && v.constructor !== undefined && v.constructor.name === 'ResultSetHeader'

/** The thread id of each connection this module opened, for {@link Driver.terminate}. */
const threadIds = new WeakMap<DriverConnection, number>()

/**
 * The server thread id of a connection opened by {@link mysqlDriver}.
 *
 * @category dialects
 */
export const threadId = (c: DriverConnection): number | undefined => threadIds.get(c)

let nextId = 1

const wrap = (native: mysql.Connection, state: support.ConnectionState, prepared: boolean): DriverConnection => {
  const id = nextId++
  const guard = support.statementGuard('MySQL', state, { classifyQueryError, isConnectionLost })

  /**
   * Runs one statement: its result, and with `rowsAsArray` (rows as value arrays) the fields that
   * name them. Checks for a dead connection when run, not when built.
   */
  const run = (sql: string, params: ReadonlyArray<unknown>, rowsAsArray = false): TE.TaskEither<DbError, Answer> =>
    guard.run(
      sql,
      () =>
        new Promise<Answer>((resolve, reject) => {
          const done = (err: unknown, result: unknown, fields?: ReadonlyArray<{ readonly name: string }>): void => (err ? reject(err) : resolve({ result, fields }))
          if (params.length === 0) native.query({ sql, rowsAsArray }, done)
          else if (prepared) native.execute({ sql, values: params.map(binaryParam), rowsAsArray }, done)
          else native.query({ sql, values: params.map(textParam), rowsAsArray }, done)
        }),
    )

  const execute = (stmt: Compiled, build?: RowBuilder): TE.TaskEither<DbError, QueryResult> => {
    const arrays = build !== undefined && stmt.kind === 'query'
    return pipe(
      run(stmt.sql, stmt.params, arrays),
      TE.map(({ result: r, fields }): QueryResult => {
        if (arrays && Array.isArray(r) && fields !== undefined) return { rows: support.buildRows(r, fields.map((f) => f.name), stmt, build!), rowsAffected: 0 }
        if (Array.isArray(r)) return { rows: r as ReadonlyArray<RawRow>, rowsAffected: 0 }
        const ok = r as OkPacket
        const lastInsertId = insertIdOf(ok.insertId)
        return {
          rows: [],
          rowsAffected: ok.affectedRows ?? 0,
          ...(lastInsertId !== undefined && lastInsertId !== 0 ? { lastInsertId } : {}),
        }
      }),
    )
  }

  async function* stream(stmt: Compiled, batchSize: number): AsyncGenerator<ReadonlyArray<RawRow>> {
    const size = support.batchSizeOf(batchSize)
    if (state.broken) throw guard.lost(stmt.sql)
    if (stmt.kind === 'insert' || stmt.kind === 'update' || stmt.kind === 'delete' || stmt.kind === 'ddl') {
      // DML (MariaDB's … RETURNING included): run at once, hand out its rows in batches.
      yield* support.inBatches((await support.orThrow(execute(stmt))).rows, size)
      return
    }
    // The text protocol's row stream; its buffer holds at most `size` rows, then mysql2
    // pauses reading from the socket until the consumer asks for more.
    const rows: Readable = native
      .query({ sql: stmt.sql, values: stmt.params.map(textParam) })
      .stream({ highWaterMark: size })
    const it = rows[Symbol.asyncIterator]()
    const next = (): Promise<E.Either<DbError, IteratorResult<unknown>>> =>
      TE.tryCatch(() => it.next(), guard.failure(stmt.sql))()
    let finished = false
    try {
      for (;;) {
        const batch: Array<RawRow> = []
        while (batch.length < size) {
          const r = await next()
          if (E.isLeft(r)) {
            finished = true
            throw r.left
          }
          if (r.right.done === true) {
            finished = true
            break
          }
          // A statement without a result set reports its OK packet through the stream: skip it.
          if (!isOkPacket(r.right.value)) batch.push(r.right.value as RawRow)
        }
        if (batch.length > 0) yield batch
        if (finished) return
      }
    } finally {
      if (!finished && !state.broken) {
        // Stopped early: the rest of the result must still be read off the socket before
        // the connection can run anything else. Drain it without keeping the rows.
        for (;;) {
          const r = await next()
          if (E.isLeft(r) || r.right.done === true) break
        }
      }
    }
  }

  const conn: DriverConnection = {
    id,
    execute,
    stream,
    ping: support.pingWith('MySQL', run('SELECT 1', [])),
    close: async () => {
      const wasBroken = state.broken
      state.broken = true
      if (wasBroken) {
        native.destroy()
        return
      }
      const ended = await TE.tryCatch(
        () => new Promise<void>((resolve, reject) => native.end((err) => (err ? reject(err) : resolve()))),
        () => undefined,
      )()
      if (E.isLeft(ended)) native.destroy()
    },
  }
  threadIds.set(conn, native.threadId)
  return conn
}

/**
 * A {@link Driver} for MySQL 8 and MariaDB 10.5+. Connections are opened lazily by
 * `connect`; an invalid config shows up there as a `ConfigError`.
 *
 * @category dialects
 * @example
 * const driver = mysqlDriver({ host: '127.0.0.1', user: 'root', database: 'app' })
 */
export const mysqlDriver = (config: MysqlDriverConfig): Driver => {
  const target = targetOf(config)
  const prepared = config.preparedStatements ?? false

  const open = (opts: mysql.ConnectionOptions): TE.TaskEither<DbError, mysql.Connection> =>
    TE.tryCatch(
      () =>
        new Promise<mysql.Connection>((resolve, reject) => {
          const native = mysql.createConnection(opts)
          // A connection that dies while idle emits 'error'; without a listener Node crashes.
          native.on('error', () => undefined)
          native.connect((err) => {
            if (err) {
              native.destroy()
              reject(err)
            } else resolve(native)
          })
        }),
      classifyConnectError(target, config.password),
    )

  const init = (native: mysql.Connection): TE.TaskEither<DbError, mysql.Connection> =>
    TE.tryCatch(
      () =>
        new Promise<mysql.Connection>((resolve, reject) =>
          native.query(sessionInit(config), (err) => {
            if (err) {
              native.destroy()
              reject(err)
            } else resolve(native)
          }),
        ),
      classifyConnectError(target, config.password),
    )

  const connect: TE.TaskEither<DbError, DriverConnection> = pipe(
    TE.fromEither(connectionOptions(config)),
    TE.chain(open),
    TE.chain(init),
    TE.map((native) => wrap(native, support.watchConnection(native), prepared)),
  )

  const terminate = support.terminateWith('MySQL', threadId, connect, (tid) => ({ sql: `KILL ${Math.trunc(tid)}`, params: [], kind: 'raw', columns: [] }))

  return { dialect: mysqlDialect, connect, singleConnection: false, terminate }
}
