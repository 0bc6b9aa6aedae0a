/**
 * DML: INSERT (values, from a query, default values, upserts), UPDATE (with FROM or MySQL's
 * multi-table form), DELETE (with USING or MySQL's multi-table form), RETURNING.
 *
 * @internal
 * @category compile
 */
import { absurd } from 'fp-ts/lib/function.js'
import type { Assignment, DeleteNode, InsertNode, OnConflict, SelectItem, TableRefNode, UpdateNode } from '../algebra/ast.js'
import { invalid, unsupported } from './CompileError.js'
import { expr, P, value } from './expr.js'
import { compileQuery, fromList, selectItems, tableName, withClause } from './select.js'
import { countSlots } from './shape.js'
import { emitArrayParams, fail, type Ctx } from './state.js'
import { unnestTypes } from './unnest.js'

const target = (c: Ctx, t: TableRefNode): string => tableName(c, t.name, t.schema) + (t.alias === undefined ? '' : ' AS ' + c.q(t.alias))

const returning = (c: Ctx, items: ReadonlyArray<SelectItem>): string => {
  if (items.length === 0) return ''
  if (!c.caps.returning) return fail(c, unsupported('RETURNING', c.d.name))
  return ' RETURNING ' + selectItems(c, items)
}

const assignments = (c: Ctx, set: ReadonlyArray<Assignment>, qualifier: string | undefined): string => {
  let out = ''
  for (let i = 0; i < set.length; i++) {
    const a = set[i]
    out += (i === 0 ? '' : ', ') + (qualifier === undefined ? '' : qualifier + '.') + c.q(a.column) + ' = ' + value(c, a.value)
  }
  return out
}

const upsert = (c: Ctx, oc: OnConflict, columns: ReadonlyArray<string>, table: TableRefNode): string => {
  if (c.caps.onConflict) {
    const tgt = oc.target.length === 0 ? '' : ' (' + oc.target.map(c.q).join(', ') + ')'
    switch (oc._tag) {
      case 'DoNothing':
        return ' ON CONFLICT' + tgt + ' DO NOTHING'
      case 'DoUpdate': {
        if (oc.target.length === 0) return fail(c, invalid('ON CONFLICT DO UPDATE needs a conflict target'))
        if (oc.set.length === 0) return fail(c, invalid('ON CONFLICT DO UPDATE needs at least one assignment'))
        let out = ' ON CONFLICT' + tgt + ' DO UPDATE SET ' + assignments(c, oc.set, undefined)
        if (oc.where !== undefined) out += ' WHERE ' + expr(c, oc.where, P.TOP)
        return out
      }
      default:
        return absurd(oc)
    }
  }
  if (c.caps.onDuplicateKey) {
    // Qualified: with INSERT … SELECT from the same table, bare names are ambiguous.
    const qual = c.q(table.alias ?? table.name)
    switch (oc._tag) {
      case 'DoNothing': {
        const col = oc.target[0] ?? columns[0]
        if (col === undefined) return fail(c, invalid('an upsert that does nothing needs a column to assign to itself'))
        return ' ON DUPLICATE KEY UPDATE ' + qual + '.' + c.q(col) + ' = ' + qual + '.' + c.q(col)
      }
      case 'DoUpdate':
        if (oc.set.length === 0) return fail(c, invalid('ON DUPLICATE KEY UPDATE needs at least one assignment'))
        if (oc.where !== undefined) return fail(c, unsupported('upsert with a WHERE condition', c.d.name))
        return ' ON DUPLICATE KEY UPDATE ' + assignments(c, oc.set, qual)
      default:
        return absurd(oc)
    }
  }
  return fail(c, unsupported('upsert', c.d.name))
}

/** INSERT. @internal */
export const insert = (c: Ctx, n: InsertNode): string => {
  const hasWith = n.with !== undefined && n.with.ctes.length > 0
  if (hasWith && !c.caps.withBeforeInsert && n.source._tag !== 'FromQuery') return fail(c, unsupported('WITH on INSERT … VALUES', c.d.name))
  // MySQL puts the WITH of an INSERT … SELECT after the column list (no parameters come between).
  const w = withClause(c, n.with)
  let out = (c.caps.withBeforeInsert ? w : '') + 'INSERT INTO ' + target(c, n.table)
  const cols = n.columns.length === 0 ? '' : ' (' + n.columns.map(c.q).join(', ') + ')'
  const lateWith = c.caps.withBeforeInsert ? '' : w
  const src = n.source
  switch (src._tag) {
    case 'Values': {
      if (src.rows.length === 0) return fail(c, invalid('INSERT … VALUES needs at least one row'))
      if (n.columns.length === 0) return fail(c, invalid('INSERT … VALUES needs at least one column'))
      const typeName = c.d.paramTypeName
      const arrays = c.caps.insertUnnest && typeName !== undefined && !c.inline && src.rows[0].length === n.columns.length ? unnestTypes(src.rows) : undefined
      if (arrays !== undefined && typeName !== undefined) {
        // `unnest` of several arrays zips them in order: row i of the SELECT is row i of VALUES.
        const phs = emitArrayParams(c, src.rows)
        out += cols + ' SELECT * FROM unnest('
        for (let j = 0; j < phs.length; j++) out += (j === 0 ? '' : ', ') + phs[j] + '::' + typeName(arrays[j]) + '[]'
        out += ')'
        break
      }
      out += cols + ' VALUES '
      for (let r = 0; r < src.rows.length; r++) {
        const row = src.rows[r]
        if (row.length !== n.columns.length)
          return fail(c, invalid(`INSERT row ${r + 1} has ${row.length} values for ${n.columns.length} columns`))
        out += (r === 0 ? '(' : ', (')
        for (let i = 0; i < row.length; i++) out += (i === 0 ? '' : ', ') + value(c, row[i])
        out += ')'
      }
      break
    }
    case 'FromQuery': {
      const q = compileQuery(c, src.query)
      // With an upsert the query becomes a derived table: SQLite cannot parse `INSERT … SELECT …
      // ON CONFLICT` unless the SELECT has a WHERE, and MySQL finds the upsert's columns
      // ambiguous when the SELECT reads the target table.
      out += cols + ' ' + lateWith + (n.onConflict !== undefined ? 'SELECT * FROM (' + q + ') AS ' + c.q('_src') + ' WHERE 1 = 1' : q)
      break
    }
    case 'DefaultValues':
      if (n.columns.length > 0) return fail(c, invalid('INSERT … DEFAULT VALUES takes no columns'))
      out += c.caps.insertDefaultValues ? ' DEFAULT VALUES' : ' () VALUES ()'
      break
    default:
      return absurd(src)
  }
  if (n.onConflict !== undefined) out += upsert(c, n.onConflict, n.columns, n.table)
  return out + returning(c, n.returning)
}

/** UPDATE. @internal */
export const update = (c: Ctx, n: UpdateNode): string => {
  if (n.set.length === 0) return fail(c, invalid('UPDATE needs at least one assignment'))
  if (n.with !== undefined && n.with.ctes.length > 0 && !c.caps.withOnDml) return fail(c, unsupported('WITH on UPDATE', c.d.name))
  let out = withClause(c, n.with) + 'UPDATE ' + target(c, n.table)
  if (n.from.length > 0 && !c.caps.updateFrom) {
    if (!c.caps.multiTableDml) return fail(c, unsupported('UPDATE … FROM', c.d.name))
    // MySQL: UPDATE t, f SET t.c = … — the FROM items come first in the text.
    const start = c.slot
    const setEnd = start + countSlots(n.set.map((a) => a.value))
    c.slot = setEnd
    out += ', ' + fromList(c, n.from)
    const fromEnd = c.slot
    c.slot = start
    out += ' SET ' + assignments(c, n.set, c.q(n.table.alias ?? n.table.name))
    c.slot = fromEnd
  } else {
    out += ' SET ' + assignments(c, n.set, undefined)
    if (n.from.length > 0) out += ' FROM ' + fromList(c, n.from)
  }
  if (n.where !== undefined) out += ' WHERE ' + expr(c, n.where, P.TOP)
  return out + returning(c, n.returning)
}

/** DELETE. @internal */
export const del = (c: Ctx, n: DeleteNode): string => {
  if (n.with !== undefined && n.with.ctes.length > 0 && !c.caps.withOnDml) return fail(c, unsupported('WITH on DELETE', c.d.name))
  const w = withClause(c, n.with)
  let out: string
  if (c.caps.multiTableDml && (n.using.length > 0 || n.table.alias !== undefined)) {
    out = w + 'DELETE ' + c.q(n.table.alias ?? n.table.name) + ' FROM ' + target(c, n.table)
    if (n.using.length > 0) out += ', ' + fromList(c, n.using)
  } else {
    out = w + 'DELETE FROM ' + target(c, n.table)
    if (n.using.length > 0) {
      if (!c.caps.deleteUsing) return fail(c, unsupported('DELETE … USING', c.d.name))
      out += ' USING ' + fromList(c, n.using)
    }
  }
  if (n.where !== undefined) out += ' WHERE ' + expr(c, n.where, P.TOP)
  return out + returning(c, n.returning)
}
