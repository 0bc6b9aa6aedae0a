/**
 * `npm run demo` is a newcomer's first command: run the tour as a child process and check it
 * finishes, so a library change cannot break it silently.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { expect, it } from 'vitest'

it('the demo tour runs to the end on an embedded SQLite file', () => {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const cwd = mkdtempSync(join(tmpdir(), 'athanor-demo-'))
  try {
    // tsx's loader by absolute URL: the tour runs in a scratch directory, where 'tsx' would not resolve.
    const loader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href
    const r = spawnSync(process.execPath, ['--import', loader, join(root, 'demo/tour.ts')], { cwd, encoding: 'utf8', timeout: 120_000 })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('flush plan:')
    expect(r.stdout).toContain('Done.')
  } finally {
    rmSync(cwd, { recursive: true, force: true })
  }
}, 180_000)
