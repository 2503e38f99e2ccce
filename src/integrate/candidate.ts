// The merge queue's first step: a task's commit merged in memory onto the base tip, as a merge
// commit nobody can see yet (a candidate), or the conflict that prevents it. No ref moves and
// no checkout is touched: the candidate is published (publishCandidate) only once its checks
// passed, and only if the base is still at the tip it was built on.
import { commitTree, type Identity } from '../git/commit.js';
import { mergeThatBrought, mergeTree } from '../git/merge.js';
import { branchTip, isAncestor, resolveCommit } from '../git/repo.js';
import { buildTaskMessage, type TaskTrailers } from '../git/task-trailers.js';
import type { ApprovalTrailers } from '../git/trailers.js';
import { conflictSides, type ConflictSide } from './conflict-sides.js';

export interface PrepareCandidateInput {
  /** A directory inside the repository. */
  readonly repo: string;
  /** The base branch, by name (`main`), as the config has it. */
  readonly base: string;
  /** The task's verified commit. */
  readonly taskCommit: string;
  /** The merge commit's subject, and its body lines (indented in the message, so none can be read as a trailer). */
  readonly subject: string;
  readonly body?: readonly string[];
  /**
   * The merge's trailers, or how to work them out from the merged tree (its Artifacts-Digest is
   * over the task's changed files as the merge has them, which the base may have changed too).
   */
  readonly trailers: TaskTrailers | ((mergedTree: string) => TaskTrailers | Promise<TaskTrailers>);
  /** An approved task's approval, added after the trailers. */
  readonly approval?: ApprovalTrailers;
  readonly identity: Identity;
  /** Sign the merge commit (commit.gpgsign; src/git/signing.ts). */
  readonly sign?: boolean;
}

export type PreparedCandidate =
  /** `commit`: the merge, parents [baseTip, taskCommit], on no ref; `tree`: its tree. */
  | { readonly kind: 'candidate'; readonly baseTip: string; readonly commit: string; readonly tree: string }
  /** The merge conflicts at `paths`; `sides` shows each (src/integrate/conflict-sides.ts). */
  | { readonly kind: 'conflict'; readonly baseTip: string; readonly paths: readonly string[]; readonly sides: readonly ConflictSide[] }
  /**
   * The task's commit is in the base already: published by a runner that died before it
   * recorded it, or merged by hand. `merge` is the merge that brought it in (the tip when none did).
   */
  | { readonly kind: 'already-merged'; readonly baseTip: string; readonly merge: string };

export async function prepareCandidate(input: PrepareCandidateInput): Promise<PreparedCandidate> {
  const { repo } = input;
  const baseTip = await branchTip(repo, input.base);
  const task = await resolveCommit(repo, input.taskCommit);
  if (task === undefined) throw new Error(`cannot prepare a merge candidate: ${input.taskCommit} is not a commit of this repository`);
  if (await isAncestor(repo, task, baseTip)) return { kind: 'already-merged', baseTip, merge: (await mergeThatBrought(repo, baseTip, task)) ?? baseTip };
  const merged = await mergeTree(repo, baseTip, task);
  if (!merged.clean) return { kind: 'conflict', baseTip, paths: merged.conflicts, sides: await conflictSides(repo, baseTip, task) };
  const trailers = typeof input.trailers === 'function' ? await input.trailers(merged.tree) : input.trailers;
  const message = buildTaskMessage(input.subject, input.body ?? [], trailers, input.approval);
  const commit = await commitTree(repo, merged.tree, [baseTip, task], message, input.identity, { sign: input.sign ?? false });
  return { kind: 'candidate', baseTip, commit, tree: merged.tree };
}
