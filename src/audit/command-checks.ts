// `audit --commands`: the gate's `command` checks, run again against what each merge holds.
// The runner ran them in the agent's checkout, which history does not keep; the audit gives
// them the nearest thing it has, a clean checkout of the merge's tree (as a CI job would),
// in a directory of its own: the repository, its index and its worktrees are left alone.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { runCommandCheck } from '../gates/command-check.js';
import { git } from '../git/exec.js';
import type { CommandCheck } from '../phases/schema.js';
import type { MergeRecord } from './context.js';
import type { FindingCode } from './findings.js';
import { short } from './format.js';

type CommandCheckDef = z.output<typeof CommandCheck>;

/** One command check of one merge's gate. */
export interface CommandCheckAt {
  readonly record: MergeRecord;
  readonly phase: number;
  readonly check: CommandCheckDef;
}

/** What the audit says while it runs commands: they can take minutes. */
export interface CommandProgress {
  readonly index: number;
  readonly total: number;
  readonly phase: number;
  readonly merge: string;
  readonly command: string;
}

/** Every command check of the gates that guarded the merges read, oldest merge first. */
export function commandChecksOf(records: readonly MergeRecord[]): CommandCheckAt[] {
  const found: CommandCheckAt[] = [];
  for (const record of records) {
    const step = record.step;
    if (step === undefined) continue;
    for (const check of step.checks.beforeAdvance) {
      if (check.kind === 'command') found.push({ record, phase: step.phase, check });
    }
  }
  return found;
}

type Add = (code: FindingCode, phase: number, commit: string, message: string) => void;

/** Runs each check in a checkout of its merge's tree (one checkout per merge); a failure is `command-failed`. */
export async function rerunCommandChecks(root: string, checks: readonly CommandCheckAt[], add: Add, progress?: (p: CommandProgress) => void): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'phaserunner-audit-'));
  try {
    let checkout: { merge: string; dir: string } | undefined;
    for (const [i, { record, phase, check }] of checks.entries()) {
      const merge = record.merge;
      if (checkout?.merge !== merge.sha) {
        if (checkout !== undefined) rmSync(checkout.dir, { recursive: true, force: true });
        checkout = { merge: merge.sha, dir: await checkOut(root, merge.tree, join(scratch, String(i))) };
      }
      progress?.({ index: i + 1, total: checks.length, phase, merge: merge.sha, command: check.argv.join(' ') });
      const result = await runCommandCheck(check, checkout.dir);
      if (!result.ok) add('command-failed', phase, merge.sha, `at merge ${short(merge.sha)}, run on a clean checkout of its tree, ${result.message}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Writes `tree`'s files into `dir` through an index of its own, with the runner's git (which runs no filter the repository names). */
async function checkOut(root: string, tree: string, dir: string): Promise<string> {
  const env = { GIT_INDEX_FILE: `${dir}.index` };
  // git takes a work tree only when the directory exists (a bare repository's too).
  mkdirSync(dir, { recursive: true });
  await git(['read-tree', tree], { cwd: root, env });
  await git([`--work-tree=${dir}`, 'checkout-index', '--all', '--force'], { cwd: root, env });
  rmSync(env.GIT_INDEX_FILE, { force: true });
  return dir;
}
