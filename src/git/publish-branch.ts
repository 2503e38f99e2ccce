// Moving a branch to a commit made on top of its tip, as src/runner/publish.ts moves the base
// for a phase merge, with the repository and branch as plain values so the merge queue
// (src/integrate/) publishes the same way (src/runner/publish.ts takes them from the
// runner's context). By fast-forwarding the checkout that has the branch (usually
// the user's), which carries the user's uncommitted changes along and refuses, changing
// nothing, when one would be overwritten; or, when no checkout has it, by moving the ref with
// compare-and-swap. Never over a tip that moved: the caller makes its commit again on the new one.
import { updateRefCas } from './commit.js';
import { fastForwardCheckout } from './merge.js';
import { branchTip } from './repo.js';
import { listWorktrees, liveCheckoutOf, worktreeRebasing } from './worktree.js';

export type BranchPublishOutcome =
  | { readonly kind: 'published' }
  /** The branch is no longer at `tip`: make the commit again on the new tip. */
  | { readonly kind: 'moved' }
  /** The user must act first; `reason` says what, in words for the user. */
  | { readonly kind: 'waiting'; readonly reason: string };

/**
 * Publishes `commit`, whose first parent is `tip`, as `branch` (a name: `main`). `what` names
 * the commit in messages ("the merge"); `reflog` is the ref's reflog message.
 */
export async function publishOnBranch(dir: string, branch: string, commit: string, tip: string, what: string, reflog: string): Promise<BranchPublishOutcome> {
  const worktrees = await listWorktrees(dir);
  const checkout = liveCheckoutOf(worktrees, branch);
  if (checkout === undefined) {
    const busy = worktreeRebasing(worktrees, branch);
    if (busy !== undefined) {
      return {
        kind: 'waiting',
        reason: `${branch} is in the middle of a rebase in ${busy.path}; ending it would set ${branch} back and drop ${what}. End it first: \`git rebase --continue\` or \`git rebase --abort\`.`,
      };
    }
    return (await updateRefCas(dir, `refs/heads/${branch}`, commit, tip, reflog)) ? { kind: 'published' } : { kind: 'moved' };
  }
  const ff = await fastForwardCheckout(checkout.path, commit);
  if (ff.ok) return { kind: 'published' };
  if ((await branchTip(dir, branch)) !== tip) return { kind: 'moved' };
  return {
    kind: 'waiting',
    reason: `git refused to bring your checkout ${checkout.path} (which has ${branch}) up to ${what}, changing nothing: ${ff.message.replace(/\s+/g, ' ')}`,
  };
}
