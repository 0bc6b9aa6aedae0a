import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { integer, table, varchar } from '../algebra/index.js'
import { belongsTo, entity, hasMany, metaOf, relations } from './Entity.js'

const owners = table('e_owners', { id: integer().primaryKey(), name: varchar(50).notNull() })
const pets = table('e_pets', {
  id: integer().primaryKey(),
  ownerId: integer()
    .named('owner_id')
    .notNull()
    .references(() => owners.c.id),
})

describe('make', () => {
  it('takes relationships declared later with relations() as relationships, not as columns its validators see', () => {
    const seen: string[][] = []
    const OwnerBase = entity(owners, {
      validators: [
        (row) => {
          seen.push(Object.keys(row).sort())
          return E.right(row)
        },
      ],
    })
    const PetBase = entity(pets)
    const Owner = relations(OwnerBase, { pets: hasMany(PetBase, { backPopulates: 'owner' }) })
    relations(PetBase, { owner: belongsTo(OwnerBase, { backPopulates: 'pets' }) })
    const pet = PetBase.make({ ownerId: 0 })
    if (E.isLeft(pet)) throw new Error(pet.left._tag)
    const made = Owner.make({ name: 'Ada', pets: [pet.right] })
    expect(E.isRight(made)).toBe(true)
    if (E.isLeft(made)) return
    expect(seen).toEqual([['name']])
    expect((made.right as Readonly<Record<string, unknown>>)['pets']).toEqual([pet.right])
    expect(metaOf(made.right)?.entity.$.name).toBe(OwnerBase.$.name)
  })
})
