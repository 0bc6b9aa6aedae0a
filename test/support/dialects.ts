/**
 * The dialect records and the SQLite driver, for the unit tests of the lower layers
 * (compile, effects), which check every dialect's output but may not import `src/dialects`.
 */
export { sqlite } from '../../src/dialects/sqlite/dialect.js'
export { postgres } from '../../src/dialects/postgres/dialect.js'
export { mysql, mysqlDialect } from '../../src/dialects/mysql/dialect.js'
export { sqliteDriver } from '../../src/dialects/sqlite/driver.js'
