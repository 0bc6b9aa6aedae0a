/**
 * Type-level tests of load options (checked by `npm run typecheck`): the result type holds
 * exactly the relationships loaded, nested; reading one that is not loaded does not compile.
 */
import { expect, it } from 'vitest'
import { joined, load, selectin } from '../../src/mapping/loadOptions.js'
import * as S from '../../src/mapping/session.js'
import { Author, Book, Review } from './fixtures.js'

type Value<P> = P extends S.Session<ReadonlyArray<infer A>> ? A : never

export const typeChecks = (): void => {
  const plain = null as unknown as Value<ReturnType<typeof S.all<typeof Author, []>>>
  plain.name satisfies string
  // @ts-expect-error books are not loaded
  void plain.books

  const q = S.all(Author, load(selectin(Author.books, selectin(Book.reviews)), joined(Author.profile)))
  const a = null as unknown as Value<typeof q>
  a.books[0].title satisfies string
  a.books[0].reviews[0].stars satisfies number
  void a.profile?.bio
  // @ts-expect-error a book's author is not loaded
  void a.books[0].author
  // @ts-expect-error edited is not loaded
  void a.edited

  // @ts-expect-error a nested option must be about the target (books), not reviews
  selectin(Author.books, selectin(Review.book))
}

it('type-level checks compile (see typeChecks)', () => {
  expect(typeof typeChecks).toBe('function')
})
