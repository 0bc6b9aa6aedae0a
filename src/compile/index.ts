/**
 * The compiler: statements to SQL text plus encoded parameters, per dialect; DDL lists;
 * the ANSI dialect defaults every dialect record spreads.
 *
 * @category compile
 */
export { compile, compileUncached, cacheStats, clearCache, shapeKey, type Compilable } from './compile.js'
export { compileDdl, createAll, dropAll, sortTables, type HasDefinition } from './ddl.js'
export { ansi, ansiCapabilities, ansiTypeName, quoteWith, standardStringLiteral, transactionSql } from './ansi.js'
export { checkParam, utcDateText, utcDateTimeText } from './values.js'
export type { CacheStats } from './cache.js'
export type { Compiled, ResultColumn, StatementKind } from './Compiled.js'
export type { CompileError } from './CompileError.js'
export { invalid, unsupported } from './CompileError.js'
export type { Capabilities, Dialect, IsolationLevel, JsonAggregate, JsonCarrier, TransactionSql } from './Dialect.js'
