/**
 * The reference evaluator: a small, direct interpreter of the algebra's query nodes
 * (`QueryNode`, `ExprNode` from src/algebra/ast.ts) over in-memory rows, written for
 * obviousness, not speed. It shares no code with the compiler. Expressions are evaluated in
 * expr.ts, queries in query.ts, LIKE in like.ts; context.ts holds the types they share.
 *
 * Semantics, and the explicit choices where the databases differ:
 *
 * - Three-valued logic: comparisons with NULL are NULL; AND/OR/NOT are Kleene's; WHERE,
 *   HAVING and ON keep a row only when the condition is TRUE; `x IN (…)` is TRUE when some
 *   element equals, else NULL when the operand or some element is NULL, else FALSE.
 * - NULL ordering: an ORDER BY item without NULLS FIRST/LAST uses `options.nulls`
 *   (`'low'`: SQLite and MySQL put NULL first ascending; `'high'`: PostgreSQL puts it last).
 *   The generators always say NULLS FIRST/LAST, so this only matters for hand-written cases.
 * - LIKE: `%` any run, `_` one code point, the ESCAPE character (if any) makes the next one
 *   literal. `options.likeCaseInsensitiveAscii` models SQLite, whose LIKE folds ASCII case.
 *   Without ESCAPE, PostgreSQL and MariaDB treat backslash as an escape and SQLite does not:
 *   `options.likeDefaultEscape` models that; the generators only use backslash in patterns
 *   that carry an explicit ESCAPE.
 * - Integer division truncates toward zero (SQLite, PostgreSQL); `options.intDivision`
 *   `'decimal'` models MySQL's `/`, which returns a decimal. Division or modulo by zero is an
 *   error in PostgreSQL and NULL elsewhere: the evaluator throws, the generators avoid it.
 * - Text compares by code point (binary collations, see values.ts); GROUP BY, DISTINCT and
 *   set operations treat NULLs as equal.
 * - AVG returns a double; SUM of integers an integer; SUM/AVG/MIN/MAX over no rows NULL;
 *   COUNT(*) counts rows, COUNT(e) non-NULL values.
 *
 * @category property-tests
 */
import type { QueryNode } from '../../src/algebra/index.js'
import { dialectOptions, type Database, type EvalOptions, type Result } from './context.js'
import { evalQuery } from './query.js'
import { compareRows, compareText, type Value } from './values.js'

/**
 * Evaluates a query over `db` with a database's choices (default: SQLite's).
 *
 * @example
 * evaluate(db, pipe(select({ n: count() }), from(t0)).node) // { columns: ['n'], rows: [[3]] }
 */
export const evaluate = (db: Database, q: QueryNode, options: EvalOptions = dialectOptions.sqlite): Result =>
  evalQuery({ db, ctes: new Map(), o: options }, q, undefined)

/** Sorts rows under the total order (for multiset comparison). */
export const sortedRows = (rows: ReadonlyArray<ReadonlyArray<Value>>): ReadonlyArray<ReadonlyArray<Value>> => [...rows].sort(compareRows)

export { compareText }
