/**
 * DDL: CREATE/DROP TABLE, INDEX and enum types, plus `createAll` / `dropAll` over a list of
 * tables in foreign-key order. DDL takes no bound parameters: values are written as
 * validated literals.
 *
 * @category compile
 */
import { absurd } from 'fp-ts/lib/function.js'
import * as E from 'fp-ts/lib/Either.js'
import type { ColumnDef, DdlNode, ForeignKeyDef, IndexDef, TableDef } from '../algebra/ast.js'
import type { SqlType } from '../algebra/SqlType.js'
import type { Compiled } from './Compiled.js'
import { invalid, unsupported, type CompileError } from './CompileError.js'
import type { Dialect } from './Dialect.js'
import { expr, P } from './expr.js'
import { tableName } from './select.js'
import { fail, newCtx, runtimeOf, type Ctx } from './state.js'
import { checkParam, literal } from './values.js'

const ddl = (sql: string): Compiled => ({ sql, params: [], kind: 'ddl', columns: [] })

const isInteger = (t: SqlType): boolean => t._tag === 'Integer' || t._tag === 'BigInt' || t._tag === 'SmallInt'
const isLob = (t: SqlType): boolean => t._tag === 'Text' || t._tag === 'Json' || (t._tag === 'Binary' && t.length === undefined)

const names = (c: Ctx, cols: ReadonlyArray<string>): string => '(' + cols.map(c.q).join(', ') + ')'

const checkColumns = (c: Ctx, def: TableDef, what: string, cols: ReadonlyArray<string>): void => {
  if (cols.length === 0) fail(c, invalid(`${what} of table ${def.name} needs at least one column`))
  for (const col of cols)
    if (!def.columns.some((d) => d.name === col)) fail(c, invalid(`${what} of table ${def.name} names an unknown column ${col}`))
}

const defaultClause = (c: Ctx, col: ColumnDef): string => {
  const d = col.default
  if (d === undefined) return ''
  switch (d._tag) {
    case 'Now':
      return ' DEFAULT ' + c.d.currentTimestamp
    case 'Value': {
      const problem = checkParam(d.value, col.type)
      if (problem !== undefined) return fail(c, invalid(`default of column ${col.name}: ${problem}`))
      const lit = literal(c.d, d.value, col.type)
      if (lit === undefined) return fail(c, invalid(`default of column ${col.name} has no SQL literal form`))
      return !c.caps.literalDefaultOnLob && isLob(col.type) ? ' DEFAULT (' + lit + ')' : ' DEFAULT ' + lit
    }
    case 'Expr':
      return ' DEFAULT (' + expr(c, d.expr, P.TOP) + ')'
    default:
      return absurd(d)
  }
}

const columnDef = (c: Ctx, def: TableDef, col: ColumnDef, rowid: boolean): string => {
  let out = c.q(col.name) + ' '
  if (rowid && def.primaryKey[0] === col.name) return out + 'INTEGER PRIMARY KEY' + defaultClause(c, col)
  out += c.d.typeName(col.type, 'ddl')
  if (col.autoIncrement) {
    if (!isInteger(col.type)) return fail(c, invalid(`auto-increment column ${col.name} must have an integer type`))
    if (c.caps.rowidPrimaryKey)
      return fail(c, unsupported(`auto-increment column ${def.name}.${col.name} that is not the lone INTEGER primary key`, c.d.name))
    out += ' ' + c.d.autoIncrementClause
  }
  if (!col.nullable) out += ' NOT NULL'
  out += defaultClause(c, col)
  if (col.type._tag === 'Enum' && !c.caps.nativeEnum && !c.caps.inlineEnum) {
    if (col.type.values.length === 0) return fail(c, invalid(`enum ${col.type.name} needs at least one value`))
    out += ' CHECK (' + c.q(col.name) + ' IN (' + col.type.values.map(c.d.stringLiteral).join(', ') + '))'
  }
  return out
}

const constraintName = (c: Ctx, name: string | undefined): string => (name === undefined ? '' : 'CONSTRAINT ' + c.q(name) + ' ')

const foreignKey = (c: Ctx, fk: ForeignKeyDef): string => {
  if (fk.columns.length !== fk.refColumns.length) return fail(c, invalid(`foreign key to ${fk.refTable} has ${fk.columns.length} columns but references ${fk.refColumns.length}`))
  let out = constraintName(c, fk.name) + 'FOREIGN KEY ' + names(c, fk.columns) + ' REFERENCES ' + c.q(fk.refTable) + ' ' + names(c, fk.refColumns)
  if (fk.onDelete !== undefined) out += ' ON DELETE ' + fk.onDelete
  if (fk.onUpdate !== undefined) out += ' ON UPDATE ' + fk.onUpdate
  return out
}

const createIndex = (c: Ctx, table: string, schema: string | undefined, ix: IndexDef, ifNotExists: boolean): string => {
  if (ix.columns.length === 0) return fail(c, invalid(`index ${ix.name} needs at least one column`))
  if (ifNotExists && !c.caps.createIndexIfNotExists) return fail(c, unsupported('CREATE INDEX IF NOT EXISTS', c.d.name))
  return (
    'CREATE ' + (ix.unique ? 'UNIQUE ' : '') + 'INDEX ' + (ifNotExists ? 'IF NOT EXISTS ' : '') + c.q(ix.name) + ' ON ' + tableName(c, table, schema) + ' ' + names(c, ix.columns)
  )
}

const createTable = (c: Ctx, def: TableDef, ifNotExists: boolean): ReadonlyArray<string> => {
  if (def.columns.length === 0) return [fail(c, invalid(`table ${def.name} needs at least one column`))]
  const seen = new Set<string>()
  for (const col of def.columns) {
    if (seen.has(col.name)) fail(c, invalid(`table ${def.name} has two columns named ${col.name}`))
    seen.add(col.name)
  }
  const pkCol = def.primaryKey.length === 1 ? def.columns.find((col) => col.name === def.primaryKey[0]) : undefined
  const rowid = c.caps.rowidPrimaryKey && pkCol !== undefined && pkCol.autoIncrement && isInteger(pkCol.type)
  const parts = def.columns.map((col) => columnDef(c, def, col, rowid))
  if (def.primaryKey.length > 0) checkColumns(c, def, 'primary key', def.primaryKey)
  if (def.primaryKey.length > 0 && !rowid) parts.push('PRIMARY KEY ' + names(c, def.primaryKey))
  for (const u of def.uniques) {
    checkColumns(c, def, 'unique constraint', u.columns)
    parts.push(constraintName(c, u.name) + 'UNIQUE ' + names(c, u.columns))
  }
  for (const fk of def.foreignKeys) {
    checkColumns(c, def, 'foreign key', fk.columns)
    parts.push(foreignKey(c, fk))
  }
  for (const ch of def.checks) parts.push(constraintName(c, ch.name) + 'CHECK (' + expr(c, ch.expr, P.TOP) + ')')
  const head = 'CREATE TABLE ' + (ifNotExists ? 'IF NOT EXISTS ' : '') + tableName(c, def.name, def.schema)
  const out = [head + ' (' + parts.join(', ') + ')']
  for (const ix of def.indexes) {
    checkColumns(c, def, `index ${ix.name}`, ix.columns)
    out.push(createIndex(c, def.name, def.schema, ix, ifNotExists))
  }
  return out
}

const ddlStatements = (c: Ctx, n: DdlNode): ReadonlyArray<string> => {
  switch (n._tag) {
    case 'CreateTable':
      return createTable(c, n.table, n.ifNotExists)
    case 'DropTable':
      if (n.cascade && !c.caps.dropCascade) return [fail(c, unsupported('DROP TABLE … CASCADE', c.d.name))]
      return ['DROP TABLE ' + (n.ifExists ? 'IF EXISTS ' : '') + tableName(c, n.name, n.schema) + (n.cascade ? ' CASCADE' : '')]
    case 'CreateIndex':
      return [createIndex(c, n.table, n.schema, n.index, n.ifNotExists)]
    case 'DropIndex':
      if (n.ifExists && !c.caps.createIndexIfNotExists) return [fail(c, unsupported('DROP INDEX IF EXISTS', c.d.name))]
      return c.caps.dropIndexOnTable
        ? ['DROP INDEX ' + (n.ifExists ? 'IF EXISTS ' : '') + c.q(n.name) + ' ON ' + tableName(c, n.table, n.schema)]
        : ['DROP INDEX ' + (n.ifExists ? 'IF EXISTS ' : '') + tableName(c, n.name, n.schema)]
    case 'CreateEnum':
      if (n.values.length === 0) return [fail(c, invalid(`enum ${n.name} needs at least one value`))]
      if (!c.caps.nativeEnum) return []
      return ['CREATE TYPE ' + c.q(n.name) + ' AS ENUM (' + n.values.map(c.d.stringLiteral).join(', ') + ')']
    case 'DropEnum':
      if (!c.caps.nativeEnum) return []
      return ['DROP TYPE ' + (n.ifExists ? 'IF EXISTS ' : '') + c.q(n.name)]
    default:
      return absurd(n)
  }
}

/**
 * Compiles a DDL statement to the list of statements it needs (a CREATE TABLE is followed by
 * its CREATE INDEX statements; an enum type on a dialect without native enums is no statement).
 *
 * @example
 * compileDdl(postgres)({ _tag: 'DropTable', name: 'users', ifExists: true, cascade: false })
 * // Right([{ sql: 'DROP TABLE IF EXISTS "users"', params: [], kind: 'ddl', columns: [] }])
 * @category compile
 */
export const compileDdl =
  (dialect: Dialect) =>
  (node: DdlNode): E.Either<CompileError, ReadonlyArray<Compiled>> => {
    const c = newCtx(runtimeOf(dialect), true)
    const stmts = ddlStatements(c, node)
    return c.error !== undefined ? E.left(c.error) : E.right(stmts.map(ddl))
  }

const tableKey = (schema: string | undefined, name: string): string => (schema === undefined ? name : schema + '.' + name)

/**
 * Orders table definitions so every table comes after the tables its foreign keys reference
 * (stable: otherwise input order). Self-references are ignored; references to tables not in
 * the list are ignored; a cycle is an InvalidStatement.
 *
 * @example
 * sortTables([posts.definition(), users.definition()]) // Right([users…, posts…])
 * @category compile
 */
export const sortTables = (defs: ReadonlyArray<TableDef>): E.Either<CompileError, ReadonlyArray<TableDef>> => {
  const byName = new Map<string, number>()
  defs.forEach((d, i) => {
    byName.set(tableKey(d.schema, d.name), i)
    if (d.schema !== undefined && !byName.has(d.name)) byName.set(d.name, i)
  })
  const deps = defs.map((d, i) => {
    const s = new Set<number>()
    for (const fk of d.foreignKeys) {
      const j = byName.get(tableKey(d.schema, fk.refTable)) ?? byName.get(fk.refTable)
      if (j !== undefined && j !== i) s.add(j)
    }
    return s
  })
  const done = new Array<boolean>(defs.length).fill(false)
  const out: TableDef[] = []
  while (out.length < defs.length) {
    let progressed = false
    for (let i = 0; i < defs.length; i++) {
      if (done[i]) continue
      let ready = true
      for (const j of deps[i]) if (!done[j]) ready = false
      if (ready) {
        done[i] = true
        out.push(defs[i])
        progressed = true
        break
      }
    }
    if (!progressed) {
      const left = defs.filter((_, i) => !done[i]).map((d) => d.name)
      return E.left(invalid(`foreign keys form a cycle between tables ${left.join(', ')}`))
    }
  }
  return E.right(out)
}

/** Anything with a table definition (a `Table`). @category compile */
export interface HasDefinition {
  readonly definition: () => TableDef
}

const enumsOf = (defs: ReadonlyArray<TableDef>): E.Either<CompileError, ReadonlyArray<{ readonly name: string; readonly values: ReadonlyArray<string> }>> => {
  const found = new Map<string, ReadonlyArray<string>>()
  for (const d of defs)
    for (const col of d.columns) {
      if (col.type._tag !== 'Enum') continue
      const prev = found.get(col.type.name)
      if (prev === undefined) found.set(col.type.name, col.type.values)
      else if (prev.join('\u0000') !== col.type.values.join('\u0000'))
        return E.left(invalid(`enum ${col.type.name} is declared with two different value lists`))
    }
  return E.right([...found].map(([name, values]) => ({ name, values })))
}

const concatAll = (parts: ReadonlyArray<E.Either<CompileError, ReadonlyArray<Compiled>>>): E.Either<CompileError, ReadonlyArray<Compiled>> => {
  const out: Compiled[] = []
  for (const p of parts) {
    if (E.isLeft(p)) return p
    out.push(...p.right)
  }
  return E.right(out)
}

/** The tables of a metadata collection in foreign-key order, with the enum types they use. */
const schemaOf = (
  tables: ReadonlyArray<HasDefinition>,
): E.Either<CompileError, { readonly tables: ReadonlyArray<TableDef>; readonly enums: ReadonlyArray<{ readonly name: string; readonly values: ReadonlyArray<string> }> }> => {
  const sorted = sortTables(tables.map((t) => t.definition()))
  if (E.isLeft(sorted)) return sorted
  const enums = enumsOf(sorted.right)
  return E.isLeft(enums) ? enums : E.right({ tables: sorted.right, enums: enums.right })
}

/**
 * The statements creating all `tables` (and, on PostgreSQL, their enum types first), in
 * foreign-key order.
 *
 * @example
 * createAll(sqlite)([users, posts])
 * // Right([CREATE TABLE "users" (…), CREATE TABLE "posts" (…), CREATE INDEX …])
 * @category compile
 */
export const createAll =
  (dialect: Dialect) =>
  (tables: ReadonlyArray<HasDefinition>): E.Either<CompileError, ReadonlyArray<Compiled>> => {
    const s = schemaOf(tables)
    if (E.isLeft(s)) return s
    const go = compileDdl(dialect)
    return concatAll([
      ...s.right.enums.map((e) => go({ _tag: 'CreateEnum', name: e.name, values: e.values })),
      ...s.right.tables.map((t) => go({ _tag: 'CreateTable', table: t, ifNotExists: false })),
    ])
  }

/**
 * The statements dropping all `tables` (`DROP TABLE IF EXISTS`, dependents first), then, on
 * PostgreSQL, their enum types.
 *
 * @example
 * dropAll(postgres)([users, posts]) // Right([DROP TABLE IF EXISTS "posts", DROP TABLE IF EXISTS "users"])
 * @category compile
 */
export const dropAll =
  (dialect: Dialect) =>
  (tables: ReadonlyArray<HasDefinition>): E.Either<CompileError, ReadonlyArray<Compiled>> => {
    const s = schemaOf(tables)
    if (E.isLeft(s)) return s
    const go = compileDdl(dialect)
    return concatAll([
      ...[...s.right.tables].reverse().map((t) => go({ _tag: 'DropTable', name: t.name, schema: t.schema, ifExists: true, cascade: false })),
      ...s.right.enums.map((e) => go({ _tag: 'DropEnum', name: e.name, ifExists: true })),
    ])
  }
