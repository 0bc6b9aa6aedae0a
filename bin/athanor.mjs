#!/usr/bin/env node
// The `athanor` command. It registers tsx's ESM loader (so the CLI's TypeScript sources and the
// user's TypeScript revision and models modules load without a build step), then runs the CLI.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
