// The merge queue's integration checkouts: a worktree with HEAD detached at exactly the
// candidate merge commit, which exists only while the candidate's checks run. Detached, so it
// holds no branch (the base stays free to move and to be checked out anywhere), and removed
// with its administrative files afterwards, whatever happened, so none is left eating disk.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { git, gitOut } from '../git/exec.js';
import { addDetachedWorktree, listWorktrees, removeWorktree } from '../git/worktree.js';
import { stopMarked } from './marked-processes.js';
import { isBelow, realOrResolved } from '../util/path.js';

/**
 * Makes `dir` free for a checkout: removes a leftover of an earlier one there (a worktree of
 * this repository, or an empty directory). Anything else is refused, and left as it is.
 */
export async function clearCheckoutDir(repo: string, dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  if (!(await isOwnLeftover(repo, dir))) throw new Error(`cannot check the merge candidate out at ${dir}: the directory exists and is not a worktree of this repository`);
  await removeCheckout(repo, dir);
}

/** Checks `commit` out at `dir` (which must not exist: clearCheckoutDir), detached; returns once its HEAD is that commit. */
export async function createCheckout(repo: string, dir: string, commit: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  await addDetachedWorktree(repo, dir, commit);
  // What is tested must be exactly what would be published.
  const head = await gitOut(['rev-parse', '--verify', 'HEAD'], { cwd: dir });
  if (head !== commit) throw new Error(`the checkout at ${dir} has HEAD ${head}, not the candidate ${commit}`);
}

/**
 * Moves a checkout of ours at `dir` to `commit`, detached, leaving exactly that commit's files:
 * tracked files reset, everything untracked or ignored (build output, a check's leftovers)
 * removed. Far cheaper than a new checkout of a large tree: only what differs is written.
 * Returns false (changing nothing) when `dir` is no checkout of ours to reuse.
 */
export async function moveCheckout(repo: string, dir: string, commit: string): Promise<boolean> {
  if (!existsSync(dir) || (await readdir(dir)).length === 0 || !(await isOwnLeftover(repo, dir))) return false;
  await git(['-c', 'core.sparseCheckout=false', 'checkout', '--quiet', '--force', '--detach', commit], { cwd: dir });
  await git(['clean', '-ffdxq'], { cwd: dir });
  const [head, status] = await Promise.all([
    gitOut(['rev-parse', '--verify', 'HEAD'], { cwd: dir }),
    gitOut(['status', '--porcelain', '--ignored', '--untracked-files=all'], { cwd: dir }),
  ]);
  // What is tested must be exactly what would be published.
  if (head !== commit || status !== '') throw new Error(`the checkout at ${dir} is not exactly the candidate ${commit} (HEAD ${head}${status === '' ? '' : `; ${status.split('\n').length} path(s) differ`})`);
  return true;
}

/**
 * Removes a checkout: its processes, the worktree, its directory if git could not remove it
 * (no longer a worktree), and git's record of it. Tolerates one that is already gone.
 */
export async function removeCheckout(repo: string, dir: string): Promise<void> {
  const path = resolve(dir);
  await stopMarked((checkout) => resolve(checkout) === path);
  await removeWorktree(repo, path);
  if (existsSync(path)) {
    await rm(path, { recursive: true, force: true, maxRetries: 3 });
    await git(['worktree', 'prune'], { cwd: repo });
  }
}

/**
 * For a runner starting after one that died: removes every checkout under `root` (the
 * directory the runner makes its integration checkouts in), stopping first whatever the dead
 * runner's checks left running there. Returns the paths removed.
 */
export async function removeStaleCandidates(repo: string, root: string): Promise<string[]> {
  const base = resolve(root);
  const names = existsSync(base) ? await readdir(base) : [];
  // Nothing left under it: no runner died testing a candidate there (each run removes its
  // checkout as it ends), so no search of every process's environment.
  if (names.length > 0) await stopMarked((checkout) => isBelow(base, resolve(checkout)));
  const removed: string[] = [];
  for (const name of names) {
    const path = join(base, name);
    await removeCheckout(repo, path);
    removed.push(path);
  }
  // Worktrees registered under it whose directories were deleted by hand.
  await git(['worktree', 'prune'], { cwd: repo });
  return removed;
}

/** Whether `dir` is a worktree of this repository other than its main one, or an empty directory. */
async function isOwnLeftover(repo: string, dir: string): Promise<boolean> {
  if ((await readdir(dir)).length === 0) return true;
  const [, ...linked] = await listWorktrees(repo);
  const path = realOrResolved(dir);
  return linked.some((w) => realOrResolved(w.path) === path);
}


