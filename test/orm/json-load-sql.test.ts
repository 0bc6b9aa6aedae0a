/**
 * The SQL of the `json` loading strategy, per dialect, without a database: a collection is
 * aggregated in the relationship's order (`json_agg(… ORDER BY …)`), a single target is the
 * first in that order, columns travel as the dialect's `jsonAggregate.carriers` say, and a
 * dialect without ordered aggregates (MySQL 8) refuses an ordered collection with
 * UnsupportedFeature instead of returning it in another order.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { SelectNode } from '../../src/algebra/ast.js'
import { asc, bigint, binary, desc, integer, json as jsonColumnType, numeric, real, table, varchar } from '../../src/algebra/index.js'
import { compile } from '../../src/compile/compile.js'
import type { Dialect } from '../../src/compile/Dialect.js'
import { mysql, mysqlDialect } from '../../src/dialects/mysql/dialect.js'
import { postgres } from '../../src/dialects/postgres/dialect.js'
import { sqlite } from '../../src/dialects/sqlite/dialect.js'
import { belongsTo, entity, hasMany, hasOne, relations } from '../../src/mapping/Entity.js'
import { jsonColumn } from '../../src/mapping/jsonLoad.js'
import { accessor, plansFor } from '../../src/mapping/loadPlan.js'
import { json, type AnyLoadOption } from '../../src/mapping/loadOptions.js'
import type { AnyEntity } from '../../src/mapping/Entity.js'

const owners = table('js_owners', { id: integer().primaryKey() })
const items = table('js_items', {
  id: integer().primaryKey(),
  ownerId: integer().named('owner_id').notNull().references(() => owners.c.id),
  label: varchar(20).notNull(),
  big: bigint(),
  amount: numeric(30, 10),
  ratio: real(),
  doc: jsonColumnType(),
  bytes: binary(),
})
const OwnerB = entity(owners)
const ItemB = entity(items)
const Owner = relations(OwnerB, {
  items: hasMany(ItemB, { orderBy: [asc(items.c.label), desc(items.c.id)] }),
  unordered: hasMany(ItemB),
  first: hasOne(ItemB, { orderBy: [asc(items.c.label)] }),
})
const Item = relations(ItemB, { owner: belongsTo(OwnerB) })

/** The select list the parents' query gains for `option` on `dialect`: its SQL, or the error. */
const sqlOf = (en: AnyEntity, option: AnyLoadOption, d: Dialect): string | unknown => {
  const plans = plansFor(en, [option])
  if (E.isLeft(plans)) return plans.left
  const col = jsonColumn(plans.right[0], accessor(en, en.$.table.name), 'j', 0, d)
  if (E.isLeft(col)) return col.left
  const q: SelectNode = { _tag: 'Select', distinct: false, columns: [col.right.item], from: [en.$.table.ref], joins: [], groupBy: [], orderBy: [] }
  const c = compile(d)(q)
  return E.isRight(c) ? c.right.sql : c.left
}

describe('json loading SQL', () => {
  it('a collection is aggregated in the relationship order, columns carried per dialect', () => {
    expect(sqlOf(Owner, json(Owner.items), postgres)).toBe(
      'SELECT (SELECT json_agg(json_build_array("js1"."id", "js1"."owner_id", "js1"."label", CAST("js1"."big" AS TEXT), CAST("js1"."amount" AS TEXT), "js1"."ratio", CAST("js1"."doc" AS TEXT), "js1"."bytes") ORDER BY "js1"."label", "js1"."id" DESC) AS "j" FROM "js_items" AS "js1" WHERE "js1"."owner_id" = "js_owners"."id") AS "j" FROM "js_owners"',
    )
    expect(sqlOf(Owner, json(Owner.items), sqlite)).toBe(
      'SELECT (SELECT json_group_array(json_array("js1"."id", "js1"."owner_id", "js1"."label", CAST("js1"."big" AS TEXT), "js1"."amount", "js1"."ratio", CAST("js1"."doc" AS TEXT), CASE WHEN "js1"."bytes" IS NULL THEN NULL ELSE hex("js1"."bytes") END) ORDER BY "js1"."label", "js1"."id" DESC) AS "j" FROM "js_items" AS "js1" WHERE "js1"."owner_id" = "js_owners"."id") AS "j" FROM "js_owners"',
    )
    expect(sqlOf(Owner, json(Owner.items), mysql)).toBe(
      'SELECT (SELECT JSON_ARRAYAGG(JSON_ARRAY(`js1`.`id`, `js1`.`owner_id`, `js1`.`label`, CAST(`js1`.`big` AS CHAR), CAST(`js1`.`amount` AS CHAR), CAST(`js1`.`ratio` AS DOUBLE), CAST(`js1`.`doc` AS CHAR), CASE WHEN `js1`.`bytes` IS NULL THEN NULL ELSE hex(`js1`.`bytes`) END) ORDER BY `js1`.`label`, `js1`.`id` DESC) AS `j` FROM `js_items` AS `js1` WHERE `js1`.`owner_id` = `js_owners`.`id`) AS `j` FROM `js_owners`',
    )
  })

  it('no order: a plain aggregate (also where ordered aggregates are unsupported)', () => {
    const want = 'SELECT (SELECT JSON_ARRAYAGG(JSON_ARRAY(`js1`.`id`, `js1`.`owner_id`, `js1`.`label`, CAST(`js1`.`big` AS CHAR), CAST(`js1`.`amount` AS CHAR), CAST(`js1`.`ratio` AS DOUBLE), CAST(`js1`.`doc` AS CHAR), CASE WHEN `js1`.`bytes` IS NULL THEN NULL ELSE hex(`js1`.`bytes`) END)) AS `j` FROM `js_items` AS `js1` WHERE `js1`.`owner_id` = `js_owners`.`id`) AS `j` FROM `js_owners`'
    expect(sqlOf(Owner, json(Owner.unordered), mysql)).toBe(want)
    expect(sqlOf(Owner, json(Owner.unordered), mysqlDialect({ aggregateOrderBy: false }))).toBe(want)
  })

  it('a one-to-one is the first row in the relationship order; a many-to-one is not ordered', () => {
    expect(sqlOf(Owner, json(Owner.first), postgres)).toBe(
      'SELECT (SELECT json_build_array("js1"."id", "js1"."owner_id", "js1"."label", CAST("js1"."big" AS TEXT), CAST("js1"."amount" AS TEXT), "js1"."ratio", CAST("js1"."doc" AS TEXT), "js1"."bytes") AS "j" FROM "js_items" AS "js1" WHERE "js1"."owner_id" = "js_owners"."id" ORDER BY "js1"."label" LIMIT $1) AS "j" FROM "js_owners"',
    )
    expect(sqlOf(Item, json(Item.owner), sqlite)).toBe('SELECT (SELECT json_array("js1"."id") AS "j" FROM "js_owners" AS "js1" WHERE "js1"."id" = "js_items"."owner_id" LIMIT ?) AS "j" FROM "js_items"')
  })

  it('an ordered collection where the dialect has no ordered aggregate: UnsupportedFeature, never another order', () => {
    expect(sqlOf(Owner, json(Owner.items), mysqlDialect({ aggregateOrderBy: false }))).toEqual({
      _tag: 'UnsupportedFeature',
      feature: 'json loading of an ordered collection (js_owners.items: ORDER BY inside an aggregate)',
      dialect: 'mysql',
    })
  })
})
