/**
 * `npm run bench`: bundles `bench/run.ts` with esbuild (packages stay external) and runs it
 * with plain `node`, so athanor is measured as a user runs it, compiled, like the peers, which
 * ship compiled JavaScript. (Under a TypeScript loader such as tsx, esbuild's `keepNames` wraps
 * every function made at run time in a `__name` call that redefines its name; that alone made
 * `make` of 6,000 entities 3× slower.) The bundle sits beside `run.ts` so that its
 * `import.meta.url` paths (results, the stream child) resolve as the source's do.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { bundle } from './bundle.js'

const outfile = fileURLToPath(new URL('./run.bundle.mjs', import.meta.url))
await bundle(fileURLToPath(new URL('./run.ts', import.meta.url)), outfile)
const child = spawn(process.execPath, [outfile], { stdio: 'inherit' })
child.on('close', (code) => {
  process.exitCode = code ?? 1
})
