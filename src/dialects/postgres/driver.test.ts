import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { RawRow } from '../../effects/Driver.js'
import { driverContract, queryError } from '../../../test/support/driverContract.js'
import { configParts, deliveredAsWritten } from '../../../test/support/driverFixtures.js'
import { createErrorTables, expectKindWith, type ErrorTables } from '../../../test/support/driverErrors.js'
import { exec, left, stmt } from '../../../test/support/run.js'
import { backendPid, postgresDriver, postgresDriverConfig } from './driver.js'

describe('postgresDriverConfig', () => {
  it('reads schema, options, sslmode and connect_timeout', () => {
    expect(
      postgresDriverConfig({
        ...configParts,
        port: 5433,
        options: { schema: 'app', sslmode: 'require', connect_timeout: '2.5', application_name: 'x' },
      }),
    ).toStrictEqual(
      E.right({
        ...configParts,
        port: 5433,
        schema: 'app',
        ssl: { rejectUnauthorized: false },
        applicationName: 'x',
        connectTimeoutMs: 2500,
      }),
    )
  })
  it('rejects unknown options and bad values without echoing the password', () => {
    const r = postgresDriverConfig({ password: 'hunter2', options: { shcema: 'x' } })
    expect(E.isLeft(r) && r.left._tag === 'ConfigError' && r.left.message).toMatch(/unknown PostgreSQL URL option.*shcema/)
    expect(JSON.stringify(r)).not.toContain('hunter2')
    expect(E.isLeft(postgresDriverConfig({ options: { connect_timeout: 'soon' } }))).toBe(true)
    expect(E.isLeft(postgresDriverConfig({ options: { sslmode: 'maybe' } }))).toBe(true)
  })
  it('refuses a schema that is not a plain identifier list, at connect', async () => {
    const e = await left(postgresDriver({ schema: 'x; DROP TABLE y' }).connect)
    expect(e._tag).toBe('ConfigError')
  })
})

driverContract(
  {
    database: 'postgres',
    product: 'PostgreSQL',
    driverAt: postgresDriver,
    begin: 'BEGIN',
    lockingTable: '',
    deadlock: { code: '40P01' },
    lockTimeout: { set: "SET lock_timeout = '50ms'", error: { code: '55P03' } },
    streamSetup: [],
    // Read through a cursor: outside a transaction, in one of its own.
    rows100k: 'SELECT g AS n, $1::text AS tag FROM generate_series(1, 100000) g',
    wideRows: "SELECT g AS n, repeat('x', 1000) AS pad FROM generate_series(1, 100000) g",
    // Read to the end or stopped early, a stream closes its cursor (and its own transaction).
    streamClosed: async (c) => {
      expect((await exec(c, 'SELECT count(*)::int AS open FROM pg_cursors')).rows).toStrictEqual([{ open: 0 }])
    },
    missingTable: { code: '42P01' },
    sessionId: backendPid,
    sleep: 'SELECT pg_sleep(5)',
    killedCode: '57P01',
  },
  (db, withConn) => {
    it('connects into its own schema with TimeZone UTC', async () => {
      await withConn(async (c) => {
        const r = await exec(c, 'SELECT current_schema() AS s, current_setting($1) AS tz', ['TimeZone'])
        expect(r.rows).toStrictEqual([{ s: db.namespace, tz: 'UTC' }])
      })
    })

    it('executes DML with rowsAffected and SELECT with 0', async () => {
      await withConn(async (c) => {
        await exec(c, 'CREATE TABLE exec_t (id serial PRIMARY KEY, name text NOT NULL)')
        const ins = await exec(c, 'INSERT INTO exec_t (name) VALUES ($1), ($2), ($3) RETURNING id', ['a', 'b', 'c'])
        expect(ins.rowsAffected).toBe(3)
        expect(ins.rows).toStrictEqual([{ id: 1 }, { id: 2 }, { id: 3 }])
        expect((await exec(c, 'UPDATE exec_t SET name = $1 WHERE id > $2', ['z', 1])).rowsAffected).toBe(2)
        const sel = await exec(c, 'SELECT id, name FROM exec_t ORDER BY id')
        expect(sel.rowsAffected).toBe(0)
        expect(sel.rows.map((r) => r['name'])).toStrictEqual(['a', 'z', 'z'])
        expect((await exec(c, 'DELETE FROM exec_t')).rowsAffected).toBe(3)
      })
    })

    it('delivers every type in its raw form (conventions), losslessly', async () => {
      await withConn(async (c) => {
        await exec(
          c,
          `CREATE TABLE types_t (
            i8 bigint, num numeric(38,10), tstz timestamptz(3), ts timestamp(3), d date, t time(6),
            b boolean, j json, jb jsonb, js json, bin bytea, u uuid, txt text, i4 integer, f8 double precision)`,
        )
        const { i8, num, d, js, bin, u, txt, i4, f8 } = deliveredAsWritten
        const stamp = '2024-03-10T12:34:56.789Z'
        const [j, jb] = [JSON.stringify({ a: [1, 2.5, null], b: 'x' }), JSON.stringify({ k: 'v' })]
        await exec(c, 'INSERT INTO types_t VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)', [
          i8, num, stamp, stamp, d, '23:59:59.123456', true, j, jb, js, bin, u, txt, i4, f8,
        ])
        const [row] = (await exec(c, 'SELECT * FROM types_t')).rows as ReadonlyArray<RawRow>
        expect(row).toStrictEqual({
          ...deliveredAsWritten,
          tstz: '2024-03-10 12:34:56.789+00',
          ts: '2024-03-10 12:34:56.789',
          t: '23:59:59.123456',
          b: true,
          j: '{"a":[1,2.5,null],"b":"x"}',
          jb: '{"k": "v"}',
        })
        // A timestamp without time zone is not shifted by the session zone either way.
        const shifted = await exec(c, "SELECT ts = '2024-03-10 12:34:56.789'::timestamp AS same FROM types_t")
        expect(shifted.rows).toStrictEqual([{ same: true }])
        // NULLs stay null.
        await exec(c, 'INSERT INTO types_t (i8) VALUES ($1)', [null])
        const nulls = await exec(c, 'SELECT num, j, bin FROM types_t WHERE i8 IS NULL')
        expect(nulls.rows).toStrictEqual([{ num: null, j: null, bin: null }])
      })
    })

    it('delivers arrays and intervals of text-kept types as their literal text', async () => {
      await withConn(async (c) => {
        const r = await exec(
          c,
          "SELECT ARRAY[1.10::numeric, 2] AS nums, ARRAY['2024-01-01'::date] AS dates, ARRAY[9007199254740993::int8] AS big, interval '1 day 02:03:04' AS iv, ARRAY[1, 2] AS ints",
        )
        expect(r.rows).toStrictEqual([
          { nums: '{1.10,2}', dates: '{2024-01-01}', big: '{9007199254740993}', iv: '1 day 02:03:04', ints: [1, 2] },
        ])
      })
    })

    it('leaves the global pg type parsers alone', async () => {
      const pg = (await import('pg')).default
      expect(pg.types.getTypeParser(1184, 'text')('2024-01-01 00:00:00+00')).toBeInstanceOf(Date)
    })

    describe('errors', () => {
      const tables: ErrorTables = {
        parent: `CREATE TABLE err_parent (id int PRIMARY KEY, email text CONSTRAINT err_parent_email_key UNIQUE,
             qty int NOT NULL DEFAULT 0 CONSTRAINT qty_positive CHECK (qty >= 0))`,
        child: 'CREATE TABLE err_child (id int PRIMARY KEY, parent_id int CONSTRAINT err_child_parent_fk REFERENCES err_parent (id))',
        placeholder: '$1',
      }
      const expectKind = expectKindWith((e, code: string) => {
        expect(e.code).toBe(code)
        expect(e.cause).toBeInstanceOf(Error)
      })

      it('classifies integrity, syntax, undefined and data errors with constraint names', async () => {
        await withConn(async (c) => {
          await createErrorTables(c, tables)
          await expectKind(c, 'INSERT INTO err_parent (id, email) VALUES (2, $1)', ['a@x.io'], 'UniqueViolation', '23505', 'err_parent_email_key')
          await expectKind(c, 'INSERT INTO err_parent (id) VALUES (1)', [], 'UniqueViolation', '23505', 'err_parent_pkey')
          await expectKind(c, 'INSERT INTO err_child VALUES (2, 99)', [], 'ForeignKeyViolation', '23503', 'err_child_parent_fk')
          await expectKind(c, 'DELETE FROM err_parent WHERE id = 1', [], 'ForeignKeyViolation', '23503', 'err_child_parent_fk')
          await expectKind(c, 'INSERT INTO err_parent (id, qty) VALUES (3, NULL)', [], 'NotNullViolation', '23502')
          await expectKind(c, 'INSERT INTO err_parent (id, qty) VALUES (3, -1)', [], 'CheckViolation', '23514', 'qty_positive')
          await expectKind(c, 'SELEC 1', [], 'SyntaxError', '42601')
          await expectKind(c, 'SELECT * FROM no_such_table', [], 'UndefinedObject', '42P01')
          await expectKind(c, 'SELECT no_such_column FROM err_parent', [], 'UndefinedObject', '42703')
          await expectKind(c, 'SELECT $1::int AS n', ['abc'], 'DataError', '22P02')
          await expectKind(c, 'SELECT 1 / 0 AS n', [], 'DataError', '22012')
          await expectKind(c, 'SELECT $1::numeric(3,1) AS n', ['12345'], 'DataError', '22003')
          // The connection is still usable after all these.
          expect((await exec(c, 'SELECT 1 AS one')).rows).toStrictEqual([{ one: 1 }])
        })
      })

      it('classifies serialization failures', async () => {
        await withConn((a) =>
          withConn(async (b) => {
            await exec(a, 'CREATE TABLE ser (id int PRIMARY KEY, v int)')
            await exec(a, 'INSERT INTO ser VALUES (1, 0)')
            await exec(a, 'BEGIN ISOLATION LEVEL REPEATABLE READ')
            await exec(a, 'SELECT * FROM ser')
            await exec(b, 'UPDATE ser SET v = v + 1 WHERE id = 1')
            const e = queryError(await left(a.execute(stmt('UPDATE ser SET v = v + 1 WHERE id = 1'))))
            expect([e.kind, e.code]).toStrictEqual(['SerializationFailure', '40001'])
            await exec(a, 'ROLLBACK')
          }),
        )
      })
    })

    describe('stream', () => {
      it("runs inside the caller's transaction and leaves it open", async () => {
        await withConn(async (c) => {
          await exec(c, 'CREATE TABLE st (n int)')
          await exec(c, 'BEGIN')
          await exec(c, 'INSERT INTO st SELECT g FROM generate_series(1, 25) g')
          const batches: Array<ReadonlyArray<RawRow>> = []
          for await (const b of c.stream(stmt('SELECT n FROM st ORDER BY n'), 10)) batches.push(b)
          expect(batches.map((b) => b.length)).toStrictEqual([10, 10, 5])
          await exec(c, 'ROLLBACK')
          expect((await exec(c, 'SELECT count(*)::int AS n FROM st')).rows).toStrictEqual([{ n: 0 }])
        })
      })

      it('streams DML with RETURNING (which DECLARE cannot take) in batches', async () => {
        await withConn(async (c) => {
          await exec(c, 'CREATE TABLE st_dml (n int)')
          const batches: Array<number> = []
          const ins = { ...stmt('INSERT INTO st_dml SELECT g FROM generate_series(1, 25) g RETURNING n'), kind: 'insert' as const }
          for await (const b of c.stream(ins, 10)) batches.push(b.length)
          expect(batches).toStrictEqual([10, 10, 5])
        })
      })
    })
  },
)
