// One temporary directory per vitest run, made the run's TMPDIR (vitest's globalSetup): what
// the tests, and the CLI and agents they start, put in the temporary directory lands in it.
// Whatever is in it at the end, after every test file removed its own (temp-setup.ts), is this
// run's litter, and only this run's: other runs on the machine never write in it.
import { mkdtempSync, readdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { KEEP_TEMP, removeDirs } from './temp.js';

declare module 'vitest' {
  export interface ProvidedContext {
    tempRoot: string;
  }
}

const RUN_PREFIX = 'phaserunner-run-';

/** Removes the directories of earlier runs whose process is gone (and stops what still works in them). */
async function removeDeadRuns(dir: string): Promise<void> {
  const dead: string[] = [];
  for (const name of readdirSync(dir)) {
    const pid = Number(/^phaserunner-run-(\d+)-/.exec(name)?.[1] ?? NaN);
    if (!Number.isSafeInteger(pid) || isAlive(pid)) continue;
    dead.push(realpathSync(join(dir, name)));
  }
  await removeDirs(dead);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sets the run's TMPDIR up; the returned teardown reports (and with `failOnLitter` fails the run on) what is left, then removes it. */
export async function tempRoot(project: TestProject, { failOnLitter }: { failOnLitter: boolean }): Promise<() => Promise<void>> {
  const outer = process.env.TMPDIR;
  // Named with this process's pid: a run killed before its teardown (Ctrl-C twice, a CI job
  // cancelled) leaves its directory, which the next run removes once that pid is gone.
  await removeDeadRuns(tmpdir());
  const root = mkdtempSync(join(tmpdir(), `${RUN_PREFIX}${process.pid}-`));
  // Here for the workers vitest forks from this process, and provided for any it does not.
  process.env.TMPDIR = root;
  project.provide('tempRoot', root);
  return async () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    const left = readdirSync(root);
    await removeDirs([root]);
    if (KEEP_TEMP) {
      console.error(`PHASERUNNER_TEST_KEEP_TEMP=1: the run's temporary directories are kept in ${root}`);
      return;
    }
    if (left.length === 0) return;
    const shown = left.slice(0, 10).join(', ') + (left.length > 10 ? `, and ${left.length - 10} more` : '');
    console.error(
      `\nThe tests left ${left.length} ${left.length === 1 ? 'entry' : 'entries'} in their temporary directory (now removed): ${shown}. ` +
        'Make temporary directories with tempDir() (test/helpers/temp.ts), which removes them after the test file; ' +
        'an entry no test made was left by the CLI or an agent it started.\n',
    );
    // A teardown that throws is only logged; the exit code is what fails the run.
    if (failOnLitter) process.exitCode = 1;
  };
}
