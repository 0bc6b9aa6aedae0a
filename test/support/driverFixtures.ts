/**
 * Values the server driver tests (PostgreSQL, MySQL/MariaDB) share: the URL parts their config
 * builders read, and the values every driver delivers exactly as they were written
 * (notes/CONVENTIONS.md, "Values across the driver boundary").
 *
 * @category testing
 */

/**
 * The URL parts every server driver's config passes through unchanged; a config test adds the
 * port and the server's own options.
 *
 * @category testing
 */
export const configParts = { host: 'db', user: 'u', password: 'p', database: 'd' } as const

/**
 * Values that come back from every server exactly as written, by column of the raw-types
 * tables (`types_*`): a bigint beyond 2^53 and a wide decimal as text, a date, a JSON document
 * that is a bare string, bytes, a uuid, text beyond the BMP, int4's minimum and a double.
 *
 * @category testing
 */
export const deliveredAsWritten = {
  i8: '9007199254740993',
  num: '1234567890123456789012345678.0123456789',
  d: '2024-02-29',
  js: JSON.stringify('a JSON string'),
  bin: Buffer.from([0, 1, 2, 253, 254, 255]),
  u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  txt: 'héllo 🎉 wörld 𝄞',
  i4: -2147483648,
  f8: 0.1,
} as const
