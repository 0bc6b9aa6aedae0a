import { describe, expect, it } from 'vitest'
import { mysql, mysqlDialect } from './dialect.js'

describe('mysql dialect', () => {
  it('quotes identifiers with backquotes and uses ? placeholders', () => {
    expect(mysql.quoteIdent('a`b')).toBe('`a``b`')
    expect(mysql.placeholder(9)).toBe('?')
  })
  it('transactions: SET TRANSACTION then START TRANSACTION', () => {
    const t = mysql.transaction
    expect(t.begin(undefined)).toEqual(['START TRANSACTION'])
    expect(t.begin('REPEATABLE READ')).toEqual(['SET TRANSACTION ISOLATION LEVEL REPEATABLE READ', 'START TRANSACTION'])
    expect([t.savepoint('sp'), t.releaseSavepoint('sp'), t.rollbackToSavepoint('sp')]).toEqual(['SAVEPOINT `sp`', 'RELEASE SAVEPOINT `sp`', 'ROLLBACK TO SAVEPOINT `sp`'])
  })
  it('encodes values for mysql2', () => {
    expect(mysql.encodeParam(true, { _tag: 'Boolean' })).toBe(1)
    expect(mysql.encodeParam(new Date(Date.UTC(2024, 1, 3, 4, 5, 6, 7)), undefined)).toBe('2024-02-03 04:05:06.007')
    expect(mysql.encodeParam(12n, undefined)).toBe('12')
    expect(mysql.encodeParam({ a: 'x' }, { _tag: 'Json' })).toBe('{"a":"x"}')
    expect(mysql.encodeParam(true, { _tag: 'Json' })).toBe('true')
    expect(mysql.encodeParam('ABCDEF01-0000-0000-0000-00000000000A', { _tag: 'Uuid' })).toBe('abcdef01-0000-0000-0000-00000000000a')
    expect(mysql.functionSql?.('length', ['x'])).toBe('CHAR_LENGTH(x)')
    expect(mysql.functionSql?.('LOWER', ['x'])).toBeUndefined()
    expect(mysql.capabilities).toMatchObject({ withOnDml: false, windowLagDefault: false, limitInSubquery: false, insertUnnest: false })
    expect(mysqlDialect({ withOnDml: true, windowLagDefault: true }).capabilities).toMatchObject({ withOnDml: true, windowLagDefault: true })
  })
  it('string literals escape backslashes as well as quotes', () => {
    expect(mysql.stringLiteral("a\\'b")).toBe("'a\\\\''b'")
  })
  it('options for older servers', () => {
    expect(mysqlDialect({ intersectExcept: false }).capabilities).toMatchObject({ intersectExcept: false, intersectExceptAll: false })
    expect(mysqlDialect({ lateral: true, lockOf: true }).capabilities).toMatchObject({ lateral: true, lockOf: true })
    expect(mysql.capabilities).toMatchObject({
      returning: false, fullJoin: false, onDuplicateKey: true, onConflict: false, multiTableDml: true, nullsOrdering: false, aggregateFilter: false,
      isDistinctFrom: false, intersectExcept: true, intersectExceptAll: true, lateral: false, maxParams: 65535,
    })
  })
})
