#!/usr/bin/env node
// The phaserunner CLI: parses argv, dispatches to a verb, and exits. Verbs load the core
// lazily so each pays only for what it uses.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ExitCode } from '../exit-codes.js';
import { installCrashHook } from './crash-hook.js';
import { approveCommand, rejectCommand } from './commands/approve.js';
import { auditCommand } from './commands/audit.js';
import { logCommand, showCommand } from './commands/log.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { initCommand } from './commands/init.js';
import { retryCommand } from './commands/retry.js';
import { runCommandModule } from './commands/run.js';
import { statusCommand } from './commands/status.js';

export async function main(argv: string[]): Promise<void> {
  // `phaserunner status | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  await yargs(argv)
    .scriptName('phaserunner')
    .usage('$0 <command> [options]\n\nDrives an AI coding agent through gated planning phases: it dispatches the agent in its own worktree, commits and merges the agent\'s work itself with audit trailers, and records every transition.')
    .option('json', { type: 'boolean', default: false, global: true, describe: 'Machine-readable output on stdout' })
    .option('cwd', { alias: 'C', type: 'string', default: process.cwd(), global: true, describe: 'Run as if started in this directory', defaultDescription: 'the current directory' })
    .command(initCommand)
    .command(runCommandModule)
    .command(statusCommand)
    .command(retryCommand)
    .command(approveCommand)
    .command(rejectCommand)
    .command(auditCommand)
    .command(logCommand)
    .command(showCommand)
    .command(doctorCommand)
    .command(demoCommand)
    .demandCommand(1, 'Give a command; `phaserunner --help` lists them.')
    .strict()
    .recommendCommands()
    .example('$0 demo', 'See it work on a throwaway repository')
    .example('$0 init && $0 run --wait', 'Plan your own repository')
    .epilogue('Exit codes: 0 ok, 1 a phase failed, 2 a human is needed, 3 audit findings, 64 usage, 65 bad data, 69 unavailable, 70 internal, 75 locked, 78 configuration, 130 interrupted.')
    .fail((message, error, y) => {
      // yargs passes an Error for exceptions thrown by handlers, and only a message for usage errors.
      if (error instanceof Error) throw error;
      process.stderr.write(`phaserunner: ${message}\n\n${y.help().toString()}\nNext: run \`phaserunner --help\` for usage.\n`);
      process.exit(ExitCode.usage);
    })
    .help()
    .alias('help', 'h')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .parseAsync();
}

const crashHookProblem = installCrashHook(process.env);
if (crashHookProblem !== undefined) {
  process.stderr.write(`phaserunner: ${crashHookProblem}\nNext: unset PHASERUNNER_TEST_CRASH_AT (it is for phaserunner's own tests).\n`);
  process.exit(ExitCode.usage);
}
await main(hideBin(process.argv));
