// The full command line, parsed by yargs: every verb, help, usage errors. Verbs load the
// core lazily so each pays only for what it uses. (main.ts runs the common read-only verbs
// without loading yargs at all.)
import yargs from 'yargs';
import { ExitCode } from '../exit-codes.js';
import { argsProblem, jsonRequested, UsageError } from './check-args.js';
import { GLOBAL_OPTIONS } from './globals.js';
import { approveCommand, rejectCommand } from './commands/approve.js';
import { auditCommand } from './commands/audit.js';
import { logCommand, showCommand } from './commands/log.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { initCommand } from './commands/init.js';
import { acknowledgeCommand, replanCommand } from './commands/records.js';
import { retryCommand } from './commands/retry.js';
import { runCommandModule } from './commands/run.js';
import { statusCommand } from './commands/status.js';

export async function parseAndRun(argv: string[]): Promise<void> {
  const cli = yargs(argv);
  await cli
    .scriptName('phaserunner')
    .usage('$0 <command> [options]\n\nDrives an AI coding agent through gated planning phases: it dispatches the agent in its own worktree, commits and merges the agent\'s work itself with audit trailers, and records every transition.')
    .options(GLOBAL_OPTIONS)
    .command(initCommand)
    .command(runCommandModule)
    .command(statusCommand)
    .command(retryCommand)
    .command(approveCommand)
    .command(rejectCommand)
    .command(replanCommand)
    .command(acknowledgeCommand)
    .command(auditCommand)
    .command(logCommand)
    .command(showCommand)
    .command(doctorCommand)
    .command(demoCommand)
    .demandCommand(1, 'Give a command; `phaserunner --help` lists them.')
    .check((args) => {
      const problem = argsProblem(args, argv, optionTypes(cli));
      if (problem !== undefined) throw new UsageError(problem);
      return true;
    }, true)
    .strict()
    .recommendCommands()
    .example('$0 demo', 'See it work on a throwaway repository')
    .example('$0 init && $0 run --wait', 'Plan your own repository')
    .epilogue('Exit codes: 0 ok, 1 a phase failed, 2 a human is needed, 3 audit findings, 64 usage, 65 bad data, 69 unavailable, 70 internal, 75 locked, 78 configuration, 130 interrupted (Ctrl-C), 143 SIGTERM, 129 SIGHUP.')
    .fail((message, error, y) => {
      // yargs passes an Error for exceptions thrown by handlers, and only a message for usage errors.
      if (error instanceof Error && !(error instanceof UsageError)) throw error;
      const next = 'run `phaserunner --help` for usage.';
      // --json promises a document on stdout whatever happens; the flag may not have been parsed.
      if (jsonRequested(argv)) {
        process.stdout.write(JSON.stringify({ ok: false, error: { reason: 'usage', exit_code: ExitCode.usage, message, next } }, null, 2) + '\n');
      }
      process.stderr.write(`phaserunner: ${message}\n\n${y.help().toString()}\nNext: ${next}\n`);
      process.exit(ExitCode.usage);
    })
    .help()
    .alias('help', 'h')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .parseAsync();
}

/** The boolean and number options yargs knows at this point (the global ones and the verb's). */
function optionTypes(cli: object): { booleans: string[]; numbers: string[] } {
  // getOptions() is public in yargs but missing from its type definitions.
  const options = (cli as { getOptions?: () => { boolean?: unknown; number?: unknown } }).getOptions?.();
  const names = (list: unknown): string[] => (Array.isArray(list) ? list.filter((o): o is string => typeof o === 'string') : []);
  return { booleans: names(options?.boolean), numbers: names(options?.number) };
}
