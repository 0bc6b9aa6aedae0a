import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { DriverConnection, RawRow } from '../../effects/Driver.js'
import { driverContract } from '../../../test/support/driverContract.js'
import { configParts, deliveredAsWritten } from '../../../test/support/driverFixtures.js'
import { createErrorTables, expectKindWith, type ErrorTables } from '../../../test/support/driverErrors.js'
import { exec, left, stmt, withConnection } from '../../../test/support/run.js'
import { mysqlDriver, mysqlDriverConfig, threadId } from './driver.js'
import { constraintOfMessage } from './errors.js'

describe('mysqlDriverConfig', () => {
  it('reads options', () => {
    expect(
      mysqlDriverConfig({ ...configParts, port: 3307, options: { connect_timeout: '3', sslmode: 'require', prepared: 'true' } }),
    ).toStrictEqual(
      E.right({
        ...configParts,
        port: 3307,
        ssl: { rejectUnauthorized: false },
        connectTimeoutMs: 3000,
        preparedStatements: true,
      }),
    )
  })
  it('rejects unknown options and bad values without echoing the password', () => {
    const r = mysqlDriverConfig({ password: 'hunter2', options: { timezone: 'local' } })
    expect(E.isLeft(r) && r.left._tag === 'ConfigError' && r.left.message).toMatch(/unknown MySQL URL option.*timezone/)
    expect(JSON.stringify(r)).not.toContain('hunter2')
    expect(E.isLeft(mysqlDriverConfig({ options: { ssl: 'perhaps' } }))).toBe(true)
  })
  it('refuses a sql_mode without STRICT_ALL_TABLES or with modes that break escaping', async () => {
    expect((await left(mysqlDriver({ sqlMode: 'ANSI' }).connect))._tag).toBe('ConfigError')
    expect((await left(mysqlDriver({ sqlMode: 'STRICT_ALL_TABLES,NO_BACKSLASH_ESCAPES' }).connect))._tag).toBe('ConfigError')
    expect((await left(mysqlDriver({ sqlMode: "STRICT_ALL_TABLES'; DROP" }).connect))._tag).toBe('ConfigError')
  })
})

describe('constraintOfMessage', () => {
  it('parses MySQL 8 and MariaDB messages', () => {
    expect(constraintOfMessage(1062, "Duplicate entry 'a@x.io' for key 'users.users_email_key'")).toBe('users_email_key')
    expect(constraintOfMessage(1062, "Duplicate entry 'a@x.io' for key 'users_email_key'")).toBe('users_email_key')
    expect(
      constraintOfMessage(
        1452,
        'Cannot add or update a child row: a foreign key constraint fails (`db`.`post`, CONSTRAINT `fk_post_user` FOREIGN KEY (`user_id`) REFERENCES `user` (`id`))',
      ),
    ).toBe('fk_post_user')
    expect(constraintOfMessage(3819, "Check constraint 'qty_positive' is violated.")).toBe('qty_positive')
    expect(constraintOfMessage(4025, 'CONSTRAINT `qty_positive` failed for `db`.`t`')).toBe('qty_positive')
    expect(constraintOfMessage(1048, "Column 'x' cannot be null")).toBeUndefined()
  })
})

driverContract(
  {
    database: 'mysql',
    product: 'MySQL',
    driverAt: mysqlDriver,
    begin: 'START TRANSACTION',
    lockingTable: ' ENGINE=InnoDB',
    deadlock: { errno: 1213, code: '40001' },
    lockTimeout: { set: 'SET SESSION innodb_lock_wait_timeout = 1', error: { errno: 1205 } },
    streamSetup: [
      'CREATE TABLE big (n int PRIMARY KEY, tag varchar(10))',
      // 100k rows from a 10 x 10 x 10 x 10 x 10 cross join of digits.
      'CREATE TABLE digits (d int)',
      'INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)',
      `INSERT INTO big SELECT a.d + 10*b.d + 100*c.d + 1000*d.d + 10000*e.d + 1, 'x'
         FROM digits a, digits b, digits c, digits d, digits e`,
    ],
    rows100k: 'SELECT n, ? AS tag FROM big ORDER BY n',
    wideRows: "SELECT n, REPEAT('x', 1000) AS pad FROM big",
    missingTable: { errno: 1146 },
    sessionId: threadId,
    sleep: 'SELECT SLEEP(5)',
  },
  (db, withConn) => {
    it('connects into its own database with UTC and a strict sql_mode', async () => {
      await withConn(async (c) => {
        const r = await exec(c, 'SELECT DATABASE() AS db, @@session.time_zone AS tz, @@session.sql_mode AS mode')
        expect(r.rows[0]?.['db']).toBe(db.namespace)
        expect(r.rows[0]?.['tz']).toBe('+00:00')
        expect(String(r.rows[0]?.['mode'])).toContain('STRICT_ALL_TABLES')
      })
    })

    for (const prepared of [false, true]) {
      describe(prepared ? 'prepared (execute)' : 'text (query)', () => {
        const driver = () => mysqlDriver({ ...configOf(db.url), preparedStatements: prepared })
        const withC = <A>(f: (c: DriverConnection) => Promise<A>): Promise<A> => withConnection(driver(), f)
        const t = prepared ? 'p' : 'q'

        it('executes DML with rowsAffected, lastInsertId (bigint beyond 2^53) and SELECT', async () => {
          await withC(async (c) => {
            await exec(c, `CREATE TABLE exec_${t} (id bigint AUTO_INCREMENT PRIMARY KEY, name varchar(20) NOT NULL)`)
            const ins = await exec(c, `INSERT INTO exec_${t} (name) VALUES (?), (?), (?)`, ['a', 'b', 'c'])
            expect(ins).toStrictEqual({ rows: [], rowsAffected: 3, lastInsertId: 1 })
            // Matched rows, not changed rows (FOUND_ROWS): optimistic locking relies on it.
            expect((await exec(c, `UPDATE exec_${t} SET name = ? WHERE id >= ?`, ['b', 2])).rowsAffected).toBe(2)
            const sel = await exec(c, `SELECT id, name FROM exec_${t} ORDER BY id`)
            expect(sel).toStrictEqual({
              rows: [
                { id: '1', name: 'a' },
                { id: '2', name: 'b' },
                { id: '3', name: 'b' },
              ],
              rowsAffected: 0,
            })
            await exec(c, `ALTER TABLE exec_${t} AUTO_INCREMENT = 9007199254740993`)
            const big = await exec(c, `INSERT INTO exec_${t} (name) VALUES (?)`, ['big'])
            expect(big.lastInsertId).toBe(9007199254740993n)
            // A literal '?' in the SQL text is not a placeholder.
            const q = await exec(c, "SELECT '?' AS lit, ? AS p, 'it''s ?' AS lit2", ['v'])
            expect(q.rows).toStrictEqual([{ lit: '?', p: 'v', lit2: "it's ?" }])
          })
        })

        it('delivers every type in its raw form (conventions), losslessly', async () => {
          await withC(async (c) => {
            await exec(
              c,
              `CREATE TABLE types_${t} (
                i8 bigint, num decimal(38,10), ts timestamp(3) NULL, dt datetime(3), d date, tm time(6),
                b tinyint(1), bo boolean, j json, js json, bin varbinary(16), u char(36), txt text, i4 int, f8 double)`,
            )
            const { i8, num, d, js, bin, u, txt, i4, f8 } = deliveredAsWritten
            const stamp = '2024-03-10 12:34:56.789'
            const j = JSON.stringify({ a: [1, 2.5, null], b: 'x' })
            await exec(c, `INSERT INTO types_${t} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, [
              i8, num, stamp, stamp, d, '23:59:59.123456', 1, 0, j, js, bin, u, txt, i4, f8,
            ])
            const [row] = (await exec(c, `SELECT * FROM types_${t}`)).rows as ReadonlyArray<RawRow>
            expect(row).toStrictEqual({
              ...deliveredAsWritten,
              ts: '2024-03-10 12:34:56.789',
              dt: '2024-03-10 12:34:56.789',
              tm: '23:59:59.123456',
              b: 1,
              bo: 0,
              j: expect.stringMatching(/^\{"a": ?\[1, ?2\.5, ?null\], ?"b": ?"x"\}$/),
            })
            expect(JSON.parse(row?.['j'] as string)).toStrictEqual({ a: [1, 2.5, null], b: 'x' })
            // TIMESTAMP is stored in UTC and read in the session zone (+00:00): no shift.
            const utc = await exec(c, `SELECT UNIX_TIMESTAMP(ts) AS epoch FROM types_${t}`)
            expect(String(utc.rows[0]?.['epoch'])).toBe(String(Date.UTC(2024, 2, 10, 12, 34, 56, 789) / 1000))
            // JSON produced by an expression is text too.
            const expr = await exec(c, "SELECT JSON_OBJECT('k', 'v') AS o, JSON_EXTRACT(?, '$.a') AS a", ['{"a": [1]}'])
            expect(JSON.parse(expr.rows[0]?.['o'] as string)).toStrictEqual({ k: 'v' })
            expect(JSON.parse(expr.rows[0]?.['a'] as string)).toStrictEqual([1])
          })
        })
      })
    }

    describe('errors', () => {
      const tables: ErrorTables = {
        parent: `CREATE TABLE err_parent (id int PRIMARY KEY, email varchar(50), qty int NOT NULL DEFAULT 0, code varchar(3),
             small tinyint, CONSTRAINT err_parent_email_key UNIQUE (email), CONSTRAINT qty_positive CHECK (qty >= 0)) ENGINE=InnoDB`,
        child: 'CREATE TABLE err_child (id int PRIMARY KEY, parent_id int, CONSTRAINT err_child_parent_fk FOREIGN KEY (parent_id) REFERENCES err_parent (id)) ENGINE=InnoDB',
        placeholder: '?',
      }
      // MySQL and MariaDB differ in some errnos (a CHECK failure is 3819 or 4025): any of the listed ones will do.
      const expectKind = expectKindWith((e, errno: ReadonlyArray<number>) => {
        expect(errno).toContain(e.errno)
        expect(e.code).toMatch(/^[0-9A-Z]{5}$/)
      })

      it('classifies integrity, syntax, undefined and data errors with constraint names', async () => {
        await withConn(async (c) => {
          await createErrorTables(c, tables)
          await expectKind(c, 'INSERT INTO err_parent (id, email) VALUES (2, ?)', ['a@x.io'], 'UniqueViolation', [1062], 'err_parent_email_key')
          await expectKind(c, 'INSERT INTO err_parent (id) VALUES (1)', [], 'UniqueViolation', [1062], 'PRIMARY')
          await expectKind(c, 'INSERT INTO err_child VALUES (2, 99)', [], 'ForeignKeyViolation', [1452], 'err_child_parent_fk')
          await expectKind(c, 'DELETE FROM err_parent WHERE id = 1', [], 'ForeignKeyViolation', [1451], 'err_child_parent_fk')
          await expectKind(c, 'INSERT INTO err_parent (id, qty) VALUES (3, NULL)', [], 'NotNullViolation', [1048])
          await expectKind(c, 'INSERT INTO err_child (parent_id) VALUES (1)', [], 'NotNullViolation', [1364])
          await expectKind(c, 'INSERT INTO err_parent (id, qty) VALUES (3, -1)', [], 'CheckViolation', [3819, 4025], 'qty_positive')
          await expectKind(c, 'SELEC 1', [], 'SyntaxError', [1064])
          await expectKind(c, 'SELECT * FROM no_such_table', [], 'UndefinedObject', [1146])
          await expectKind(c, 'SELECT no_such_column FROM err_parent', [], 'UndefinedObject', [1054])
          await expectKind(c, 'INSERT INTO err_parent (id, small) VALUES (4, 1000)', [], 'DataError', [1264])
          await expectKind(c, 'INSERT INTO err_parent (id, qty) VALUES (4, ?)', ['abc'], 'DataError', [1366])
          await expectKind(c, 'INSERT INTO err_parent (id, code) VALUES (4, ?)', ['toolong'], 'DataError', [1406])
          expect((await exec(c, 'SELECT 1 AS one')).rows).toStrictEqual([{ one: 1 }])
        })
      })
    })

    describe('stream', () => {
      it('a statement without rows streams no batches', async () => {
        await withConn(async (c) => {
          await exec(c, 'CREATE TABLE st_dml (n int)')
          const batches: Array<number> = []
          for await (const b of c.stream(stmt('INSERT INTO st_dml VALUES (1), (2)'), 10)) batches.push(b.length)
          for await (const b of c.stream({ ...stmt('UPDATE st_dml SET n = n + 1'), kind: 'update' }, 10)) batches.push(b.length)
          expect(batches).toStrictEqual([])
          expect((await exec(c, 'SELECT sum(n) AS s FROM st_dml')).rows).toStrictEqual([{ s: '5' }])
        })
      })
    })
  },
)

/** The driver config of a test database URL (for variants of its driver). */
const configOf = (url: string): Parameters<typeof mysqlDriver>[0] => {
  const u = new URL(url)
  const r = mysqlDriverConfig({
    host: u.hostname,
    ...(u.port !== '' ? { port: Number(u.port) } : {}),
    ...(u.username !== '' ? { user: decodeURIComponent(u.username) } : {}),
    ...(u.password !== '' ? { password: decodeURIComponent(u.password) } : {}),
    database: decodeURIComponent(u.pathname.slice(1)),
    options: Object.fromEntries(u.searchParams.entries()),
  })
  if (E.isLeft(r)) throw new Error('bad test URL')
  return r.right
}
