/**
 * The node types of the algebra: plain readonly data tagged with `_tag`. Every value a user
 * builds (expression, query, DDL) is a tree of these; compilers fold over them.
 *
 * @category ast
 */
import type { SqlType } from './SqlType.js'

// ---------------------------------------------------------------- expressions

/** Binary operators, compiled verbatim. */
export type BinaryOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%'

/** A scalar expression. */
export type ExprNode =
  | ColumnRefNode
  | ParamNode
  | NullNode
  | StarNode
  | LabelNode
  | BinaryNode
  | LogicalNode
  | NotNode
  | NegateNode
  | IsNullNode
  | IsBooleanNode
  | IsDistinctNode
  | InListNode
  | InQueryNode
  | BetweenNode
  | LikeNode
  | ConcatNode
  | CaseNode
  | CastNode
  | FuncNode
  | WindowNode
  | ScalarSubqueryNode
  | ExistsNode
  | ExcludedNode
  | DefaultNode
  | RawNode

/** A column of a table, alias, subquery or CTE: `"table"."name"`. */
export interface ColumnRefNode {
  readonly _tag: 'ColumnRef'
  /** The name the FROM clause knows the source by (table name or alias). */
  readonly table: string
  /** The column's SQL name. */
  readonly name: string
  readonly type?: SqlType
}

/** A bound parameter; the value never enters the SQL text. */
export interface ParamNode {
  readonly _tag: 'Param'
  readonly value: unknown
  /** The SQL type the value is encoded as (taken from the column it is compared with). */
  readonly type?: SqlType
}

/** The SQL `NULL` literal. */
export interface NullNode {
  readonly _tag: 'Null'
}

/** `*` or `"table".*`. */
export interface StarNode {
  readonly _tag: 'Star'
  readonly table?: string
}

/** A reference to an output column by its label, as in `ORDER BY "total"` after a union. */
export interface LabelNode {
  readonly _tag: 'Label'
  readonly name: string
}

/** `left op right`. */
export interface BinaryNode {
  readonly _tag: 'Binary'
  readonly op: BinaryOp
  readonly left: ExprNode
  readonly right: ExprNode
}

/** `a AND b AND …` / `a OR b OR …`; an empty AND is true, an empty OR is false. */
export interface LogicalNode {
  readonly _tag: 'Logical'
  readonly op: 'AND' | 'OR'
  readonly operands: ReadonlyArray<ExprNode>
}

/** `NOT operand`. */
export interface NotNode {
  readonly _tag: 'Not'
  readonly operand: ExprNode
}

/** `-operand`. */
export interface NegateNode {
  readonly _tag: 'Negate'
  readonly operand: ExprNode
}

/** `operand IS [NOT] NULL`. */
export interface IsNullNode {
  readonly _tag: 'IsNull'
  readonly operand: ExprNode
  readonly negated: boolean
}

/** `operand IS [NOT] TRUE|FALSE`. */
export interface IsBooleanNode {
  readonly _tag: 'IsBoolean'
  readonly operand: ExprNode
  readonly value: boolean
  readonly negated: boolean
}

/** `left IS [NOT] DISTINCT FROM right` (null-safe comparison). */
export interface IsDistinctNode {
  readonly _tag: 'IsDistinct'
  readonly left: ExprNode
  readonly right: ExprNode
  readonly negated: boolean
}

/** `operand [NOT] IN (v1, v2, …)`; an empty list is false (NOT IN: true). */
export interface InListNode {
  readonly _tag: 'InList'
  readonly operand: ExprNode
  readonly values: ReadonlyArray<ExprNode>
  readonly negated: boolean
}

/** `operand [NOT] IN (subquery)`. */
export interface InQueryNode {
  readonly _tag: 'InQuery'
  readonly operand: ExprNode
  readonly query: QueryNode
  readonly negated: boolean
}

/** `operand [NOT] BETWEEN low AND high`. */
export interface BetweenNode {
  readonly _tag: 'Between'
  readonly operand: ExprNode
  readonly low: ExprNode
  readonly high: ExprNode
  readonly negated: boolean
}

/**
 * `operand [NOT] LIKE pattern [ESCAPE 'c']`. With `caseInsensitive` it is ILIKE on
 * dialects that have it and `LOWER(operand) LIKE LOWER(pattern)` elsewhere.
 */
export interface LikeNode {
  readonly _tag: 'Like'
  readonly operand: ExprNode
  readonly pattern: ExprNode
  /** A single character; compiled as a literal after validation. */
  readonly escape?: string
  readonly caseInsensitive: boolean
  readonly negated: boolean
}

/** String concatenation: `a || b` or `CONCAT(a, b)`. */
export interface ConcatNode {
  readonly _tag: 'Concat'
  readonly operands: ReadonlyArray<ExprNode>
}

/** `CASE [subject] WHEN … THEN … [ELSE …] END`. */
export interface CaseNode {
  readonly _tag: 'Case'
  readonly subject?: ExprNode
  readonly whens: ReadonlyArray<{ readonly when: ExprNode; readonly then: ExprNode }>
  readonly else?: ExprNode
}

/** `CAST(operand AS type)`. */
export interface CastNode {
  readonly _tag: 'Cast'
  readonly operand: ExprNode
  readonly type: SqlType
}

/**
 * A function call `name([DISTINCT] args [ORDER BY …]) [FILTER (WHERE …)]`. The name must be a
 * plain identifier (letters, digits, `_`, `.`): anything else is a compile error.
 */
export interface FuncNode {
  readonly _tag: 'Func'
  readonly name: string
  readonly args: ReadonlyArray<ExprNode>
  readonly distinct: boolean
  readonly filter?: ExprNode
  /**
   * The order in which an aggregate takes its rows (`json_agg(x ORDER BY y)`); absent or empty:
   * none. Needs the dialect's `aggregateOrderBy` capability (UnsupportedFeature otherwise).
   */
  readonly orderBy?: ReadonlyArray<OrderItem>
  /** The result type, for decoding. */
  readonly type?: SqlType
}

/** A window frame bound. */
export type FrameBound =
  | { readonly _tag: 'UnboundedPreceding' }
  | { readonly _tag: 'Preceding'; readonly offset: number }
  | { readonly _tag: 'CurrentRow' }
  | { readonly _tag: 'Following'; readonly offset: number }
  | { readonly _tag: 'UnboundedFollowing' }

/** `ROWS|RANGE|GROUPS BETWEEN start AND end`. */
export interface WindowFrame {
  readonly units: 'ROWS' | 'RANGE' | 'GROUPS'
  readonly start: FrameBound
  readonly end: FrameBound
}

/** `func OVER (PARTITION BY … ORDER BY … frame)`. */
export interface WindowNode {
  readonly _tag: 'Window'
  readonly func: ExprNode
  readonly partitionBy: ReadonlyArray<ExprNode>
  readonly orderBy: ReadonlyArray<OrderItem>
  readonly frame?: WindowFrame
}

/** `(SELECT …)` used as a value. */
export interface ScalarSubqueryNode {
  readonly _tag: 'ScalarSubquery'
  readonly query: QueryNode
}

/** `[NOT] EXISTS (SELECT …)`. */
export interface ExistsNode {
  readonly _tag: 'Exists'
  readonly query: QueryNode
  readonly negated: boolean
}

/** In an upsert's update: the value proposed for insertion (`excluded.col`, `VALUES(col)`). */
export interface ExcludedNode {
  readonly _tag: 'Excluded'
  readonly name: string
}

/**
 * In a multi-row INSERT, a column this row leaves out: `DEFAULT` where VALUES accepts it;
 * elsewhere (SQLite) NULL for a generated key, the column's default, or NULL.
 */
export interface DefaultNode {
  readonly _tag: 'Default'
  readonly column: string
  readonly autoIncrement: boolean
  readonly default?: ColumnDefault
}

/**
 * Raw SQL with named binds (`text()`): `sql` contains `:name` markers, each replaced by a
 * placeholder bound to `binds[name]`. `::` and `\:` are not markers.
 */
export interface RawNode {
  readonly _tag: 'Raw'
  readonly sql: string
  readonly binds: Readonly<Record<string, unknown>>
}

/** One item of ORDER BY. */
export interface OrderItem {
  readonly expr: ExprNode
  readonly direction: 'ASC' | 'DESC'
  readonly nulls?: 'FIRST' | 'LAST'
}

// ---------------------------------------------------------------- queries

/** A query producing rows. */
export type QueryNode = SelectNode | CompoundNode | TextQueryNode

/** One output column of a select: `expr AS "alias"`; `type` drives decoding. */
export interface SelectItem {
  readonly alias: string
  readonly expr: ExprNode
  readonly type?: SqlType
}

/** A source in FROM. */
export type FromItem = TableRefNode | SubqueryRefNode

/** `"schema"."name" AS "alias"`. */
export interface TableRefNode {
  readonly _tag: 'TableRef'
  readonly name: string
  readonly schema?: string
  readonly alias?: string
}

/** `[LATERAL] (query) AS "alias"`. */
export interface SubqueryRefNode {
  readonly _tag: 'SubqueryRef'
  readonly query: QueryNode
  readonly alias: string
  readonly lateral: boolean
}

/** Join kinds. */
export type JoinKind = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS'

/** `kind JOIN target ON on`. */
export interface JoinClause {
  readonly kind: JoinKind
  readonly target: FromItem
  readonly on?: ExprNode
}

/** One common table expression. */
export interface CteDef {
  readonly name: string
  readonly columns?: ReadonlyArray<string>
  readonly query: QueryNode
}

/** `WITH [RECURSIVE] a AS (…), b AS (…)`. */
export interface WithClause {
  readonly recursive: boolean
  readonly ctes: ReadonlyArray<CteDef>
}

/** `FOR UPDATE|SHARE [OF …] [NOWAIT|SKIP LOCKED]`. */
export interface LockClause {
  readonly mode: 'UPDATE' | 'SHARE'
  readonly of: ReadonlyArray<string>
  readonly wait: 'WAIT' | 'NOWAIT' | 'SKIP LOCKED'
}

/** A SELECT statement. */
export interface SelectNode {
  readonly _tag: 'Select'
  readonly with?: WithClause
  /** `true`: DISTINCT; a list: DISTINCT ON (…). */
  readonly distinct: boolean | ReadonlyArray<ExprNode>
  readonly columns: ReadonlyArray<SelectItem>
  readonly from: ReadonlyArray<FromItem>
  readonly joins: ReadonlyArray<JoinClause>
  readonly where?: ExprNode
  readonly groupBy: ReadonlyArray<ExprNode>
  readonly having?: ExprNode
  readonly orderBy: ReadonlyArray<OrderItem>
  readonly limit?: ExprNode
  readonly offset?: ExprNode
  readonly lock?: LockClause
}

/** Set operators. */
export type CompoundOp = 'UNION' | 'INTERSECT' | 'EXCEPT'

/** `left UNION [ALL] right [ORDER BY …] [LIMIT …]`. Output columns are the left's. */
export interface CompoundNode {
  readonly _tag: 'Compound'
  readonly with?: WithClause
  readonly op: CompoundOp
  readonly all: boolean
  readonly left: QueryNode
  readonly right: QueryNode
  readonly orderBy: ReadonlyArray<OrderItem>
  readonly limit?: ExprNode
  readonly offset?: ExprNode
}

/** A whole statement of raw SQL with named binds; `columns` (when known) drive decoding. */
export interface TextQueryNode {
  readonly _tag: 'TextQuery'
  readonly raw: RawNode
  readonly columns?: ReadonlyArray<{ readonly alias: string; readonly type?: SqlType }>
}

// ---------------------------------------------------------------- DML

/** `column = value` in UPDATE SET or an upsert. `column` is the SQL name. */
export interface Assignment {
  readonly column: string
  readonly value: ExprNode
}

/** Where an INSERT's rows come from. */
export type InsertSource =
  | { readonly _tag: 'Values'; readonly rows: ReadonlyArray<ReadonlyArray<ExprNode>> }
  | { readonly _tag: 'FromQuery'; readonly query: QueryNode }
  | { readonly _tag: 'DefaultValues' }

/**
 * What an INSERT does when it meets a unique conflict. MySQL has no conflict target: it
 * reacts to any unique key, and DoNothing is emulated by a no-op ON DUPLICATE KEY UPDATE.
 */
export type OnConflict =
  | { readonly _tag: 'DoNothing'; readonly target: ReadonlyArray<string> }
  | {
      readonly _tag: 'DoUpdate'
      readonly target: ReadonlyArray<string>
      readonly set: ReadonlyArray<Assignment>
      readonly where?: ExprNode
    }

/** An INSERT statement. `columns` are SQL names, one per value in each row. */
export interface InsertNode {
  readonly _tag: 'Insert'
  readonly with?: WithClause
  readonly table: TableRefNode
  readonly columns: ReadonlyArray<string>
  readonly source: InsertSource
  readonly onConflict?: OnConflict
  readonly returning: ReadonlyArray<SelectItem>
}

/** An UPDATE statement; `from` adds tables (UPDATE … FROM, or MySQL's multi-table UPDATE). */
export interface UpdateNode {
  readonly _tag: 'Update'
  readonly with?: WithClause
  readonly table: TableRefNode
  readonly set: ReadonlyArray<Assignment>
  readonly from: ReadonlyArray<FromItem>
  readonly where?: ExprNode
  readonly returning: ReadonlyArray<SelectItem>
}

/** A DELETE statement; `using` adds tables (DELETE … USING, or MySQL's multi-table DELETE). */
export interface DeleteNode {
  readonly _tag: 'Delete'
  readonly with?: WithClause
  readonly table: TableRefNode
  readonly using: ReadonlyArray<FromItem>
  readonly where?: ExprNode
  readonly returning: ReadonlyArray<SelectItem>
}

// ---------------------------------------------------------------- DDL

/** Referential actions of a foreign key. */
export type ReferentialAction = 'CASCADE' | 'SET NULL' | 'SET DEFAULT' | 'RESTRICT' | 'NO ACTION'

/** A column default: a value (bound as a literal in DDL) or an SQL expression. */
export type ColumnDefault =
  | { readonly _tag: 'Value'; readonly value: unknown }
  | { readonly _tag: 'Expr'; readonly expr: ExprNode }
  | { readonly _tag: 'Now' }

/** A column's definition in a table. */
export interface ColumnDef {
  /** The SQL name. */
  readonly name: string
  readonly type: SqlType
  readonly nullable: boolean
  /** Generated by the database (SERIAL / IDENTITY, AUTO_INCREMENT, SQLite rowid). */
  readonly autoIncrement: boolean
  readonly default?: ColumnDefault
}

/** A foreign key constraint. */
export interface ForeignKeyDef {
  readonly name?: string
  readonly columns: ReadonlyArray<string>
  readonly refTable: string
  readonly refColumns: ReadonlyArray<string>
  readonly onDelete?: ReferentialAction
  readonly onUpdate?: ReferentialAction
}

/** A unique constraint. */
export interface UniqueDef {
  readonly name?: string
  readonly columns: ReadonlyArray<string>
}

/** A check constraint; its expression refers to the table's columns. */
export interface CheckDef {
  readonly name?: string
  readonly expr: ExprNode
}

/** An index. */
export interface IndexDef {
  readonly name: string
  readonly columns: ReadonlyArray<string>
  readonly unique: boolean
}

/** A table's full definition. */
export interface TableDef {
  readonly name: string
  readonly schema?: string
  readonly columns: ReadonlyArray<ColumnDef>
  readonly primaryKey: ReadonlyArray<string>
  readonly uniques: ReadonlyArray<UniqueDef>
  readonly foreignKeys: ReadonlyArray<ForeignKeyDef>
  readonly checks: ReadonlyArray<CheckDef>
  readonly indexes: ReadonlyArray<IndexDef>
}

/** A DDL statement. */
export type DdlNode =
  | { readonly _tag: 'CreateTable'; readonly table: TableDef; readonly ifNotExists: boolean }
  | { readonly _tag: 'DropTable'; readonly name: string; readonly schema?: string; readonly ifExists: boolean; readonly cascade: boolean }
  | { readonly _tag: 'CreateIndex'; readonly table: string; readonly schema?: string; readonly index: IndexDef; readonly ifNotExists: boolean }
  | { readonly _tag: 'DropIndex'; readonly table: string; readonly schema?: string; readonly name: string; readonly ifExists: boolean }
  /** A named enum type, on dialects with native enum types (PostgreSQL); elsewhere a no-op. */
  | { readonly _tag: 'CreateEnum'; readonly name: string; readonly values: ReadonlyArray<string> }
  | { readonly _tag: 'DropEnum'; readonly name: string; readonly ifExists: boolean }

// ---------------------------------------------------------------- statements

/** Anything the compiler turns into one SQL statement. */
export type StatementNode = QueryNode | InsertNode | UpdateNode | DeleteNode | DdlNode
