/**
 * Value arbitraries for the differential schema: small domains so that equalities, joins,
 * groups and duplicates actually happen, with NULL in every column.
 *
 * Choices (and why):
 * - integers in [-20, 20]: collisions are frequent, and expressions nested three deep stay
 *   far from 32-bit overflow (PostgreSQL raises on INTEGER overflow, the others do not).
 * - doubles are multiples of 1/4 in [-10, 10]: exactly representable, so sums and products
 *   are exact and every database prints/parses them identically (no 0.1 + 0.2 traps).
 * - text is drawn from a small alphabet with the troublemakers: quotes, backslash, `%`, `_`,
 *   `!` (the library's LIKE escape), a space, an accented letter, an emoji (4-byte UTF-8),
 *   a tab and a newline. No upper-case letters: SQLite's LIKE folds ASCII case, the others do not
 *   under binary collations, so keeping data lower-case makes LIKE agree (the case rule is
 *   checked separately in the round-trip suite). No NUL: PostgreSQL text cannot hold it.
 *
 * @category property-tests
 */
import fc from 'fast-check'

/** The characters differential text is built from. */
export const textAlphabet: ReadonlyArray<string> = ['a', 'b', 'c', '%', '_', '!', "'", '"', '\\', ' ', 'é', '😀', '\t', '\n']

/** A nullable value: NULL about one time in six. */
export const nullable = <A>(a: fc.Arbitrary<A>): fc.Arbitrary<A | null> => fc.option(a, { nil: null, freq: 6 })

/** A small integer. */
export const smallInt: fc.Arbitrary<number> = fc.integer({ min: -20, max: 20 })

/** A non-zero small integer (a divisor or modulus). */
export const nonZeroInt: fc.Arbitrary<number> = fc.integer({ min: -7, max: 7 }).filter((n) => n !== 0)

/** A multiple of 1/4 in [-10, 10]. */
export const quarter: fc.Arbitrary<number> = fc.integer({ min: -40, max: 40 }).map((k) => k / 4)

/** Text from {@link textAlphabet}, up to 4 characters, biased towards a few common words. */
export const smallText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', 'a', 'b', 'ab', 'ba', 'abc', "it's", 'a%', '_b', 'é', '😀'),
  fc.string({ unit: fc.constantFrom(...textAlphabet), maxLength: 4 }),
)

/**
 * A LIKE pattern over the same alphabet plus wildcards, and the escape it needs: without an
 * escape the pattern has no backslash (PostgreSQL and MariaDB treat backslash as the default
 * LIKE escape, SQLite has none: see reference/evaluate.ts).
 */
export const likePattern: fc.Arbitrary<{ readonly pattern: string; readonly escape?: string }> = fc.oneof(
  fc
    .array(fc.constantFrom('a', 'b', 'c', '%', '_', '%', "'", ' ', 'é', '😀', 'ab'), { maxLength: 4 })
    .map((xs) => ({ pattern: xs.join('') })),
  fc
    .array(fc.constantFrom('a', 'b', '%', '_', '!%', '!_', '!!', '\\', "'", 'é'), { maxLength: 4 })
    .map((xs) => ({ pattern: xs.join(''), escape: '!' })),
)
