/**
 * Autogenerate's diff: declared metadata (normalised for the database) against the reflected
 * schema, as upgrade operations and their inverse. It detects added/removed tables, columns,
 * indexes, unique/foreign key/named check constraints, type and nullability changes. It does
 * not guess renames (a renamed table or column is a drop plus an add) and says so in `notes`.
 *
 * @category migrations
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ColumnDef, ForeignKeyDef, TableDef, UniqueDef } from '../algebra/ast.js'
import { sortTables } from '../compile/ddl.js'
import { sameForeignKey, typeKey } from './compare.js'
import type { Operation } from './Operation.js'

/** What autogenerate found. @category migrations */
export interface SchemaDiff {
  /** Operations taking the database to the metadata. */
  readonly ops: ReadonlyArray<Operation>
  /** Operations undoing `ops`, in order. */
  readonly downgrade: ReadonlyArray<Operation>
  /** What was not compared or cannot be detected; shown in the revision file and by the CLI. */
  readonly notes: ReadonlyArray<string>
}

/** What autogenerate never detects, always said. @category migrations */
export const undetectable: ReadonlyArray<string> = [
  'renamed tables and columns appear as a drop plus an add (data would be lost): edit them into op.renameTable / op.alterColumn({ rename })',
  'server defaults, primary key changes and CHECK expressions are not compared',
]

const cols = (c: ReadonlyArray<string>): string => c.join(',')
const short = (s: string): string => s.replace(/[^A-Za-z0-9_]+/g, '_').slice(0, 40)

const uniqueName = (t: string, u: UniqueDef): string => u.name ?? `uq_${short(t)}_${short(cols(u.columns).replace(/,/g, '_'))}`
const fkName = (t: string, f: ForeignKeyDef): string => f.name ?? `fk_${short(t)}_${short(cols(f.columns).replace(/,/g, '_'))}_${short(f.refTable)}`

const ordered = (ts: ReadonlyArray<TableDef>): ReadonlyArray<TableDef> => {
  const s = sortTables(ts)
  return E.isRight(s) ? s.right : ts
}

interface Pair {
  readonly up: ReadonlyArray<Operation>
  readonly down: ReadonlyArray<Operation>
}

const tableChanges = (want: TableDef, got: TableDef, declared: TableDef, notes: string[]): Pair => {
  const t = want.name
  const decl = (c: ColumnDef): ColumnDef => declared.columns.find((d) => d.name === c.name) ?? c
  const up: Operation[] = []
  const down: Operation[] = []
  const gotCols = new Map(got.columns.map((c) => [c.name, c]))
  const wantCols = new Map(want.columns.map((c) => [c.name, c]))
  // constraints and indexes going away first (they may use dropped columns)
  for (const f of got.foreignKeys)
    if (!want.foreignKeys.some((w) => sameForeignKey(w, f))) {
      up.push({ _tag: 'DropConstraint', table: t, kind: 'foreignKey', ...(f.name ? { name: f.name } : { columns: f.columns }) })
      down.unshift({ _tag: 'AddConstraint', table: t, constraint: { _tag: 'ForeignKey', def: { ...f, name: fkName(t, f) } } })
    }
  for (const u of got.uniques)
    if (!want.uniques.some((w) => cols(w.columns) === cols(u.columns))) {
      up.push({ _tag: 'DropConstraint', table: t, kind: 'unique', ...(u.name ? { name: u.name } : { columns: u.columns }) })
      down.unshift({ _tag: 'AddConstraint', table: t, constraint: { _tag: 'Unique', def: { ...u, name: uniqueName(t, u) } } })
    }
  for (const i of got.indexes) {
    const w = want.indexes.find((x) => x.name === i.name)
    if (w === undefined || cols(w.columns) !== cols(i.columns) || w.unique !== i.unique) {
      up.push({ _tag: 'DropIndex', table: t, name: i.name })
      down.unshift({ _tag: 'CreateIndex', table: t, index: i })
    }
  }
  const allNamed = want.checks.every((c) => c.name !== undefined)
  if (!allNamed && want.checks.length !== got.checks.length) notes.push(`${t}: unnamed CHECK constraints cannot be matched; name them to have them compared`)
  if (allNamed)
    for (const c of got.checks)
      if (c.name !== undefined && !want.checks.some((w) => w.name === c.name)) {
        up.push({ _tag: 'DropConstraint', table: t, kind: 'check', name: c.name })
        down.unshift({ _tag: 'AddConstraint', table: t, constraint: { _tag: 'Check', def: { ...c, name: c.name } } })
      }
  // columns
  for (const c of want.columns)
    if (!gotCols.has(c.name)) {
      up.push({ _tag: 'AddColumn', table: t, column: decl(c) })
      down.unshift({ _tag: 'DropColumn', table: t, column: c.name })
    }
  for (const c of want.columns) {
    const g = gotCols.get(c.name)
    if (g === undefined) continue
    const typeChanged = typeKey(c.type) !== typeKey(g.type)
    const nullChanged = c.nullable !== g.nullable
    if (typeChanged || nullChanged) {
      up.push({ _tag: 'AlterColumn', table: t, column: c.name, ...(typeChanged ? { type: decl(c).type } : {}), ...(nullChanged ? { nullable: c.nullable } : {}) })
      down.unshift({ _tag: 'AlterColumn', table: t, column: c.name, ...(typeChanged ? { type: g.type } : {}), ...(nullChanged ? { nullable: g.nullable } : {}) })
    }
  }
  for (const g of got.columns)
    if (!wantCols.has(g.name)) {
      up.push({ _tag: 'DropColumn', table: t, column: g.name })
      down.unshift({ _tag: 'AddColumn', table: t, column: g })
    }
  // constraints and indexes coming in
  for (const u of want.uniques)
    if (!got.uniques.some((g) => cols(g.columns) === cols(u.columns))) {
      const name = uniqueName(t, u)
      up.push({ _tag: 'AddConstraint', table: t, constraint: { _tag: 'Unique', def: { ...u, name } } })
      down.unshift({ _tag: 'DropConstraint', table: t, kind: 'unique', name })
    }
  for (const i of want.indexes) {
    const g = got.indexes.find((x) => x.name === i.name)
    if (g === undefined || cols(g.columns) !== cols(i.columns) || g.unique !== i.unique) {
      up.push({ _tag: 'CreateIndex', table: t, index: i })
      down.unshift({ _tag: 'DropIndex', table: t, name: i.name })
    }
  }
  for (const f of want.foreignKeys)
    if (!got.foreignKeys.some((g) => sameForeignKey(f, g))) {
      const name = fkName(t, f)
      up.push({ _tag: 'AddConstraint', table: t, constraint: { _tag: 'ForeignKey', def: { ...f, name } } })
      down.unshift({ _tag: 'DropConstraint', table: t, kind: 'foreignKey', name })
    }
  if (allNamed)
    for (const c of want.checks)
      if (c.name !== undefined && !got.checks.some((g) => g.name === c.name)) {
        up.push({ _tag: 'AddConstraint', table: t, constraint: { _tag: 'Check', def: { ...c, name: c.name } } })
        down.unshift({ _tag: 'DropConstraint', table: t, kind: 'check', name: c.name })
      }
  return { up, down }
}

/**
 * The operations that take `got` (the reflected database) to `want` (the metadata, already
 * normalised by the database's reflector), and their inverse. Operations carry the tables and
 * columns as `declared` (the metadata before normalisation) where one is given.
 *
 * @example
 * diffSchemas([users, posts].map(r.normalize), reflected)
 * // { ops: [CreateTable posts, AddColumn users.email], downgrade: [DropColumn users.email, DropTable posts], notes: [...] }
 * @category migrations
 */
export const diffSchemas = (want: ReadonlyArray<TableDef>, got: ReadonlyArray<TableDef>, declared: ReadonlyArray<TableDef> = want): SchemaDiff => {
  const notes: string[] = []
  const declaredBy = new Map(declared.map((t) => [t.name, t]))
  const asDeclared = (t: TableDef): TableDef => declaredBy.get(t.name) ?? t
  const gotBy = new Map(got.map((t) => [t.name, t]))
  const wantBy = new Map(want.map((t) => [t.name, t]))
  const created = ordered(want.filter((t) => !gotBy.has(t.name)))
  const dropped = ordered(got.filter((t) => !wantBy.has(t.name)))
  const up: Operation[] = created.map((table) => ({ _tag: 'CreateTable', table: asDeclared(table) }))
  const down: Operation[] = [...created].reverse().map((t) => ({ _tag: 'DropTable', name: t.name }))
  const changes = want.flatMap((w) => {
    const g = gotBy.get(w.name)
    return g === undefined ? [] : [tableChanges(w, g, asDeclared(w), notes)]
  })
  for (const c of changes) up.push(...c.up)
  for (const c of changes) down.unshift(...c.down)
  up.push(...[...dropped].reverse().map((t): Operation => ({ _tag: 'DropTable', name: t.name })))
  down.unshift(...dropped.map((table): Operation => ({ _tag: 'CreateTable', table })))
  if (created.length > 0 && dropped.length > 0)
    notes.push(`tables ${dropped.map((t) => t.name).join(', ')} are dropped and ${created.map((t) => t.name).join(', ')} created: if that is a rename, edit the revision`)
  return { ops: up, downgrade: down, notes }
}
