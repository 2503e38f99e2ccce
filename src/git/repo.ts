// Finding the repository and answering questions about its refs.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { fail } from '../failures.js';
import { git, gitOut } from './exec.js';

/** Where a repository lives: the checkout the user ran us in, and the shared git directory. */
export interface RepoPaths {
  /**
   * Top of the user's working tree (the checkout holding .phaserunner/); in a repository
   * without one (bare, or run from inside its git directory), the git directory itself.
   */
  readonly root: string;
  /** The git common dir, shared by all worktrees: home of the store, runs and our worktrees. */
  readonly commonDir: string;
  /** False in a bare repository (or inside a git directory): only history can be read there. */
  readonly worktree: boolean;
  /**
   * How git stores its refs: `files` (loose files and packed-refs: the only format before git
   * 2.45), `reftable`, or whatever a later git reports.
   */
  readonly refFormat: string;
}

/** Git 2.38 added `merge-tree --write-tree`, which merges without touching any checkout. */
export const MIN_GIT_VERSION = '2.38.0';

/**
 * Locates the repository containing `cwd`; fails with not-a-git-repo outside one, and in a
 * repository without a working tree unless `bare` allows it (the verbs that only read history).
 */
export async function discoverRepo(cwd: string, { bare = false }: { readonly bare?: boolean } = {}): Promise<RepoPaths> {
  // A file is no place to run git from (spawn would fail with ENOTDIR).
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) fail({ reason: 'not-a-git-repo', dir: cwd });
  // --show-toplevel last: without a working tree it fails, after printing the others. A git
  // older than 2.45 knows no --show-ref-format and prints it back as given (rev-parse echoes
  // options it does not know): such a git has only the files format.
  const result = await git(['rev-parse', '--path-format=absolute', '--git-common-dir', '--is-bare-repository', '--show-ref-format', '--show-toplevel'], {
    cwd,
    okCodes: [128],
  });
  const [commonDir, isBare, format, root] = result.stdout.trim().split('\n');
  if (commonDir === undefined || commonDir === '') fail({ reason: 'not-a-git-repo', dir: cwd });
  const refFormat = format === '--show-ref-format' ? 'files' : (format ?? '');
  if (result.exitCode === 0 && root !== undefined) return { root: realpathSync(root), commonDir: realpathSync(commonDir), worktree: true, refFormat };
  // A bare repository is named as one: "not a git repository" would send the user looking elsewhere.
  if (!bare) fail(isBare === 'true' ? { reason: 'not-a-git-repo', dir: realpathSync(commonDir), bare: true } : { reason: 'not-a-git-repo', dir: cwd });
  const dir = realpathSync(commonDir);
  return { root: dir, commonDir: dir, worktree: false, refFormat };
}

/** True when any branch has a commit. */
export async function hasCommits(dir: string): Promise<boolean> {
  return (await gitOut(['for-each-ref', '--count=1', '--format=%(objectname)', 'refs/heads'], { cwd: dir })) !== '';
}

/** The installed git version, e.g. "2.39.5". */
export async function gitVersion(dir: string): Promise<string> {
  const out = await gitOut(['version'], { cwd: dir });
  return /(\d+\.\d+(?:\.\d+)?)/.exec(out)?.[1] ?? '0.0.0';
}

/** Fails with git-too-old when git lacks what the runner needs. */
export async function assertGitVersion(dir: string): Promise<void> {
  const version = await gitVersion(dir);
  if (compareVersions(version, MIN_GIT_VERSION) < 0) {
    fail({ reason: 'git-too-old', version, required: MIN_GIT_VERSION });
  }
}

/** Numeric comparison of dotted versions. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The commit a ref points to, or undefined when it does not exist. */
export async function resolveCommit(dir: string, ref: string): Promise<string | undefined> {
  const result = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    cwd: dir,
    okCodes: [1, 128],
  });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** The tip of a local branch; fails with base-missing when the branch does not exist. */
export async function branchTip(dir: string, branch: string): Promise<string> {
  const sha = await resolveCommit(dir, `refs/heads/${branch}`);
  if (sha === undefined) fail({ reason: 'base-missing', base: branch });
  return sha;
}

/** The branch checked out in `dir`, or undefined when HEAD is detached. */
export async function currentBranch(dir: string): Promise<string | undefined> {
  // Not --short: with a tag of the same name it answers "heads/main", which is no branch name.
  const result = await git(['symbolic-ref', '--quiet', 'HEAD'], { cwd: dir, okCodes: [1, 128] });
  const ref = result.stdout.trim();
  return result.exitCode === 0 && ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

/** True when `name` is a valid branch name (git's own rules, not a guess at them). */
export async function isValidBranchName(dir: string, name: string): Promise<boolean> {
  if (name.startsWith('-')) return false;
  const result = await git(['check-ref-format', '--branch', name], { cwd: dir, okCodes: [1, 128] });
  return result.exitCode === 0;
}

/** True when `ancestor` is reachable from `descendant`. */
export async function isAncestor(dir: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await git(['merge-base', '--is-ancestor', ancestor, descendant], { cwd: dir, okCodes: [1] });
  return result.exitCode === 0;
}
