// Committing with plumbing: stage exactly the given paths in an index of the runner's own,
// write the tree, create the commit, and move the branch with compare-and-swap. Plumbing runs
// no hooks and never touches a checkout's own index.
import { fail } from '../failures.js';
import { git, gitOut } from './exec.js';

export interface Identity {
  readonly name: string;
  readonly email: string;
}

/** Environment that makes a commit's author and committer the given identity. */
export function identityEnv(identity: Identity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
}

export interface CommitOptions {
  /**
   * Sign it (`-S`: the key and program from the user's git config, gpg.format, user.signingkey
   * and gpg.program). A failure is `signing-failed`, and no commit is made.
   */
  readonly sign?: boolean;
  /** Extra environment (the signing check writes its commit into a throwaway object directory). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Creates a commit object; does not move any ref. */
export async function commitTree(
  dir: string,
  tree: string,
  parents: readonly string[],
  message: string,
  identity: Identity,
  { sign = false, env = {} }: CommitOptions = {},
): Promise<string> {
  const args = ['commit-tree', ...(sign ? ['-S'] : []), tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'];
  const result = await git(args, { cwd: dir, input: message, env: { ...identityEnv(identity), ...env }, okCodes: sign ? [1, 128] : [] });
  // Signed, commit-tree fails for the signature (a missing key, gpg or ssh-keygen failing): the
  // tree and parents are the runner's own and exist.
  if (result.exitCode !== 0) fail({ reason: 'signing-failed', stderr: result.stderr.trim() });
  return result.stdout.trim();
}

/**
 * Moves `ref` from `expected` to `next` only if it still points at `expected` (or, when
 * `expected` is undefined, only if it does not exist yet). Returns false when it moved meanwhile.
 */
export async function updateRefCas(
  dir: string,
  ref: string,
  next: string,
  expected: string | undefined,
  reason: string,
): Promise<boolean> {
  const old = expected ?? '0'.repeat(40);
  const result = await git(['update-ref', '-m', reason, ref, next, old], { cwd: dir, okCodes: [1, 128] });
  return result.exitCode === 0;
}

/**
 * The tree of `base` with exactly `paths` (additions, changes, deletions) taken from the
 * worktree, as git stores them (through any clean filter), staged in the private index
 * `indexFile`: the worktree's own index is not touched.
 */
export async function stageOnto(worktree: string, base: string, paths: readonly string[], indexFile: string): Promise<string> {
  await git(['read-tree', base], { cwd: worktree, env: { GIT_INDEX_FILE: indexFile } });
  return stagePaths(worktree, paths, indexFile);
}

/** Stages exactly `paths` (additions, changes, deletions) in the index `indexFile`; returns the tree. */
async function stagePaths(worktree: string, paths: readonly string[], indexFile: string): Promise<string> {
  const env: Record<string, string> = { GIT_LITERAL_PATHSPECS: '1', GIT_INDEX_FILE: indexFile };
  if (paths.length > 0) {
    await git(['add', '--all', '--force', '--pathspec-from-file=-', '--pathspec-file-nul'], {
      cwd: worktree,
      input: paths.join('\0') + '\0',
      env,
    });
  }
  return gitOut(['write-tree'], { cwd: worktree, env });
}

/**
 * Records everything in a worktree (tracked or not) as a commit on `ref`, using a private
 * index so the worktree's own index is untouched. Used to keep a failed attempt's files.
 */
export async function snapshotWorktree(
  worktree: string,
  parent: string,
  ref: string,
  message: string,
  indexFile: string,
  identity: Identity,
  ignoredToKeep: readonly string[],
): Promise<string> {
  const env = { GIT_INDEX_FILE: indexFile };
  await git(['read-tree', parent], { cwd: worktree, env });
  await git(['add', '--all', '--', '.'], { cwd: worktree, env });
  // `add --all` skips ignored files; ignored outputs are still the agent's work.
  const tree = await stagePaths(worktree, ignoredToKeep, indexFile);
  const commit = await commitTree(worktree, tree, [parent], message, identity);
  await git(['update-ref', '-m', message, ref, commit], { cwd: worktree });
  return commit;
}
