/**
 * athanor: SQLAlchemy's Core and ORM for TypeScript, as immutable values compiled by
 * dialect interpreters and run inside fp-ts effects.
 *
 * - Core: `table`, column builders, `select` / `insertInto` / `update` / `deleteFrom` and
 *   their combinators, `compile(dialect)(statement)`.
 * - Engines: `createEngine(url)` for `sqlite:`, `postgres://`, `mysql://` / `mariadb://`.
 * - ORM: `entity(table, options)` and the Session (`S`), a state monad over a unit of work.
 *
 * @category entry
 */
export * from './algebra/index.js'
export { compile, compileUncached, cacheStats, clearCache, type Compilable } from './compile/compile.js'
export { createAll, dropAll, compileDdl } from './compile/ddl.js'
export type { Compiled, ResultColumn, StatementKind } from './compile/Compiled.js'
export type { CompileError } from './compile/CompileError.js'
export type { Capabilities, Dialect, IsolationLevel } from './compile/Dialect.js'
export * from './effects/DbError.js'
export type { Engine, EngineOptions } from './effects/Engine.js'
export type { Connection, Executor, TransactionOptions, StreamOptions } from './effects/Connection.js'
export type { RunResult, Executable } from './effects/Statement.js'
export type { EngineEvent, Listener, Listeners } from './effects/events.js'
export type { PoolOptions, PoolStats } from './effects/Pool.js'
export { retrying, isRetryable, type RetryOptions } from './effects/retrying.js'
export { withRollback } from './effects/testing.js'
export { planFlush, type FlushPlan, type FlushStep } from './effects/session/planFlush.js'
export type { UnitOfWork, TrackedRow, RowKey } from './effects/session/UnitOfWork.js'
export { createEngine, drivers } from './createEngine.js'
export { sqlite } from './dialects/sqlite/dialect.js'
export { postgres } from './dialects/postgres/dialect.js'
export { mysql, mysqlDialect } from './dialects/mysql/dialect.js'
export * from './mapping/index.js'
export { op, type Operation } from './migrations/Operation.js'
export type { Revision } from './migrations/Revision.js'
