/**
 * Workload 4: streaming memory. Seeds 1,000,000 rows server-side (generate_series, MariaDB's
 * sequence engine, a recursive CTE on SQLite), then reads them all through athanor's
 * `engine.stream` in a child process (bench/stream-child.ts) and reports its peak RSS.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { DbName } from './databases.js'
import { createTableSql } from './data.js'
import type { Peers } from './peers.js'
import { bundle } from './bundle.js'

/** The child's report. */
export interface StreamResult {
  readonly rows?: number
  readonly ms?: number
  readonly baselineMb?: number
  readonly peakMb?: number
  readonly error?: string
}

const seedSql = (db: DbName, name: string, n: number): string => {
  switch (db) {
    case 'sqlite':
      return `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})
        INSERT INTO ${name} SELECT i, 'name ' || i, 'user' || i || '@example.com', i % 3 <> 0, (i % 4000) / 4.0,
        strftime('%Y-%m-%d %H:%M:%f', 1704067200 + i * 61, 'unixepoch') FROM s`
    case 'postgres':
      return `INSERT INTO ${name} SELECT i, 'name ' || i, 'user' || i || '@example.com', i % 3 <> 0, (i % 4000) / 4.0,
        timestamp '2024-01-01' + i * interval '61 seconds' FROM generate_series(1, ${n}) AS i`
    case 'mysql':
      return `INSERT INTO ${name} SELECT seq, CONCAT('name ', seq), CONCAT('user', seq, '@example.com'), seq % 3 <> 0, (seq % 4000) / 4,
        TIMESTAMP('2024-01-01') + INTERVAL seq * 61 SECOND FROM seq_1_to_${n}`
  }
}

/**
 * The child is bundled to plain JavaScript with esbuild (packages stay external) and run by
 * plain `node`, as a user runs compiled code: no TypeScript loader in the measured process.
 */
let bundled: Promise<string> | undefined
const childBundle = (): Promise<string> =>
  (bundled ??= (async () => {
    // Inside the project, so the bundle's bare imports resolve through node_modules (ESM ignores NODE_PATH).
    const outfile = fileURLToPath(new URL(`../node_modules/.cache/athanor/stream-child-${process.pid}.mjs`, import.meta.url))
    await bundle(fileURLToPath(new URL('./stream-child.ts', import.meta.url)), outfile)
    return outfile
  })())

const runChild = async (url: string, name: string, timeoutMs: number): Promise<StreamResult> => {
  const file = await childBundle()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, url, name, '1000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      const line = out.trim().split('\n').pop() ?? ''
      try {
        resolve(JSON.parse(line) as StreamResult)
      } catch {
        resolve({ error: `child exited ${code}: ${(err || out).trim().split('\n').slice(-3).join(' ').slice(0, 300)}` })
      }
    })
  })
}

/** Seeds `n` rows and streams them through athanor in a child process. */
export const runStream = async (p: Peers, n: number, timeoutMs: number): Promise<StreamResult> => {
  const name = 'bench_stream'
  await p.exec(createTableSql(p.db.name, name))
  await p.exec(seedSql(p.db.name, name, n))
  return runChild(p.db.url, name, timeoutMs)
}
