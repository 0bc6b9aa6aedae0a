/**
 * The `athanor` command's entry point: parse, load the config, run, and turn every failure
 * into one line on stderr and a non-zero exit (2 for usage errors, 1 otherwise). Set
 * `ATHANOR_DEBUG=1` to see stack traces of unexpected failures.
 *
 * @category cli
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe } from '../effects/DbError.js'
import { commandHelp, mainHelp, parseArgs } from './args.js'
import { commands, type Io, runCommand } from './commands.js'
import { loadConfig } from './config.js'

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim()

/**
 * Runs the CLI with `argv` (without `node` and the script name); returns the exit code.
 *
 * @example
 * process.exitCode = await main(['upgrade', 'head'])
 * @category cli
 */
export const main = async (argv: ReadonlyArray<string>, io: Io = { out: (s) => console.log(s), err: (s) => console.error(s), cwd: process.cwd() }, env: NodeJS.ProcessEnv = process.env): Promise<number> => {
  try {
    const parsed = parseArgs(commands, argv)
    if (E.isLeft(parsed)) {
      io.err(`error: ${parsed.left.message}`)
      return 2
    }
    if (parsed.right === 'help') {
      io.out(mainHelp(commands))
      return 0
    }
    const p = parsed.right
    if (p.help) {
      io.out(commandHelp(p.command))
      return 0
    }
    const config = typeof p.options['config'] === 'string' ? p.options['config'] : undefined
    const urlFlag = p.command.name !== 'init' && typeof p.options['url'] === 'string' ? p.options['url'] : undefined
    const cfg = await loadConfig(io.cwd, config, urlFlag, env)()
    if (E.isLeft(cfg)) {
      io.err(`error: ${oneLine(describe(cfg.left))}`)
      return 1
    }
    const r = await runCommand(p, cfg.right, io)
    if (E.isLeft(r)) {
      io.err(`error: ${oneLine(describe(r.left))}`)
      return 1
    }
    return r.right
  } catch (e) {
    io.err(`error: unexpected failure: ${oneLine(e instanceof Error ? e.message : String(e))}${env['ATHANOR_DEBUG'] ? '' : ' (set ATHANOR_DEBUG=1 for details)'}`)
    if (env['ATHANOR_DEBUG'] && e instanceof Error && e.stack) io.err(e.stack)
    return 1
  }
}
