/**
 * Engine events: connection lifecycle (connect, checkout, checkin, leak, close), statement
 * execution (beforeExecute, afterExecute), transactions (begin, commit, rollback) and errors.
 * Listeners are registered in the engine's options or with `engine.on(type, listener)`.
 *
 * @category effects
 */
import type { DbError } from './DbError.js'
import { describe } from './DbError.js'

/** Every event an engine emits; `type` is the name used with `on`. @category effects */
export type EngineEvent =
  | { readonly type: 'connect'; readonly connectionId: number }
  | { readonly type: 'close'; readonly connectionId: number; readonly reason: 'recycle' | 'broken' | 'overflow' | 'dispose' }
  | { readonly type: 'checkout'; readonly connectionId: number }
  | { readonly type: 'checkin'; readonly connectionId: number; readonly heldMs: number }
  | { readonly type: 'leak'; readonly connectionId: number; readonly heldMs: number }
  | {
      readonly type: 'beforeExecute'
      readonly connectionId: number
      readonly sql: string
      readonly params: ReadonlyArray<unknown>
    }
  | {
      readonly type: 'afterExecute'
      readonly connectionId: number
      readonly sql: string
      readonly params: ReadonlyArray<unknown>
      readonly elapsedMs: number
      /** Rows returned. */
      readonly rowCount: number
      readonly rowsAffected: number
    }
  | {
      readonly type: 'begin'
      readonly connectionId: number
      /** Set for a nested transaction (a savepoint). */
      readonly savepoint?: string
    }
  | { readonly type: 'commit'; readonly connectionId: number; readonly savepoint?: string }
  | { readonly type: 'rollback'; readonly connectionId: number; readonly savepoint?: string }
  | {
      readonly type: 'error'
      readonly connectionId?: number
      readonly sql?: string
      readonly error: DbError
    }

/** An event's name. @category effects */
export type EventType = EngineEvent['type']

/** The event of one name. @category effects */
export type EventOf<K extends EventType> = Extract<EngineEvent, { readonly type: K }>

/** A listener of one event. @category effects */
export type Listener<K extends EventType> = (event: EventOf<K>) => void

/** Listeners given up front, in engine options. @category effects */
export type Listeners = { readonly [K in EventType]?: Listener<K> | ReadonlyArray<Listener<K>> }

/** A small synchronous event hub. @category effects */
export interface Emitter {
  /** Registers a listener; returns a function that removes it. */
  readonly on: <K extends EventType>(type: K, listener: Listener<K>) => () => void
  /** Delivers an event to its listeners; a listener that throws is reported on stderr and ignored. */
  readonly emit: (event: EngineEvent) => void
  /** True when someone listens to `type` (lets hot paths skip building events). */
  readonly has: (type: EventType) => boolean
}

/** Creates an {@link Emitter}, optionally with initial listeners. @category effects */
export const createEmitter = (initial: Listeners = {}): Emitter => {
  const table = new Map<EventType, Array<(e: EngineEvent) => void>>()
  const on = <K extends EventType>(type: K, listener: Listener<K>): (() => void) => {
    const fn = listener as (e: EngineEvent) => void
    const list = table.get(type) ?? []
    table.set(type, [...list, fn])
    return () => {
      const cur = table.get(type) ?? []
      const i = cur.indexOf(fn)
      if (i >= 0) table.set(type, [...cur.slice(0, i), ...cur.slice(i + 1)])
    }
  }
  for (const key of Object.keys(initial) as EventType[]) {
    const l = initial[key] as Listener<EventType> | ReadonlyArray<Listener<EventType>> | undefined
    if (l === undefined) continue
    for (const fn of Array.isArray(l) ? l : [l]) on(key, fn as Listener<EventType>)
  }
  return {
    on,
    has: (type) => (table.get(type)?.length ?? 0) > 0,
    emit: (event) => {
      const list = table.get(event.type)
      if (list === undefined) return
      for (const fn of list) {
        try {
          fn(event)
        } catch (e) {
          process.stderr.write(`[athanor] a '${event.type}' listener threw: ${String(e)}\n`)
        }
      }
    },
  }
}

/** Where echo output goes: `true` means stdout. @category effects */
export type Echo = boolean | ((line: string) => void)

const showParam = (v: unknown): string => {
  if (typeof v === 'bigint') return `${v}n`
  if (v instanceof Uint8Array) return `<${v.length} bytes>`
  if (typeof v === 'string') return JSON.stringify(v.length > 200 ? v.slice(0, 200) + '…' : v)
  if (v === undefined) return 'undefined'
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}

/** Formats a parameter list for logs. @category effects */
export const showParams = (params: ReadonlyArray<unknown>): string => `[${params.map(showParam).join(', ')}]`

/**
 * Registers the `echo` listeners on an emitter: each statement's SQL and parameters before
 * it runs, then its timing and row count (or its error).
 *
 * @category effects
 */
export const installEcho = (emitter: Emitter, echo: Echo): void => {
  if (echo === false) return
  const log = echo === true ? (line: string) => process.stdout.write(line + '\n') : echo
  emitter.on('beforeExecute', (e) => log(`[athanor #${e.connectionId}] ${e.sql} ${showParams(e.params)}`))
  emitter.on('afterExecute', (e) =>
    log(`[athanor #${e.connectionId}] ${e.rowCount} row(s), ${e.rowsAffected} affected in ${e.elapsedMs.toFixed(2)} ms`),
  )
  emitter.on('error', (e) => log(`[athanor${e.connectionId === undefined ? '' : ` #${e.connectionId}`}] ${describe(e.error)}`))
}
