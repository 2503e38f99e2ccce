// Worktrees: each attempt runs in its own checkout of its phase branch.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { git } from './exec.js';

export interface WorktreeEntry {
  readonly path: string;
  readonly head: string | undefined;
  /** Full ref name (refs/heads/x), or undefined when detached or bare. */
  readonly branch: string | undefined;
}

/** Every worktree of the repository, the main one first. */
export async function listWorktrees(dir: string): Promise<WorktreeEntry[]> {
  const { stdout } = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: dir });
  const entries: WorktreeEntry[] = [];
  let current: { path?: string; head?: string; branch?: string } = {};
  const flush = (): void => {
    if (current.path !== undefined) entries.push({ path: current.path, head: current.head, branch: current.branch });
    current = {};
  };
  // Records are NUL-terminated lines; an empty record ends a worktree.
  for (const line of stdout.split('\0')) {
    if (line === '') {
      flush();
      continue;
    }
    const space = line.indexOf(' ');
    const key = space === -1 ? line : line.slice(0, space);
    const value = space === -1 ? '' : line.slice(space + 1);
    if (key === 'worktree') current.path = value;
    else if (key === 'HEAD') current.head = value;
    else if (key === 'branch') current.branch = value;
  }
  flush();
  return entries;
}

/** The worktree that has `branch` checked out, if any, among the repository's worktrees. */
export function worktreeWithBranch(worktrees: readonly WorktreeEntry[], branch: string): WorktreeEntry | undefined {
  const ref = `refs/heads/${branch}`;
  return worktrees.find((w) => w.branch === ref);
}

/**
 * The checkout that has `branch`, when its directory still exists. A worktree whose directory
 * was deleted still "has" the branch for git, but there is no checkout to keep consistent:
 * whoever publishes to the branch moves the ref instead.
 */
export function liveCheckoutOf(worktrees: readonly WorktreeEntry[], branch: string): WorktreeEntry | undefined {
  const found = worktreeWithBranch(worktrees, branch);
  return found !== undefined && existsSync(found.path) ? found : undefined;
}

/**
 * A worktree where `branch` is in the middle of a rebase. Git detaches HEAD for it, so the
 * branch looks free, but finishing or aborting the rebase sets the branch to its own result:
 * anything the runner published on the branch meanwhile would be lost. (A bisect detaches HEAD
 * too, but `git bisect reset` returns to the branch as it is then, so it needs no waiting.)
 */
export function worktreeRebasing(worktrees: readonly WorktreeEntry[], branch: string): WorktreeEntry | undefined {
  return worktrees.find((w) => detachedFor(w, branch, false));
}

/**
 * The worktree that holds `branch` for git: checked out, or detached for a rebase or a bisect
 * of it. `git worktree add` refuses a branch any of these holds.
 */
export function worktreeHolding(worktrees: readonly WorktreeEntry[], branch: string): WorktreeEntry | undefined {
  return worktreeWithBranch(worktrees, branch) ?? worktrees.find((w) => detachedFor(w, branch, true));
}

/** Whether a worktree has HEAD detached for a rebase (or, with `bisect`, a bisect) of `branch`. */
function detachedFor(w: WorktreeEntry, branch: string, bisect: boolean): boolean {
  if (w.branch !== undefined) return false; // on a branch: no rebase or bisect in progress
  const gitDir = worktreeGitDir(w.path);
  if (gitDir === undefined) return false;
  const ref = `refs/heads/${branch}`;
  if (['rebase-merge/head-name', 'rebase-apply/head-name'].some((file) => readTrimmed(join(gitDir, file)) === ref)) return true;
  // BISECT_START names the branch the bisect started from, short.
  return bisect && readTrimmed(join(gitDir, 'BISECT_START')) === branch;
}

/** A worktree's own git directory: `.git` itself, or where a linked worktree's `.git` file points. */
export function worktreeGitDir(path: string): string | undefined {
  const dotGit = join(path, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
    return pointer === undefined ? undefined : resolve(path, pointer.trim());
  } catch {
    return undefined;
  }
}

function readTrimmed(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Creates a worktree at `path` on `branch`, (re)pointing the branch at `start`, and checks it
 * out. `-B` resets a branch left by an earlier failed attempt; that attempt's files were
 * snapshotted first.
 * Hooks are off: a user's post-checkout hook has no business running in the agent's checkout.
 *
 * The new worktree is a full checkout, whatever the user's sparse-checkout settings. Since
 * git 2.36, `worktree add` run from a sparse checkout copies its sparse patterns
 * (info/sparse-checkout) and its per-worktree config (config.worktree: core.sparseCheckout,
 * core.sparseCheckoutCone, index.sparse) into the new worktree, which then lacks the phase's
 * outputs and refuses `git add` on them. Two things undo that, both inside the new worktree's
 * own git dir, so the user's checkout and the repository's shared config are untouched:
 * - `-c core.sparseCheckout=false` for the add and the checkout: git copies no patterns, and
 *   the checkout writes every file. A worktree without a patterns file is
 *   not sparse for any git, even where core.sparseCheckout stays true in the shared config
 *   (sparse checkout set up by hand, without extensions.worktreeConfig);
 * - when git copied a config.worktree (sparse-checkout's cone and non-cone modes both write
 *   one), core.sparseCheckout=false in the new one, so every git in the worktree, the agent's
 *   and a person's included, says so rather than "sparse checkout with 100% of files present".
 */
export async function addWorktree(dir: string, path: string, branch: string, start: string): Promise<void> {
  await git(['-c', 'core.sparseCheckout=false', 'worktree', 'add', '--quiet', '--no-checkout', '-B', branch, path, start], { cwd: dir });
  await checkOutNewWorktree(path);
}

/**
 * Creates a worktree at `path` with HEAD detached at `commit`, and checks it out: a checkout
 * of exactly that commit, on no branch (the merge queue tests a candidate merge there). Full,
 * with hooks and the repository's drivers off, as `addWorktree`.
 */
export async function addDetachedWorktree(dir: string, path: string, commit: string): Promise<void> {
  await git(['-c', 'core.sparseCheckout=false', 'worktree', 'add', '--quiet', '--no-checkout', '--detach', path, commit], { cwd: dir });
  await checkOutNewWorktree(path);
}

/** Writes the files of a worktree just added with --no-checkout: a full checkout (see addWorktree). */
async function checkOutNewWorktree(path: string): Promise<void> {
  const gitDir = worktreeGitDir(path);
  const config = gitDir === undefined ? undefined : join(gitDir, 'config.worktree');
  if (config !== undefined && existsSync(config)) {
    await git(['config', '--file', config, 'core.sparseCheckout', 'false'], { cwd: path });
  }
  // The files are checked out by a git started in the new worktree, not by the one `worktree
  // add` would start there: the config it reads is the new worktree's (its config.worktree,
  // an `includeIf "onbranch:"` for the phase branch), and only a git of the runner's own,
  // started there, has that config's drivers turned off (src/git/exec.ts).
  await git(['-c', 'core.sparseCheckout=false', 'reset', '--hard', '--quiet', '--no-recurse-submodules'], { cwd: path });
}

/**
 * Removes a worktree and its administrative files; tolerates one whose directory is gone.
 * With the shared git directory, `worktree prune` (a git process: this runs for every task)
 * is left out where nothing can be left to forget: git removed the worktree, or no record
 * there names a directory of that name.
 */
export async function removeWorktree(dir: string, path: string, commonDir?: string): Promise<void> {
  if (existsSync(path)) {
    // Fails (128) for a directory that is no longer a worktree; the caller checks what is left.
    const removed = await git(['worktree', 'remove', '--force', '--force', path], { cwd: dir, okCodes: [128] });
    if (removed.exitCode === 0 && commonDir !== undefined) return;
  } else if (commonDir !== undefined && !mayBeRecorded(commonDir, path)) {
    return;
  }
  // Forgets worktrees whose directory is gone, so their branch can be checked out again.
  await git(['worktree', 'prune'], { cwd: dir });
}

/**
 * Whether a worktree record (worktrees/<id>/gitdir: "<checkout>/.git") may name `path`: one
 * naming a directory with its last name does. Compared by name only, so that a path git
 * wrote resolved (a symlink in it) still counts: in doubt, the caller prunes.
 */
function mayBeRecorded(commonDir: string, path: string): boolean {
  const root = join(commonDir, 'worktrees');
  let ids: string[];
  try {
    ids = readdirSync(root);
  } catch {
    return false; // No worktree recorded at all.
  }
  const name = basename(resolve(path));
  return ids.some((id) => {
    try {
      return basename(dirname(readFileSync(join(root, id, 'gitdir'), 'utf8').trim())) === name;
    } catch {
      return true; // A record without a readable gitdir: prune decides.
    }
  });
}

/**
 * Takes a worktree out of git's and the runner's way at once, and deletes its files later: the
 * directory is renamed into `trash` (a directory on the same file system; same-file-system
 * renames are atomic) and git's record of it pruned, and the deletion (emptyTrash) is
 * returned for the caller to await when it suits it. A worktree of 20,000 files took
 * 0.3 s to remove, which the runner's loop waited out after every merge. Where it cannot be
 * renamed it is removed as removeWorktree does, before this returns.
 */
export async function discardWorktree(dir: string, path: string, commonDir: string, trash: string): Promise<{ readonly deleted: Promise<void> }> {
  const moved = join(trash, `${basename(path)}-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(trash, { recursive: true });
    renameSync(path, moved);
  } catch {
    await removeWorktree(dir, path, commonDir);
    return { deleted: Promise.resolve() };
  }
  // Its record now names a directory that is gone: pruned, so its branch is free.
  await git(['worktree', 'prune'], { cwd: dir });
  return { deleted: emptyTrash(moved) };
}

/**
 * Deletes `trash` and all in it, never failing: what is left is deleted next time. By an
 * `rm -rf` of its own, off the runner's loop: node's recursive rm calls back into the loop for
 * every file (20,000 callbacks for a large checkout, which made the execution benchmark's
 * large repository slower than removing in place). Without an `rm`, node's.
 */
export function emptyTrash(trash: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('rm', ['-rf', '--', trash], { stdio: 'ignore' });
    child.on('error', () => {
      void rm(trash, { recursive: true, force: true, maxRetries: 3 })
        .catch(() => undefined)
        .then(() => {
          resolve();
        });
    });
    child.on('close', () => {
      resolve();
    });
  });
}

/** Deletes a local branch if it exists. */
export async function deleteBranch(dir: string, branch: string): Promise<void> {
  await git(['branch', '-D', '--quiet', branch], { cwd: dir, okCodes: [1] });
}


