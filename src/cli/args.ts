/**
 * A small command-line parser for `athanor`: commands with positionals and options, `--help`
 * on every command, and one-line usage errors. (Hand-written rather than a dependency: the
 * CLI needs only this much, and owning it keeps the messages to one clear line.)
 *
 * @category cli
 */
import * as E from 'fp-ts/lib/Either.js'

/** One option of a command. @category cli */
export interface OptionSpec {
  readonly name: string
  readonly short?: string
  /** The value's placeholder when the option takes one (`--message <text>`). */
  readonly value?: string
  readonly description: string
}

/** One command. @category cli */
export interface CommandSpec {
  readonly name: string
  readonly summary: string
  /** Positionals, e.g. `[revision]` or `<revision|-n>`. */
  readonly args: string
  readonly minArgs: number
  readonly maxArgs: number
  readonly options: ReadonlyArray<OptionSpec>
  /** Extra help text. */
  readonly details?: string
}

/** A parsed command line. @category cli */
export interface Parsed {
  readonly command: CommandSpec
  readonly args: ReadonlyArray<string>
  readonly options: Readonly<Record<string, string | true>>
  readonly help: boolean
}

/** Options every command takes. @category cli */
export const globalOptions: ReadonlyArray<OptionSpec> = [
  { name: 'config', short: 'c', value: 'file', description: 'config file (default: athanor.config.json or athanor.config.ts)' },
  { name: 'url', value: 'url', description: 'database URL (default: ATHANOR_URL, then the config file)' },
  { name: 'help', short: 'h', description: 'show help for the command' },
]

/** A usage error: printed as one line, exit code 2. @category cli */
export interface UsageError {
  readonly _tag: 'UsageError'
  readonly message: string
}

const usage = (message: string): UsageError => ({ _tag: 'UsageError', message })

/** Parses `argv` (without `node` and the script) against the command table. @category cli */
export const parseArgs = (commands: ReadonlyArray<CommandSpec>, argv: ReadonlyArray<string>): E.Either<UsageError, Parsed | 'help'> => {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') return E.right('help')
  const command = commands.find((c) => c.name === name)
  if (command === undefined) return E.left(usage(`unknown command "${name}" (commands: ${commands.map((c) => c.name).join(', ')})`))
  const specs = [...command.options, ...globalOptions]
  const args: string[] = []
  const options: Record<string, string | true> = {}
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]
    const isNegativeNumber = /^-\d+$/.test(a)
    if (a === '--') {
      args.push(...rest.slice(i + 1))
      break
    }
    if (a.startsWith('-') && a !== '-' && !isNegativeNumber) {
      const eq = a.indexOf('=')
      const key = a.startsWith('--') ? a.slice(2, eq < 0 ? undefined : eq) : a.slice(1, eq < 0 ? undefined : eq)
      const spec = a.startsWith('--') ? specs.find((s) => s.name === key) : specs.find((s) => s.short === key)
      if (spec === undefined) return E.left(usage(`unknown option ${a} for "${command.name}" (see athanor ${command.name} --help)`))
      if (spec.value === undefined) {
        if (eq >= 0) return E.left(usage(`option --${spec.name} takes no value`))
        options[spec.name] = true
      } else {
        const v = eq >= 0 ? a.slice(eq + 1) : rest[++i]
        if (v === undefined) return E.left(usage(`option --${spec.name} needs a value <${spec.value}>`))
        options[spec.name] = v
      }
      continue
    }
    args.push(a)
  }
  const help = options['help'] === true
  if (!help && args.length < command.minArgs) return E.left(usage(`"${command.name}" needs ${command.args} (see athanor ${command.name} --help)`))
  if (!help && args.length > command.maxArgs) return E.left(usage(`too many arguments for "${command.name}": ${args.slice(command.maxArgs).join(' ')}`))
  return E.right({ command, args, options, help })
}

const optionLine = (o: OptionSpec): string => {
  const flag = (o.short ? `-${o.short}, ` : '    ') + `--${o.name}` + (o.value ? ` <${o.value}>` : '')
  return `  ${flag.padEnd(28)} ${o.description}`
}

/** The help text of one command. @category cli */
export const commandHelp = (c: CommandSpec): string =>
  [
    `Usage: athanor ${c.name}${c.args ? ' ' + c.args : ''} [options]`,
    '',
    c.summary,
    ...(c.details ? ['', c.details] : []),
    '',
    'Options:',
    ...[...c.options, ...globalOptions].map(optionLine),
    '',
  ].join('\n')

/** The top-level help text. @category cli */
export const mainHelp = (commands: ReadonlyArray<CommandSpec>): string =>
  [
    'Usage: athanor <command> [options]',
    '',
    'Database migrations for athanor: revisions, autogenerate, upgrade and downgrade.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${(c.name + (c.args ? ' ' + c.args : '')).padEnd(28)} ${c.summary}`),
    '',
    'The database URL comes from --url, ATHANOR_URL, or "url" in athanor.config.json / athanor.config.ts.',
    'Run "athanor <command> --help" for a command\'s options.',
    '',
  ].join('\n')
