/**
 * Summarises a V8 .cpuprofile: self time per function (with file:line), top N.
 * Usage: npx tsx bench/profile-summary.ts file.cpuprofile [N] [filter]
 */
import { readFileSync } from 'node:fs'

interface Node {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly hitCount?: number
}
interface Profile {
  readonly nodes: ReadonlyArray<Node>
  readonly samples: ReadonlyArray<number>
}

const [file, nArg, filter] = process.argv.slice(2)
if (file === undefined) throw new Error('usage: profile-summary <file.cpuprofile> [N] [filter]')
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(prof.nodes.map((n) => [n.id, n]))
const self = new Map<string, number>()
for (const s of prof.samples) {
  const n = byId.get(s)
  if (n === undefined) continue
  const url = n.callFrame.url.replace(/^file:\/\/\/work\/main\//, '').replace(/.*node_modules\//, 'nm:')
  const key = `${n.callFrame.functionName || '(anonymous)'}  ${url}:${n.callFrame.lineNumber + 1}`
  self.set(key, (self.get(key) ?? 0) + 1)
}
const total = prof.samples.length
const rows = [...self.entries()].filter(([k]) => filter === undefined || k.includes(filter)).sort((a, b) => b[1] - a[1])
for (const [k, v] of rows.slice(0, Number(nArg ?? 30))) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
