/**
 * Migration operations as values (Alembic's `op.*`): plain tagged data, compiled per dialect
 * by `compileOperation`, applied to an in-memory schema by `applyOperation`.
 *
 * @category migrations
 */
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { CheckDef, ColumnDef, ColumnDefault, ForeignKeyDef, IndexDef, TableDef, UniqueDef } from '../algebra/ast.js'
import type { SqlType } from '../algebra/SqlType.js'
import type { Executor } from '../effects/Connection.js'
import type { DbError } from '../effects/DbError.js'

/** A table-level constraint an operation adds. @category migrations */
export type Constraint =
  | { readonly _tag: 'Unique'; readonly def: UniqueDef & { readonly name: string } }
  | { readonly _tag: 'ForeignKey'; readonly def: ForeignKeyDef & { readonly name: string } }
  | { readonly _tag: 'Check'; readonly def: CheckDef & { readonly name: string } }

/** The kinds of constraint `dropConstraint` removes. @category migrations */
export type ConstraintKind = 'unique' | 'foreignKey' | 'check'

/** One migration operation. @category migrations */
export type Operation =
  | { readonly _tag: 'CreateTable'; readonly table: TableDef }
  | { readonly _tag: 'DropTable'; readonly name: string }
  | { readonly _tag: 'AddColumn'; readonly table: string; readonly column: ColumnDef }
  | { readonly _tag: 'DropColumn'; readonly table: string; readonly column: string }
  | {
      readonly _tag: 'AlterColumn'
      readonly table: string
      readonly column: string
      readonly type?: SqlType
      readonly nullable?: boolean
      /** A new default; `null` removes it. */
      readonly default?: ColumnDefault | null
      /** A new name for the column. */
      readonly rename?: string
    }
  | { readonly _tag: 'CreateIndex'; readonly table: string; readonly index: IndexDef }
  | { readonly _tag: 'DropIndex'; readonly table: string; readonly name: string }
  | { readonly _tag: 'AddConstraint'; readonly table: string; readonly constraint: Constraint }
  | {
      readonly _tag: 'DropConstraint'
      readonly table: string
      readonly kind: ConstraintKind
      /** The constraint's name; SQLite may also identify a foreign key or unique by `columns`. */
      readonly name?: string
      readonly columns?: ReadonlyArray<string>
    }
  | { readonly _tag: 'RenameTable'; readonly from: string; readonly to: string }
  | { readonly _tag: 'Execute'; readonly sql: string }
  | { readonly _tag: 'BulkInsert'; readonly table: string; readonly rows: ReadonlyArray<Readonly<Record<string, unknown>>> }
  | {
      /** A data migration as an effect; runs only online (offline mode prints a comment). */
      readonly _tag: 'Run'
      readonly description: string
      readonly run: (db: Executor) => TE.TaskEither<DbError, unknown>
    }

/** The tag of an {@link Operation}. @category migrations */
export type OperationTag = Operation['_tag']

/** Anything with a table definition (a `Table`, or an entity's `$.table`). */
interface HasDefinition {
  readonly definition: () => TableDef
}

const defOf = (t: TableDef | HasDefinition): TableDef => ('definition' in t && typeof t.definition === 'function' ? t.definition() : (t as TableDef))

/**
 * Constructors for operations.
 *
 * @example
 * op.addColumn('users', { name: 'email', type: types.varchar(255), nullable: true, autoIncrement: false })
 * // SQLite: ALTER TABLE "users" ADD COLUMN "email" VARCHAR(255)
 * // PostgreSQL: ALTER TABLE "users" ADD COLUMN "email" VARCHAR(255)
 * // MySQL: ALTER TABLE `users` ADD COLUMN `email` VARCHAR(255)
 * @category migrations
 */
export const op = {
  /** `CREATE TABLE` (with its indexes; enum types first on PostgreSQL). */
  createTable: (t: TableDef | HasDefinition): Operation => ({ _tag: 'CreateTable', table: defOf(t) }),
  /** `DROP TABLE`. */
  dropTable: (name: string): Operation => ({ _tag: 'DropTable', name }),
  /** `ALTER TABLE … ADD COLUMN` (SQLite: a rebuild when the column is NOT NULL without a default). */
  addColumn: (table: string, column: ColumnDef): Operation => ({ _tag: 'AddColumn', table, column }),
  /** `ALTER TABLE … DROP COLUMN` (SQLite: a rebuild). */
  dropColumn: (table: string, column: string): Operation => ({ _tag: 'DropColumn', table, column }),
  /** Changes a column's type, nullability, default or name (SQLite: a rebuild, except a lone rename). */
  alterColumn: (
    table: string,
    column: string,
    changes: { readonly type?: SqlType; readonly nullable?: boolean; readonly default?: ColumnDefault | null; readonly rename?: string },
  ): Operation => ({ _tag: 'AlterColumn', table, column, ...changes }),
  /** `CREATE [UNIQUE] INDEX`. */
  createIndex: (table: string, index: IndexDef): Operation => ({ _tag: 'CreateIndex', table, index }),
  /** `DROP INDEX`. */
  dropIndex: (table: string, name: string): Operation => ({ _tag: 'DropIndex', table, name }),
  /** `ALTER TABLE … ADD CONSTRAINT` (SQLite: a rebuild). */
  addConstraint: (table: string, constraint: Constraint): Operation => ({ _tag: 'AddConstraint', table, constraint }),
  /** `ALTER TABLE … DROP CONSTRAINT` (MySQL: DROP FOREIGN KEY / DROP INDEX; SQLite: a rebuild). */
  dropConstraint: (table: string, kind: ConstraintKind, name: string): Operation => ({ _tag: 'DropConstraint', table, kind, name }),
  /** `ALTER TABLE … RENAME TO …`. */
  renameTable: (from: string, to: string): Operation => ({ _tag: 'RenameTable', from, to }),
  /** Raw SQL, run as is. */
  execute: (sql: string): Operation => ({ _tag: 'Execute', sql }),
  /** Inserts rows (values written as literals of the columns' types). */
  bulkInsert: (table: string, rows: ReadonlyArray<Readonly<Record<string, unknown>>>): Operation => ({ _tag: 'BulkInsert', table, rows }),
  /** A data migration as an effect on the migration's connection. */
  run: (description: string, run: (db: Executor) => TE.TaskEither<DbError, unknown>): Operation => ({ _tag: 'Run', description, run }),
}
