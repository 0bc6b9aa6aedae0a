/**
 * Retrying a transaction that lost a race: reruns on `Deadlock` and `SerializationFailure`
 * only, a bounded number of times.
 *
 * @category effects
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { DbError } from './DbError.js'

/** Options of {@link retrying}. @category effects */
export interface RetryOptions {
  /** Pause before the k-th rerun: `backoffMs * 2^(k-1)` plus up to 50% jitter (default 0: immediately). */
  readonly backoffMs?: number
  /** Called before each rerun with its number (1-based) and the error that caused it. */
  readonly onRetry?: (attempt: number, error: DbError) => void
}

/** True for the errors a rerun can cure: deadlocks and serialization failures. @category effects */
export const isRetryable = (e: DbError): boolean =>
  e._tag === 'QueryError' && (e.kind === 'Deadlock' || e.kind === 'SerializationFailure')

/**
 * Runs `tx` and reruns it up to `retries` more times while it fails with a deadlock or a
 * serialization failure. Any other error, or the last one, is returned as is. `tx` must be
 * re-runnable (a TaskEither is: `engine.transaction(f)` starts a fresh transaction per run).
 *
 * @category effects
 * @example
 * await retrying(3, engine.transaction(transfer, { isolation: 'SERIALIZABLE' }))()
 */
export const retrying =
  <A>(retries: number, tx: TE.TaskEither<DbError, A>, options: RetryOptions = {}): TE.TaskEither<DbError, A> =>
  async () => {
    const max = Math.max(0, Math.floor(retries))
    for (let attempt = 0; ; attempt++) {
      const r = await tx()
      if (E.isRight(r) || attempt >= max || !isRetryable(r.left)) return r
      options.onRetry?.(attempt + 1, r.left)
      const base = options.backoffMs ?? 0
      if (base > 0) {
        const wait = base * 2 ** attempt * (1 + Math.random() / 2)
        await new Promise((resolve) => setTimeout(resolve, wait))
      }
    }
  }
