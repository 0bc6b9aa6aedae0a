/**
 * The revision graph (branches, merges, heads, targets, plans), the per-dialect SQL of
 * operations, and rendering: pure, no database.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { TableDef } from '../../src/algebra/ast.js'
import { mysql } from '../../src/dialects/mysql/dialect.js'
import { mysqlReflector } from '../../src/dialects/mysql/reflect.js'
import { postgres } from '../../src/dialects/postgres/dialect.js'
import { postgresReflector } from '../../src/dialects/postgres/reflect.js'
import { sqlite } from '../../src/dialects/sqlite/dialect.js'
import { sqliteReflector } from '../../src/dialects/sqlite/reflect.js'
import { schemaOf } from '../../src/migrations/apply.js'
import { compileOperation } from '../../src/migrations/compileOperation.js'
import { toRevision } from '../../src/migrations/files.js'
import { op } from '../../src/migrations/Operation.js'
import { renderRevision } from '../../src/migrations/render.js'
import { afterStep, buildGraph, planDowngradeBy, planDowngradeTo, planUpgrade, resolve, type Revision } from '../../src/migrations/Revision.js'
import { right } from './support.js'

const r = (id: string, ...parents: ReadonlyArray<string>): Revision => ({ id, parents, message: id, upgrade: [], downgrade: [] })

describe('revision graph', () => {
  //  a - b - c ----- m
  //       \- d - e -/   (merge m), plus a second branch f off a
  const g = right(buildGraph([r('a'), r('b', 'a'), r('c', 'b'), r('d', 'b'), r('e', 'd'), r('m', 'c', 'e'), r('f', 'a')]))

  it('finds heads and bases', () => {
    expect(g.heads).toEqual(['m', 'f'])
    expect(g.bases).toEqual(['a'])
  })

  it('resolves targets', () => {
    expect(E.isLeft(resolve(g, 'head'))).toBe(true)
    expect(right(resolve(g, 'heads'))).toEqual(['m', 'f'])
    expect(right(resolve(g, 'base'))).toEqual([])
    expect(resolve(g, 'zzz')).toEqual(E.left({ _tag: 'MigrationError', revision: 'zzz', message: 'unknown revision zzz' }))
  })

  it('plans upgrades parents first, and the merge after both branches', () => {
    const ids = planUpgrade(g, ['b'], ['m']).map((s) => s.revision.id)
    expect(ids).toEqual(['c', 'd', 'e', 'm'])
    expect(afterStep(g, ['c', 'e'], { revision: g.revisions.get('m') as Revision, direction: 'up' })).toEqual(['m'])
  })

  it('plans downgrades children first', () => {
    expect(planDowngradeTo(g, ['m', 'f'], ['b']).map((s) => s.revision.id)).toEqual(['f', 'm', 'e', 'd', 'c'])
    expect(right(planDowngradeBy(g, ['m'], 1)).map((s) => s.revision.id)).toEqual(['m'])
    expect(afterStep(g, ['m'], { revision: g.revisions.get('m') as Revision, direction: 'down' })).toEqual(['c', 'e'])
    expect(E.isLeft(planDowngradeBy(g, ['a'], 2))).toBe(true)
  })

  it('rejects duplicate ids, unknown parents and cycles', () => {
    expect(E.isLeft(buildGraph([r('a'), r('a')]))).toBe(true)
    expect(E.isLeft(buildGraph([r('a', 'x')]))).toBe(true)
    expect(E.isLeft(buildGraph([r('a', 'b'), r('b', 'a')]))).toBe(true)
  })
})

const users: TableDef = {
  name: 'users',
  columns: [
    { name: 'id', type: { _tag: 'Integer' }, nullable: false, autoIncrement: true },
    { name: 'name', type: { _tag: 'Varchar', length: 100 }, nullable: true, autoIncrement: false },
  ],
  primaryKey: ['id'],
  uniques: [],
  foreignKeys: [],
  checks: [],
  indexes: [],
}

describe('operations compile per dialect', () => {
  const s = schemaOf([users])
  const sql = (ctx: Parameters<typeof compileOperation>[0], o: ReturnType<typeof op.dropTable>) => right(compileOperation(ctx)(s, o)).statements.map((x) => x.sql)
  const pg = { dialect: postgres, alter: postgresReflector.alter }
  const my = { dialect: mysql, alter: mysqlReflector.alter }
  const lite = { dialect: sqlite, alter: sqliteReflector.alter }

  it('alters a column', () => {
    const o = op.alterColumn('users', 'name', { nullable: false })
    expect(sql(pg, o)).toEqual(['ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL'])
    expect(sql(my, o)).toEqual(['ALTER TABLE `users` MODIFY COLUMN `name` VARCHAR(100) NOT NULL'])
    expect(sql(lite, o)).toEqual([
      'CREATE TABLE "_athanor_new_users" ("id" INTEGER PRIMARY KEY, "name" VARCHAR(100) NOT NULL)',
      'INSERT INTO "_athanor_new_users" ("id", "name") SELECT "id", "name" FROM "users"',
      'DROP TABLE "users"',
      'ALTER TABLE "_athanor_new_users" RENAME TO "users"',
    ])
  })

  it('drops constraints with each dialect\'s keyword', () => {
    const fk = op.dropConstraint('users', 'foreignKey', 'fk_x')
    const withFk = schemaOf([{ ...users, foreignKeys: [{ name: 'fk_x', columns: ['id'], refTable: 'users', refColumns: ['id'] }] }])
    expect(right(compileOperation(pg)(withFk, fk)).statements.map((x) => x.sql)).toEqual(['ALTER TABLE "users" DROP CONSTRAINT "fk_x"'])
    expect(right(compileOperation(my)(withFk, fk)).statements.map((x) => x.sql)).toEqual(['ALTER TABLE `users` DROP FOREIGN KEY `fk_x`'])
  })

  it('writes bulk inserts as validated literals', () => {
    expect(sql(pg, op.bulkInsert('users', [{ id: 1, name: "it's" }]))).toEqual([`INSERT INTO "users" ("id", "name") VALUES (1, 'it''s')`])
    expect(E.isLeft(compileOperation(pg)(s, op.bulkInsert('users', [{ nope: 1 }])))).toBe(true)
    expect(E.isLeft(compileOperation(pg)(s, op.bulkInsert('users', [{ id: 'x' }])))).toBe(true)
  })

  it('refuses operations on missing tables and columns', () => {
    expect(E.isLeft(compileOperation(pg)(s, op.dropColumn('users', 'nope')))).toBe(true)
    expect(E.isLeft(compileOperation(pg)(s, op.dropTable('nope')))).toBe(true)
  })
})

describe('rendering', () => {
  it('renders a revision that loads back to the same operations', async () => {
    const src = renderRevision({ id: 'abc', parents: ['p'], message: 'm */ x', upgrade: [op.createTable(users)], downgrade: [op.dropTable('users')], notes: ['renames'], createdAt: new Date(0), autogenerated: true })
    expect(src).toContain('// create table users')
    const body = src.replace('export default ', 'return ')
    const value: unknown = new Function(body)()
    const rev = right(toRevision({ default: value }, 'x.ts'))
    expect(rev.upgrade).toEqual([op.createTable(users)])
    expect(rev.parents).toEqual(['p'])
  })
})
