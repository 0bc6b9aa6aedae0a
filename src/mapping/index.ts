/**
 * The ORM's mapping layer: entities over tables, relationships, loading options,
 * inheritance, and the entity-level Session operations (`S`).
 *
 * Loading strategies whose names clash with Core constructors are exported with a suffix:
 * `jsonLoad` (the json strategy; `json` is the column type) and `subqueryLoad` (`subquery`
 * is the FROM-clause subquery).
 *
 * @category mapping
 */
export * from './Entity.js'
export * from './evaluate.js'
export * from './relations.js'
export { subEntity, isA, type SubEntity, type SubEntityOptions } from './inheritance.js'
export {
  load,
  joined,
  selectin,
  lazy,
  raise,
  containsEager,
  json as jsonLoad,
  subquery as subqueryLoad,
  type Load,
  type LoadOption,
} from './loadOptions.js'
export * as S from './session.js'
