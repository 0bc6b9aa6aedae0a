/**
 * The ORM's mapping layer: entities over tables and the entity-level Session operations.
 *
 * @category mapping
 */
export * from './Entity.js'
export * from './evaluate.js'
export * from './relations.js'
export * as S from './session.js'
