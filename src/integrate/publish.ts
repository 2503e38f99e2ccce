// The merge queue's last step: the base moves to exactly the candidate that was tested, and
// only from the tip the candidate was built on. If anything else landed meanwhile, the
// candidate is stale (its tree was never tested on top of that): the caller builds and tests a
// new one on the new tip.
import { gitOut } from '../git/exec.js';
import { publishOnBranch } from '../git/publish-branch.js';
import { branchTip } from '../git/repo.js';

export interface PublishCandidateInput {
  /** A directory inside the repository. */
  readonly repo: string;
  /** The base branch, by name (`main`). */
  readonly base: string;
  /** The tested candidate merge commit. */
  readonly candidate: string;
  /** The base tip it was built on (its first parent): the base moves only from there. */
  readonly expectedTip: string;
  /** The ref's reflog message. */
  readonly reflog?: string;
}

export type PublishResult =
  | { readonly kind: 'published' }
  /** The base is at `tip`, not the expected one: nothing moved. */
  | { readonly kind: 'base-moved'; readonly tip: string }
  /**
   * The base is checked out in a worktree (usually the user's) that git refused to bring up to
   * the candidate without overwriting the user's changes, or is being rebased: nothing moved;
   * `reason` says what the user has to do.
   */
  | { readonly kind: 'waiting'; readonly reason: string };

export async function publishCandidate(input: PublishCandidateInput): Promise<PublishResult> {
  const { repo, base, candidate, expectedTip } = input;
  // A candidate built on another tip would put an untested combination on the base.
  const parent = await gitOut(['rev-parse', '--verify', '--end-of-options', `${candidate}^1`], { cwd: repo });
  if (parent !== expectedTip) throw new Error(`cannot publish ${candidate}: its first parent is ${parent}, not the expected base tip ${expectedTip}`);
  // Checked first, not only by the compare-and-swap: a checkout that has the base is
  // fast-forwarded, which would also succeed from an older tip of the base.
  const before = await branchTip(repo, base);
  if (before !== expectedTip) return { kind: 'base-moved', tip: before };
  const published = await publishOnBranch(repo, base, candidate, expectedTip, 'the merge', input.reflog ?? `phaserunner: merge queue publishes ${candidate.slice(0, 12)}`);
  if (published.kind === 'published') return { kind: 'published' };
  if (published.kind === 'waiting') return published;
  return { kind: 'base-moved', tip: await branchTip(repo, base) };
}
