// Moving the base branch to a commit the runner made on top of its tip (a phase merge, a
// record): by fast-forwarding the checkout that has the base branch (usually the user's),
// which carries the user's uncommitted changes along and refuses, changing nothing, when one
// would be overwritten; or, when no checkout has it, by moving the ref with compare-and-swap.
// Never over a base that moved: the caller makes its commit again on the new tip.
import { updateRefCas } from '../git/commit.js';
import { fastForwardCheckout } from '../git/merge.js';
import { branchTip } from '../git/repo.js';
import { listWorktrees, liveCheckoutOf, worktreeRebasing } from '../git/worktree.js';
import type { Runner } from './context.js';

export type PublishOutcome =
  | { readonly kind: 'published' }
  /** The base is no longer at `tip`: make the commit again on the new tip. */
  | { readonly kind: 'moved' }
  /** The user must act first; `reason` says what, in words for the user. */
  | { readonly kind: 'waiting'; readonly reason: string };

/** Publishes `commit`, whose first parent is `tip`, as the base branch. `what` names it in messages ("the merge"). */
export async function publishOnBase(r: Runner, commit: string, tip: string, what: string, reflog: string): Promise<PublishOutcome> {
  const root = r.repo.root;
  const base = r.config.base;
  const worktrees = await listWorktrees(root);
  const checkout = liveCheckoutOf(worktrees, base);
  if (checkout === undefined) {
    const busy = worktreeRebasing(worktrees, base);
    if (busy !== undefined) {
      return {
        kind: 'waiting',
        reason: `${base} is in the middle of a rebase in ${busy.path}; ending it would set ${base} back and drop ${what}. End it first: \`git rebase --continue\` or \`git rebase --abort\`.`,
      };
    }
    return (await updateRefCas(root, `refs/heads/${base}`, commit, tip, reflog)) ? { kind: 'published' } : { kind: 'moved' };
  }
  const ff = await fastForwardCheckout(checkout.path, commit);
  if (ff.ok) return { kind: 'published' };
  if ((await branchTip(root, base)) !== tip) return { kind: 'moved' };
  return {
    kind: 'waiting',
    reason: `git refused to bring your checkout ${checkout.path} (which has ${base}) up to ${what}, changing nothing: ${ff.message.replace(/\s+/g, ' ')}`,
  };
}
