// The checkout that has the base branch (usually the user's): phase merges are published by
// fast-forwarding it, which git refuses while a merge or cherry-pick is under way there; and
// while the base is being rebased, finishing the rebase would drop a merge, so the runner
// waits. Either way the phase stays blocked until the user ends it; better to know now.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { liveCheckoutOf, worktreeGitDir, worktreeRebasing, type WorktreeEntry } from '../git/worktree.js';
import { shellWord } from '../util/shell.js';
import { passed, problem, type CheckoutOperation, type DoctorCheck } from './types.js';

/** The state files git leaves in a worktree's git directory while an operation waits for the user. */
const IN_PROGRESS: readonly (readonly [string, CheckoutOperation])[] = [
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
];

export function checkCheckout(worktrees: readonly WorktreeEntry[], base: string): DoctorCheck {
  const rebasing = worktreeRebasing(worktrees, base);
  if (rebasing !== undefined) return busy(base, rebasing.path, 'rebase');
  const holder = liveCheckoutOf(worktrees, base);
  if (holder === undefined) {
    return passed('checkout', `no checkout has ${base}; phase merges move the branch itself`, { branch: base, path: null, operation: null });
  }
  const gitDir = worktreeGitDir(holder.path);
  const found = gitDir === undefined ? undefined : IN_PROGRESS.find(([file]) => existsSync(join(gitDir, file)));
  if (found !== undefined) return busy(base, holder.path, found[1]);
  return passed('checkout', `${holder.path} has ${base}, with no merge, cherry-pick or rebase under way`, { branch: base, path: holder.path, operation: null });
}

function busy(base: string, path: string, operation: CheckoutOperation): DoctorCheck {
  const where = `git -C ${shellWord(path)}`;
  const consequence =
    operation === 'rebase'
      ? `${base} is being rebased in ${path}; phase merges into ${base} wait until the rebase ends (ending it would drop them)`
      : `${path} (which has ${base}) is in the middle of a ${operation}; git refuses to bring it up to a phase merge until it ends, so merges into ${base} wait`;
  return problem('checkout', 'warn', consequence, `End the ${operation}: \`${where} ${operation} --continue\` once the conflicts are resolved, or \`${where} ${operation} --abort\`.`, {
    branch: base,
    path,
    operation,
  });
}
