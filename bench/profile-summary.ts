/**
 * Summarises a V8 .cpuprofile: self time per function (with file:line), top N; or, with
 * PROFILE_INCLUSIVE=1, inclusive time (the function and everything it called, each sample
 * counted once per function even under recursion).
 * Usage: [PROFILE_INCLUSIVE=1] npx tsx bench/profile-summary.ts file.cpuprofile [N] [filter]
 */
import { readFileSync } from 'node:fs'

interface Node {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly hitCount?: number
  readonly children?: ReadonlyArray<number>
}
interface Profile {
  readonly nodes: ReadonlyArray<Node>
  readonly samples: ReadonlyArray<number>
}

const [file, nArg, filter] = process.argv.slice(2)
if (file === undefined) throw new Error('usage: profile-summary <file.cpuprofile> [N] [filter]')
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(prof.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const label = (n: Node): string => {
  const url = n.callFrame.url.replace(/^file:\/\/\/work\/main\//, '').replace(/.*node_modules\//, 'nm:')
  return `${n.callFrame.functionName || '(anonymous)'}  ${url}:${n.callFrame.lineNumber + 1}`
}
const inclusive = process.env['PROFILE_INCLUSIVE'] === '1'
const counts = new Map<string, number>()
for (const s of prof.samples) {
  const n = byId.get(s)
  if (n === undefined) continue
  if (!inclusive) {
    counts.set(label(n), (counts.get(label(n)) ?? 0) + 1)
    continue
  }
  const seen = new Set<string>()
  for (let id: number | undefined = s; id !== undefined; id = parent.get(id)) {
    const k = label(byId.get(id)!)
    if (seen.has(k)) continue
    seen.add(k)
    counts.set(k, (counts.get(k) ?? 0) + 1)
  }
}
const total = prof.samples.length
const rows = [...counts.entries()].filter(([k]) => filter === undefined || k.includes(filter)).sort((a, b) => b[1] - a[1])
for (const [k, v] of rows.slice(0, Number(nArg ?? 30))) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
