import { describe, expect, it } from 'vitest'
import { postgres } from './dialect.js'

describe('postgres dialect', () => {
  it('quotes identifiers and numbers placeholders', () => {
    expect(postgres.quoteIdent('a"b')).toBe('"a""b"')
    expect([postgres.placeholder(1), postgres.placeholder(2000)]).toEqual(['$1', '$2000'])
  })
  it('transactions with isolation levels and savepoints', () => {
    const t = postgres.transaction
    expect(t.begin(undefined)).toEqual(['BEGIN'])
    expect(t.begin('SERIALIZABLE')).toEqual(['BEGIN ISOLATION LEVEL SERIALIZABLE'])
    expect(t.begin('READ UNCOMMITTED')).toEqual(['BEGIN ISOLATION LEVEL READ UNCOMMITTED'])
    expect([t.savepoint('sp'), t.releaseSavepoint('sp'), t.rollbackToSavepoint('sp')]).toEqual(['SAVEPOINT "sp"', 'RELEASE SAVEPOINT "sp"', 'ROLLBACK TO SAVEPOINT "sp"'])
  })
  it('encodes values for pg', () => {
    expect(postgres.encodeParam(true, { _tag: 'Boolean' })).toBe(true)
    expect(postgres.encodeParam(new Date(Date.UTC(2024, 1, 3, 4, 5, 6, 7)), { _tag: 'Timestamp', withTimeZone: true })).toBe('2024-02-03T04:05:06.007Z')
    expect(postgres.encodeParam(12n, { _tag: 'BigInt' })).toBe('12')
    expect(postgres.encodeParam([1, 2], { _tag: 'Json' })).toBe('[1,2]')
    expect(postgres.encodeParam(null, { _tag: 'Json' })).toBe(null)
    expect(postgres.encodeParam(true, { _tag: 'Json' })).toBe('true')
    expect(postgres.encodeParam('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', { _tag: 'Uuid' })).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')
    expect(postgres.encodeParam(new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999)), undefined)).toBe('1999-12-31T23:59:59.999Z')
    expect(postgres.typedPlaceholder?.('$1', { _tag: 'Integer' })).toBe('$1::INTEGER')
    expect(postgres.typedPlaceholder?.('$2', { _tag: 'Varchar', length: 5 })).toBe('$2')
    expect(postgres.typedPlaceholder?.('$3', { _tag: 'Numeric', precision: 10, scale: 2 })).toBe('$3::NUMERIC')
    expect(postgres.typedPlaceholder?.('$4', { _tag: 'Enum', name: 'mo"od', values: ['a'] })).toBe('$4::"mo""od"')
    expect(postgres.functionSql?.('round', ['x', '$1'])).toBe('ROUND(CAST(x AS NUMERIC), $1)')
    expect(postgres.functionSql?.('ROUND', ['x'])).toBeUndefined()
    expect(postgres.capabilities.insertUnnest).toBe(true)
  })
  it('type names', () => {
    expect(postgres.typeName({ _tag: 'Json' }, 'ddl')).toBe('JSONB')
    expect(postgres.typeName({ _tag: 'Enum', name: 'my mood', values: ['a'] }, 'cast')).toBe('"my mood"')
    expect(postgres.typeName({ _tag: 'Numeric' }, 'ddl')).toBe('NUMERIC')
  })
  it('capabilities', () => {
    expect(postgres.capabilities).toMatchObject({
      returning: true, ilike: true, distinctOn: true, onConflict: true, updateFrom: true, deleteUsing: true, lateral: true, nativeEnum: true,
      transactionalDdl: true, intersectExceptAll: true, maxParams: 65535,
    })
  })
})
