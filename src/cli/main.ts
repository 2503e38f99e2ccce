#!/usr/bin/env node
// The phaserunner CLI entry: output error handling, then the verb. The common read-only
// verbs run through the fast path (no yargs); everything else through yargs (parse.ts).
import { ExitCode } from '../exit-codes.js';
import { installCrashHook } from './crash-hook.js';
import { fastPath } from './fast-path.js';
import { endAfterHangUp } from './signals.js';

/**
 * `phaserunner status | head` closes the pipe early: that is the reader's choice, not an
 * error. Output to it stops, and the command goes on to its end (a `run` releases its lock and
 * exits with its own code). A terminal that closed (EIO, after a SIGHUP) is the same: nobody
 * reads any more. Any other failure to write stdout (a full disk) is ours to report.
 */
function handleOutputErrors(): void {
  const readerGone = (error: NodeJS.ErrnoException): boolean => error.code === 'EPIPE' || error.code === 'EIO';
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (readerGone(error)) {
      // Every later write (ours, or yargs' help) is dropped rather than raising again.
      process.stdout.write = () => true;
      return;
    }
    process.stderr.write(`phaserunner: cannot write the output: ${error.message}\nNext: check where stdout goes (a full disk, a closed file).\n`);
    process.exit(ExitCode.internal);
  });
  // Nowhere is left to report a failure to write stderr: later messages are dropped, and the
  // command still ends with its own code (without a listener, the error would crash it).
  process.stderr.on('error', () => {
    process.stderr.write = () => true;
  });
}

const crashHookProblem = installCrashHook(process.env);
if (crashHookProblem !== undefined) {
  process.stderr.write(`phaserunner: ${crashHookProblem}\nNext: unset PHASERUNNER_TEST_CRASH_AT (it is for phaserunner's own tests).\n`);
  process.exit(ExitCode.usage);
}
handleOutputErrors();
const argv = process.argv.slice(2);
const fast = fastPath(argv);
if (fast !== undefined) await fast();
else await (await import('./parse.js')).parseAndRun(argv);
endAfterHangUp();
