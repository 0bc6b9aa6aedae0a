/**
 * DDL statements as values: create/drop a table, its indexes, enum types. `createAll` /
 * `dropAll` (in compile) order a whole metadata collection by foreign keys.
 *
 * @category ddl
 */
import type { DdlNode } from './ast.js'
import type { AnyTable } from './Table.js'

/** A DDL statement value. @category ddl */
export interface Ddl {
  readonly node: DdlNode
}

/** `CREATE TABLE [IF NOT EXISTS] …` with its constraints. @category ddl */
export const createTable = (t: AnyTable, options?: { readonly ifNotExists?: boolean }): Ddl => ({
  node: { _tag: 'CreateTable', table: t.definition(), ifNotExists: options?.ifNotExists ?? false },
})

/** `DROP TABLE [IF EXISTS] … [CASCADE]`. @category ddl */
export const dropTable = (t: AnyTable, options?: { readonly ifExists?: boolean; readonly cascade?: boolean }): Ddl => ({
  node: { _tag: 'DropTable', name: t.name, ...(t.schema ? { schema: t.schema } : {}), ifExists: options?.ifExists ?? false, cascade: options?.cascade ?? false },
})

/** A collection of tables that belong together (SQLAlchemy's MetaData). @category ddl */
export interface Metadata {
  readonly tables: ReadonlyArray<AnyTable>
}

/** Collects tables into a {@link Metadata}. @category ddl */
export const metadata = (...tables: ReadonlyArray<AnyTable>): Metadata => ({ tables })
