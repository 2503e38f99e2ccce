// Moving the base branch to a commit the runner made on top of its tip (a phase merge, a
// record): src/git/publish-branch.ts, with the repository and the base from the runner's
// context. The merge queue (src/integrate/) publishes the same way.
import { publishOnBranch, type BranchPublishOutcome } from '../git/publish-branch.js';
import type { Runner } from './context.js';

export type PublishOutcome = BranchPublishOutcome;

/** Publishes `commit`, whose first parent is `tip`, as the base branch. `what` names it in messages ("the merge"). */
export function publishOnBase(r: Runner, commit: string, tip: string, what: string, reflog: string): Promise<PublishOutcome> {
  return publishOnBranch(r.repo.root, r.config.base, commit, tip, what, reflog);
}
