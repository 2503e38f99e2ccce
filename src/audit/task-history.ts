// The execution workstream's commits, as the history stream meets them: task merges on the
// base's first-parent line, task commits brought in beside it, and trailered task commits
// sitting on the line itself (which phaserunner never makes). They are kept apart from
// planning's, so that planning's checks see exactly the history they saw before execution.
import { TASK_TRAILER_KEYS } from '../git/task-trailers.js';
import type { Finding } from './findings.js';
import { short } from './format.js';
import type { HistoryCommit } from './history.js';
import { isTaskCommit, readTaskClaims, type TaskClaims } from './task-claims.js';

/** Collected during one pass over the history. */
export class TaskCommits {
  /** Task merges on the first-parent line, newest first (as streamed). */
  readonly merges: HistoryCommit[] = [];
  /** Other task-trailered commits on the first-parent line. */
  readonly onLine: HistoryCommit[] = [];
  /** Task-trailered commits off the first-parent line, by id. */
  readonly side = new Map<string, HistoryCommit>();

  /** Keeps `c` when it is the execution workstream's; false for any other commit. */
  take(c: HistoryCommit): boolean {
    if (!isTaskCommit(c)) return false;
    if (c.firstParent && c.parents.length === 2) this.merges.push(c);
    else if (c.firstParent) this.onLine.push(c);
    else this.side.set(c.sha, c);
    return true;
  }

  /** Every commit kept: for ordering findings by age. */
  all(): HistoryCommit[] {
    return [...this.merges, ...this.onLine, ...this.side.values()];
  }
}

/** A task merge as read from history. */
export interface TaskMerge {
  readonly merge: HistoryCommit;
  readonly claims: TaskClaims;
  /** The second parent when it is a task commit. */
  readonly commit: HistoryCommit | undefined;
  readonly commitClaims: TaskClaims | undefined;
}

/**
 * The merge and its second parent's trailers, each problem reported once. The runner writes the
 * same values on both; only Artifacts-Digest may differ (the base may have changed the task's
 * files meanwhile) and only the merge carries an approval. `missing(p2)`: the second parent is
 * not a task commit; the caller says whether that is a finding or beyond a shallow clone's cut.
 */
export function readTaskMerge(merge: HistoryCommit, side: ReadonlyMap<string, HistoryCommit>, findings: Finding[], missing: (claims: TaskClaims) => void): TaskMerge {
  const claims = readTaskClaims(merge, 'task merge', findings);
  const commit = side.get(merge.parents[1] ?? '');
  if (commit === undefined) {
    missing(claims);
    return { merge, claims, commit, commitClaims: undefined };
  }
  const commitClaims = readTaskClaims(commit, 'task commit', findings);
  for (const key of TASK_TRAILER_KEYS) {
    if (key === 'Artifacts-Digest') continue;
    const a = claims.values.get(key);
    const b = commitClaims.values.get(key);
    if (a !== undefined && b !== undefined && a !== b) {
      const about = claims.task === undefined ? {} : { task: claims.task };
      findings.push({ code: 'merge-parent-mismatch', phase: null, ...about, commit: merge.sha, message: `task merge ${short(merge.sha)} has ${key}: ${a}, but its task commit ${short(commit.sha)} has ${key}: ${b}.` });
    }
  }
  return { merge, claims, commit, commitClaims };
}
