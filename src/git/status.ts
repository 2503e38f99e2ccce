// What an agent changed in its worktree, from `git status`.
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { matcherFor, outputPathspecs } from '../util/glob.js';
import { git, splitNul } from './exec.js';

export interface ChangedPath {
  readonly path: string;
  /** Two-letter porcelain status, e.g. "??" untracked, " M" modified, " D" deleted. */
  readonly status: string;
}

/**
 * Every path that differs from HEAD, staged or not, untracked included. Renames are reported
 * as a deletion plus an addition so both paths are checked against the declared outputs.
 */
export async function changedPaths(worktree: string): Promise<ChangedPath[]> {
  const { stdout } = await git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], {
    cwd: worktree,
  });
  return splitNul(stdout).map((record) => ({ status: record.slice(0, 2), path: record.slice(3) }));
}

/**
 * Output files git ignores (.gitignore and friends). `git status` does not show them, but an
 * output the user happens to ignore is still the agent's work; ignored files elsewhere are not.
 */
export async function ignoredOutputFiles(worktree: string, outputs: readonly string[]): Promise<string[]> {
  const { stdout } = await git(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', ...outputPathspecs(outputs)], {
    cwd: worktree,
    env: { GIT_LITERAL_PATHSPECS: '1' },
  });
  return splitNul(stdout).filter(matcherFor(outputs));
}

export interface CheckoutState {
  readonly commit: string;
  /** Full ref name of the branch checked out, or undefined when HEAD is detached. */
  readonly branch: string | undefined;
}

/**
 * HEAD of the checkout at `dir`, or undefined when `dir` is not the top of its own working
 * tree. An agent that deletes its checkout's .git file leaves a plain directory inside the main
 * repository's .git, where git would otherwise silently find (and act on) the main repository.
 */
export async function checkoutOf(dir: string): Promise<CheckoutState | undefined> {
  if (!existsSync(join(dir, '.git'))) return undefined;
  const result = await git(['rev-parse', '--show-toplevel', 'HEAD', '--symbolic-full-name', 'HEAD'], { cwd: dir, okCodes: [128] });
  const [top, commit, ref] = result.stdout.trim().split('\n');
  if (result.exitCode !== 0 || top === undefined || commit === undefined || realpathSync(top) !== realpathSync(dir)) return undefined;
  return { commit, branch: ref === undefined || ref === 'HEAD' ? undefined : ref };
}
