/**
 * Errors of compilation: returned in `Left`, never thrown.
 *
 * @category compile
 */

/** Why a value could not be compiled. */
export type CompileError =
  | {
      /** The dialect cannot express this construct; nothing was emitted. */
      readonly _tag: 'UnsupportedFeature'
      readonly feature: string
      readonly dialect: string
    }
  | {
      /** The value is malformed (an empty select list, a bad function name, a missing bind, …). */
      readonly _tag: 'InvalidStatement'
      readonly message: string
    }

/** Constructs an UnsupportedFeature error. */
export const unsupported = (feature: string, dialect: string): CompileError => ({
  _tag: 'UnsupportedFeature',
  feature,
  dialect,
})

/** Constructs an InvalidStatement error. */
export const invalid = (message: string): CompileError => ({ _tag: 'InvalidStatement', message })
