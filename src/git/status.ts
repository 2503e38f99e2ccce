// What an agent changed in its worktree, from `git status`.
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { staticPrefix } from '../util/glob.js';
import { git, gitOut, splitNul } from './exec.js';

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
 * Files git ignores (.gitignore and friends) under the outputs' directories. `git status`
 * does not show them, but an output the user happens to ignore is still the agent's work.
 */
export async function ignoredFilesUnder(worktree: string, outputs: readonly string[]): Promise<string[]> {
  const prefixes = [...new Set(outputs.map(staticPrefix))];
  const pathspecs = prefixes.includes('') ? [] : prefixes;
  const { stdout } = await git(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', ...pathspecs], {
    cwd: worktree,
    env: { GIT_LITERAL_PATHSPECS: '1' },
  });
  return splitNul(stdout);
}

/**
 * True when `dir` is the top of its own git working tree. An agent that deletes its
 * checkout's .git file leaves a plain directory inside the main repository's .git, where git
 * would otherwise silently find (and act on) the main repository.
 */
export async function isOwnWorktree(dir: string): Promise<boolean> {
  if (!existsSync(join(dir, '.git'))) return false;
  const result = await git(['rev-parse', '--show-toplevel'], { cwd: dir, okCodes: [128] });
  return result.exitCode === 0 && realpathSync(result.stdout.trim()) === realpathSync(dir);
}

/** HEAD's commit and the branch it is on (undefined when detached). */
export async function headOf(worktree: string): Promise<{ commit: string; branch: string | undefined }> {
  const commit = await gitOut(['rev-parse', 'HEAD'], { cwd: worktree });
  const result = await git(['symbolic-ref', '--quiet', 'HEAD'], { cwd: worktree, okCodes: [1] });
  return { commit, branch: result.exitCode === 0 ? result.stdout.trim() : undefined };
}
