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
  it('capabilities', () => {
    expect(sqlite.capabilities).toMatchObject({
      returning: true, onConflict: true, onDuplicateKey: false, updateFrom: true, deleteUsing: false, rowLocks: false, lateral: false, distinctOn: false,
      intersectExcept: true, intersectExceptAll: false, parenthesizedSetOperands: false, rowidPrimaryKey: true, defaultInValues: false, maxParams: 32766,
    })
  })
})
