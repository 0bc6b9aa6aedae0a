/**
 * MySQL / MariaDB reflection from `information_schema` (the connection's `DATABASE()`).
 *
 * Normalisations:
 * - TINYINT(1) → Boolean (defaults 1/0 as true/false); INT/BIGINT/SMALLINT with any display
 *   width → Integer/BigInt/SmallInt; FLOAT → Real; DOUBLE → Double; DECIMAL(p,s) → Numeric(p, s)
 *   (a declared NUMERIC without precision is DECIMAL(65,30), NUMERIC(p) is DECIMAL(p,0));
 *   VARCHAR without length is VARCHAR(255); CHAR(36) → Uuid; DATETIME(6) → Timestamp,
 *   TIMESTAMP(6) → Timestamp with time zone; LONGBLOB → Binary(), VARBINARY(n) → Binary(n);
 *   ENUM(…) → Enum named after its column (MySQL enums have no name of their own);
 *   MariaDB's JSON (LONGTEXT with a `json_valid` CHECK) → Json, and that CHECK is not listed.
 * - A unique index and a unique constraint are the same thing: both reflect as unique
 *   constraints. The index InnoDB adds for a foreign key (named after the constraint or its
 *   first column, on exactly its columns) is not listed.
 * - `RESTRICT` and `NO ACTION` foreign key actions (InnoDB's default) reflect as absent.
 *
 * @category dialects
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { CheckDef, ColumnDef, ColumnDefault, IndexDef, ReferentialAction, TableDef, UniqueDef } from '../../algebra/ast.js'
import type { SqlType } from '../../algebra/SqlType.js'
import type { Executor } from '../../effects/Connection.js'
import type { DbError } from '../../effects/DbError.js'
import type { RawRow } from '../../effects/Driver.js'
import { type Reflector, reflectionQuery } from '../../effects/Reflector.js'

const rows = (db: Executor, sql: string): TE.TaskEither<DbError, ReadonlyArray<RawRow>> => db.execute<RawRow>(reflectionQuery(sql))
const str = (v: unknown): string => (v === null || v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('utf8') : String(v))

const TABLES = `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`
const COLUMNS = `SELECT TABLE_NAME AS tbl, COLUMN_NAME AS name, COLUMN_TYPE AS ctype, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, EXTRA AS extra
  FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`
const CONSTRAINTS = `SELECT TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, CONSTRAINT_TYPE AS kind FROM information_schema.TABLE_CONSTRAINTS
  WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME`
const KEYS = `SELECT TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, COLUMN_NAME AS col, REFERENCED_TABLE_NAME AS reftbl, REFERENCED_COLUMN_NAME AS refcol
  FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`
const RULES = `SELECT TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, UPDATE_RULE AS onupdate, DELETE_RULE AS ondelete
  FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`
const CHECKS_MARIADB = `SELECT TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS
  WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME`
const CHECKS_MYSQL = `SELECT tc.TABLE_NAME AS tbl, tc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause FROM information_schema.TABLE_CONSTRAINTS tc
  JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
  WHERE tc.CONSTRAINT_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK' ORDER BY 1, 2`
const INDEXES = `SELECT TABLE_NAME AS tbl, INDEX_NAME AS name, NON_UNIQUE AS nonunique, COLUMN_NAME AS col
  FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`

const unquote = (s: string): string => s.slice(1, -1).split("''").join("'").replace(/\\(.)/g, '$1')

/** Maps a COLUMN_TYPE back to a SqlType; `column` names enums. @internal */
export const mysqlType = (columnType: string, column: string): SqlType => {
  const t = columnType.toLowerCase().replace(/\s+(unsigned|zerofill)/g, '')
  const en = /^enum\((.*)\)$/s.exec(t)
  if (en) return { _tag: 'Enum', name: column, values: (en[1].match(/'(?:[^']|'')*'/g) ?? []).map((v) => unquote(v)) }
  const m = /^([a-z]+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(t)
  const base = m?.[1] ?? t
  const a = m?.[2] === undefined ? undefined : Number(m[2])
  const b = m?.[3] === undefined ? undefined : Number(m[3])
  switch (base) {
    case 'tinyint':
      return a === 1 ? { _tag: 'Boolean' } : { _tag: 'SmallInt' }
    case 'bool':
    case 'boolean':
      return { _tag: 'Boolean' }
    case 'int':
    case 'integer':
    case 'mediumint':
      return { _tag: 'Integer' }
    case 'bigint':
      return { _tag: 'BigInt' }
    case 'smallint':
      return { _tag: 'SmallInt' }
    case 'float':
      return { _tag: 'Real' }
    case 'double':
      return { _tag: 'Double' }
    case 'decimal':
    case 'numeric':
      return { _tag: 'Numeric', precision: a, scale: b }
    case 'varchar':
      return { _tag: 'Varchar', length: a }
    case 'char':
      return a === 36 ? { _tag: 'Uuid' } : { _tag: 'Varchar', length: a }
    case 'date':
      return { _tag: 'Date' }
    case 'time':
      return { _tag: 'Time' }
    case 'datetime':
      return { _tag: 'Timestamp', withTimeZone: false }
    case 'timestamp':
      return { _tag: 'Timestamp', withTimeZone: true }
    case 'json':
      return { _tag: 'Json' }
    case 'varbinary':
    case 'binary':
      return { _tag: 'Binary', length: a }
    case 'blob':
    case 'longblob':
    case 'mediumblob':
    case 'tinyblob':
      return { _tag: 'Binary' }
    default:
      return { _tag: 'Text' }
  }
}

/** A COLUMN_DEFAULT (MariaDB quotes literals; MySQL does not), read back as a value. @internal */
export const mysqlDefault = (text: string | null, type: SqlType): ColumnDefault | undefined => {
  if (text === null) return undefined
  const s = text.trim()
  if (s === 'NULL') return undefined
  if (/^(current_timestamp|now)(\(\d*\))?$/i.test(s)) return { _tag: 'Now' }
  const isQuoted = /^'.*'$/s.test(s)
  const raw = isQuoted ? unquote(s) : s
  switch (type._tag) {
    case 'Boolean':
      if (/^[01]$/.test(raw)) return { _tag: 'Value', value: raw === '1' }
      break
    case 'Integer':
    case 'SmallInt':
    case 'Real':
    case 'Double':
      if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw)) return { _tag: 'Value', value: Number(raw) }
      break
    case 'BigInt':
      if (/^[-+]?\d+$/.test(raw)) return { _tag: 'Value', value: BigInt(raw) }
      break
    default:
      if (isQuoted || !/[()]/.test(s)) return { _tag: 'Value', value: raw }
  }
  return { _tag: 'Expr', expr: { _tag: 'Raw', sql: s, binds: {} } }
}

const action = (a: unknown): ReferentialAction | undefined => {
  const s = str(a).toUpperCase()
  return s === 'CASCADE' || s === 'SET NULL' || s === 'SET DEFAULT' ? s : undefined
}

const group = <K extends string>(rs: ReadonlyArray<RawRow>, ...keys: ReadonlyArray<K>): Map<string, RawRow[]> => {
  const m = new Map<string, RawRow[]>()
  for (const r of rs) {
    const k = keys.map((key) => str(r[key])).join('\u0000')
    m.set(k, [...(m.get(k) ?? []), r])
  }
  return m
}

const reflect = (db: Executor): TE.TaskEither<DbError, ReadonlyArray<TableDef>> =>
  pipe(
    TE.Do,
    TE.bind('tables', () => rows(db, TABLES)),
    TE.bind('cols', () => rows(db, COLUMNS)),
    TE.bind('cons', () => rows(db, CONSTRAINTS)),
    TE.bind('keys', () => rows(db, KEYS)),
    TE.bind('rules', () => rows(db, RULES)),
    TE.bind('checks', () => pipe(rows(db, CHECKS_MARIADB), TE.orElse(() => rows(db, CHECKS_MYSQL)))),
    TE.bind('ixs', () => rows(db, INDEXES)),
    TE.map(({ tables, cols, cons, keys, rules, checks, ixs }) => {
      const keyCols = group(keys, 'tbl', 'name')
      const ixCols = group(ixs, 'tbl', 'name')
      return tables.map((t): TableDef => {
        const name = str(t['name'])
        const mine = cons.filter((c) => str(c['tbl']) === name)
        const colsOf = (cn: string) => (keyCols.get(name + '\u0000' + cn) ?? []).map((k) => str(k['col']))
        const jsonChecks = new Set<string>()
        for (const ch of checks)
          if (str(ch['tbl']) === name) {
            const jm = /^json_valid\(`((?:[^`]|``)+)`\)$/.exec(str(ch['clause']))
            if (jm && jm[1] === str(ch['name'])) jsonChecks.add(jm[1])
          }
        const columns = cols
          .filter((c) => str(c['tbl']) === name)
          .map((c): ColumnDef => {
            const cname = str(c['name'])
            const declared = mysqlType(str(c['ctype']), cname)
            const type: SqlType = jsonChecks.has(cname) && str(c['ctype']).toLowerCase() === 'longtext' ? { _tag: 'Json' } : declared
            const dflt = mysqlDefault(c['dflt'] === null ? null : str(c['dflt']), type)
            return { name: cname, type, nullable: str(c['nullable']) === 'YES', autoIncrement: /auto_increment/i.test(str(c['extra'])), ...(dflt ? { default: dflt } : {}) }
          })
        const fkNames = mine.filter((c) => c['kind'] === 'FOREIGN KEY').map((c) => str(c['name']))
        // InnoDB's own index for a foreign key is named after the constraint, or after its first column
        const autoFkIndex = (ixName: string, ic: ReadonlyArray<string>): boolean =>
          fkNames.some((fk) => {
            const fc = colsOf(fk)
            return fc.join(',') === ic.join(',') && (ixName === fk || ixName === fc[0])
          })
        const uniques: UniqueDef[] = []
        const indexes: IndexDef[] = []
        for (const [k, parts] of ixCols) {
          const [tbl, ixName] = k.split('\u0000')
          if (tbl !== name || ixName === 'PRIMARY') continue
          const ic = parts.map((p) => str(p['col']))
          if (Number(parts[0]['nonunique']) === 0) uniques.push({ name: ixName, columns: ic })
          else if (!autoFkIndex(ixName, ic)) indexes.push({ name: ixName, columns: ic, unique: false })
        }
        const checkDefs: CheckDef[] = checks
          .filter((ch) => str(ch['tbl']) === name && !jsonChecks.has(str(ch['name'])))
          .map((ch) => ({ name: str(ch['name']), expr: { _tag: 'Raw', sql: str(ch['clause']), binds: {} } }))
        return {
          name,
          columns,
          primaryKey: mine.some((c) => c['kind'] === 'PRIMARY KEY') ? colsOf('PRIMARY') : [],
          uniques,
          foreignKeys: fkNames.map((fk) => {
            const parts = keyCols.get(name + '\u0000' + fk) ?? []
            const rule = rules.find((r) => str(r['tbl']) === name && str(r['name']) === fk)
            const onDelete = action(rule?.['ondelete'])
            const onUpdate = action(rule?.['onupdate'])
            return {
              name: fk,
              columns: parts.map((p) => str(p['col'])),
              refTable: str(parts[0]?.['reftbl']),
              refColumns: parts.map((p) => str(p['refcol'])),
              ...(onDelete ? { onDelete } : {}),
              ...(onUpdate ? { onUpdate } : {}),
            }
          }),
          checks: checkDefs,
          indexes,
        }
      })
    }),
  )

const normalType = (t: SqlType, column: string): SqlType => {
  switch (t._tag) {
    case 'Numeric':
      return t.precision === undefined ? { _tag: 'Numeric', precision: 65, scale: 30 } : { _tag: 'Numeric', precision: t.precision, scale: t.scale ?? 0 }
    case 'Varchar':
      return { _tag: 'Varchar', length: t.length ?? 255 }
    case 'Enum':
      return { _tag: 'Enum', name: column, values: t.values }
    default:
      return t
  }
}

const normalAction = (a: ReferentialAction | undefined): ReferentialAction | undefined => (a === 'NO ACTION' || a === 'RESTRICT' ? undefined : a)

const normalize = (t: TableDef): TableDef => ({
  ...t,
  columns: t.columns.map((c) => {
    const { default: d, ...rest } = c
    const keep = d !== undefined && !(d._tag === 'Value' && d.value === null)
    return { ...rest, type: normalType(c.type, c.name), nullable: t.primaryKey.includes(c.name) ? false : c.nullable, ...(keep ? { default: d } : {}) }
  }),
  uniques: [...t.uniques, ...t.indexes.filter((i) => i.unique).map((i) => ({ name: i.name, columns: i.columns }))],
  indexes: t.indexes.filter((i) => !i.unique),
  foreignKeys: t.foreignKeys.map((f) => {
    const { onDelete, onUpdate, ...rest } = f
    const d = normalAction(onDelete)
    const u = normalAction(onUpdate)
    return { ...rest, ...(d ? { onDelete: d } : {}), ...(u ? { onUpdate: u } : {}) }
  }),
})

/**
 * MySQL / MariaDB schema support: reflection, normalisation, `MODIFY COLUMN` alterations.
 * DDL is not transactional here: a failed migration may leave part of its DDL applied.
 *
 * @category dialects
 */
export const mysqlReflector: Reflector = {
  dialect: 'mysql',
  reflect,
  normalize,
  alter: {
    alterColumn: 'modify',
    constraints: true,
    dropColumn: true,
    dropForeignKeyKeyword: true,
    dropUniqueAsIndex: true,
    addColumnRestricted: false,
    alterTypeUsing: false,
  },
}
