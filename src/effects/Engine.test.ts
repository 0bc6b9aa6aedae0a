import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import { afterEach, describe, expect, it } from 'vitest'
import type { SelectNode } from '../algebra/ast.js'
import { types } from '../algebra/SqlType.js'
import type { ResultColumn, StatementKind } from '../compile/Compiled.js'
import { sqliteDriver } from '../../test/support/dialects.js'
import type { DbError } from './DbError.js'
import { createEngineFrom, type Engine, type EngineOptions } from './Engine.js'
import type { EngineEvent } from './events.js'
import { retrying } from './retrying.js'
import { compiled, type CompiledStatement } from './Statement.js'
import { withRollback } from './testing.js'

const q = <R = Record<string, unknown>>(
  sql: string,
  params: ReadonlyArray<unknown> = [],
  columns: ReadonlyArray<ResultColumn> = [],
  kind: StatementKind = 'query',
): CompiledStatement<R> => compiled<R>({ sql, params, kind, columns })
const ddl = (sql: string) => q(sql, [], [], 'ddl')

const engines: Engine[] = []
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.dispose()))
})
const memory = async (options: EngineOptions = {}): Promise<Engine> => {
  const engine = createEngineFrom(sqliteDriver({ filename: ':memory:' }), options)
  engines.push(engine)
  await engine.runAll([ddl('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)')])()
  return engine
}
const right = <A>(e: E.Either<DbError, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}
const ins = (name: string) => q(`INSERT INTO t (name) VALUES (?)`, [name], [], 'insert')
const names = (e: Engine) => e.execute(q<{ name: string }>('SELECT name FROM t ORDER BY id'))

describe('Engine: statements', () => {
  it('execute decodes rows; run reports rowsAffected and lastInsertId', async () => {
    const e = await memory()
    expect(right(await e.run(ins('a'))())).toStrictEqual({ rows: [], rowsAffected: 1, lastInsertId: 1 })
    const rows = right(await e.execute(q<{ id: number; ok: boolean; at: Date }>("SELECT id, 1 AS ok, '2024-01-01 00:00:00' AS at FROM t", [], [
      { name: 'id', type: types.integer },
      { name: 'ok', type: types.boolean },
      { name: 'at', type: types.timestamp() },
    ]))())
    expect(rows).toStrictEqual([{ id: 1, ok: true, at: new Date(Date.UTC(2024, 0, 1)) }])
    const ret = right(await e.run(q<{ id: number }>('INSERT INTO t (name) VALUES (?) RETURNING id', ['b'], [{ name: 'id', type: types.integer }], 'insert'))())
    expect(ret).toStrictEqual({ rows: [{ id: 2 }], rowsAffected: 1 })
  })

  it('first, one, oneOrNone', async () => {
    const e = await memory()
    await e.runAll([ins('a'), ins('b')])()
    const sql = 'SELECT name FROM t WHERE name LIKE ? ORDER BY id'
    expect(right(await e.first(q(sql, ['%']))())).toStrictEqual(O.some({ name: 'a' }))
    expect(right(await e.first(q(sql, ['x']))())).toStrictEqual(O.none)
    expect(right(await e.one(q(sql, ['a']))())).toStrictEqual({ name: 'a' })
    expect(await e.one(q(sql, ['x']))()).toStrictEqual(E.left({ _tag: 'NoResult', sql }))
    expect(await e.one(q(sql, ['%']))()).toStrictEqual(E.left({ _tag: 'MultipleResults', sql, count: 2 }))
    expect(right(await e.oneOrNone(q(sql, ['x']))())).toStrictEqual(O.none)
    expect(await e.oneOrNone(q(sql, ['%']))()).toStrictEqual(E.left({ _tag: 'MultipleResults', sql, count: 2 }))
  })

  it('executeMany / runAll stop at the first failure', async () => {
    const e = await memory()
    const r = await e.runAll([ins('a'), ins('a'), ins('c')])()
    expect(E.isLeft(r) && r.left._tag === 'QueryError' && r.left.kind).toBe('UniqueViolation')
    expect(right(await names(e)())).toStrictEqual([{ name: 'a' }])
    expect(right(await e.executeMany([q('SELECT 1 AS x'), q('SELECT 2 AS x')])())).toStrictEqual([[{ x: 1 }], [{ x: 2 }]])
  })

  it('compile errors come out as DbError', async () => {
    const e = await memory()
    const node: SelectNode = {
      _tag: 'Select',
      distinct: [{ _tag: 'ColumnRef', table: 't', name: 'name' }],
      columns: [{ alias: 'name', expr: { _tag: 'ColumnRef', table: 't', name: 'name' } }],
      from: [{ _tag: 'TableRef', name: 't' }],
      joins: [],
      groupBy: [],
      orderBy: [],
    }
    const r = await e.execute({ node })()
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'UnsupportedFeature', dialect: 'sqlite' })
  })

  it('decode failures are DecodeError with the row index', async () => {
    const e = await memory()
    await e.runAll([ins('a'), ins('b')])()
    const r = await e.execute(q('SELECT name FROM t ORDER BY id', [], [{ name: 'name', type: types.integer }]))()
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'DecodeError', rowIndex: 0 })
  })
})

describe('Engine: transactions', () => {
  it('commits on Right', async () => {
    const e = await memory()
    const r = await e.transaction((c) => pipe(c.run(ins('a')), TE.chain(() => c.run(ins('b'))), TE.map(() => 'done')))()
    expect(r).toStrictEqual(E.right('done'))
    expect(right(await names(e)())).toStrictEqual([{ name: 'a' }, { name: 'b' }])
  })

  it('rolls back on Left and returns it', async () => {
    const e = await memory()
    const r = await e.transaction((c) => pipe(c.run(ins('a')), TE.chain(() => c.run(ins('a')))))()
    expect(E.isLeft(r) && r.left._tag === 'QueryError' && r.left.kind).toBe('UniqueViolation')
    expect(right(await names(e)())).toStrictEqual([])
  })

  it('rolls back when the callback throws or rejects: TransactionError with the cause', async () => {
    const e = await memory()
    const boom = new Error('boom')
    const r1 = await e.transaction((c) => {
      void c
      throw boom
    })()
    expect(E.isLeft(r1) && r1.left).toMatchObject({ _tag: 'TransactionError', cause: boom })
    const r2 = await e.transaction((c) => async () => {
      await c.run(ins('a'))()
      throw boom
    })()
    expect(E.isLeft(r2) && r2.left).toMatchObject({ _tag: 'TransactionError', cause: boom })
    expect(right(await names(e)())).toStrictEqual([])
  })

  it('nested transactions are savepoints; a failed one rolls back only to its savepoint', async () => {
    const e = await memory()
    const events: string[] = []
    e.on('begin', (ev) => events.push(`begin${ev.savepoint ? ' sp' : ''}`))
    e.on('commit', (ev) => events.push(`commit${ev.savepoint ? ' sp' : ''}`))
    e.on('rollback', (ev) => events.push(`rollback${ev.savepoint ? ' sp' : ''}`))
    const r = await e.transaction((c) =>
      pipe(
        c.run(ins('outer')),
        TE.chain(() => c.transaction<number>((n) => pipe(n.run(ins('inner-ok')), TE.map(() => n.depth)))),
        TE.chain((depth) =>
          pipe(
            c.transaction((n) => pipe(n.run(ins('inner-bad')), TE.chain(() => n.run(ins('outer'))))),
            TE.map(() => 'unexpected'),
            TE.orElse((err): TE.TaskEither<DbError, string> => TE.right(`${depth}:${err._tag}`)),
          ),
        ),
      ),
    )()
    expect(r).toStrictEqual(E.right('2:QueryError'))
    expect(right(await names(e)())).toStrictEqual([{ name: 'outer' }, { name: 'inner-ok' }])
    expect(events).toStrictEqual(['begin', 'begin sp', 'commit sp', 'begin sp', 'rollback sp', 'commit'])
  })

  it('a connection used after its transaction ended is a TransactionError', async () => {
    const e = await memory()
    let leaked: import('./Connection.js').Connection | undefined
    right(await e.transaction((c) => ((leaked = c), TE.right(1)))())
    const r = await leaked!.execute(q('SELECT 1'))()
    expect(E.isLeft(r) && r.left._tag).toBe('TransactionError')
  })

  it('withRollback always rolls back and returns f’s result', async () => {
    const e = await memory()
    const r = await withRollback(e, (c) =>
      pipe(
        c.run(ins('a')),
        TE.chain(() => c.transaction((n) => n.run(ins('b')))),
        TE.chain(() => c.execute(q<{ n: number }>('SELECT count(*) AS n FROM t'))),
      ),
    )()
    expect(r).toStrictEqual(E.right([{ n: 2 }]))
    expect(right(await names(e)())).toStrictEqual([])
    const failed = await withRollback(e, (c) => c.run(ins('a')) && TE.left<DbError>({ _tag: 'InvalidStatement', message: 'x' }))()
    expect(failed).toStrictEqual(E.left({ _tag: 'InvalidStatement', message: 'x' }))
  })
})

describe('retrying', () => {
  const deadlock: DbError = { _tag: 'QueryError', kind: 'Deadlock', message: 'deadlock', sql: 'x', cause: null }
  it('reruns on Deadlock / SerializationFailure, bounded', async () => {
    let runs = 0
    const flaky: TE.TaskEither<DbError, number> = async () => (++runs < 3 ? E.left(deadlock) : E.right(runs))
    expect(await retrying(5, flaky)()).toStrictEqual(E.right(3))
    runs = -10
    expect(await retrying(2, flaky)()).toStrictEqual(E.left(deadlock))
    expect(runs).toBe(-7)
  })
  it('does not rerun other errors', async () => {
    let runs = 0
    const unique: DbError = { ...deadlock, kind: 'UniqueViolation' }
    expect(await retrying(5, async () => (runs++, E.left(unique)))()).toStrictEqual(E.left(unique))
    expect(runs).toBe(1)
  })
  it('reruns a whole engine transaction', async () => {
    const e = await memory()
    let attempt = 0
    const tx = e.transaction((c) => pipe(c.run(ins(`n${++attempt}`)), TE.chain(() => (attempt < 2 ? TE.left(deadlock) : TE.right(attempt)))))
    expect(await retrying(3, tx)()).toStrictEqual(E.right(2))
    expect(right(await names(e)())).toStrictEqual([{ name: 'n2' }])
  })
})

describe('Engine: events and echo', () => {
  it('emits connect, checkout, beforeExecute, afterExecute, checkin in order', async () => {
    const seen: EngineEvent[] = []
    const e = createEngineFrom(sqliteDriver({ filename: ':memory:' }), {
      listeners: {
        connect: (ev) => seen.push(ev),
        checkout: (ev) => seen.push(ev),
        checkin: (ev) => seen.push(ev),
        beforeExecute: (ev) => seen.push(ev),
        afterExecute: (ev) => seen.push(ev),
      },
    })
    engines.push(e)
    right(await e.execute(q('SELECT ? AS x UNION ALL SELECT 2', [1]))())
    expect(seen.map((x) => x.type)).toStrictEqual(['connect', 'checkout', 'beforeExecute', 'afterExecute', 'checkin'])
    const after = seen[3]
    expect(after).toMatchObject({ type: 'afterExecute', sql: 'SELECT ? AS x UNION ALL SELECT 2', params: [1], rowCount: 2 })
    expect(after.type === 'afterExecute' && after.elapsedMs).toBeGreaterThanOrEqual(0)
  })

  it('emits error events and echo prints SQL, params, timing and errors', async () => {
    const lines: string[] = []
    const errors: DbError[] = []
    const e = await memory({ echo: (l) => lines.push(l), listeners: { error: (ev) => errors.push(ev.error) } })
    lines.length = 0
    await e.execute(q('SELECT ? AS x', ['hi']))()
    await e.execute(q('SELECT * FROM nope'))()
    expect(lines[0]).toMatch(/^\[athanor #\d+\] SELECT \? AS x \["hi"\]$/)
    expect(lines[1]).toMatch(/^\[athanor #\d+\] 1 row\(s\), 0 affected in \d+\.\d\d ms$/)
    expect(lines[2]).toMatch(/SELECT \* FROM nope \[\]/)
    expect(lines[3]).toMatch(/QueryError\(UndefinedObject SQLITE_ERROR\): no such table: nope/)
    expect(errors.map((x) => x._tag)).toStrictEqual(['QueryError'])
  })

  it('on() returns an unsubscribe function', async () => {
    const e = await memory()
    let n = 0
    const off = e.on('afterExecute', () => n++)
    await e.execute(q('SELECT 1'))()
    off()
    await e.execute(q('SELECT 1'))()
    expect(n).toBe(1)
  })
})

describe('Engine: stream', () => {
  it('yields decoded batches lazily and frees the connection on break', async () => {
    const e = await memory({ pool: { acquireTimeoutMs: 200 } })
    const infinite = q<{ x: bigint }>('WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n', [], [{ name: 'x', type: types.bigint }])
    const got: Array<ReadonlyArray<{ x: bigint }>> = []
    for await (const batch of e.stream(infinite, { batchSize: 3 })) {
      got.push(right(batch))
      if (got.length === 2) break
    }
    expect(got).toStrictEqual([[{ x: 1n }, { x: 2n }, { x: 3n }], [{ x: 4n }, { x: 5n }, { x: 6n }]])
    expect(e.poolStats().checkedOut).toBe(0)
    // the single :memory: connection is free again
    expect(right(await e.execute(q('SELECT 1 AS one'))())).toStrictEqual([{ one: 1 }])
  })

  it('errors arrive as a final Left; streamFold folds batches', async () => {
    const e = await memory()
    const out: Array<E.Either<DbError, unknown>> = []
    for await (const b of e.stream(q('SELECT * FROM nope'))) out.push(b)
    expect(out.length).toBe(1)
    expect(E.isLeft(out[0]) && out[0].left._tag).toBe('QueryError')
    const sum = await e.streamFold(q<{ value: number }>('SELECT value FROM json_each(?)', ['[1,2,3,4,5]']), 0, (acc, b) => acc + b.reduce((s, r) => s + r.value, 0), { batchSize: 2 })()
    expect(sum).toStrictEqual(E.right(15))
    const bad = await e.streamFold(q('SELECT value FROM json_each(?)', ['[1,"x"]'], [{ name: 'value', type: types.integer }]), 0, (a) => a, { batchSize: 1 })()
    expect(E.isLeft(bad) && bad.left).toMatchObject({ _tag: 'DecodeError', rowIndex: 1 })
  })
})

describe('Engine: pool with a file database', () => {
  it('dispose closes connections and later calls fail', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = mkdtempSync(join(tmpdir(), 'athanor-engine-'))
    const e = createEngineFrom(sqliteDriver({ filename: join(dir, 'x.db') }), { pool: { size: 2 } })
    await Promise.all([1, 2, 3].map(() => e.execute(q('SELECT 1'))()))
    expect(e.poolStats().total).toBeGreaterThanOrEqual(1)
    await e.dispose()
    expect(e.poolStats().total).toBe(0)
    const r = await e.execute(q('SELECT 1'))()
    expect(E.isLeft(r) && r.left._tag).toBe('ConnectionError')
    rmSync(dir, { recursive: true, force: true })
  })
})
