/**
 * The entry point's table from a dialect to its schema support (the CLI and tests use it;
 * `src/migrations` only sees the {@link Reflector} interface).
 *
 * @category cli
 */
import type { Dialect } from '../compile/Dialect.js'
import type { Reflector } from '../effects/Reflector.js'
import { mysqlReflector } from '../dialects/mysql/reflect.js'
import { postgresReflector } from '../dialects/postgres/reflect.js'
import { sqliteReflector } from '../dialects/sqlite/reflect.js'

const table: Readonly<Record<string, Reflector>> = {
  sqlite: sqliteReflector,
  postgres: postgresReflector,
  mysql: mysqlReflector,
}

/** The reflector for an engine's dialect, if one is registered. @category cli */
export const reflectorFor = (dialect: Dialect): Reflector | undefined => table[dialect.name]
