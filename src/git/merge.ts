// Merging a phase branch into the base branch without touching any checkout: the merge is
// computed in memory (`merge-tree --write-tree`), then the base ref moves by compare-and-swap.
import { git, splitNul } from './exec.js';

export type MergeTreeResult =
  | { readonly clean: true; readonly tree: string }
  | { readonly clean: false; readonly conflicts: readonly string[] };

/** Merges two commits in memory. Exit 1 from git means conflicts, not an error. */
export async function mergeTree(dir: string, ours: string, theirs: string): Promise<MergeTreeResult> {
  const result = await git(['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', ours, theirs], {
    cwd: dir,
    okCodes: [1],
  });
  const [tree, ...paths] = splitNul(result.stdout);
  if (result.exitCode === 0 && tree !== undefined) return { clean: true, tree };
  return { clean: false, conflicts: [...new Set(paths.filter((p) => p !== ''))] };
}

export type FastForwardResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * Fast-forwards the branch checked out in `worktree` to `commit`, carrying the user's
 * uncommitted changes along; git refuses (and changes nothing) when one would be overwritten.
 * Autostash is off so the user's stash is never touched, ignored files are not overwritten,
 * and hooks are off (docs/git-contract.md).
 */
export async function fastForwardCheckout(worktree: string, commit: string): Promise<FastForwardResult> {
  // --no-overwrite-ignore: by default git replaces ignored files; those are the user's too.
  const result = await git(['merge', '--ff-only', '--no-autostash', '--no-overwrite-ignore', '--quiet', commit], {
    cwd: worktree,
    okCodes: [1, 128],
  });
  if (result.exitCode === 0) return { ok: true };
  return { ok: false, message: (result.stderr + result.stdout).trim() };
}

/**
 * The merge on `base`'s first-parent line that brought `commit` in (its second parent), if
 * any: how a merge published before a crash, or made by hand, is recognised instead of redone.
 */
export async function mergeThatBrought(dir: string, base: string, commit: string): Promise<string | undefined> {
  const { stdout } = await git(['rev-list', '--first-parent', '--merges', '--parents', `${commit}..${base}`], { cwd: dir });
  for (const line of stdout.trim().split('\n').reverse()) {
    const [merge, , second] = line.split(' ');
    if (second === commit) return merge;
  }
  return undefined;
}
