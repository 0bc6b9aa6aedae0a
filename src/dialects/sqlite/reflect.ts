/**
 * SQLite reflection: `sqlite_master`, `PRAGMA table_xinfo / index_list / index_info /
 * foreign_key_list`, and a small parser of the stored CREATE TABLE text for constraint names
 * and CHECK constraints.
 *
 * Normalisations (what `normalize` does to declared metadata, because SQLite stores it so):
 * - BOOLEAN is declared INTEGER, so it reflects as Integer (defaults true/false as 1/0);
 *   TIMESTAMP, JSON, enums and UUID are TEXT (Text); BLOB loses its length (Binary()).
 * - A lone INTEGER primary key is the rowid: it reflects as `autoIncrement` whatever was
 *   declared; a lone BIGINT/SMALLINT auto-increment key is declared INTEGER.
 * - `NO ACTION` foreign key actions reflect as absent.
 * - Enum CHECK constraints are written inline on the column and are not reflected; table-level
 *   CHECK constraints are, as raw SQL.
 *
 * @category dialects
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { CheckDef, ColumnDef, ColumnDefault, ForeignKeyDef, IndexDef, ReferentialAction, TableDef, UniqueDef } from '../../algebra/ast.js'
import type { SqlType } from '../../algebra/SqlType.js'
import type { Executor } from '../../effects/Connection.js'
import type { DbError } from '../../effects/DbError.js'
import type { RawRow } from '../../effects/Driver.js'
import { type Reflector, reflectionQuery } from '../../effects/Reflector.js'
import { quoteWith } from '../../compile/ansi.js'

const q = quoteWith('"')
const rows = (db: Executor, sql: string): TE.TaskEither<DbError, ReadonlyArray<RawRow>> => db.execute<RawRow>(reflectionQuery(sql))
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v))

/** Maps a declared SQLite type name back to a SqlType (exact names first, then affinity rules). @internal */
export const sqliteType = (declared: string): SqlType => {
  const t = declared.trim().toUpperCase()
  const m = /^([A-Z ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(t)
  const base = m?.[1] ?? t
  const a = m?.[2] === undefined ? undefined : Number(m[2])
  const b = m?.[3] === undefined ? undefined : Number(m[3])
  switch (base) {
    case 'INTEGER':
    case 'INT':
      return { _tag: 'Integer' }
    case 'BIGINT':
      return { _tag: 'BigInt' }
    case 'SMALLINT':
      return { _tag: 'SmallInt' }
    case 'REAL':
    case 'FLOAT':
      return { _tag: 'Real' }
    case 'DOUBLE':
    case 'DOUBLE PRECISION':
      return { _tag: 'Double' }
    case 'NUMERIC':
    case 'DECIMAL':
    case 'DECIMAL TEXT':
      return { _tag: 'Numeric', precision: a, scale: b }
    case 'VARCHAR':
      return { _tag: 'Varchar', length: a }
    case 'TEXT':
      return { _tag: 'Text' }
    case 'BOOLEAN':
      return { _tag: 'Boolean' }
    case 'DATE':
      return { _tag: 'Date' }
    case 'TIME':
      return { _tag: 'Time' }
    case 'TIMESTAMP':
    case 'DATETIME':
      return { _tag: 'Timestamp', withTimeZone: false }
    case 'JSON':
      return { _tag: 'Json' }
    case 'UUID':
      return { _tag: 'Uuid' }
    case 'BLOB':
    case '':
      return { _tag: 'Binary' }
  }
  if (t.includes('INT')) return { _tag: 'Integer' }
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return { _tag: 'Text' }
  if (t.includes('BLOB')) return { _tag: 'Binary' }
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return { _tag: 'Double' }
  return { _tag: 'Numeric' }
}

const unquoteString = (s: string): string => s.slice(1, -1).split("''").join("'")

const isNow = (s: string): boolean => /^\(?\s*(CURRENT_TIMESTAMP|strftime\('%Y-%m-%d %H:%M:%f',\s*'now'\))\s*\)?$/i.test(s)

/** A default's text as stored by SQLite, read back as a value of the column's type. @internal */
export const sqliteDefault = (text: string | null, type: SqlType): ColumnDefault | undefined => {
  if (text === null) return undefined
  const s = text.trim()
  if (/^null$/i.test(s)) return undefined
  if (isNow(s)) return { _tag: 'Now' }
  if (/^'.*'$/s.test(s)) return { _tag: 'Value', value: unquoteString(s) }
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s))
    return { _tag: 'Value', value: type._tag === 'BigInt' && /^[-+]?\d+$/.test(s) ? BigInt(s) : Number(s) }
  if (/^(true|false)$/i.test(s)) return { _tag: 'Value', value: /^true$/i.test(s) ? 1 : 0 }
  return { _tag: 'Expr', expr: { _tag: 'Raw', sql: s.replace(/^\((.*)\)$/s, '$1'), binds: {} } }
}

/** Splits `a, (b, c), 'd,e'` at top-level commas. @internal */
export const splitTopLevel = (body: string): ReadonlyArray<string> => {
  const out: string[] = []
  let depth = 0
  let quote: string | undefined
  let cur = ''
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]
    if (quote !== undefined) {
      cur += ch
      if (ch === quote) {
        if (body[i + 1] === quote) cur += body[++i]
        else quote = undefined
      }
      continue
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch
    else if (ch === '[') quote = ']'
    else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === ',' && depth === 0) {
      out.push(cur.trim())
      cur = ''
      continue
    }
    cur += ch
  }
  if (cur.trim() !== '') out.push(cur.trim())
  return out
}

const identRe = String.raw`("(?:[^"]|"")*"|\x60(?:[^\x60]|\x60\x60)*\x60|\[[^\]]*\]|[A-Za-z_][A-Za-z0-9_$]*)`
const unquoteIdent = (s: string): string => {
  if (s.startsWith('"')) return s.slice(1, -1).split('""').join('"')
  if (s.startsWith('`')) return s.slice(1, -1).split('``').join('`')
  if (s.startsWith('[')) return s.slice(1, -1)
  return s
}
const identList = (s: string): ReadonlyArray<string> => splitTopLevel(s).map((p) => unquoteIdent(p.trim()))

interface TableConstraint {
  readonly name?: string
  readonly kind: 'unique' | 'fk' | 'check' | 'pk'
  readonly columns: ReadonlyArray<string>
  readonly body: string
}

/** The table-level constraints of a stored CREATE TABLE statement. @internal */
export const tableConstraints = (createSql: string): ReadonlyArray<TableConstraint> => {
  const open = createSql.indexOf('(')
  const close = createSql.lastIndexOf(')')
  if (open < 0 || close < open) return []
  const out: TableConstraint[] = []
  for (const part of splitTopLevel(createSql.slice(open + 1, close))) {
    const named = new RegExp('^CONSTRAINT\\s+' + identRe + '\\s+(.*)$', 'is').exec(part)
    const name = named ? unquoteIdent(named[1]) : undefined
    const rest = named ? named[2] : part
    const kw = /^(UNIQUE|FOREIGN\s+KEY|CHECK|PRIMARY\s+KEY)\s*\((.*)$/is.exec(rest)
    if (kw === null) continue
    const head = kw[1].toUpperCase().replace(/\s+/g, ' ')
    const inner = rest.slice(rest.indexOf('(') + 1)
    let depth = 1
    let end = 0
    for (; end < inner.length && depth > 0; end++) {
      if (inner[end] === '(') depth++
      else if (inner[end] === ')') depth--
    }
    const body = inner.slice(0, end - 1)
    const kind = head === 'UNIQUE' ? 'unique' : head === 'CHECK' ? 'check' : head === 'PRIMARY KEY' ? 'pk' : 'fk'
    out.push({ ...(name === undefined ? {} : { name }), kind, columns: kind === 'check' ? [] : identList(body), body })
  }
  return out
}

const action = (a: unknown): ReferentialAction | undefined => {
  const s = str(a).toUpperCase()
  return s === 'CASCADE' || s === 'SET NULL' || s === 'SET DEFAULT' || s === 'RESTRICT' ? s : undefined
}

const sameCols = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => a.length === b.length && a.every((x, i) => x === b[i])

const reflectTable = (db: Executor, name: string, createSql: string): TE.TaskEither<DbError, TableDef> =>
  pipe(
    TE.Do,
    TE.bind('cols', () => rows(db, `PRAGMA table_xinfo(${q(name)})`)),
    TE.bind('ixs', () => rows(db, `PRAGMA index_list(${q(name)})`)),
    TE.bind('fks', () => rows(db, `PRAGMA foreign_key_list(${q(name)})`)),
    TE.bind('ixCols', ({ ixs }) =>
      TE.sequenceSeqArray(ixs.map((ix) => TE.map((rs: ReadonlyArray<RawRow>) => rs.map((r) => str(r['name'])))(rows(db, `PRAGMA index_info(${q(str(ix['name']))})`)))),
    ),
    TE.map(({ cols, ixs, fks, ixCols }) => {
      const visible = cols.filter((c) => Number(c['hidden'] ?? 0) === 0)
      const pk = visible.filter((c) => Number(c['pk']) > 0).sort((a, b) => Number(a['pk']) - Number(b['pk'])).map((c) => str(c['name']))
      const constraints = tableConstraints(createSql)
      const columns: ColumnDef[] = visible.map((c) => {
        const type = sqliteType(str(c['type']))
        const isPk = pk.includes(str(c['name']))
        const rowid = pk.length === 1 && isPk && str(c['type']).toUpperCase() === 'INTEGER'
        const dflt = sqliteDefault(c['dflt_value'] === null ? null : str(c['dflt_value']), type)
        return { name: str(c['name']), type, nullable: !isPk && Number(c['notnull']) === 0, autoIncrement: rowid, ...(dflt ? { default: dflt } : {}) }
      })
      const uniques: UniqueDef[] = []
      const indexes: IndexDef[] = []
      ixs.forEach((ix, i) => {
        const origin = str(ix['origin'])
        const ixc = ixCols[i]
        if (origin === 'u') {
          const c = constraints.find((k) => k.kind === 'unique' && sameCols(k.columns, ixc))
          uniques.push({ ...(c?.name === undefined ? {} : { name: c.name }), columns: ixc })
        } else if (origin === 'c') indexes.push({ name: str(ix['name']), columns: ixc, unique: Number(ix['unique']) === 1 })
      })
      const byId = new Map<number, RawRow[]>()
      for (const f of fks) byId.set(Number(f['id']), [...(byId.get(Number(f['id'])) ?? []), f])
      const fkNamed = constraints.filter((k) => k.kind === 'fk')
      const foreignKeys: ForeignKeyDef[] = [...byId.values()].map((parts) => {
        const sorted = [...parts].sort((a, b) => Number(a['seq']) - Number(b['seq']))
        const fcols = sorted.map((p) => str(p['from']))
        const named = fkNamed.find((k) => sameCols(k.columns, fcols))
        const onDelete = action(sorted[0]['on_delete'])
        const onUpdate = action(sorted[0]['on_update'])
        return {
          ...(named?.name === undefined ? {} : { name: named.name }),
          columns: fcols,
          refTable: str(sorted[0]['table']),
          refColumns: sorted.map((p) => str(p['to'])),
          ...(onDelete ? { onDelete } : {}),
          ...(onUpdate ? { onUpdate } : {}),
        }
      })
      foreignKeys.reverse()
      const checks: CheckDef[] = constraints
        .filter((k) => k.kind === 'check')
        .map((k) => ({ ...(k.name === undefined ? {} : { name: k.name }), expr: { _tag: 'Raw', sql: k.body, binds: {} } }))
      return { name, columns, primaryKey: pk, uniques, foreignKeys, checks, indexes: [...indexes].sort((a, b) => a.name.localeCompare(b.name)) }
    }),
  )

const reflect = (db: Executor): TE.TaskEither<DbError, ReadonlyArray<TableDef>> =>
  pipe(
    rows(db, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"),
    TE.chain((ts) => TE.sequenceSeqArray(ts.map((t) => reflectTable(db, str(t['name']), str(t['sql']))))),
  )

const isIntegerTag = (t: SqlType): boolean => t._tag === 'Integer' || t._tag === 'BigInt' || t._tag === 'SmallInt'

const normalType = (t: SqlType): SqlType => {
  switch (t._tag) {
    case 'Boolean':
      return { _tag: 'Integer' }
    case 'Timestamp':
    case 'Json':
    case 'Enum':
    case 'Uuid':
      return { _tag: 'Text' }
    case 'Binary':
      return { _tag: 'Binary' }
    default:
      return t
  }
}

const normalDefault = (d: ColumnDefault | undefined): ColumnDefault | undefined => {
  if (d === undefined || d._tag !== 'Value') return d
  const v = d.value
  if (v === null) return undefined
  if (typeof v === 'boolean') return { _tag: 'Value', value: v ? 1 : 0 }
  return d
}

const normalAction = (a: ReferentialAction | undefined): ReferentialAction | undefined => (a === 'NO ACTION' ? undefined : a)

const normalize = (t: TableDef): TableDef => {
  const pkCol = t.primaryKey.length === 1 ? t.columns.find((c) => c.name === t.primaryKey[0]) : undefined
  const rowidDeclared = pkCol !== undefined && pkCol.autoIncrement && isIntegerTag(pkCol.type)
  const columns = t.columns.map((c): ColumnDef => {
    const isPk = t.primaryKey.includes(c.name)
    const type = rowidDeclared && c === pkCol ? { _tag: 'Integer' as const } : normalType(c.type)
    const rowid = t.primaryKey.length === 1 && isPk && type._tag === 'Integer'
    const dflt = normalDefault(c.default)
    const { default: _d, ...rest } = c
    return { ...rest, type, nullable: isPk ? false : c.nullable, autoIncrement: rowid, ...(dflt ? { default: dflt } : {}) }
  })
  return {
    ...t,
    columns,
    foreignKeys: t.foreignKeys.map((f) => {
      const { onDelete, onUpdate, ...rest } = f
      const d = normalAction(onDelete)
      const u = normalAction(onUpdate)
      return { ...rest, ...(d ? { onDelete: d } : {}), ...(u ? { onUpdate: u } : {}) }
    }),
  }
}

/**
 * SQLite's schema support: reflection, normalisation, and table rebuilds for the
 * alterations SQLite lacks (foreign key enforcement is switched off around a migration
 * that may rebuild, and `PRAGMA foreign_key_check` must come back empty before commit).
 *
 * @category dialects
 */
export const sqliteReflector: Reflector = {
  dialect: 'sqlite',
  reflect,
  normalize,
  alter: {
    alterColumn: 'rebuild',
    constraints: false,
    dropColumn: false,
    dropForeignKeyKeyword: false,
    dropUniqueAsIndex: false,
    addColumnRestricted: true,
    alterTypeUsing: false,
  },
  rebuildGuard: {
    before: [reflectionQuery('PRAGMA foreign_keys = OFF')],
    verify: reflectionQuery('PRAGMA foreign_key_check'),
    after: [reflectionQuery('PRAGMA foreign_keys = ON')],
  },
}
