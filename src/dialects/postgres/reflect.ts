/**
 * PostgreSQL reflection from `pg_catalog` (the connection's `current_schema()`).
 *
 * Normalisations:
 * - types come from `format_type`: int4/int8/int2 → Integer/BigInt/SmallInt, float4/float8 →
 *   Real/Double, `character varying(n)` → Varchar(n), `numeric(p[,s])` → Numeric(p, s) (a
 *   declared NUMERIC(p) reflects as NUMERIC(p, 0)), json and jsonb → Json, bytea → Binary()
 *   (lengths are not kept), enum types → Enum(name, labels in sort order);
 * - identity columns reflect as `autoIncrement` with no default;
 * - `NO ACTION` foreign key actions reflect as absent; unnamed constraints get PostgreSQL's
 *   generated names; CHECK constraints are raw SQL (`pg_get_constraintdef`).
 *
 * @category dialects
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { ColumnDef, ColumnDefault, ReferentialAction, TableDef } from '../../algebra/ast.js'
import type { SqlType } from '../../algebra/SqlType.js'
import type { Executor } from '../../effects/Connection.js'
import type { DbError } from '../../effects/DbError.js'
import type { RawRow } from '../../effects/Driver.js'
import { type Reflector, reflectionQuery } from '../../effects/Reflector.js'

const rows = (db: Executor, sql: string): TE.TaskEither<DbError, ReadonlyArray<RawRow>> => db.execute<RawRow>(reflectionQuery(sql))
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v))
const names = (v: unknown): ReadonlyArray<string> => {
  if (v === null || v === undefined) return []
  const parsed: unknown = typeof v === 'string' ? JSON.parse(v) : v
  return Array.isArray(parsed) ? parsed.map(String) : []
}

const NS = `(SELECT oid FROM pg_namespace WHERE nspname = current_schema())`
const colsOf = (rel: string, keys: string) =>
  `(SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(${keys}) WITH ORDINALITY k(n, ord) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.n)`

const TABLES = `SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = ${NS} AND c.relkind IN ('r', 'p') ORDER BY 1`
const COLUMNS = `SELECT c.relname AS tbl, a.attname AS name, a.attnotnull AS notnull, format_type(a.atttypid, a.atttypmod) AS fmt,
  t.typname AS typname, t.typtype AS typtype, a.attidentity AS ident, pg_get_expr(d.adbin, d.adrelid) AS dflt
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE c.relnamespace = ${NS} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum`
const ENUMS = `SELECT t.typname AS name, json_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
  FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typnamespace = ${NS} GROUP BY t.typname`
const CONSTRAINTS = `SELECT c.relname AS tbl, con.conname AS name, con.contype AS kind, ${colsOf('con.conrelid', 'con.conkey')} AS cols,
  fc.relname AS reftbl, ${colsOf('con.confrelid', 'con.confkey')} AS refcols, con.confdeltype AS ondelete, con.confupdtype AS onupdate,
  pg_get_constraintdef(con.oid) AS def
  FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid LEFT JOIN pg_class fc ON fc.oid = con.confrelid
  WHERE c.relnamespace = ${NS} AND con.contype IN ('p', 'u', 'f', 'c') ORDER BY c.relname, con.conname`
const INDEXES = `SELECT t.relname AS tbl, i.relname AS name, ix.indisunique AS uniq, ${colsOf('t.oid', 'ix.indkey::int2[]')} AS cols
  FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
  WHERE t.relnamespace = ${NS} AND NOT ix.indisprimary AND ix.indexprs IS NULL
    AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid)
  ORDER BY t.relname, i.relname`

/** Maps `format_type` output back to a SqlType. @internal */
export const postgresType = (fmt: string, typname: string, typtype: string, enums: ReadonlyMap<string, ReadonlyArray<string>>): SqlType => {
  if (typtype === 'e') return { _tag: 'Enum', name: typname, values: enums.get(typname) ?? [] }
  const m = /^([a-z ]+?)(?:\((\d+)(?:,(\d+))?\))?( with(?:out)? time zone)?$/.exec(fmt)
  const base = m?.[1] ?? fmt
  const a = m?.[2] === undefined ? undefined : Number(m[2])
  const b = m?.[3] === undefined ? undefined : Number(m[3])
  switch (base) {
    case 'integer':
      return { _tag: 'Integer' }
    case 'bigint':
      return { _tag: 'BigInt' }
    case 'smallint':
      return { _tag: 'SmallInt' }
    case 'real':
      return { _tag: 'Real' }
    case 'double precision':
      return { _tag: 'Double' }
    case 'numeric':
      return { _tag: 'Numeric', precision: a, scale: b }
    case 'character varying':
      return { _tag: 'Varchar', length: a }
    case 'text':
    case 'character':
      return { _tag: 'Text' }
    case 'boolean':
      return { _tag: 'Boolean' }
    case 'date':
      return { _tag: 'Date' }
    case 'time':
      return { _tag: 'Time' }
    case 'timestamp':
      return { _tag: 'Timestamp', withTimeZone: (m?.[4] ?? '').trim() === 'with time zone' }
    case 'json':
    case 'jsonb':
      return { _tag: 'Json' }
    case 'bytea':
      return { _tag: 'Binary' }
    case 'uuid':
      return { _tag: 'Uuid' }
    default:
      return { _tag: 'Text' }
  }
}

const numericTags = ['Integer', 'SmallInt', 'Real', 'Double']

const valueOf = (text: string, type: SqlType): unknown => {
  if (numericTags.includes(type._tag) && /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text)
  if (type._tag === 'BigInt' && /^[-+]?\d+$/.test(text)) return BigInt(text)
  if (type._tag === 'Boolean') return text === 'true'
  return text
}

/** A default expression as PostgreSQL prints it, read back as a value where it is one. @internal */
export const postgresDefault = (text: string | null, type: SqlType): ColumnDefault | undefined => {
  if (text === null) return undefined
  const s = text.trim()
  if (/^NULL(::.*)?$/i.test(s)) return undefined
  if (/^(CURRENT_TIMESTAMP|now\(\))$/i.test(s)) return { _tag: 'Now' }
  const quoted = /^'((?:[^']|'')*)'(::[a-z0-9_ ".[\](),]+)?$/is.exec(s)
  if (quoted) return { _tag: 'Value', value: valueOf(quoted[1].split("''").join("'"), type) }
  const num = /^\(?([-+]?\d+(\.\d+)?([eE][-+]?\d+)?)\)?(::[a-z ]+)?$/.exec(s)
  if (num) return { _tag: 'Value', value: valueOf(num[1], type) }
  if (/^(true|false)$/i.test(s)) return { _tag: 'Value', value: /^true$/i.test(s) }
  return { _tag: 'Expr', expr: { _tag: 'Raw', sql: s, binds: {} } }
}

const actions: Readonly<Record<string, ReferentialAction | undefined>> = { a: undefined, r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' }

const reflect = (db: Executor): TE.TaskEither<DbError, ReadonlyArray<TableDef>> =>
  pipe(
    TE.Do,
    TE.bind('tables', () => rows(db, TABLES)),
    TE.bind('cols', () => rows(db, COLUMNS)),
    TE.bind('enums', () => rows(db, ENUMS)),
    TE.bind('cons', () => rows(db, CONSTRAINTS)),
    TE.bind('ixs', () => rows(db, INDEXES)),
    TE.map(({ tables, cols, enums, cons, ixs }) => {
      const enumMap = new Map(enums.map((e) => [str(e['name']), names(e['labels'])] as const))
      return tables.map((t): TableDef => {
        const name = str(t['name'])
        const mine = cons.filter((c) => str(c['tbl']) === name)
        const pk = mine.find((c) => c['kind'] === 'p')
        const primaryKey = pk ? names(pk['cols']) : []
        const columns = cols
          .filter((c) => str(c['tbl']) === name)
          .map((c): ColumnDef => {
            const type = postgresType(str(c['fmt']), str(c['typname']), str(c['typtype']), enumMap)
            const ident = str(c['ident']) !== ''
            const dflt = ident ? undefined : postgresDefault(c['dflt'] === null ? null : str(c['dflt']), type)
            const auto = ident || (dflt?._tag === 'Expr' && /^nextval\(/i.test(dflt.expr._tag === 'Raw' ? dflt.expr.sql : ''))
            return { name: str(c['name']), type, nullable: c['notnull'] !== true, autoIncrement: auto, ...(dflt && !auto ? { default: dflt } : {}) }
          })
        return {
          name,
          columns,
          primaryKey,
          uniques: mine.filter((c) => c['kind'] === 'u').map((c) => ({ name: str(c['name']), columns: names(c['cols']) })),
          foreignKeys: mine
            .filter((c) => c['kind'] === 'f')
            .map((c) => {
              const onDelete = actions[str(c['ondelete'])]
              const onUpdate = actions[str(c['onupdate'])]
              return {
                name: str(c['name']),
                columns: names(c['cols']),
                refTable: str(c['reftbl']),
                refColumns: names(c['refcols']),
                ...(onDelete ? { onDelete } : {}),
                ...(onUpdate ? { onUpdate } : {}),
              }
            }),
          checks: mine
            .filter((c) => c['kind'] === 'c')
            .map((c) => ({ name: str(c['name']), expr: { _tag: 'Raw', sql: str(c['def']).replace(/^CHECK\s*\((.*)\)$/s, '$1'), binds: {} } })),
          indexes: ixs
            .filter((i) => str(i['tbl']) === name)
            .map((i) => ({ name: str(i['name']), columns: names(i['cols']), unique: i['uniq'] === true })),
        }
      })
    }),
  )

const normalType = (t: SqlType): SqlType => {
  switch (t._tag) {
    case 'Binary':
      return { _tag: 'Binary' }
    case 'Numeric':
      return t.precision !== undefined && t.scale === undefined ? { _tag: 'Numeric', precision: t.precision, scale: 0 } : t
    default:
      return t
  }
}

const normalAction = (a: ReferentialAction | undefined): ReferentialAction | undefined => (a === 'NO ACTION' ? undefined : a)

const normalize = (t: TableDef): TableDef => ({
  ...t,
  columns: t.columns.map((c) => {
    const { default: d, ...rest } = c
    const keep = d !== undefined && !(d._tag === 'Value' && d.value === null)
    return { ...rest, type: normalType(c.type), nullable: t.primaryKey.includes(c.name) ? false : c.nullable, ...(keep ? { default: d } : {}) }
  }),
  foreignKeys: t.foreignKeys.map((f) => {
    const { onDelete, onUpdate, ...rest } = f
    const d = normalAction(onDelete)
    const u = normalAction(onUpdate)
    return { ...rest, ...(d ? { onDelete: d } : {}), ...(u ? { onUpdate: u } : {}) }
  }),
})

/**
 * PostgreSQL's schema support: reflection, normalisation and standard ALTER TABLE.
 *
 * @category dialects
 */
export const postgresReflector: Reflector = {
  dialect: 'postgres',
  reflect,
  normalize,
  alter: {
    alterColumn: 'standard',
    constraints: true,
    dropColumn: true,
    dropForeignKeyKeyword: false,
    dropUniqueAsIndex: false,
    addColumnRestricted: false,
    alterTypeUsing: true,
  },
}
