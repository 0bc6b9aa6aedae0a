/**
 * Compiling operations per dialect, given the schema they apply to. Branches on the
 * reflector's {@link AlterSupport} flags, never on a dialect's name. Where a dialect lacks an
 * alteration (SQLite), the table is rebuilt: create the new table, copy the rows, drop the
 * old one, rename, recreate its indexes (Alembic's batch mode).
 *
 * @category migrations
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ColumnDef, DdlNode, TableDef } from '../algebra/ast.js'
import type { Compiled } from '../compile/Compiled.js'
import type { Dialect } from '../compile/Dialect.js'
import { compileDdl } from '../compile/ddl.js'
import type { DbError } from '../effects/DbError.js'
import type { AlterSupport } from '../effects/Reflector.js'
import { alterTable, applyOperation, type Schema, tableIn } from './apply.js'
import type { Operation } from './Operation.js'
import { columnSql, ddlStatement, defaultSql, exprSql, literalSql, rawStatement, sequence } from './sql.js'

/** What compiling needs: the dialect and how it alters tables. @category migrations */
export interface OperationContext {
  readonly dialect: Dialect
  readonly alter: AlterSupport
}

/** An operation's statements and the schema after it. @category migrations */
export interface CompiledOperation {
  readonly statements: ReadonlyArray<Compiled>
  readonly schema: Schema
}

type Result = E.Either<DbError, ReadonlyArray<Compiled>>

const ddl = (d: Dialect, node: DdlNode): Result => compileDdl(d)(node)
const one = (sql: string): Result => E.right([ddlStatement(sql)])
const concat = (parts: ReadonlyArray<Result>): Result => E.map((xs: ReadonlyArray<ReadonlyArray<Compiled>>) => xs.flat())(sequence(parts))

const enumsUsed = (s: Schema, except?: string): Set<string> => {
  const out = new Set<string>()
  for (const t of s.values()) if (t.name !== except) for (const c of t.columns) if (c.type._tag === 'Enum') out.add(c.type.name)
  return out
}

const createEnums = (d: Dialect, s: Schema, cols: ReadonlyArray<ColumnDef>): Result => {
  const used = enumsUsed(s)
  const seen = new Set<string>()
  const parts: Result[] = []
  for (const c of cols)
    if (c.type._tag === 'Enum' && !used.has(c.type.name) && !seen.has(c.type.name)) {
      seen.add(c.type.name)
      parts.push(ddl(d, { _tag: 'CreateEnum', name: c.type.name, values: c.type.values }))
    }
  return concat(parts)
}

const dropEnums = (d: Dialect, s: Schema, t: TableDef): Result => {
  const still = enumsUsed(s, t.name)
  const names = new Set(t.columns.flatMap((c) => (c.type._tag === 'Enum' && !still.has(c.type.name) ? [c.type.name] : [])))
  return concat([...names].map((name) => ddl(d, { _tag: 'DropEnum', name, ifExists: true })))
}

/** The statements of a table rebuild from `old` to `next`; `sources` maps a new column to the old one it copies. @category migrations */
export const rebuildTable = (d: Dialect, old: TableDef, next: TableDef, sources: ReadonlyMap<string, string>): Result => {
  const q = d.quoteIdent
  const tmp = `_athanor_new_${old.name}`
  const created = ddl(d, { _tag: 'CreateTable', table: { ...next, name: tmp, indexes: [] }, ifNotExists: false })
  const copied = next.columns.filter((c) => sources.has(c.name) && old.columns.some((o) => o.name === sources.get(c.name)))
  const copy =
    copied.length === 0
      ? []
      : ['INSERT INTO ' + q(tmp) + ' (' + copied.map((c) => q(c.name)).join(', ') + ') SELECT ' + copied.map((c) => q(sources.get(c.name) ?? c.name)).join(', ') + ' FROM ' + q(old.name)]
  return concat([
    created,
    E.right([...copy, 'DROP TABLE ' + q(old.name), 'ALTER TABLE ' + q(tmp) + ' RENAME TO ' + q(next.name)].map(ddlStatement)),
    ...next.indexes.map((index) => ddl(d, { _tag: 'CreateIndex', table: next.name, index, ifNotExists: false })),
  ])
}

const identity = (t: TableDef): ReadonlyMap<string, string> => new Map(t.columns.map((c) => [c.name, c.name]))

const rebuildFor = (d: Dialect, old: TableDef, o: Operation): Result => {
  const next = alterTable(old, o)
  if (E.isLeft(next)) return next
  const sources = new Map(identity(next.right))
  if (o._tag === 'AlterColumn' && o.rename !== undefined) {
    sources.delete(o.rename)
    sources.set(o.rename, o.column)
  }
  if (o._tag === 'AddColumn') sources.delete(o.column.name)
  return rebuildTable(d, old, next.right, sources)
}

const alterColumn = (ctx: OperationContext, t: TableDef, o: Extract<Operation, { readonly _tag: 'AlterColumn' }>): Result => {
  const d = ctx.dialect
  const q = d.quoteIdent
  const head = 'ALTER TABLE ' + q(t.name)
  const col = t.columns.find((c) => c.name === o.column)
  if (col === undefined) return E.left({ _tag: 'InvalidStatement', message: `column ${t.name}.${o.column} does not exist` })
  const onlyRename = o.type === undefined && o.nullable === undefined && o.default === undefined
  const rename = o.rename !== undefined && o.rename !== o.column ? [head + ' RENAME COLUMN ' + q(o.column) + ' TO ' + q(o.rename)] : []
  if (onlyRename) return E.right(rename.map(ddlStatement))
  switch (ctx.alter.alterColumn) {
    case 'rebuild':
      return rebuildFor(d, t, o)
    case 'modify': {
      const next = alterTable(t, { ...o, rename: undefined })
      if (E.isLeft(next)) return next
      const nc = next.right.columns.find((c) => c.name === o.column)
      if (nc === undefined) return E.right([])
      return E.map((def: string) => [ddlStatement(head + ' MODIFY COLUMN ' + def), ...rename.map(ddlStatement)])(columnSql(d, nc))
    }
    case 'standard': {
      const c = head + ' ALTER COLUMN ' + q(o.column)
      const parts: Array<E.Either<DbError, string>> = []
      if (o.type !== undefined) {
        const tn = d.typeName(o.type, 'ddl')
        parts.push(E.right(c + ' TYPE ' + tn + (ctx.alter.alterTypeUsing ? ' USING ' + q(o.column) + '::' + tn : '')))
      }
      if (o.nullable !== undefined) parts.push(E.right(c + (o.nullable ? ' DROP NOT NULL' : ' SET NOT NULL')))
      if (o.default === null) parts.push(E.right(c + ' DROP DEFAULT'))
      else if (o.default !== undefined) parts.push(E.map((s: string) => c + ' SET DEFAULT ' + s)(defaultSql(d, { name: o.column, type: o.type ?? col.type }, o.default)))
      return E.map((xs: ReadonlyArray<string>) => [...xs, ...rename].map(ddlStatement))(sequence(parts))
    }
  }
}

const constraintSql = (d: Dialect, o: Extract<Operation, { readonly _tag: 'AddConstraint' }>): E.Either<DbError, string> => {
  const q = d.quoteIdent
  const k = o.constraint
  const head = 'ALTER TABLE ' + q(o.table) + ' ADD CONSTRAINT ' + q(k.def.name) + ' '
  const list = (cs: ReadonlyArray<string>): string => '(' + cs.map(q).join(', ') + ')'
  switch (k._tag) {
    case 'Unique':
      return E.right(head + 'UNIQUE ' + list(k.def.columns))
    case 'ForeignKey': {
      const f = k.def
      return E.right(
        head + 'FOREIGN KEY ' + list(f.columns) + ' REFERENCES ' + q(f.refTable) + ' ' + list(f.refColumns) +
          (f.onDelete ? ' ON DELETE ' + f.onDelete : '') + (f.onUpdate ? ' ON UPDATE ' + f.onUpdate : ''),
      )
    }
    case 'Check':
      return E.map((s: string) => head + 'CHECK (' + s + ')')(exprSql(d, k.def.expr))
  }
}

const dropConstraint = (ctx: OperationContext, t: TableDef, o: Extract<Operation, { readonly _tag: 'DropConstraint' }>): Result => {
  if (!ctx.alter.constraints) return rebuildFor(ctx.dialect, t, o)
  const q = ctx.dialect.quoteIdent
  if (o.name === undefined) return E.left({ _tag: 'InvalidStatement', message: `dropping a ${o.kind} constraint of ${t.name} needs its name` })
  const what =
    o.kind === 'foreignKey' && ctx.alter.dropForeignKeyKeyword ? 'FOREIGN KEY' : o.kind === 'unique' && ctx.alter.dropUniqueAsIndex ? 'INDEX' : 'CONSTRAINT'
  return one('ALTER TABLE ' + q(t.name) + ' DROP ' + what + ' ' + q(o.name))
}

const addColumn = (ctx: OperationContext, s: Schema, t: TableDef, o: Extract<Operation, { readonly _tag: 'AddColumn' }>): Result => {
  const c = o.column
  const dflt = c.default
  const constantDefault = dflt !== undefined && dflt._tag === 'Value'
  if (ctx.alter.addColumnRestricted && (c.autoIncrement || (!c.nullable && !constantDefault) || (dflt !== undefined && !constantDefault)))
    return concat([createEnums(ctx.dialect, s, [c]), rebuildFor(ctx.dialect, t, o)])
  return concat([
    createEnums(ctx.dialect, s, [c]),
    E.map((def: string) => [ddlStatement('ALTER TABLE ' + ctx.dialect.quoteIdent(t.name) + ' ADD COLUMN ' + def)])(columnSql(ctx.dialect, c)),
  ])
}

const BATCH = 500

const bulkInsert = (d: Dialect, t: TableDef, rows: ReadonlyArray<Readonly<Record<string, unknown>>>): Result => {
  if (rows.length === 0) return E.right([])
  const q = d.quoteIdent
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const cols = names.map((n) => t.columns.find((c) => c.name === n))
  const unknown = names.find((_, i) => cols[i] === undefined)
  if (unknown !== undefined) return E.left({ _tag: 'InvalidStatement', message: `bulk insert into ${t.name}: unknown column ${unknown}` })
  const out: Compiled[] = []
  for (let i = 0; i < rows.length; i += BATCH) {
    const values = sequence(
      rows.slice(i, i + BATCH).map((r) =>
        E.map((vs: ReadonlyArray<string>) => '(' + vs.join(', ') + ')')(sequence(names.map((n, j) => literalSql(d, r[n], cols[j]?.type, `bulk insert into ${t.name}.${n}`)))),
      ),
    )
    if (E.isLeft(values)) return values
    out.push({ sql: 'INSERT INTO ' + q(t.name) + ' (' + names.map(q).join(', ') + ') VALUES ' + values.right.join(', '), params: [], kind: 'insert', columns: [] })
  }
  return E.right(out)
}

const statementsOf = (ctx: OperationContext, s: Schema, o: Operation): Result => {
  const d = ctx.dialect
  const q = d.quoteIdent
  const withTable = (name: string, f: (t: TableDef) => Result): Result => {
    const t = tableIn(s, name)
    return E.isLeft(t) ? t : f(t.right)
  }
  switch (o._tag) {
    case 'CreateTable':
      return concat([createEnums(d, s, o.table.columns), ddl(d, { _tag: 'CreateTable', table: o.table, ifNotExists: false })])
    case 'DropTable':
      return withTable(o.name, (t) => concat([ddl(d, { _tag: 'DropTable', name: o.name, ifExists: false, cascade: false }), dropEnums(d, s, t)]))
    case 'AddColumn':
      return withTable(o.table, (t) => addColumn(ctx, s, t, o))
    case 'DropColumn':
      return withTable(o.table, (t) => (ctx.alter.dropColumn ? one('ALTER TABLE ' + q(o.table) + ' DROP COLUMN ' + q(o.column)) : rebuildFor(d, t, o)))
    case 'AlterColumn':
      return withTable(o.table, (t) => alterColumn(ctx, t, o))
    case 'CreateIndex':
      return ddl(d, { _tag: 'CreateIndex', table: o.table, index: o.index, ifNotExists: false })
    case 'DropIndex':
      return ddl(d, { _tag: 'DropIndex', table: o.table, name: o.name, ifExists: false })
    case 'AddConstraint':
      return withTable(o.table, (t) => (ctx.alter.constraints ? E.map((sql: string) => [ddlStatement(sql)])(constraintSql(d, o)) : rebuildFor(d, t, o)))
    case 'DropConstraint':
      return withTable(o.table, (t) => dropConstraint(ctx, t, o))
    case 'RenameTable':
      return one('ALTER TABLE ' + q(o.from) + ' RENAME TO ' + q(o.to))
    case 'Execute':
      return E.right([rawStatement(o.sql)])
    case 'BulkInsert':
      return withTable(o.table, (t) => bulkInsert(d, t, o.rows))
    case 'Run':
      return E.right([])
  }
}

/**
 * Compiles one operation against the schema it applies to, returning its statements and the
 * schema after it.
 *
 * @example
 * compileOperation({ dialect: postgres, alter: postgresReflector.alter })(schema, op.alterColumn('users', 'name', { nullable: false }))
 * // Right({ statements: [ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL], schema })
 * // MySQL: ALTER TABLE `users` MODIFY COLUMN `name` VARCHAR(100) NOT NULL
 * // SQLite: CREATE TABLE "_athanor_new_users" (…); INSERT … SELECT; DROP TABLE; ALTER TABLE … RENAME TO "users"
 * @category migrations
 */
export const compileOperation =
  (ctx: OperationContext) =>
  (s: Schema, o: Operation): E.Either<DbError, CompiledOperation> => {
    const stmts = statementsOf(ctx, s, o)
    if (E.isLeft(stmts)) return stmts
    const next = applyOperation(s, o)
    return E.isLeft(next) ? next : E.right({ statements: stmts.right, schema: next.right })
  }

/** True when compiling `o` may rebuild a table (so foreign keys must not cascade). @category migrations */
export const mayRebuild = (alter: AlterSupport, o: Operation): boolean =>
  alter.alterColumn === 'rebuild' && ['AddColumn', 'DropColumn', 'AlterColumn', 'AddConstraint', 'DropConstraint'].includes(o._tag)
