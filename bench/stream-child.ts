/**
 * Child process of the streaming workload: reads every row of a table through athanor's
 * `engine.stream` and prints one JSON line with the row count and the process's peak RSS.
 *
 * Usage: node --import tsx bench/stream-child.ts <engine-url> <table> <batchSize>
 */
import * as E from 'fp-ts/lib/Either.js'
import { limit, select } from '../src/algebra/index.js'
import { createEngine } from '../src/createEngine.js'
import { benchTable } from './data.js'

const [url, name, batch] = process.argv.slice(2)

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10

const main = async (): Promise<void> => {
  if (url === undefined || name === undefined) throw new Error('usage: stream-child <url> <table> <batchSize>')
  const engine = createEngine(url, { pool: { size: 1 } })
  if (E.isLeft(engine)) throw new Error(`createEngine: ${JSON.stringify(engine.left)}`)
  const e = engine.right
  // Connect first, so the baseline includes the driver and one connection.
  const ping = await e.execute(limit(1)(select(benchTable(name))))()
  if (E.isLeft(ping)) throw new Error(`connect: ${JSON.stringify(ping.left).slice(0, 300)}`)
  let peak = process.memoryUsage().rss
  const baseline = peak
  const timer = setInterval(() => {
    const r = process.memoryUsage().rss
    if (r > peak) peak = r
  }, 5)
  const t0 = performance.now()
  let rows = 0
  let checksum = 0
  for await (const batchE of e.stream(select(benchTable(name)), { batchSize: Number(batch ?? 1000) })) {
    if (E.isLeft(batchE)) throw new Error(`stream: ${JSON.stringify(batchE.left).slice(0, 300)}`)
    for (const r of batchE.right) {
      rows++
      checksum = (checksum + r.id) % 1_000_000_007
    }
    const rss = process.memoryUsage().rss
    if (rss > peak) peak = rss
  }
  const ms = performance.now() - t0
  clearInterval(timer)
  await e.dispose()
  const maxRss = process.resourceUsage().maxRSS * 1024
  process.stdout.write(`${JSON.stringify({ rows, checksum, ms, baselineMb: mb(baseline), peakMb: mb(Math.max(peak, maxRss)) })}\n`)
}

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`)
  process.exitCode = 1
})
