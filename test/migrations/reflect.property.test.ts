/**
 * Reflection round trip: random metadata, createAll, reflect, and the reflection equals the
 * metadata up to each dialect's documented normalisations (`Reflector.normalize`).
 */
import fc from 'fast-check'
import { afterAll, expect, it } from 'vitest'
import type { CheckDef, ColumnDef, ColumnDefault, ForeignKeyDef, IndexDef, ReferentialAction, TableDef, UniqueDef } from '../../src/algebra/ast.js'
import type { SqlType } from '../../src/algebra/SqlType.js'
import { createAll, dropAll } from '../../src/compile/ddl.js'
import { schemaDifferences } from '../../src/migrations/compare.js'
import { diffSchemas } from '../../src/migrations/diff.js'
import { describeEachDatabase } from '../support/databases.js'
import { engineFor, reflectorOf, right } from './support.js'

interface ColSpec {
  readonly type: SqlType
  readonly nullable: boolean
  readonly default?: ColumnDefault
}

const typeArb = (): fc.Arbitrary<SqlType> =>
  fc.constantFrom<SqlType>(
    { _tag: 'Integer' },
    { _tag: 'BigInt' },
    { _tag: 'SmallInt' },
    { _tag: 'Real' },
    { _tag: 'Double' },
    { _tag: 'Numeric', precision: 10, scale: 2 },
    { _tag: 'Numeric', precision: 8 },
    { _tag: 'Varchar', length: 40 },
    { _tag: 'Varchar' },
    { _tag: 'Text' },
    { _tag: 'Boolean' },
    { _tag: 'Date' },
    { _tag: 'Time' },
    { _tag: 'Timestamp', withTimeZone: false },
    { _tag: 'Timestamp', withTimeZone: true },
    { _tag: 'Json' },
    { _tag: 'Enum', name: 'e', values: ['red', 'green', "it's"] },
    { _tag: 'Binary', length: 16 },
    { _tag: 'Binary' },
    { _tag: 'Uuid' },
  )

const defaultArb = (t: SqlType): fc.Arbitrary<ColumnDefault | undefined> => {
  const none = fc.constant(undefined)
  const value = (a: fc.Arbitrary<unknown>) => fc.oneof(none, a.map((value): ColumnDefault => ({ _tag: 'Value', value })))
  switch (t._tag) {
    case 'Integer':
    case 'SmallInt':
      return value(fc.integer({ min: -1000, max: 1000 }))
    case 'BigInt':
      return value(fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }))
    case 'Real':
    case 'Double':
      return value(fc.constantFrom(1.5, -2.25, 0))
    case 'Varchar':
    case 'Text':
      return value(fc.constantFrom('abc', "o'clock", ''))
    case 'Boolean':
      return value(fc.boolean())
    case 'Date':
      return value(fc.constant('2020-01-02'))
    case 'Enum':
      return value(fc.constantFrom(...t.values))
    case 'Timestamp':
      return fc.oneof(none, fc.constant<ColumnDefault>({ _tag: 'Now' }))
    default:
      return none
  }
}

const colArb = (): fc.Arbitrary<ColSpec> =>
  typeArb().chain((type) =>
    fc.record({ type: fc.constant(type), nullable: fc.boolean(), default: defaultArb(type) }).map((r) => ({
      type: r.type,
      nullable: r.nullable,
      ...(r.default ? { default: r.default } : {}),
    })),
  )

const actionArb = fc.constantFrom<ReferentialAction | undefined>(undefined, 'CASCADE', 'SET NULL', 'RESTRICT', 'NO ACTION')

interface TableSpec {
  readonly cols: ReadonlyArray<ColSpec>
  readonly autoPk: boolean
  readonly unique: boolean
  readonly index: boolean
  readonly uniqueIndex: boolean
  readonly check: boolean
  readonly fk?: { readonly target: number; readonly onDelete?: ReferentialAction }
}

const tableArb = (i: number): fc.Arbitrary<TableSpec> =>
  fc.record({
    cols: fc.array(colArb(), { minLength: 1, maxLength: 5 }),
    autoPk: fc.boolean(),
    unique: fc.boolean(),
    index: fc.boolean(),
    uniqueIndex: fc.boolean(),
    check: fc.boolean(),
    fk: i === 0 ? fc.constant(undefined) : fc.option(fc.record({ target: fc.nat(i - 1), onDelete: actionArb }), { nil: undefined }),
  })

const schemaArb: fc.Arbitrary<ReadonlyArray<TableSpec>> = fc
  .integer({ min: 1, max: 3 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => tableArb(i))))

const indexable = (t: SqlType): boolean => !['Text', 'Json', 'Binary'].includes(t._tag) || (t._tag === 'Binary' && t.length !== undefined)

const toDefs = (run: string, specs: ReadonlyArray<TableSpec>): ReadonlyArray<TableDef> =>
  specs.map((s, i): TableDef => {
    const name = `t${i}_${run}`
    const columns: ColumnDef[] = [
      { name: 'id', type: { _tag: 'Integer' }, nullable: false, autoIncrement: s.autoPk },
      ...s.cols.map((c, j) => ({
        name: `c${j}`,
        type: c.type._tag === 'Enum' ? { ...c.type, name: `${c.type.name}_${run}_${i}_${j}` } : c.type,
        nullable: c.nullable,
        autoIncrement: false,
        ...(c.default ? { default: c.default } : {}),
      })),
    ]
    const keyable = columns.slice(1).filter((c) => indexable(c.type))
    const uniques: UniqueDef[] = s.unique && keyable[0] ? [{ columns: [keyable[0].name] }] : []
    const indexes: IndexDef[] = [
      ...(s.index && keyable[0] ? [{ name: `ix_${name}_a`, columns: keyable.slice(0, 2).map((c) => c.name), unique: false }] : []),
      ...(s.uniqueIndex && keyable[1] ? [{ name: `ux_${name}_b`, columns: [keyable[1].name], unique: true }] : []),
    ]
    const checks: CheckDef[] = s.check
      ? [
          {
            name: `ck_${name}`,
            expr: {
              _tag: 'Logical',
              op: 'OR',
              operands: [
                { _tag: 'IsNull', operand: { _tag: 'ColumnRef', table: name, name: 'c0' }, negated: false },
                { _tag: 'IsNull', operand: { _tag: 'ColumnRef', table: name, name: 'c0' }, negated: true },
              ],
            },
          },
        ]
      : []
    const fkCol: ColumnDef | undefined = s.fk ? { name: 'ref_id', type: { _tag: 'Integer' }, nullable: true, autoIncrement: false } : undefined
    const foreignKeys: ForeignKeyDef[] = s.fk
      ? [{ columns: ['ref_id'], refTable: `t${s.fk.target}_${run}`, refColumns: ['id'], ...(s.fk.onDelete ? { onDelete: s.fk.onDelete } : {}) }]
      : []
    return { name, columns: fkCol ? [...columns, fkCol] : columns, primaryKey: ['id'], uniques, foreignKeys, checks, indexes }
  })

describeEachDatabase('reflection round trip', (db) => {
  const engine = engineFor(db)
  const reflector = reflectorOf(engine)
  afterAll(() => engine.dispose())

  it('reflect(createAll(m)) equals normalize(m), and autogenerate finds nothing to do', async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(schemaArb, async (specs) => {
        const run = `r${n++}`
        const defs = toDefs(run, specs)
        const holders = defs.map((d) => ({ definition: () => d }))
        const stmts = right(createAll(engine.dialect)(holders))
        try {
          for (const s of stmts) right(await engine.run(s)())
          const reflected = right(await reflector.reflect(engine)()).filter((t) => t.name.endsWith('_' + run))
          const expected = defs.map(reflector.normalize)
          expect(schemaDifferences(expected, reflected)).toEqual([])
          expect(diffSchemas(expected, reflected).ops).toEqual([])
        } finally {
          for (const s of right(dropAll(engine.dialect)(holders))) right(await engine.run(s)())
        }
      }),
      { numRuns: 30 },
    )
  })
})
