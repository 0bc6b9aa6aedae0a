/**
 * The version table, `athanor_version`: one row per applied head (Alembic's
 * `alembic_version`). Written in the same transaction as the migration where DDL is
 * transactional.
 *
 * @category migrations
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { TableDef } from '../algebra/ast.js'
import type { Compiled } from '../compile/Compiled.js'
import type { Dialect } from '../compile/Dialect.js'
import { compileDdl } from '../compile/ddl.js'
import type { Executor } from '../effects/Connection.js'
import type { DbError } from '../effects/DbError.js'
import type { RawRow } from '../effects/Driver.js'
import { ddlStatement, literalSql, sequence } from './sql.js'

/** The version table's name. @category migrations */
export const VERSION_TABLE = 'athanor_version'

const def: TableDef = {
  name: VERSION_TABLE,
  columns: [{ name: 'version_num', type: { _tag: 'Varchar', length: 64 }, nullable: false, autoIncrement: false }],
  primaryKey: ['version_num'],
  uniques: [],
  foreignKeys: [],
  checks: [],
  indexes: [],
}

/** `CREATE TABLE IF NOT EXISTS athanor_version`. @category migrations */
export const createVersionTable = (d: Dialect): E.Either<DbError, ReadonlyArray<Compiled>> => compileDdl(d)({ _tag: 'CreateTable', table: def, ifNotExists: true })

/** The statements that record `heads` as the applied heads. @category migrations */
export const writeVersions = (d: Dialect, heads: ReadonlyArray<string>): E.Either<DbError, ReadonlyArray<Compiled>> =>
  E.map((lits: ReadonlyArray<string>) => [
    ddlStatement('DELETE FROM ' + d.quoteIdent(VERSION_TABLE)),
    ...lits.map((l) => ({ ...ddlStatement('INSERT INTO ' + d.quoteIdent(VERSION_TABLE) + ' (' + d.quoteIdent('version_num') + ') VALUES (' + l + ')'), kind: 'insert' as const })),
  ])(sequence(heads.map((h) => literalSql(d, h, { _tag: 'Varchar' }, 'revision id'))))

/** Runs statements in order on one executor. @category migrations */
export const runStatements = (db: Executor, stmts: ReadonlyArray<Compiled>): TE.TaskEither<DbError, void> =>
  pipe(
    db.runAll(stmts),
    TE.map(() => undefined),
  )

/** Creates the version table if needed and reads the applied heads. @category migrations */
export const readVersions = (db: Executor, d: Dialect): TE.TaskEither<DbError, ReadonlyArray<string>> =>
  pipe(
    TE.fromEither(createVersionTable(d)),
    TE.chain((stmts) => runStatements(db, stmts)),
    TE.chain(() => db.execute<RawRow>({ sql: 'SELECT ' + d.quoteIdent('version_num') + ' AS v FROM ' + d.quoteIdent(VERSION_TABLE), params: [], kind: 'query', columns: [] })),
    TE.map((rows) => rows.map((r) => String(r['v'])).sort()),
  )
