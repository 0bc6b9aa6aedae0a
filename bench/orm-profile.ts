/**
 * Profiling entry points for the ORM workloads (not part of `npm run bench`), on a private
 * SQLite file, PostgreSQL schema or MariaDB database:
 *
 *   npx esbuild bench/orm-profile.ts --bundle --platform=node --format=cjs --packages=external --outfile=/tmp/athprof/orm-profile.cjs
 *   NODE_PATH=$PWD/node_modules node --cpu-prof --cpu-prof-dir=/tmp/prof /tmp/athprof/orm-profile.cjs persist sqlite [authors] [reps]
 *   npx tsx bench/profile-summary.ts /tmp/prof/<file>.cpuprofile 30
 *
 * Targets: persist | persist-raw | load | load-raw | load-execute | load-session-execute | graph-raw | graph-kysely | selectin | joined | json | state-get | state-add | state-update, then the database.
 */
import * as E from 'fp-ts/lib/Either.js'
import { asc, orderBy, select } from '../src/algebra/index.js'
import { createAll } from '../src/index.js'
import { joined, json, load, selectin } from '../src/mapping/loadOptions.js'
import * as S from '../src/mapping/session.js'
import { benchRows } from './data.js'
import { type DbName, provision } from './databases.js'
import { rawInsert } from './insert.js'
import { kyselyGraph, rawGraph, rawPersist } from './orm.js'
import { Author, authors, Book, extraDdl, graphInput, Item, items, ormTables } from './orm-model.js'
import { openPeers } from './peers.js'

const [target = 'persist', dbName = 'sqlite', nArg, repsArg] = process.argv.slice(2)
const n = Number(nArg ?? 1000)
const reps = Number(repsArg ?? 10)

const ok = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}

const main = async (): Promise<void> => {
  const db = await provision(dbName as DbName)
  if (typeof db === 'string') throw new Error(db)
  const p = await openPeers(db)
  try {
    const engine = ok(p.athanor)
    for (const s of ok(createAll(engine.dialect)(ormTables))) ok(await engine.run(s)())
    for (const s of extraDdl(db.name)) await p.exec(s)
    const input = graphInput(n, 5)
    const persist = async (): Promise<void> => {
      const graph = input.map((a) => ok(Author.make({ name: a.name, born: a.born, books: a.books.map((b) => ok(Book.make({ title: b.title, pages: b.pages, authorId: 0 }))) })))
      ok(await S.runSession(engine, S.addAll(graph))())
    }
    let run: () => Promise<void>
    switch (target) {
      case 'persist':
        run = async () => {
          await p.exec('DELETE FROM orm_books')
          await p.exec('DELETE FROM orm_authors')
          await persist()
        }
        break
      case 'load':
        await rawInsert(p, 'orm_items', benchRows(n))
        run = async () => {
          ok(await S.runSession(engine, S.all(Item))())
        }
        break
      case 'persist-raw': {
        const c = rawPersist(p, input)
        run = async () => {
          await p.exec('DELETE FROM orm_books')
          await p.exec('DELETE FROM orm_authors')
          await c.run()
        }
        break
      }
      case 'load-session-execute':
        await rawInsert(p, 'orm_items', benchRows(n))
        run = async () => {
          ok(await S.runSession(engine, S.fromConnection((conn) => conn.execute(select(items))))())
        }
        break
      case 'load-raw':
      case 'load-execute': {
        await rawInsert(p, 'orm_items', benchRows(n))
        const raw = p.raw
        run =
          target === 'load-execute'
            ? async () => {
                ok(await engine.execute(select(items))())
              }
            : raw._tag === 'sqlite'
              ? (() => {
                  const stmt = raw.db.prepare('SELECT * FROM orm_items')
                  return async () => void stmt.all()
                })()
              : raw._tag === 'postgres'
                ? async () => void (await raw.client.query('SELECT * FROM orm_items'))
                : async () => void (await raw.conn.query('SELECT * FROM orm_items'))
        break
      }
      case 'graph-raw':
      case 'graph-kysely': {
        await persist()
        const c = target === 'graph-raw' ? rawGraph(p) : kyselyGraph(p)
        run = async () => void (await c.run())
        break
      }
      case 'selectin':
      case 'joined':
      case 'json': {
        await persist()
        const strategy = target === 'selectin' ? selectin : target === 'joined' ? joined : json
        run = async () => {
          ok(await S.runSession(engine, S.all(Author, orderBy(asc(authors.c.id)), load(strategy(Author.books))))())
        }
        break
      }
      default:
        throw new Error(`unknown target ${target}`)
    }
    await run()
    const t0 = performance.now()
    for (let i = 0; i < reps; i++) await run()
    console.log(`${target} ${dbName} n=${n}: ${((performance.now() - t0) / reps).toFixed(1)} ms/op`)
  } finally {
    await p.close()
    await db.dispose()
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
