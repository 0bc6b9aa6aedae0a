/**
 * Reflector: what a dialect tells the migration engine about live schemas. Each dialect
 * implements it in `src/dialects/<d>/reflect.ts`; entry points (the CLI) pick one by the
 * engine's dialect, so `src/migrations` never imports a dialect.
 *
 * @category effects
 */
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { TableDef } from '../algebra/ast.js'
import type { Compiled } from '../compile/Compiled.js'
import type { Executor } from './Connection.js'
import type { DbError } from './DbError.js'

/**
 * How a dialect spells table alterations. The operation compiler (src/migrations) branches on
 * these flags, never on a dialect's name.
 *
 * @category effects
 */
export interface AlterSupport {
  /**
   * `standard`: `ALTER TABLE t ALTER COLUMN c TYPE …` / `SET|DROP NOT NULL` / `SET|DROP DEFAULT` (PostgreSQL);
   * `modify`: `ALTER TABLE t MODIFY COLUMN c <full definition>` (MySQL);
   * `rebuild`: the table is rebuilt (SQLite).
   */
  readonly alterColumn: 'standard' | 'modify' | 'rebuild'
  /** `ADD CONSTRAINT` / `DROP CONSTRAINT` exist (otherwise constraint changes rebuild the table). */
  readonly constraints: boolean
  /** `DROP COLUMN` without a rebuild. */
  readonly dropColumn: boolean
  /** `DROP FOREIGN KEY name` (MySQL) instead of `DROP CONSTRAINT name`. */
  readonly dropForeignKeyKeyword: boolean
  /** Unique constraints are dropped as indexes: `DROP INDEX name` (MySQL). */
  readonly dropUniqueAsIndex: boolean
  /** `ADD COLUMN` only takes nullable columns or columns with a constant default (SQLite); others rebuild. */
  readonly addColumnRestricted: boolean
  /** The `USING` clause converts values on a type change (PostgreSQL). */
  readonly alterTypeUsing: boolean
}

/**
 * Statements that wrap a migration which may rebuild tables: run before its transaction,
 * a query run before commit whose rows are violations, run after it ends (SQLite turns
 * foreign key enforcement off so a rebuild's DROP TABLE does not cascade).
 *
 * @category effects
 */
export interface RebuildGuard {
  readonly before: ReadonlyArray<Compiled>
  /** Rows returned are foreign key violations; the migration then fails. */
  readonly verify: Compiled
  readonly after: ReadonlyArray<Compiled>
}

/**
 * A dialect's schema support: reflection plus the normalisation that turns declared
 * metadata into what reflection of the created tables returns.
 *
 * @category effects
 */
export interface Reflector {
  /** The dialect's name, for messages. */
  readonly dialect: string
  /** Every table of the connection's current schema / database, sorted by name. */
  readonly reflect: (db: Executor) => TE.TaskEither<DbError, ReadonlyArray<TableDef>>
  /**
   * Declared metadata as this database would reflect it (type aliases, generated defaults,
   * how unique indexes are stored…). `reflect(createAll(m)) ≈ normalize(m)`.
   */
  readonly normalize: (table: TableDef) => TableDef
  readonly alter: AlterSupport
  readonly rebuildGuard?: RebuildGuard
}

/** A raw query for reflection (no decoding; the reflector reads driver values). @category effects */
export const reflectionQuery = (sql: string, params: ReadonlyArray<unknown> = []): Compiled => ({ sql, params, kind: 'query', columns: [] })
