import { describe, expect, it } from 'vitest'
import { sqlite } from './dialect.js'

describe('sqlite dialect', () => {
  it('quotes identifiers and uses ? placeholders', () => {
    expect(sqlite.quoteIdent('a"b')).toBe('"a""b"')
    expect(sqlite.placeholder(3)).toBe('?')
  })
  it('transactions: BEGIN, BEGIN IMMEDIATE for serializable levels, savepoints', () => {
    const t = sqlite.transaction
    expect(t.begin(undefined)).toEqual(['BEGIN'])
    expect(t.begin('READ COMMITTED')).toEqual(['BEGIN'])
    expect(t.begin('SERIALIZABLE')).toEqual(['BEGIN IMMEDIATE'])
    expect(t.begin('REPEATABLE READ')).toEqual(['BEGIN IMMEDIATE'])
    expect([t.commit, t.rollback]).toEqual(['COMMIT', 'ROLLBACK'])
    expect([t.savepoint('sp1'), t.releaseSavepoint('sp1'), t.rollbackToSavepoint('s"p')]).toEqual(['SAVEPOINT "sp1"', 'RELEASE SAVEPOINT "sp1"', 'ROLLBACK TO SAVEPOINT "s""p"'])
  })
  it('encodes values for better-sqlite3', () => {
    expect(sqlite.encodeParam(true, { _tag: 'Boolean' })).toBe(1)
    expect(sqlite.encodeParam(false, undefined)).toBe(0)
    expect(sqlite.encodeParam(new Date(Date.UTC(2024, 1, 3, 4, 5, 6, 7)), { _tag: 'Timestamp', withTimeZone: false })).toBe('2024-02-03 04:05:06.007')
    expect(sqlite.encodeParam(new Date(Date.UTC(2024, 1, 3)), { _tag: 'Date' })).toBe('2024-02-03')
    expect(sqlite.encodeParam({ a: 1 }, { _tag: 'Json' })).toBe('{"a":1}')
    expect(sqlite.encodeParam(5n, { _tag: 'BigInt' })).toBe(5n)
    expect(sqlite.encodeParam('5', { _tag: 'BigInt' })).toBe(5n)
    expect(Buffer.isBuffer(sqlite.encodeParam(new Uint8Array([1]), { _tag: 'Binary' }))).toBe(true)
    expect(sqlite.encodeParam(undefined, undefined)).toBe(null)
  })
  it('binds integers as bigint (INTEGER, not REAL); typed Real/Double/Numeric numbers stay numbers', () => {
    expect(sqlite.encodeParam(7, { _tag: 'Integer' })).toBe(7n)
    expect(sqlite.encodeParam(7, { _tag: 'SmallInt' })).toBe(7n)
    expect(sqlite.encodeParam(7, { _tag: 'BigInt' })).toBe(7n)
    expect(sqlite.encodeParam(7, undefined)).toBe(7n)
    expect(sqlite.encodeParam(7.5, undefined)).toBe(7.5)
    expect(sqlite.encodeParam(7, { _tag: 'Double' })).toBe(7)
    expect(sqlite.encodeParam(7, { _tag: 'Real' })).toBe(7)
    expect(sqlite.encodeParam(7, { _tag: 'Numeric' })).toBe(7)
    expect(sqlite.encodeParam(2 ** 60, undefined)).toBe(2 ** 60)
  })
  it('JSON before booleans (a bare JSON true is the text true); uuids lowercased', () => {
    expect(sqlite.encodeParam(true, { _tag: 'Json' })).toBe('true')
    expect(sqlite.encodeParam(false, { _tag: 'Json' })).toBe('false')
    expect(sqlite.encodeParam(1, { _tag: 'Json' })).toBe('1')
    expect(sqlite.encodeParam('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', { _tag: 'Uuid' })).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')
  })
  it('numeric: NUMERIC affinity up to 15 digits, exact TEXT-affinity DECIMAL TEXT beyond', () => {
    expect(sqlite.typeName({ _tag: 'Numeric', precision: 10, scale: 2 }, 'ddl')).toBe('NUMERIC(10, 2)')
    expect(sqlite.typeName({ _tag: 'Numeric', precision: 38, scale: 10 }, 'ddl')).toBe('DECIMAL TEXT(38, 10)')
    expect(sqlite.typeName({ _tag: 'Numeric' }, 'ddl')).toBe('DECIMAL TEXT')
    expect(sqlite.typeName({ _tag: 'Numeric', precision: 38, scale: 10 }, 'cast')).toBe('NUMERIC')
  })
  it('capabilities', () => {
    expect(sqlite.capabilities).toMatchObject({
      returning: true, onConflict: true, onDuplicateKey: false, updateFrom: true, deleteUsing: false, rowLocks: false, lateral: false, distinctOn: false,
      intersectExcept: true, intersectExceptAll: false, parenthesizedSetOperands: false, rowidPrimaryKey: true, defaultInValues: false, maxParams: 32766,
    })
  })
})
