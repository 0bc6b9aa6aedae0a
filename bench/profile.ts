/**
 * Profiling entry points for the workloads (not part of `npm run bench`). Run one under the
 * V8 profiler and summarise it:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts compile-c-cached
 *   npx tsx bench/profile-summary.ts /tmp/prof/<file>.cpuprofile
 *
 * Targets: compile-{a,b,c}-{cached,uncached}, read-{sqlite,postgres,mysql}, insert-{sqlite,postgres,mysql}.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import { insertInto, select } from '../src/algebra/index.js'
import { compile, compileUncached } from '../src/compile/compile.js'
import { postgres } from '../src/dialects/postgres/dialect.js'
import { shapes } from './compile.js'
import { type DbName, provision } from './databases.js'
import { benchRows, benchTable, chunks, columnNames, createTableSql } from './data.js'
import { rawInsert } from './insert.js'
import { openPeers } from './peers.js'

const target = process.argv[2] ?? ''

const profileCompile = (shape: string, cached: boolean): void => {
  const b = shapes[['a', 'b', 'c'].indexOf(shape)]![1]
  const stmts = Array.from({ length: 64 }, (_, k) => b.athanor(k))
  const f = cached ? compile(postgres) : compileUncached(postgres)
  let acc = 0
  const t0 = performance.now()
  const n = Number(process.env["PROFILE_N"] ?? 300_000)
  for (let i = 0; i < n; i++) {
    const s = stmts[i & 63]!
    const r = f({ node: { ...s.node } })
    if (E.isRight(r)) acc += r.right.sql.length
  }
  console.log(`${target}: ${(((performance.now() - t0) * 1e6) / n).toFixed(0)} ns/op (${acc})`)
}

const profileIo = async (kind: 'read' | 'insert', name: DbName): Promise<void> => {
  const db = await provision(name)
  if (typeof db === 'string') throw new Error(db)
  const p = await openPeers(db)
  try {
    if (E.isLeft(p.athanor)) throw new Error(p.athanor.left)
    const engine = p.athanor.right
    const t = benchTable('bench_p')
    await p.exec(createTableSql(name, 'bench_p'))
    const rows = benchRows(10_000)
    const reps = 30
    const t0 = performance.now()
    if (kind === 'read') {
      await rawInsert(p, 'bench_p', rows)
      for (let i = 0; i < reps; i++) {
        const r = await engine.execute(select(t))()
        if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
      }
    } else {
      const size = Math.floor(engine.dialect.capabilities.maxParams / columnNames.length)
      for (let i = 0; i < reps; i++) {
        await p.exec(`DELETE FROM bench_p`)
        const r = await engine.transaction((c) => pipe(chunks(rows, size), TE.traverseSeqArray((part) => c.run(insertInto(t, part)))))()
        if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
      }
    }
    console.log(`${target}: ${((performance.now() - t0) / reps).toFixed(1)} ms/op`)
  } finally {
    await p.close()
    await db.dispose()
  }
}

const main = async (): Promise<void> => {
  const m = /^(compile|read|insert)-(\w+?)(?:-(cached|uncached))?$/.exec(target)
  if (m === null) throw new Error(`unknown target ${target}`)
  if (m[1] === 'compile') profileCompile(m[2]!, m[3] === 'cached')
  else await profileIo(m[1] as 'read' | 'insert', m[2] as DbName)
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
